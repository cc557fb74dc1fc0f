/**
 * The SQS message the ingest function sends and the processor consumes. Pure: no AWS clients.
 */
import { createHash } from 'node:crypto';
import type { Headers } from './http';
import { integrationMessageInput, isIntegrationMessage } from './integration-message';

export const MESSAGE_VERSION = 1;

/**
 * The largest message SQS accepts, which the construct sets on its queues explicitly
 * (`MaximumMessageSize`): "The maximum size is 1 MiB or 1,048,576 bytes" (SendMessage's
 * MessageBody, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
 */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * The largest message body sent inline; bigger deliveries are stored in the archive bucket first
 * (`oversize/`) and the message carries a reference (claim check). Chosen from the costs
 * (`npx projen bench:cost` prints the calculation; README "Why messages go inline up to 1 MiB"):
 * SQS bills each 64 KiB chunk of a message as one request on the send and on the receive ($0.40
 * per million each), so a 1 MiB message costs 32 chunks, $12.80 per million; a claim check costs
 * an S3 PUT and GET ($5.40 per million) plus the body's storage under `oversize/` until its
 * lifecycle rule expires it (57 days), about $31 per million for the 760 KiB body of a 1 MiB
 * message. Inline is cheaper at every size SQS accepts, so the threshold is SQS's limit, less the
 * 16 KiB of headroom the previous 256 KiB limit kept too.
 */
export const MAX_INLINE_MESSAGE_BYTES = SQS_MAX_MESSAGE_BYTES - 16 * 1024;

/**
 * The largest delivery accepted (4 MiB). API Gateway hands the body to Lambda base64-encoded
 * inside the proxy event, and a synchronous invocation carries at most 6 MB: "For synchronous
 * invocations, the maximum payload size is 6 MB"
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). 4 MiB is 5,592,408 bytes of
 * base64, which leaves room for the event's headers (API Gateway allows 10 KiB of them, and the
 * event lists them twice) and request context.
 */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Headers whose values are credentials: never queued, archived or logged. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);
export const REDACTED = '[redacted]';

export interface WebhookMessage {
  readonly v: number;
  readonly id: string;
  readonly provider: string;
  /** ISO-8601 time the ingest function received the delivery. */
  readonly receivedAt: string;
  readonly eventType?: string;
  readonly headers: Headers;
  /** The raw body bytes, base64; absent when `bodyRef` is set. */
  readonly body?: string;
  /** S3 key (archive bucket) holding the raw body bytes, for deliveries too large to inline. */
  readonly bodyRef?: string;
  /** Hex SHA-256 of the raw body bytes. */
  readonly bodySha256: string;
  readonly bodyBytes: number;
  /** The provider's replay window: the same bytes under another id within it are a replay. */
  readonly replayWindowSeconds?: number;
}

export interface NewMessageInput {
  readonly id: string;
  readonly provider: string;
  readonly receivedAt: Date;
  readonly eventType?: string;
  readonly headers: Headers;
  readonly rawBody: Buffer;
  /** Extra header names (lower-case) holding credentials for this provider. */
  readonly credentialHeaders?: readonly string[];
  readonly replayWindowSeconds?: number;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function redactHeaders(headers: Headers, extra: readonly string[] = []): Headers {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    result[name] = CREDENTIAL_HEADERS.has(name) || extra.includes(name) ? REDACTED : value;
  }
  return result;
}

export function newMessage(input: NewMessageInput): WebhookMessage {
  return {
    v: MESSAGE_VERSION,
    id: input.id,
    provider: input.provider,
    receivedAt: input.receivedAt.toISOString(),
    ...(input.eventType !== undefined ? { eventType: input.eventType } : {}),
    headers: redactHeaders(input.headers, input.credentialHeaders),
    body: input.rawBody.toString('base64'),
    bodySha256: sha256Hex(input.rawBody),
    bodyBytes: input.rawBody.length,
    ...(input.replayWindowSeconds !== undefined ? { replayWindowSeconds: input.replayWindowSeconds } : {}),
  };
}

/** The same message with its body replaced by a reference to where the bytes were stored. */
export function withBodyRef(message: WebhookMessage, key: string): WebhookMessage {
  const { body: _body, ...rest } = message;
  return { ...rest, bodyRef: key };
}

/**
 * S3 key for a delivery too large to inline. The digest is part of the key, so two different
 * bodies sent under one delivery id never overwrite each other.
 */
export function oversizeBodyKey(prefix: string, message: Pick<WebhookMessage, 'id' | 'receivedAt' | 'bodySha256'>): string {
  return `${prefix}${message.receivedAt.slice(0, 10)}/${encodeURIComponent(message.id)}/${message.bodySha256}`;
}

export function encodeMessage(message: WebhookMessage): string {
  return JSON.stringify(message);
}

/** Parses and validates a message; throws with a reason when it is not one. */
export function decodeMessage(text: string): WebhookMessage {
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed)) throw new Error('message is not a JSON object');
  // API Gateway's own message for an IAM-signed sender, completed as the ingest would have built it.
  const value: Record<string, unknown> = isIntegrationMessage(parsed) ? { ...newMessage(integrationMessageInput(parsed)) } : parsed;
  if (value.v !== MESSAGE_VERSION) throw new Error(`unsupported message version ${String(value.v)}`);
  for (const field of ['id', 'provider', 'receivedAt', 'bodySha256'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') throw new Error(`message field '${field}' is missing`);
  }
  if (typeof value.bodyBytes !== 'number') throw new Error("message field 'bodyBytes' is missing");
  if (!isRecord(value.headers)) throw new Error("message field 'headers' is missing");
  const window = value.replayWindowSeconds;
  if (window !== undefined && !(Number.isInteger(window) && (window as number) > 0)) {
    throw new Error("message field 'replayWindowSeconds' is not a positive whole number");
  }
  if (typeof value.body !== 'string' && typeof value.bodyRef !== 'string') {
    throw new Error("message has neither 'body' nor 'bodyRef'");
  }
  return value as unknown as WebhookMessage;
}

/** The raw body bytes of an inline message, checked against the recorded digest. */
export function inlineBody(message: WebhookMessage): Buffer {
  if (message.body === undefined) throw new Error(`message ${message.id} has no inline body`);
  return checkedBody(message, Buffer.from(message.body, 'base64'));
}

export function checkedBody(message: WebhookMessage, bytes: Buffer): Buffer {
  if (bytes.length !== message.bodyBytes || sha256Hex(bytes) !== message.bodySha256) {
    throw new Error(`body of message ${message.id} does not match its digest`);
  }
  return bytes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
