/**
 * The schemes with a fixed header format, each verified exactly as the provider's own library
 * does: Stripe, GitHub, Shopify, Slack, Standard Webhooks (and Svix). Every one signs
 * `prefix + rawBody`, so the body bytes go to the HMAC as received, never re-encoded. Pure: ships
 * in the ingest bundle only.
 */
import { SHA256_BASE64, SHA256_HEX, verifyCandidates } from './hmac-compare';
import { isStandardWebhooksSecret, standardWebhooksKey, utf8Key } from './secret-keys';
import { checkUnixTimestamp } from './timestamps';
import { header, REJECTED, type Headers, type VerificationResult } from './verification-result';

/** `stripe-signature: t=<ts>,v1=<hex>[,v1=<hex>…][,v0=<hex>]`, HMAC-SHA256 over `${t}.${body}`. */
export function verifyStripe(secrets: readonly string[], headers: Headers, body: Buffer, now: number, tolerance: number): VerificationResult {
  const value = header(headers, 'stripe-signature');
  if (value === undefined) {
    return REJECTED.missing_signature;
  }
  const { timestamp, signatures } = parseStripeHeader(value);
  if (signatures.length === 0) {
    return REJECTED.malformed_signature;
  }
  const timestampProblem = checkUnixTimestamp(timestamp, now, tolerance);
  if (timestampProblem !== undefined) {
    return REJECTED[timestampProblem];
  }
  return verifyCandidates(SHA256_HEX, secrets, utf8Key, `${timestamp}.`, body, signatures);
}

/** `x-hub-signature-256: sha256=<hex>`, HMAC-SHA256 over the body. */
export function verifyGitHub(secrets: readonly string[], headers: Headers, body: Buffer): VerificationResult {
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
export function verifyShopify(secrets: readonly string[], headers: Headers, body: Buffer): VerificationResult {
  const value = header(headers, 'x-shopify-hmac-sha256');
  if (value === undefined) {
    return REJECTED.missing_signature;
  }
  return verifyCandidates(SHA256_BASE64, secrets, utf8Key, '', body, [value]);
}

/** `x-slack-signature: v0=<hex>` over `v0:${x-slack-request-timestamp}:${body}`. */
export function verifySlack(secrets: readonly string[], headers: Headers, body: Buffer, now: number, tolerance: number): VerificationResult {
  const value = header(headers, 'x-slack-signature');
  if (value === undefined) {
    return REJECTED.missing_signature;
  }
  if (!value.startsWith('v0=')) {
    return REJECTED.malformed_signature;
  }
  const timestamp = header(headers, 'x-slack-request-timestamp');
  const timestampProblem = checkUnixTimestamp(timestamp, now, tolerance);
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
export function verifyStandardWebhooks(
  secrets: readonly string[], headers: Headers, body: Buffer, now: number, tolerance: number,
): VerificationResult {
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
  const timestampProblem = checkUnixTimestamp(timestamp, now, tolerance);
  if (timestampProblem !== undefined) {
    return REJECTED[timestampProblem];
  }
  if (!secrets.some(isStandardWebhooksSecret)) {
    return REJECTED.no_secret;
  }
  return verifyCandidates(SHA256_BASE64, secrets, standardWebhooksKey, `${id}.${timestamp}.`, body, signatures);
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
