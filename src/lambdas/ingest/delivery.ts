/**
 * Decides what to do with one delivery: reject it with a JSON 4xx, answer it directly, or
 * enqueue a message. Pure: no AWS clients, so every branch is unit-tested without mocks.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { extractField } from '../../providers/fields';
import type { ProviderRuntimeConfig } from '../../providers/provider-config';
import { verifySignature, type RejectionReason } from '../../providers/verify';
import { errorResponse, isJsonContentType, jsonResponse, normalizeHeaders, parseJsonBody, rawBodyOf, type JsonBody } from '../../runtime/http';
import { webhookId } from '../../runtime/ids';
import { newMessage, type WebhookMessage } from '../../runtime/message';

/** A delivery that must not be enqueued, answered with `response`. */
export interface Rejected {
  readonly kind: 'rejected';
  readonly response: APIGatewayProxyResult;
  /** Metric name to count, e.g. a signature rejection reason. */
  readonly reason: string;
}

/** A delivery answered without enqueueing (e.g. Slack's URL verification handshake). */
export interface Answered {
  readonly kind: 'answered';
  readonly response: APIGatewayProxyResult;
}

export interface Accepted {
  readonly kind: 'accepted';
  readonly message: WebhookMessage;
}

/** The provider's signing secrets could not be loaded: a 503, so the provider retries. */
export interface Unavailable {
  readonly kind: 'unavailable';
  readonly response: APIGatewayProxyResult;
  readonly error: unknown;
}

export type Decision = Rejected | Answered | Accepted | Unavailable;

export interface DeliveryContext {
  readonly providers: ReadonlyMap<string, ProviderRuntimeConfig>;
  /** Loads the live secrets of a provider (cached by the caller). */
  readonly secretsOf: (provider: ProviderRuntimeConfig) => Promise<readonly string[]>;
  readonly now: () => Date;
  readonly maxBodyBytes: number;
}

export function reject(statusCode: number, reason: string, message: string): Rejected {
  return { kind: 'rejected', reason, response: errorResponse(statusCode, reason, message) };
}

const SIGNATURE_MESSAGES: Readonly<Record<RejectionReason, string>> = {
  missing_signature: 'The signature header is missing.',
  malformed_signature: 'The signature header is malformed.',
  missing_timestamp: 'The signature timestamp is missing.',
  stale_timestamp: 'The signature timestamp is too old.',
  future_timestamp: 'The signature timestamp is in the future.',
  invalid_signature: 'The signature does not match.',
  no_secret: 'No signing secret is configured for this provider.',
};

export async function decide(event: APIGatewayProxyEvent, context: DeliveryContext): Promise<Decision> {
  if (event.httpMethod !== 'POST') {
    return reject(405, 'method_not_allowed', 'Webhooks are delivered with POST.');
  }
  const name = event.pathParameters?.provider ?? '';
  const provider = context.providers.get(name);
  if (provider === undefined) {
    return reject(404, 'unknown_provider', 'No webhook provider is configured under this path.');
  }
  const rawBody = rawBodyOf(event);
  if (rawBody === undefined) {
    return reject(400, 'invalid_body_encoding', 'The request body is not valid base64.');
  }
  if (rawBody.length === 0) {
    return reject(400, 'empty_body', 'The request body is empty.');
  }
  if (rawBody.length > context.maxBodyBytes) {
    return reject(413, 'body_too_large', `The request body is larger than ${context.maxBodyBytes} bytes.`);
  }
  const headers = normalizeHeaders(event);
  const receivedAt = context.now();

  let secrets: readonly string[] = [];
  if (provider.scheme !== 'unverified') {
    try {
      secrets = await context.secretsOf(provider);
    } catch (error) {
      return { kind: 'unavailable', error, response: errorResponse(503, 'secrets_unavailable', 'The webhook could not be verified now; retry later.') };
    }
  }
  const verification = verifySignature(provider, secrets, headers, rawBody, Math.floor(receivedAt.getTime() / 1000));
  if (!verification.valid) {
    return reject(401, verification.reason, SIGNATURE_MESSAGES[verification.reason]);
  }

  const json = jsonOf(headers['content-type'], rawBody, provider);
  if (json === MALFORMED) {
    return reject(400, 'malformed_json', 'The request body is not valid JSON.');
  }
  const handshake = provider.scheme === 'slack' ? slackHandshake(json?.value) : undefined;
  if (handshake !== undefined) {
    return handshake;
  }

  const message = newMessage({
    id: webhookId(provider.name, extractField(provider.eventId, headers, json)),
    provider: provider.name,
    receivedAt,
    eventType: extractField(provider.eventType, headers, json),
    headers,
    rawBody,
    credentialHeaders: credentialHeaders(provider),
    replayWindowSeconds: provider.replayWindowSeconds,
  });
  return { kind: 'accepted', message };
}

/** Headers that carry a credential, never queued, archived or logged. */
function credentialHeaders(provider: ProviderRuntimeConfig): string[] {
  if (provider.scheme === 'basic-auth') return ['authorization'];
  return provider.scheme === 'api-key' && provider.apiKeyHeader ? [provider.apiKeyHeader] : [];
}

const MALFORMED = Symbol('malformed');

/**
 * The parsed body when it is (or must be) JSON. A body declared as JSON must parse; a body
 * without a JSON content type is parsed only when the provider reads ids or types from it.
 */
function jsonOf(contentType: string | undefined, rawBody: Buffer, provider: ProviderRuntimeConfig): JsonBody | undefined | typeof MALFORMED {
  const declared = isJsonContentType(contentType);
  const needed = provider.eventId?.jsonPath !== undefined || provider.eventType?.jsonPath !== undefined;
  if (!declared && !needed) {
    return undefined;
  }
  const parsed = parseJsonBody(rawBody);
  if (parsed.ok) {
    return parsed.body;
  }
  return declared ? MALFORMED : undefined;
}

/**
 * Slack's URL verification handshake, answered with its challenge. It is never an event to
 * store: without a string challenge it is refused.
 */
function slackHandshake(json: unknown): Answered | Rejected | undefined {
  if (typeof json !== 'object' || json === null || (json as Record<string, unknown>).type !== 'url_verification') {
    return undefined;
  }
  const challenge = (json as Record<string, unknown>).challenge;
  if (typeof challenge !== 'string') {
    return reject(400, 'malformed_url_verification', "A Slack url_verification request needs a string 'challenge'.");
  }
  return { kind: 'answered', response: jsonResponse(200, { challenge }) };
}
