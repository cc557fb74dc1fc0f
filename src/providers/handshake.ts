/**
 * Handshakes: the requests with which a provider checks an endpoint before (or while) it
 * delivers, answered exactly as each provider documents and never recorded as webhooks. Pure: no
 * AWS clients; the ingest function loads the secrets a handshake needs and writes the one that
 * Asana's handshake establishes.
 *
 * Two stages, because some handshakes come before anything can be verified and others are
 * ordinary signed deliveries:
 * - `earlyHandshake`: GET challenges (Meta, X CRC, Dropbox, Okta) and the unsigned POST ones
 *   (Microsoft Graph `validationToken`, Asana `X-Hook-Secret`), before the body is checked;
 * - `verifiedHandshake`: signed POSTs recognised by their body (Slack `url_verification`, Zoom
 *   `endpoint.url_validation`, Discord PING), once the signature has been verified.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { GET_HANDSHAKES, type HandshakeKind } from './handshake-kinds';
import type { ProviderRuntimeConfig } from './provider-config';
import { sha256 } from './secret-keys';
import { verifySignature } from './verify';

export { GET_HANDSHAKES, type HandshakeKind };

/**
 * The value an Asana provider's secret holds until a handshake establishes the real one: only
 * then is a handshake's `X-Hook-Secret` stored (never over a live secret), and it never verifies
 * a delivery.
 */
export const ASANA_PENDING_SECRET = 'pending';

/** A request as the handshakes read it. */
export interface HandshakeRequest {
  readonly method: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Query parameters, decoded, every value of each (API Gateway's multiValueQueryStringParameters). */
  readonly query: Readonly<Record<string, readonly string[] | undefined>>;
  readonly nowSeconds: number;
}

/** Answer with `response`; `storeSecret` is the secret Asana's handshake establishes. */
export interface HandshakeAnswer {
  readonly kind: 'answer';
  readonly response: APIGatewayProxyResult;
  readonly storeSecret?: string;
}

/** Refuse with a JSON 4xx, like a bad signature. */
export interface HandshakeRefusal {
  readonly kind: 'refuse';
  readonly statusCode: number;
  readonly reason: string;
  readonly message: string;
}

export type HandshakeOutcome = HandshakeAnswer | HandshakeRefusal;

/** A handshake that can be answered once secrets are loaded. */
export interface PendingHandshake {
  readonly kind: 'pending';
  /** The provider's signing secrets, or its handshake secrets (Meta's verify token). */
  readonly needs: 'signing-secrets' | 'handshake-secrets';
  readonly complete: (secrets: readonly string[]) => HandshakeOutcome;
}

/** The provider's handshake: set explicitly, or implied by Slack's scheme. */
export function handshakeKindOf(config: ProviderRuntimeConfig): HandshakeKind | undefined {
  return config.handshake ?? (config.scheme === 'slack' ? 'slack' : undefined);
}

/** Whether any provider is checked with a GET challenge (the GET route exists only then). */
export function hasGetHandshake(configs: readonly ProviderRuntimeConfig[]): boolean {
  return configs.some((c) => GET_HANDSHAKES.includes(handshakeKindOf(c) as HandshakeKind));
}

/**
 * The handshakes answered before the body is read. Undefined: not a handshake (a GET that is
 * none is refused by the caller).
 */
export function earlyHandshake(config: ProviderRuntimeConfig, request: HandshakeRequest): HandshakeOutcome | PendingHandshake | undefined {
  const kind = handshakeKindOf(config);
  if (request.method === 'GET') {
    switch (kind) {
      case 'meta': return metaChallenge(request);
      case 'crc': return twitterCrc(request);
      case 'dropbox': return dropboxChallenge(request);
      case 'okta': return oktaVerification(config, request);
      default: return undefined;
    }
  }
  if (request.method !== 'POST') return undefined;
  if (kind === 'graph' && request.query.validationToken !== undefined) {
    return graphValidation(request);
  }
  if (kind === 'asana' && request.headers['x-hook-secret'] !== undefined) {
    return asanaHandshake(request.headers['x-hook-secret']);
  }
  return undefined;
}

/**
 * The handshakes that are signed deliveries, recognised by their parsed JSON body once the
 * signature is verified. `verifiedWith` lists the secrets, the one that verified first (Zoom
 * answers with an HMAC keyed with it).
 */
export function verifiedHandshake(config: ProviderRuntimeConfig, json: unknown, verifiedWith: readonly string[]): HandshakeOutcome | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const body = json as Record<string, unknown>;
  switch (handshakeKindOf(config)) {
    case 'slack': return body.type === 'url_verification' ? slackVerification(body) : undefined;
    case 'zoom': return body.event === 'endpoint.url_validation' ? zoomValidation(body, verifiedWith[0]) : undefined;
    case 'discord': return discordPing(body);
    case 'twitch': return twitchVerification(body);
    default: return undefined;
  }
}

/** The signing secrets that may verify deliveries: Asana's placeholder never does. */
export function signingSecrets(config: ProviderRuntimeConfig, secrets: readonly string[]): readonly string[] {
  return handshakeKindOf(config) === 'asana' ? secrets.filter((s) => s !== ASANA_PENDING_SECRET) : secrets;
}

/**
 * Whether a delivery's body is refused because a handshake could have produced its signature.
 * X signs deliveries with the same key and encoding as it expects CRC answers, so the CRC answer
 * is a signature of the token; tokens starting with `{` are refused, and so are deliveries that
 * do not (X's are JSON objects): no CRC answer can sign a delivery.
 */
export function forgeableByHandshake(config: ProviderRuntimeConfig, rawBody: Buffer): boolean {
  return handshakeKindOf(config) === 'crc' && rawBody[0] !== 0x7b;
}

// ---- GET challenges ----

/**
 * Meta: `GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`, answered with the
 * challenge as plain text when the verify token matches
 * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started).
 */
function metaChallenge(request: HandshakeRequest): HandshakeOutcome | PendingHandshake | undefined {
  const mode = single(request, 'hub.mode');
  const challenge = single(request, 'hub.challenge');
  const token = single(request, 'hub.verify_token');
  if (mode === undefined && challenge === undefined && token === undefined) return undefined;
  if (mode !== 'subscribe' || challenge === undefined || challenge === '' || token === undefined) {
    return refuse(400, 'malformed_handshake', 'A Meta verification request needs hub.mode=subscribe, hub.challenge and hub.verify_token, once each.');
  }
  return {
    kind: 'pending',
    needs: 'handshake-secrets',
    complete: (tokens) => tokens.some((t) => t !== '' && equalSecrets(t, token))
      ? answer(textResponse(challenge))
      : refuse(401, 'invalid_verify_token', 'The verify token does not match.'),
  };
}

/**
 * X (Twitter) CRC: `GET ?crc_token=…` → `{"response_token":"sha256=<base64 HMAC-SHA256(consumer
 * secret, crc_token)>"}` (https://docs.x.com/x-api/webhooks/introduction). X also signs the CRC
 * request over its raw query string, which the REST API proxy event does not carry ("the order of
 * the request parameters is not preserved",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html);
 * instead of verifying it, the answer is kept from ever signing a delivery (forgeableByHandshake).
 * Keyed with the first secret, the current one.
 */
function twitterCrc(request: HandshakeRequest): HandshakeOutcome | PendingHandshake | undefined {
  if (request.query.crc_token === undefined) return undefined;
  const token = single(request, 'crc_token');
  if (token === undefined || token === '' || token.startsWith('{')) {
    return refuse(400, 'malformed_handshake', 'A CRC request needs one crc_token, not starting with "{".');
  }
  return {
    kind: 'pending',
    needs: 'signing-secrets',
    complete: (secrets) => secrets.length === 0
      ? refuse(401, 'no_secret', 'No signing secret is configured for this provider.')
      : answer(jsonAnswer(200, { response_token: `sha256=${createHmac('sha256', secrets[0]).update(token).digest('base64')}` })),
  };
}

/**
 * Dropbox: `GET ?challenge=…` → the challenge as plain text with `X-Content-Type-Options:
 * nosniff` (https://www.dropbox.com/developers/reference/webhooks). Unsigned: it proves nothing
 * but that the URL answers.
 */
function dropboxChallenge(request: HandshakeRequest): HandshakeOutcome | undefined {
  if (request.query.challenge === undefined) return undefined;
  const challenge = single(request, 'challenge');
  if (challenge === undefined || challenge === '') {
    return refuse(400, 'malformed_handshake', 'A Dropbox verification request needs one challenge.');
  }
  return answer(textResponse(challenge));
}

/**
 * Okta event hooks: a one-time `GET` with `X-Okta-Verification-Challenge` and the configured
 * authorization header → `{"verification":"<challenge>"}`
 * (https://developer.okta.com/docs/concepts/event-hooks/).
 */
function oktaVerification(config: ProviderRuntimeConfig, request: HandshakeRequest): PendingHandshake | HandshakeOutcome | undefined {
  const challenge = request.headers['x-okta-verification-challenge'];
  if (challenge === undefined) return undefined;
  if (challenge === '') return refuse(400, 'malformed_handshake', 'The X-Okta-Verification-Challenge header is empty.');
  return {
    kind: 'pending',
    needs: 'signing-secrets',
    complete: (secrets) => {
      const verification = verifySignature(config, secrets, request.headers, Buffer.alloc(0), request.nowSeconds);
      return verification.valid
        ? answer(jsonAnswer(200, { verification: challenge }))
        : refuse(401, verification.reason, 'The authorization header does not match.');
    },
  };
}

// ---- unsigned POST handshakes ----

/**
 * Microsoft Graph: `POST ?validationToken=…` → 200 `text/plain` with the decoded token, within
 * 10 seconds (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks). API
 * Gateway decodes query parameters; plain text and `nosniff`, so it is never rendered.
 */
function graphValidation(request: HandshakeRequest): HandshakeOutcome {
  const token = single(request, 'validationToken');
  if (token === undefined || token === '') {
    return refuse(400, 'malformed_handshake', 'A Microsoft Graph validation request needs one validationToken.');
  }
  return answer(textResponse(token));
}

/**
 * Asana: the handshake carries the webhook's secret in `X-Hook-Secret`, to be echoed in the same
 * header (https://developers.asana.com/docs/webhooks-guide). The secret is per webhook and sent
 * only here, so it is stored, but only while the provider's secret holds `pending`: an
 * unauthenticated request never replaces a live secret. The same secret again (Asana retrying)
 * is answered without storing.
 */
function asanaHandshake(hookSecret: string): HandshakeOutcome | PendingHandshake {
  if (hookSecret === '' || hookSecret === ASANA_PENDING_SECRET) {
    return refuse(400, 'malformed_handshake', 'The X-Hook-Secret header is empty.');
  }
  const echo: APIGatewayProxyResult = { statusCode: 200, headers: { 'x-hook-secret': hookSecret, 'cache-control': 'no-store' }, body: '' };
  return {
    kind: 'pending',
    needs: 'signing-secrets',
    complete: (secrets) => {
      if (secrets.some((s) => equalSecrets(s, hookSecret))) return answer(echo);
      if (secrets.includes(ASANA_PENDING_SECRET)) return { kind: 'answer', response: echo, storeSecret: hookSecret };
      return refuse(401, 'handshake_refused', `The provider's secret is already set; set it to '${ASANA_PENDING_SECRET}' to establish a new webhook.`);
    },
  };
}

// ---- signed POST handshakes ----

/** Slack: `{"type":"url_verification","challenge":…}` → `{"challenge":…}` (https://api.slack.com/events/url_verification). */
function slackVerification(body: Record<string, unknown>): HandshakeOutcome {
  const challenge = body.challenge;
  if (typeof challenge !== 'string') {
    return refuse(400, 'malformed_url_verification', "A Slack url_verification request needs a string 'challenge'.");
  }
  return answer(jsonAnswer(200, { challenge }));
}

/**
 * Zoom: `{"event":"endpoint.url_validation","payload":{"plainToken":…}}` →
 * `{"plainToken":…,"encryptedToken":<hex HMAC-SHA256(secret token, plainToken)>}`
 * (https://developers.zoom.us/docs/api/webhooks/#validate-your-webhook-endpoint).
 */
function zoomValidation(body: Record<string, unknown>, secret: string | undefined): HandshakeOutcome {
  const payload = body.payload;
  const plainToken = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).plainToken : undefined;
  if (typeof plainToken !== 'string' || plainToken === '' || secret === undefined) {
    return refuse(400, 'malformed_handshake', "A Zoom endpoint.url_validation request needs a string 'payload.plainToken'.");
  }
  return answer(jsonAnswer(200, { plainToken, encryptedToken: createHmac('sha256', secret).update(plainToken).digest('hex') }));
}

/**
 * Discord: an interaction PING (`type` 1, no `event`) → `{"type":1}`; a webhook-event PING
 * (`type` 0) → 204 without a body
 * (https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint,
 * https://docs.discord.com/developers/events/webhook-events). Webhook events of `type` 1 carry
 * an `event` and are deliveries.
 */
function discordPing(body: Record<string, unknown>): HandshakeOutcome | undefined {
  if (body.type === 1 && body.event === undefined) return answer(jsonAnswer(200, { type: 1 }));
  if (body.type === 0) return answer({ statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' });
  return undefined;
}

/**
 * Twitch EventSub: the first message after subscribing is a signed `webhook_callback_verification`
 * (`Twitch-Eventsub-Message-Type`), whose body carries `challenge` and a subscription with status
 * `webhook_callback_verification_pending`; the handler answers 200 with the raw challenge as
 * plain text, or the subscription is not enabled
 * (https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#responding-to-a-challenge-request).
 */
function twitchVerification(body: Record<string, unknown>): HandshakeOutcome | undefined {
  const subscription = body.subscription;
  const pending = typeof subscription === 'object' && subscription !== null
    && (subscription as Record<string, unknown>).status === 'webhook_callback_verification_pending';
  if (!pending) return undefined;
  if (typeof body.challenge !== 'string' || body.challenge === '') {
    return refuse(400, 'malformed_handshake', "A Twitch webhook_callback_verification message needs a string 'challenge'.");
  }
  return answer(textResponse(body.challenge));
}

// ---- helpers ----

/** A parameter given exactly once; undefined when absent or repeated (ambiguous). */
function single(request: HandshakeRequest, name: string): string | undefined {
  const values = request.query[name];
  return values !== undefined && values.length === 1 ? values[0] : undefined;
}

/** Constant-time equality of two secrets of any lengths (compared as digests). */
function equalSecrets(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function answer(response: APIGatewayProxyResult): HandshakeAnswer {
  return { kind: 'answer', response };
}

function refuse(statusCode: number, reason: string, message: string): HandshakeRefusal {
  return { kind: 'refuse', statusCode, reason, message };
}

function textResponse(text: string): APIGatewayProxyResult {
  return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }, body: text };
}

function jsonAnswer(statusCode: number, body: object): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }, body: JSON.stringify(body) };
}
