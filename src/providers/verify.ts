/**
 * Webhook signature verification for every supported scheme. Pure: no AWS SDK, no I/O; the only
 * state is small bounded caches of keys derived from secrets.
 *
 * Every scheme signs `prefix + rawBody`, so the body bytes go to the HMAC as received, never
 * re-encoded. Signatures are compared encoded (hex or base64, as the providers' libraries do):
 * exact, unlike Node's lenient decoders, and cheaper, since an encoded digest lands in Node's
 * pooled buffers while a raw `digest()` allocates a fresh one.
 *
 * Over 400 lines: one dispatch over every fixed scheme with its parsing of the provider's
 * header format; the generic engine is already in signed-content.ts and the key handling in
 * secret-keys.ts. Splitting further is the next step when a scheme is added here (TODO, issue 13).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { verifyClientState } from './client-state';
import type { HmacAlgorithm, HmacSchemeConfig, ProviderRuntimeConfig, SignatureEncoding } from './provider-config';
import { apiKeyDigest, decodedKey, isStandardWebhooksSecret, sha256, standardWebhooksKey, utf8Key } from './secret-keys';
import { verifyHmacContent, verifyPublicKeyContent, type SignedRequest } from './signed-content';

export type RejectionReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'missing_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'invalid_signature'
  | 'no_secret';

export type VerificationResult = { readonly valid: true } | { readonly valid: false; readonly reason: RejectionReason };

type Headers = Readonly<Record<string, string | undefined>>;

const VALID: VerificationResult = Object.freeze({ valid: true });

/** One frozen result per reason, so a rejection allocates nothing. */
const REJECTED: Readonly<Record<RejectionReason, VerificationResult>> = Object.freeze({
  missing_signature: rejection('missing_signature'),
  malformed_signature: rejection('malformed_signature'),
  missing_timestamp: rejection('missing_timestamp'),
  stale_timestamp: rejection('stale_timestamp'),
  future_timestamp: rejection('future_timestamp'),
  invalid_signature: rejection('invalid_signature'),
  no_secret: rejection('no_secret'),
});

function rejection(reason: RejectionReason): VerificationResult {
  return Object.freeze({ valid: false, reason });
}

/**
 * Verifies one delivery. A delivery is valid when ANY of `secrets` verifies it (several live
 * secrets during a rotation). Never throws.
 *
 * @param headers keys already lower-cased, one string value each.
 * @param rawBody the exact bytes received.
 * @param nowSeconds the receive time, in unix seconds, for the timestamp tolerance.
 */
export function verifySignature(
  config: ProviderRuntimeConfig,
  secrets: readonly string[],
  headers: Headers,
  rawBody: Buffer,
  nowSeconds: number,
): VerificationResult {
  try {
    if (config.scheme === 'unverified') {
      return VALID;
    }
    // A public key configured inline is not a secret: nothing needs to be loaded.
    if (config.scheme === 'public-key' && isNonEmptyString(config.publicKey?.publicKey)) {
      return verifyPublicKey(config, [config.publicKey.publicKey], headers, rawBody, nowSeconds);
    }
    // An empty secret would make every signature forgeable, so it does not count as configured.
    if (!secrets.some(isNonEmptyString)) {
      return REJECTED.no_secret;
    }
    return verifyScheme(config, secrets, headers, rawBody, nowSeconds);
  } catch {
    // Headers come from the network and the configuration from JSON: fail closed, never throw.
    return REJECTED.invalid_signature;
  }
}

function verifyScheme(config: ProviderRuntimeConfig, secrets: readonly string[], headers: Headers, body: Buffer, now: number): VerificationResult {
  switch (config.scheme) {
    case 'stripe': return verifyStripe(secrets, headers, body, now, config.toleranceSeconds);
    case 'github': return verifyGitHub(secrets, headers, body);
    case 'shopify': return verifyShopify(secrets, headers, body);
    case 'slack': return verifySlack(secrets, headers, body, now, config.toleranceSeconds);
    case 'standard-webhooks': return verifyStandardWebhooks(secrets, headers, body, now, config.toleranceSeconds);
    case 'hmac': return verifyGenericHmac(config, secrets, headers, body, now);
    case 'api-key': return verifyApiKey(config.apiKeyHeader, secrets, headers);
    case 'public-key': return verifyPublicKey(config, secrets, headers, body, now);
    case 'basic-auth': return verifyBasicAuth(secrets, headers);
    case 'client-state': return result(verifyClientState(secrets, body));
    default: return REJECTED.no_secret;
  }
}

// ---- schemes ----

/** `stripe-signature: t=<ts>,v1=<hex>[,v1=<hex>…][,v0=<hex>]`, HMAC-SHA256 over `${t}.${body}`. */
function verifyStripe(secrets: readonly string[], headers: Headers, body: Buffer, now: number, tolerance: number): VerificationResult {
  const value = header(headers, 'stripe-signature');
  if (value === undefined) {
    return REJECTED.missing_signature;
  }
  const { timestamp, signatures } = parseStripeHeader(value);
  if (signatures.length === 0) {
    return REJECTED.malformed_signature;
  }
  const timestampProblem = checkTimestamp(timestamp, now, tolerance);
  if (timestampProblem !== undefined) {
    return REJECTED[timestampProblem];
  }
  return verifyCandidates(SHA256_HEX, secrets, utf8Key, `${timestamp}.`, body, signatures);
}

/** `x-hub-signature-256: sha256=<hex>`, HMAC-SHA256 over the body. */
function verifyGitHub(secrets: readonly string[], headers: Headers, body: Buffer): VerificationResult {
  const value = header(headers, 'x-hub-signature-256');
  if (value === undefined) {
    return REJECTED.missing_signature;
  }
  if (!value.startsWith('sha256=')) {
    return REJECTED.malformed_signature;
  }
  return verifyCandidates(SHA256_HEX, secrets, utf8Key, '', body, [value.slice('sha256='.length)]);
}

/** `x-shopify-hmac-sha256: <base64>`, HMAC-SHA256 over the body. */
function verifyShopify(secrets: readonly string[], headers: Headers, body: Buffer): VerificationResult {
  const value = header(headers, 'x-shopify-hmac-sha256');
  if (value === undefined) {
    return REJECTED.missing_signature;
  }
  return verifyCandidates(SHA256_BASE64, secrets, utf8Key, '', body, [value]);
}

/** `x-slack-signature: v0=<hex>` over `v0:${x-slack-request-timestamp}:${body}`. */
function verifySlack(secrets: readonly string[], headers: Headers, body: Buffer, now: number, tolerance: number): VerificationResult {
  const value = header(headers, 'x-slack-signature');
  if (value === undefined) {
    return REJECTED.missing_signature;
  }
  if (!value.startsWith('v0=')) {
    return REJECTED.malformed_signature;
  }
  const timestamp = header(headers, 'x-slack-request-timestamp');
  const timestampProblem = checkTimestamp(timestamp, now, tolerance);
  if (timestampProblem !== undefined) {
    return REJECTED[timestampProblem];
  }
  return verifyCandidates(SHA256_HEX, secrets, utf8Key, `v0:${timestamp}:`, body, [value.slice('v0='.length)]);
}

/**
 * Standard Webhooks (and Svix, whose `svix-*` header names are accepted as fallbacks):
 * `webhook-signature: v1,<base64> [v1,<base64>…]` over `${id}.${timestamp}.${body}`, keyed with
 * the base64-decoded `whsec_` secret.
 */
function verifyStandardWebhooks(secrets: readonly string[], headers: Headers, body: Buffer, now: number, tolerance: number): VerificationResult {
  const value = header(headers, 'webhook-signature') ?? header(headers, 'svix-signature');
  if (value === undefined) {
    return REJECTED.missing_signature;
  }
  const id = header(headers, 'webhook-id') ?? header(headers, 'svix-id');
  const signatures = parseStandardSignatures(value);
  if (id === undefined || signatures.length === 0) {
    return REJECTED.malformed_signature;
  }
  const timestamp = header(headers, 'webhook-timestamp') ?? header(headers, 'svix-timestamp');
  const timestampProblem = checkTimestamp(timestamp, now, tolerance);
  if (timestampProblem !== undefined) {
    return REJECTED[timestampProblem];
  }
  if (!secrets.some(isStandardWebhooksSecret)) {
    return REJECTED.no_secret;
  }
  return verifyCandidates(SHA256_BASE64, secrets, standardWebhooksKey, `${id}.${timestamp}.`, body, signatures);
}

/** The configurable scheme: one signature header, optional prefix, optional signed timestamp. */
function verifyGenericHmac(
  config: ProviderRuntimeConfig,
  secrets: readonly string[],
  headers: Headers,
  body: Buffer,
  now: number,
): VerificationResult {
  const settings = config.hmac;
  if (settings === undefined || !hasOwn(DIGEST_BYTES, settings.algorithm) || !hasOwn(ENCODINGS, settings.encoding)) {
    return REJECTED.no_secret;
  }
  if (settings.keyEncoding !== undefined) {
    const encoding = settings.keyEncoding;
    const keys = secrets.map((secret) => (encoding === 'hex' || encoding === 'base64' ? decodedKey(secret, encoding) : null));
    // A secret that is not the provider's encoding is a configuration error, not a forgery.
    if (keys.every((key) => key === null)) return REJECTED.no_secret;
    return result(verifyHmacContent(settings, keys, signedRequest(config, headers, body, now)));
  }
  if (usesSignedContent(settings)) {
    return result(verifyHmacContent(settings, secrets.map(utf8Key), signedRequest(config, headers, body, now)));
  }
  const value = header(headers, settings.header);
  if (value === undefined) {
    return REJECTED.missing_signature;
  }
  const prefix = settings.prefix ?? '';
  if (!value.startsWith(prefix)) {
    return REJECTED.malformed_signature;
  }
  let signedPrefix = '';
  if (settings.timestampHeader !== undefined) {
    const timestamp = header(headers, settings.timestampHeader);
    const timestampProblem = checkTimestamp(timestamp, now, config.toleranceSeconds);
    if (timestampProblem !== undefined) {
      return REJECTED[timestampProblem];
    }
    signedPrefix = `${timestamp}.`;
  }
  // Hex is case-insensitive; the digest is encoded in lower case.
  const signature = value.slice(prefix.length);
  const candidate = settings.encoding === 'hex' ? signature.toLowerCase() : signature;
  return verifyCandidates(settings, secrets, utf8Key, signedPrefix, body, [candidate]);
}

/**
 * The header must equal one of the secrets. Both sides are hashed first so the comparison is
 * constant-time and does not reveal the key's length.
 */
function verifyApiKey(headerName: string | undefined, secrets: readonly string[], headers: Headers): VerificationResult {
  if (typeof headerName !== 'string' || headerName === '') {
    return REJECTED.no_secret;
  }
  const value = header(headers, headerName);
  if (value === undefined) {
    return REJECTED.missing_signature;
  }
  const provided = sha256(value);
  for (const secret of secrets) {
    if (isNonEmptyString(secret) && timingSafeEqual(provided, apiKeyDigest(secret))) {
      return VALID;
    }
  }
  return REJECTED.invalid_signature;
}

/** Ed25519 or ECDSA P-256 over the signed content; each key a public key (prop or secret). */
function verifyPublicKey(config: ProviderRuntimeConfig, keys: readonly string[], headers: Headers, body: Buffer, now: number): VerificationResult {
  const settings = config.publicKey;
  if (settings === undefined || (settings.algorithm !== 'ed25519' && settings.algorithm !== 'ecdsa-p256') || !hasOwn(ENCODINGS, settings.encoding)) {
    return REJECTED.no_secret;
  }
  return result(verifyPublicKeyContent(settings, keys, signedRequest(config, headers, body, now)));
}

/**
 * HTTP basic auth (RFC 7617): `Authorization: Basic base64(user:password)`, each secret a
 * `user:password`. Both sides are hashed first, so the comparison is constant-time.
 */
function verifyBasicAuth(secrets: readonly string[], headers: Headers): VerificationResult {
  const value = header(headers, 'authorization');
  if (value === undefined) {
    return REJECTED.missing_signature;
  }
  const match = /^basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(value);
  if (match === null) {
    return REJECTED.malformed_signature;
  }
  const provided = sha256(Buffer.from(match[1], 'base64').toString('utf8'));
  for (const secret of secrets) {
    if (isNonEmptyString(secret) && secret.includes(':') && timingSafeEqual(provided, apiKeyDigest(secret))) {
      return VALID;
    }
  }
  return REJECTED.invalid_signature;
}

function usesSignedContent(settings: HmacSchemeConfig): boolean {
  return settings.content !== undefined || settings.list !== undefined || settings.signatureJsonPath !== undefined
    || settings.timestampJsonPath !== undefined || settings.timestampUnit !== undefined || settings.numberedHeaders !== undefined;
}

function signedRequest(config: ProviderRuntimeConfig, headers: Headers, body: Buffer, now: number): SignedRequest {
  return { headers, body, nowSeconds: now, toleranceSeconds: config.toleranceSeconds, publicUrl: config.publicUrl };
}

function result(outcome: RejectionReason | 'valid'): VerificationResult {
  return outcome === 'valid' ? VALID : REJECTED[outcome];
}

// ---- HMAC and comparison ----

/** How a scheme's digest is computed and written. */
interface Mac {
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
}

const SHA256_HEX: Mac = { algorithm: 'sha256', encoding: 'hex' };
const SHA256_BASE64: Mac = { algorithm: 'sha256', encoding: 'base64' };
const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };
const ENCODINGS: Readonly<Record<SignatureEncoding, true>> = { hex: true, base64: true };

/** The HMAC key of a secret, or null for a secret that cannot be used. */
type KeyOf = (secret: string) => Buffer | null;

/**
 * Valid when the encoded HMAC of `signedPrefix + body` under any secret's key equals any of
 * `signatures`. Signatures that cannot match by length are dropped first; with none left, no HMAC
 * is computed.
 */
function verifyCandidates(
  mac: Mac,
  secrets: readonly string[],
  keyOf: KeyOf,
  signedPrefix: string,
  body: Buffer,
  signatures: readonly string[],
): VerificationResult {
  const candidates = candidateBuffers(signatures, encodedLength(mac));
  if (candidates.length === 0) {
    return REJECTED.invalid_signature;
  }
  for (const secret of secrets) {
    const key = keyOf(secret);
    if (key === null) {
      continue;
    }
    const hmac = createHmac(mac.algorithm, key);
    if (signedPrefix !== '') {
      hmac.update(signedPrefix);
    }
    const expected = Buffer.from(hmac.update(body).digest(mac.encoding), 'latin1');
    for (const candidate of candidates) {
      if (timingSafeEqual(expected, candidate)) {
        return VALID;
      }
    }
  }
  return REJECTED.invalid_signature;
}

/** Length of the canonical encoding of a digest: hex, or padded base64. */
function encodedLength(mac: Mac): number {
  const bytes = DIGEST_BYTES[mac.algorithm];
  return mac.encoding === 'hex' ? bytes * 2 : Math.ceil(bytes / 3) * 4;
}

/**
 * The UTF-8 bytes of each signature of exactly `length` bytes (a wrong length is simply
 * invalid). UTF-8, not latin1, so a non-ASCII character can never alias an ASCII one.
 */
function candidateBuffers(signatures: readonly string[], length: number): Buffer[] {
  const candidates: Buffer[] = [];
  for (const signature of signatures) {
    if (signature.length === length) {
      const bytes = Buffer.from(signature, 'utf8');
      if (bytes.length === length) {
        candidates.push(bytes);
      }
    }
  }
  return candidates;
}

// ---- header parsing ----

/** A header's value, treating an empty value like an absent one. */
function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `t=` (the last one wins, as in Stripe's library) and every `v1=` of a Stripe header. */
function parseStripeHeader(value: string): { timestamp: string | undefined; signatures: string[] } {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  let start = 0;
  while (start < value.length) {
    const comma = value.indexOf(',', start);
    const end = comma === -1 ? value.length : comma;
    if (value.startsWith('t=', start)) {
      timestamp = value.slice(start + 2, end);
    } else if (value.startsWith('v1=', start)) {
      signatures.push(value.slice(start + 3, end));
    }
    start = end + 1;
  }
  return { timestamp, signatures };
}

/** The `v1` entries of a space-separated Standard Webhooks signature list; other versions are ignored. */
function parseStandardSignatures(value: string): string[] {
  const signatures: string[] = [];
  let start = 0;
  while (start < value.length) {
    const space = value.indexOf(' ', start);
    const end = space === -1 ? value.length : space;
    if (value.startsWith('v1,', start)) {
      signatures.push(value.slice(start + 3, end));
    }
    start = end + 1;
  }
  return signatures;
}

/** Longest accepted timestamp: 12 digits is beyond the year 33000 and far below 2^53. */
const MAX_TIMESTAMP_DIGITS = 12;

/**
 * Why a signed timestamp is unacceptable, or undefined when it is within `tolerance` seconds of
 * `now` either way. Only plain decimal digits are accepted. NaN anywhere rejects (fail closed).
 */
function checkTimestamp(timestamp: string | undefined, now: number, tolerance: number): RejectionReason | undefined {
  if (timestamp === undefined || timestamp === '') {
    return 'missing_timestamp';
  }
  const seconds = parseUnixSeconds(timestamp);
  if (seconds === undefined) {
    return 'malformed_signature';
  }
  const age = now - seconds;
  if (age <= tolerance && -age <= tolerance) {
    return undefined;
  }
  return age < 0 ? 'future_timestamp' : 'stale_timestamp';
}

function parseUnixSeconds(text: string): number | undefined {
  if (text.length > MAX_TIMESTAMP_DIGITS) {
    return undefined;
  }
  let seconds = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) {
      return undefined;
    }
    seconds = seconds * 10 + digit;
  }
  return seconds;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function hasOwn(object: object, key: unknown): boolean {
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(object, key);
}
