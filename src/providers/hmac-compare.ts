/**
 * The HMAC and its comparison, shared by the fixed schemes and the generic engine. Signatures are
 * compared encoded (hex or base64, as the providers' libraries do): exact, unlike Node's lenient
 * decoders, and cheaper, since an encoded digest lands in Node's pooled buffers while a raw
 * `digest()` allocates a fresh one. Pure: ships in the ingest bundle only.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HmacAlgorithm, SignatureEncoding } from './provider-config';
import { REJECTED, VALID, type VerificationResult } from './verification-result';

/** How a scheme's digest is computed and written. */
export interface Mac {
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
}

export const SHA256_HEX: Mac = { algorithm: 'sha256', encoding: 'hex' };
export const SHA256_BASE64: Mac = { algorithm: 'sha256', encoding: 'base64' };
export const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };
export const ENCODINGS: Readonly<Record<SignatureEncoding, true>> = { hex: true, base64: true };

/** The HMAC key of a secret, or null for a secret that cannot be used. */
export type KeyOf = (secret: string) => Buffer | null;

/**
 * Valid when the encoded HMAC of `signedPrefix + body` under any secret's key equals any of
 * `signatures`. Signatures that cannot match by length are dropped first; with none left, no HMAC
 * is computed.
 */
export function verifyCandidates(
  mac: Mac,
  secrets: readonly string[],
  keyOf: KeyOf,
  signedPrefix: string,
  body: Buffer,
  signatures: readonly string[],
): VerificationResult {
  const candidates = candidateBuffers(signatures, encodedLength(mac.algorithm, mac.encoding), false);
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
    if (matchesAny(hmac.update(body).digest(mac.encoding), candidates)) {
      return VALID;
    }
  }
  return REJECTED.invalid_signature;
}

/** Whether an encoded digest equals any candidate, each compared in constant time. */
export function matchesAny(encodedDigest: string, candidates: readonly Buffer[]): boolean {
  const expected = Buffer.from(encodedDigest, 'latin1');
  for (const candidate of candidates) {
    if (timingSafeEqual(expected, candidate)) return true;
  }
  return false;
}

/** Length of the canonical encoding of a digest: hex, or padded base64. */
export function encodedLength(algorithm: HmacAlgorithm, encoding: SignatureEncoding): number {
  const bytes = DIGEST_BYTES[algorithm];
  return encoding === 'hex' ? bytes * 2 : Math.ceil(bytes / 3) * 4;
}

/**
 * The UTF-8 bytes of each signature of exactly `length` bytes (a wrong length is simply
 * invalid), lower-cased first when `lowerCase` (hex is case-insensitive). UTF-8, not latin1, so a
 * non-ASCII character can never alias an ASCII one; a signature with one has more bytes than
 * characters and could never equal an encoded digest anyway, so only those of `length`
 * characters are encoded.
 */
export function candidateBuffers(signatures: readonly string[], length: number, lowerCase: boolean): Buffer[] {
  const candidates: Buffer[] = [];
  for (const signature of signatures) {
    if (signature.length === length) {
      const bytes = Buffer.from(lowerCase ? signature.toLowerCase() : signature, 'utf8');
      if (bytes.length === length) {
        candidates.push(bytes);
      }
    }
  }
  return candidates;
}
