/**
 * Webhook signature verification for every supported scheme: the entry point and the dispatch.
 * Pure: no AWS SDK, no I/O; the only state is small bounded caches of keys derived from secrets
 * and each configuration's compiled plan. The schemes live beside it: the fixed header formats in
 * fixed-schemes.ts, the generic engine in signed-content.ts (HMAC) and public-key.ts (Ed25519,
 * ECDSA), the HMAC comparison in hmac-compare.ts, timestamps in timestamps.ts.
 */
import { timingSafeEqual } from 'node:crypto';
import { verifyClientState } from './client-state';
import { verifyGitHub, verifyShopify, verifySlack, verifyStandardWebhooks, verifyStripe } from './fixed-schemes';
import { DIGEST_BYTES, ENCODINGS, verifyCandidates, type KeyOf } from './hmac-compare';
import type { HmacSchemeConfig, ProviderRuntimeConfig } from './provider-config';
import { verifyPublicKeyContent } from './public-key';
import { apiKeyDigest, decodedKey, sha256, utf8Key } from './secret-keys';
import { readsJsonBody, verifyHmacContent, type SignedRequest } from './signed-content';
import { checkUnixTimestamp } from './timestamps';
import { hasOwn, header, isNonEmptyString, REJECTED, result, VALID, type Headers, type VerificationResult } from './verification-result';
import type { ParsedJsonBody } from '../runtime/http';

export type { RejectionReason, VerificationResult } from './verification-result';

/**
 * Verifies one delivery. A delivery is valid when ANY of `secrets` verifies it (several live
 * secrets during a rotation). Never throws.
 *
 * @param headers keys already lower-cased, one string value each.
 * @param rawBody the exact bytes received.
 * @param nowSeconds the receive time, in unix seconds, for the timestamp tolerance.
 * @param parsedBody `parseJsonBody(rawBody)`, when the caller has it: a scheme that reads the
 *   body's JSON (verificationReadsBody) uses it instead of parsing the body again.
 */
export function verifySignature(
  config: ProviderRuntimeConfig,
  secrets: readonly string[],
  headers: Headers,
  rawBody: Buffer,
  nowSeconds: number,
  parsedBody?: ParsedJsonBody,
): VerificationResult {
  try {
    if (config.scheme === 'unverified') {
      return VALID;
    }
    // A public key configured inline is not a secret: nothing needs to be loaded.
    if (config.scheme === 'public-key' && isNonEmptyString(config.publicKey?.publicKey)) {
      return verifyPublicKey(config, [config.publicKey.publicKey], headers, rawBody, nowSeconds, parsedBody);
    }
    // An empty secret would make every signature forgeable, so it does not count as configured.
    if (!secrets.some(isNonEmptyString)) {
      return REJECTED.no_secret;
    }
    return verifyScheme(config, secrets, headers, rawBody, nowSeconds, parsedBody);
  } catch {
    // Headers come from the network and the configuration from JSON: fail closed, never throw.
    return REJECTED.invalid_signature;
  }
}

/**
 * Whether verifying a provider's deliveries reads the body's JSON (a signature or timestamp in
 * it: Mailgun's), so that a caller that parses the body anyway can parse it once for both.
 */
export function verificationReadsBody(config: ProviderRuntimeConfig): boolean {
  try {
    if (config.scheme === 'hmac' && config.hmac !== undefined) return readsJsonBody(config.hmac);
    return config.scheme === 'public-key' && config.publicKey !== undefined && readsJsonBody(config.publicKey);
  } catch {
    // A configuration the engine cannot plan is refused by verifySignature; nothing to share.
    return false;
  }
}

function verifyScheme(
  config: ProviderRuntimeConfig, secrets: readonly string[], headers: Headers, body: Buffer, now: number, parsed: ParsedJsonBody | undefined,
): VerificationResult {
  switch (config.scheme) {
    case 'stripe': return verifyStripe(secrets, headers, body, now, config.toleranceSeconds);
    case 'github': return verifyGitHub(secrets, headers, body);
    case 'shopify': return verifyShopify(secrets, headers, body);
    case 'slack': return verifySlack(secrets, headers, body, now, config.toleranceSeconds);
    case 'standard-webhooks': return verifyStandardWebhooks(secrets, headers, body, now, config.toleranceSeconds);
    case 'hmac': return verifyGenericHmac(config, secrets, headers, body, now, parsed);
    case 'api-key': return verifyApiKey(config.apiKeyHeader, secrets, headers);
    case 'public-key': return verifyPublicKey(config, secrets, headers, body, now, parsed);
    case 'basic-auth': return verifyBasicAuth(secrets, headers);
    case 'client-state': return result(verifyClientState(secrets, body));
    default: return REJECTED.no_secret;
  }
}

/**
 * How a configuration of the configurable scheme is verified, decided once per configuration
 * (configurations live as long as the function): reading its optional settings on every delivery
 * costs more than the rest of the dispatch, since their shapes vary.
 */
interface GenericRoute {
  readonly settings: HmacSchemeConfig;
  /** The key of a secret: a decoded one for `keyEncoding`, else its UTF-8 bytes. */
  readonly keyOf: KeyOf;
  /** The key is decoded: a secret that does not decode is a configuration error. */
  readonly decodedKey: boolean;
  /** Verified by the engine (templates, lists, JSON paths…), not the plain header check below. */
  readonly signedContent: boolean;
  readonly toleranceSeconds: number;
  readonly publicUrl: string | undefined;
}

const genericRoutes = new WeakMap<ProviderRuntimeConfig, GenericRoute | null>();

function genericRouteOf(config: ProviderRuntimeConfig): GenericRoute | null {
  let route = genericRoutes.get(config);
  if (route === undefined) {
    const settings = config.hmac;
    if (settings === undefined || !hasOwn(DIGEST_BYTES, settings.algorithm) || !hasOwn(ENCODINGS, settings.encoding)) {
      route = null;
    } else {
      const keyEncoding = settings.keyEncoding;
      route = {
        settings,
        keyOf: keyEncoding === undefined ? utf8Key : keyEncoding === 'hex' ? hexKey : keyEncoding === 'base64' ? base64Key : noKey,
        decodedKey: keyEncoding !== undefined,
        signedContent: keyEncoding !== undefined || usesSignedContent(settings),
        toleranceSeconds: config.toleranceSeconds,
        publicUrl: config.publicUrl,
      };
    }
    genericRoutes.set(config, route);
  }
  return route;
}

/** The configurable scheme: one signature header, optional prefix, optional signed timestamp; or the engine's templates. */
function verifyGenericHmac(
  config: ProviderRuntimeConfig,
  secrets: readonly string[],
  headers: Headers,
  body: Buffer,
  now: number,
  parsed: ParsedJsonBody | undefined,
): VerificationResult {
  const route = genericRouteOf(config);
  if (route === null) {
    return REJECTED.no_secret;
  }
  const settings = route.settings;
  if (route.signedContent) {
    // A secret that is not the provider's encoding is a configuration error, not a forgery.
    if (route.decodedKey && secrets.every((secret) => route.keyOf(secret) === null)) return REJECTED.no_secret;
    const request: SignedRequest = {
      headers, body, nowSeconds: now, toleranceSeconds: route.toleranceSeconds, publicUrl: route.publicUrl, json: parsed,
    };
    return result(verifyHmacContent(settings, secrets, route.keyOf, request));
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
    const timestampProblem = checkUnixTimestamp(timestamp, now, config.toleranceSeconds);
    if (timestampProblem !== undefined) {
      return REJECTED[timestampProblem];
    }
    signedPrefix = `${timestamp}.`;
  }
  // Hex is case-insensitive; the digest is encoded in lower case.
  return verifyCandidates(settings, secrets, utf8Key, signedPrefix, body, [value.slice(prefix.length)], settings.encoding === 'hex');
}

const hexKey: KeyOf = (secret) => decodedKey(secret, 'hex');
const base64Key: KeyOf = (secret) => decodedKey(secret, 'base64');
const noKey: KeyOf = () => null;

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
function verifyPublicKey(
  config: ProviderRuntimeConfig, keys: readonly string[], headers: Headers, body: Buffer, now: number, parsed: ParsedJsonBody | undefined,
): VerificationResult {
  const settings = config.publicKey;
  if (settings === undefined || (settings.algorithm !== 'ed25519' && settings.algorithm !== 'ecdsa-p256') || !hasOwn(ENCODINGS, settings.encoding)) {
    return REJECTED.no_secret;
  }
  return result(verifyPublicKeyContent(settings, keys, signedRequest(config, headers, body, now, parsed)));
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

function signedRequest(
  config: ProviderRuntimeConfig, headers: Headers, body: Buffer, now: number, parsed: ParsedJsonBody | undefined,
): SignedRequest {
  return { headers, body, nowSeconds: now, toleranceSeconds: config.toleranceSeconds, publicUrl: config.publicUrl, json: parsed };
}
