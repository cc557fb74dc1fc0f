/**
 * The queue message API Gateway itself sends for an IAM-signed sender (no function in the path,
 * see src/ingress/sqs-message-template.ts), completed into the message the ingest function sends.
 * A mapping template cannot hash, lower-case reliably or escape JSON, so API Gateway sends every
 * value a sender chooses base64-encoded, plus the names of the headers to read, and the
 * consumer finishes the message here with the same functions the ingest uses: one id rule, one
 * header rule, one redaction rule, so both paths record a delivery identically. Pure: no AWS clients.
 */
import type { Headers } from './http';
import { webhookId } from './ids';
import type { NewMessageInput } from './message';

/** The `via` marker of a message API Gateway built. */
export const INTEGRATION_MESSAGE_VIA = 'apigateway-sqs';

/** Headers holding AWS credentials of a SigV4-signed request: never queued, archived or logged. */
export const SIGV4_CREDENTIAL_HEADERS: readonly string[] = ['x-amz-security-token'];

/** Whether a parsed queue message is one API Gateway built (and so needs completing). */
export function isIntegrationMessage(value: Record<string, unknown>): boolean {
  return value.via === INTEGRATION_MESSAGE_VIA;
}

/**
 * The ingest's message input for a message API Gateway built; throws with a reason when it is
 * malformed (the processor then treats it as any malformed message).
 */
export function integrationMessageInput(value: Record<string, unknown>): NewMessageInput {
  const provider = requiredString(value, 'provider');
  const requestId = requiredString(value, 'requestId');
  const epochMs = value.requestTimeEpoch;
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs)) throw new Error("message field 'requestTimeEpoch' is missing");
  if (typeof value.body !== 'string') throw new Error("message field 'body' is missing");
  if (!Array.isArray(value.headers)) throw new Error("message field 'headers' is missing");
  const headers = headersOf(value.headers);
  const idHeader = typeof value.idHeader === 'string' ? value.idHeader : undefined;
  const typeHeader = typeof value.typeHeader === 'string' ? value.typeHeader : undefined;
  const deliveryId = idHeader !== undefined ? headers[idHeader] : undefined;
  const eventType = typeHeader !== undefined ? headers[typeHeader] : undefined;
  return {
    // The sender's delivery id when it sends one, so its retries map to one record; else the API request's id.
    id: webhookId(provider, deliveryId !== undefined && deliveryId !== '' ? deliveryId : requestId),
    provider,
    receivedAt: new Date(epochMs),
    ...(eventType !== undefined && eventType !== '' ? { eventType } : {}),
    headers,
    rawBody: Buffer.from(value.body, 'base64'),
    credentialHeaders: SIGV4_CREDENTIAL_HEADERS,
  };
}

/**
 * `[[base64 name, base64 value], …]` as the ingest normalises headers (runtime/http.ts):
 * lower-case names, repeated names joined with ', '.
 */
function headersOf(pairs: unknown[]): Headers {
  const result: Record<string, string> = Object.create(null);
  for (const pair of pairs) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string') throw new Error("message field 'headers' is malformed");
    const name = Buffer.from(pair[0], 'base64').toString('utf8').toLowerCase();
    const value = typeof pair[1] === 'string' ? Buffer.from(pair[1], 'base64').toString('utf8') : '';
    result[name] = Object.hasOwn(result, name) ? `${result[name]}, ${value}` : value;
  }
  return result;
}

function requiredString(value: Record<string, unknown>, field: string): string {
  const text = value[field];
  if (typeof text !== 'string' || text === '') throw new Error(`message field '${field}' is missing`);
  return text;
}
