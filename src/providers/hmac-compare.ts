/**
 * The HMAC and its comparison, shared by the fixed schemes and the generic engine. Signatures are
 * compared encoded (hex or base64, as the providers' libraries do): exact, unlike Node's lenient
 * decoders, and cheaper, since a raw `digest()` allocates a fresh buffer while an encoded digest
 * is a string, compared with the signature's characters in constant time. Pure: ships in the
 * ingest bundle only.
 */
import { createHmac } from 'node:crypto';
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
 * `signatures` (hex compared case-insensitively when `foldHexCase`). Signatures that cannot match
 * by length are dropped first; with none left, no HMAC is computed.
 */
export function verifyCandidates(
  mac: Mac,
  secrets: readonly string[],
  keyOf: KeyOf,
  signedPrefix: string,
  body: Buffer,
  signatures: readonly string[],
  foldHexCase = false,
): VerificationResult {
  if (!anyOfLength(signatures, encodedLength(mac.algorithm, mac.encoding))) {
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
    if (matchesAny(hmac.update(body).digest(mac.encoding), signatures, foldHexCase)) {
      return VALID;
    }
  }
  return REJECTED.invalid_signature;
}

/** Whether any signature has `length` characters: only those can equal an encoded digest. */
export function anyOfLength(signatures: readonly string[], length: number): boolean {
  for (const signature of signatures) {
    if (signature.length === length) return true;
  }
  return false;
}

/**
 * Whether an encoded digest equals any signature, each compared in constant time: every
 * character code of a signature is compared with the digest's, the differences ORed together
 * with no early exit (as `stripe`'s own `secureCompare` does), so the time does not depend on
 * where they differ. The digest is ASCII (hex or base64), so a signature character outside ASCII
 * (a UTF-16 code unit over 127) never equals one. With `foldHexCase`, a signature that does not
 * match as written is compared again with A–F lower-cased (hex is case-insensitive; the digest is
 * lower case), as `toLowerCase()` would for any signature that can match.
 *
 * Not `timingSafeEqual`: writing both into buffers for it cost more native calls than the
 * comparison itself, a tenth of a small HMAC (bench:signatures, Mailgun). Writing the signature
 * into a scratch buffer first and comparing its bytes was measured too: as fast in a full
 * bench:signatures run, 0.09 µs slower for Mailgun's verification alone.
 */
export function matchesAny(encodedDigest: string, signatures: readonly string[], foldHexCase: boolean): boolean {
  for (let k = 0; k < signatures.length; k++) {
    if (matchesAt(encodedDigest, signatures[k], 0, foldHexCase)) return true;
  }
  return false;
}

/**
 * matchesAny for one signature: the text of `value` from `start` on (a signature after its
 * prefix, not sliced out unless it is compared).
 */
export function matchesAt(encodedDigest: string, value: string, start: number, foldHexCase: boolean): boolean {
  const length = encodedDigest.length;
  if (value.length - start !== length) return false;
  // As written first: the usual lower-case hex matches without folding. Returning early on a
  // match reveals only what the verdict says anyway.
  if (differences(encodedDigest, value, start, length) === 0) return true;
  return foldHexCase && foldedDifferences(encodedDigest, value, start, length) === 0;
}

/** The OR of the XORs of the signature's and the digest's character codes: 0 when equal. */
function differences(digest: string, value: string, start: number, length: number): number {
  let difference = 0;
  // eslint-disable-next-line no-bitwise -- XORs ORed together: no branch on where the two differ
  for (let i = 0; i < length; i++) difference |= value.charCodeAt(start + i) ^ digest.charCodeAt(i);
  return difference;
}

/** differences() with the signature's A–F lower-cased. */
function foldedDifferences(digest: string, value: string, start: number, length: number): number {
  let difference = 0;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(start + i);
    // eslint-disable-next-line no-bitwise -- as in differences()
    difference |= (code >= 65 && code <= 70 ? code + 32 : code) ^ digest.charCodeAt(i);
  }
  return difference;
}

/** Length of the canonical encoding of a digest: hex, or padded base64. */
export function encodedLength(algorithm: HmacAlgorithm, encoding: SignatureEncoding): number {
  const bytes = DIGEST_BYTES[algorithm];
  return encoding === 'hex' ? bytes * 2 : Math.ceil(bytes / 3) * 4;
}
