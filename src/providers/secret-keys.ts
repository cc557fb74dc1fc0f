/**
 * Signing keys from the secrets as stored: UTF-8 bytes for most schemes, the base64 key of a
 * Standard Webhooks secret, the hex or base64 key of a few providers, the digest of a shared key; each memoised per secret, so a warm
 * function derives a key once. Pure: no AWS clients.
 */
import { createHash } from 'node:crypto';

const STANDARD_WEBHOOKS_PREFIX = 'whsec_';
/** Enough for every live secret of every provider of one function; evicts the oldest beyond. */
const MAX_CACHED_SECRETS = 64;
const utf8Keys = new Map<string, Buffer | null>();
const standardWebhooksKeys = new Map<string, Buffer | null>();
const apiKeyDigests = new Map<string, Buffer>();
const hexKeys = new Map<string, Buffer | null>();
const base64Keys = new Map<string, Buffer | null>();

/** Most schemes key the HMAC with the secret's UTF-8 bytes (kept as a Buffer: cheaper per HMAC than a string). */
export function utf8Key(secret: string): Buffer | null {
  return isNonEmptyString(secret) ? memoised(utf8Keys, secret, encodeUtf8) : null;
}

function encodeUtf8(secret: string): Buffer {
  return Buffer.from(secret, 'utf8');
}

/**
 * The HMAC key of a Standard Webhooks secret: the base64 after an optional `whsec_` prefix (the
 * official library accepts both). Null for a secret that is not canonical base64 or is empty.
 */
export function standardWebhooksKey(secret: string): Buffer | null {
  return isNonEmptyString(secret) ? memoised(standardWebhooksKeys, secret, decodeStandardWebhooksSecret) : null;
}

export function isStandardWebhooksSecret(secret: string): boolean {
  return standardWebhooksKey(secret) !== null;
}

function decodeStandardWebhooksSecret(secret: string): Buffer | null {
  const encoded = secret.startsWith(STANDARD_WEBHOOKS_PREFIX) ? secret.slice(STANDARD_WEBHOOKS_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  return key.length > 0 && key.toString('base64') === encoded ? key : null;
}

/**
 * The HMAC key of a secret the provider shows encoded: the bytes of its hex (Adyen's HMAC key)
 * or of its base64 (Airtable's `macSecretBase64`). Null for a secret that is not canonically so
 * encoded, so that a mistyped secret is reported as one rather than never matching.
 */
export function decodedKey(secret: string, encoding: 'hex' | 'base64'): Buffer | null {
  if (!isNonEmptyString(secret)) return null;
  return memoised(encoding === 'hex' ? hexKeys : base64Keys, secret, encoding === 'hex' ? decodeHex : decodeBase64);
}

function decodeHex(secret: string): Buffer | null {
  return /^(?:[0-9a-fA-F]{2})+$/.test(secret) ? Buffer.from(secret, 'hex') : null;
}

function decodeBase64(secret: string): Buffer | null {
  const key = Buffer.from(secret, 'base64');
  return key.length > 0 && key.toString('base64') === secret ? key : null;
}

export function apiKeyDigest(secret: string): Buffer {
  return memoised(apiKeyDigests, secret, sha256);
}

function memoised<V>(cache: Map<string, V>, key: string, compute: (key: string) => V): V {
  const cached = cache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const value = compute(key);
  if (cache.size >= MAX_CACHED_SECRETS) {
    cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, value);
  return value;
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
