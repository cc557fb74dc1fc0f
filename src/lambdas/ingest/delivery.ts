/**
 * Decides what to do with one delivery: reject it with a JSON 4xx, answer it directly, or
 * enqueue a message. Pure: no AWS clients, so every branch is unit-tested without mocks.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { extractField, idFromBodyOnly } from '../../providers/fields';
import {
  GET_HANDSHAKES, earlyHandshake, forgeableByHandshake, handshakeKindOf, signingSecrets, verifiedHandshake,
  type HandshakeKind, type HandshakeOutcome, type PendingHandshake,
} from '../../providers/handshake';
import type { ProviderRuntimeConfig } from '../../providers/provider-config';
import { verificationReadsBody, verifySignature, type RejectionReason } from '../../providers/verify';
import { requestOf, type FrontDoorEvent, type FrontDoorRequest } from '../../runtime/front-door-request';
import { errorResponse, isJsonContentType, parseJsonBody, type JsonBody, type ParsedJsonBody } from '../../runtime/http';
import { webhookId } from '../../runtime/ids';
import { newMessage, type WebhookMessage } from '../../runtime/message';
import { messageGroupId, orderingKeyOf, type OrderingKeyLocations } from '../../runtime/ordering';

/** A delivery that must not be enqueued, answered with `response`. */
export interface Rejected {
  readonly kind: 'rejected';
  readonly response: APIGatewayProxyResult;
  /** Metric name to count, e.g. a signature rejection reason. */
  readonly reason: string;
}

/** A handshake answered without enqueueing (handshake.ts). */
export interface Answered {
  readonly kind: 'answered';
  readonly response: APIGatewayProxyResult;
  /** Which handshake. */
  readonly handshake: HandshakeKind;
  /** A secret the handshake establishes, to be stored in the provider's (one) secret before answering. */
  readonly storeSecret?: string;
}

export interface Accepted {
  readonly kind: 'accepted';
  readonly message: WebhookMessage;
  /** With ordering (a FIFO queue): the message group (runtime/ordering.ts). */
  readonly messageGroupId?: string;
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
  /** Loads the secrets a handshake checks besides the signing secrets (Meta's verify token). */
  readonly handshakeSecretsOf: (provider: ProviderRuntimeConfig) => Promise<readonly string[]>;
  readonly now: () => Date;
  readonly maxBodyBytes: number;
  /** With ordering (a FIFO queue): each provider's ordering key locations, by name. */
  readonly orderingKeys?: ReadonlyMap<string, OrderingKeyLocations>;
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

/** The route of deliveries and GET handshakes, on every front door. */
export const INGEST_ROUTE = '/webhook/{provider}';

/** The decision for a front door's event (REST API, HTTP API or function URL). */
export async function decide(event: FrontDoorEvent, context: DeliveryContext): Promise<Decision> {
  return decideRequest(requestOf(event, INGEST_ROUTE), context);
}

export async function decideRequest(request: FrontDoorRequest, context: DeliveryContext): Promise<Decision> {
  const method = request.method;
  if (method !== 'POST' && method !== 'GET') {
    return reject(405, 'method_not_allowed', 'Webhooks are delivered with POST.');
  }
  const name = request.pathParameters.provider ?? '';
  const provider = context.providers.get(name);
  if (provider === undefined) {
    return reject(404, 'unknown_provider', 'No webhook provider is configured under this path.');
  }
  const headers = request.headers;
  const receivedAt = context.now();
  const nowSeconds = Math.floor(receivedAt.getTime() / 1000);
  const early = earlyHandshake(provider, { method, headers, query: request.query, nowSeconds });
  if (early !== undefined) {
    return completeHandshake(provider, early, context);
  }
  if (method === 'GET') {
    return !GET_HANDSHAKES.includes(handshakeKindOf(provider) as HandshakeKind)
      ? reject(405, 'method_not_allowed', 'Webhooks are delivered with POST; this provider sends no GET handshake.')
      : reject(400, 'not_a_handshake', "This GET request is not the provider's handshake (its parameters are missing).");
  }
  const rawBody = request.body;
  if (rawBody === undefined) {
    return reject(400, 'invalid_body_encoding', 'The request body is not valid base64.');
  }
  if (rawBody.length === 0) {
    return reject(400, 'empty_body', 'The request body is empty.');
  }
  if (rawBody.length > context.maxBodyBytes) {
    return reject(413, 'body_too_large', `The request body is larger than ${context.maxBodyBytes} bytes.`);
  }

  let secrets: readonly string[] = [];
  if (provider.scheme !== 'unverified') {
    try {
      secrets = signingSecrets(provider, await context.secretsOf(provider));
    } catch (error) {
      return unavailable(error);
    }
  }
  // The body is parsed once per delivery: where the signature is in it (Mailgun), verification
  // reads the same parse as the delivery id, type and ordering key below.
  const parsedBody = verificationReadsBody(provider) ? parseJsonBody(rawBody) : undefined;
  const verification = verifySignature(provider, secrets, headers, rawBody, nowSeconds, parsedBody);
  if (!verification.valid) {
    return reject(401, verification.reason, SIGNATURE_MESSAGES[verification.reason]);
  }
  if (forgeableByHandshake(provider, rawBody)) {
    return reject(400, 'not_json_object', 'The request body is not a JSON object.');
  }

  const orderingKey = context.orderingKeys?.get(provider.name);
  const json = jsonOf(headers['content-type'], rawBody, provider, orderingKey?.some((l) => l.jsonPath !== undefined) ?? false, parsedBody);
  if (json === MALFORMED) {
    return reject(400, 'malformed_json', 'The request body is not valid JSON.');
  }
  // Zoom answers with an HMAC keyed with the secret that verified the request.
  const verifiedWith = handshakeKindOf(provider) === 'zoom'
    ? secrets.filter((s) => verifySignature(provider, [s], headers, rawBody, nowSeconds, parsedBody).valid)
    : secrets;
  const handshake = verifiedHandshake(provider, json?.value, verifiedWith);
  if (handshake !== undefined) {
    return decided(provider, handshake);
  }

  const deliveryId = extractField(provider.eventId, headers, json);
  // A delivery id read from the body alone makes the same bytes the same id: the record's own
  // conditional write proves them new or a repeat, so no replay guard is written (one write unit
  // less per webhook; see runtime/dedup.ts). An id from a header, or none, keeps the guard.
  const replayWindowSeconds = deliveryId !== undefined && deliveryId !== '' && idFromBodyOnly(provider.eventId) ? undefined : provider.replayWindowSeconds;
  const message = newMessage({
    id: webhookId(provider.name, deliveryId),
    provider: provider.name,
    receivedAt,
    eventType: extractField(provider.eventType, headers, json),
    headers,
    rawBody,
    credentialHeaders: credentialHeaders(provider),
    replayWindowSeconds,
  });
  if (context.orderingKeys === undefined) {
    return { kind: 'accepted', message };
  }
  // Read from the queued (redacted) headers: a credential never becomes a group id.
  const key = orderingKey === undefined ? undefined : orderingKeyOf(orderingKey, message.headers, json);
  return { kind: 'accepted', message, messageGroupId: messageGroupId(provider.name, key) };
}

/** Headers that carry a credential, never queued, archived or logged. */
function credentialHeaders(provider: ProviderRuntimeConfig): string[] {
  if (provider.scheme === 'basic-auth') return ['authorization'];
  return provider.scheme === 'api-key' && provider.apiKeyHeader ? [provider.apiKeyHeader] : [];
}

const MALFORMED = Symbol('malformed');

/**
 * The parsed body when it is (or must be) JSON. A body declared as JSON must parse; a body
 * without a JSON content type is parsed only when the provider reads ids, types or its ordering
 * key from it (and, when it does not parse, has none of them). `parsed` is the body's parse for
 * the signature, if there was one.
 */
function jsonOf(
  contentType: string | undefined, rawBody: Buffer, provider: ProviderRuntimeConfig, orderingNeedsJson: boolean, parsed: ParsedJsonBody | undefined,
): JsonBody | undefined | typeof MALFORMED {
  const declared = isJsonContentType(contentType);
  const needed = provider.eventId?.jsonPath !== undefined || provider.eventType?.jsonPath !== undefined || orderingNeedsJson;
  if (!declared && !needed) {
    return undefined;
  }
  const body = parsed ?? parseJsonBody(rawBody);
  if (body.ok) {
    return body.body;
  }
  return declared ? MALFORMED : undefined;
}

/** A handshake answered once the secrets it needs are loaded (503 when they cannot be). */
async function completeHandshake(
  provider: ProviderRuntimeConfig,
  handshake: HandshakeOutcome | PendingHandshake,
  context: DeliveryContext,
): Promise<Decision> {
  if (handshake.kind !== 'pending') {
    return decided(provider, handshake);
  }
  let secrets: readonly string[];
  try {
    secrets = handshake.needs === 'handshake-secrets' ? await context.handshakeSecretsOf(provider) : await context.secretsOf(provider);
  } catch (error) {
    return unavailable(error);
  }
  return decided(provider, handshake.complete(secrets));
}

function decided(provider: ProviderRuntimeConfig, outcome: HandshakeOutcome): Answered | Rejected {
  if (outcome.kind === 'refuse') {
    return reject(outcome.statusCode, outcome.reason, outcome.message);
  }
  return {
    kind: 'answered',
    response: outcome.response,
    handshake: handshakeKindOf(provider) as HandshakeKind,
    ...(outcome.storeSecret !== undefined ? { storeSecret: outcome.storeSecret } : {}),
  };
}

function unavailable(error: unknown): Unavailable {
  return { kind: 'unavailable', error, response: errorResponse(503, 'secrets_unavailable', 'The webhook could not be verified now; retry later.') };
}
