/**
 * The HMAC and its comparison, shared by the fixed schemes and the generic engine. Signatures are
 * compared encoded (hex or base64, as the providers' libraries do): exact, unlike Node's lenient
 * decoders, and cheaper, since a raw `digest()` allocates a fresh buffer while the encoded digest
 * and the signature are both written into one preallocated scratch buffer and compared there with
 * `timingSafeEqual`. Pure: ships in the ingest bundle only.
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

/** Longest encoded digest: SHA-512 in hex. */
const MAX_ENCODED = 128;
/** Room for any candidate of up to MAX_ENCODED characters in UTF-8 (at most 3 bytes each), so it is never cut short. */
const CANDIDATE_ROOM = 3 * MAX_ENCODED;
/**
 * One scratch buffer for the comparison: the candidate's bytes, then the digest's. Writing both
 * into it costs no allocation, where `Buffer.from` twice per delivery was a tenth of the HMAC.
 * Verification is synchronous, so no two comparisons share it at once.
 */
const scratch = Buffer.allocUnsafeSlow(CANDIDATE_ROOM + MAX_ENCODED);
/** The two views compared, per encoded length (made once each). */
const views: Array<readonly [Buffer, Buffer]> = [];

function viewsOf(length: number): readonly [Buffer, Buffer] {
  return views[length] ??= [scratch.subarray(0, length), scratch.subarray(CANDIDATE_ROOM, CANDIDATE_ROOM + length)];
}

/**
 * Whether an encoded digest equals any signature, each compared in constant time as bytes. A
 * signature is compared by its UTF-8 bytes, not latin1, so a non-ASCII character can never alias
 * an ASCII one (a signature with one has more bytes than characters: never equal). With
 * `foldHexCase`, a signature that does not match as written is compared again with A–F
 * lower-cased (hex is case-insensitive; the digest is lower case), as `toLowerCase()` would for
 * any signature that can match.
 */
export function matchesAny(encodedDigest: string, signatures: readonly string[], foldHexCase: boolean): boolean {
  const length = encodedDigest.length;
  if (length > MAX_ENCODED) return false;
  const [candidate, expected] = viewsOf(length);
  scratch.write(encodedDigest, CANDIDATE_ROOM, length, 'latin1');
  for (const signature of signatures) {
    if (signature.length !== length || scratch.write(signature, 0, CANDIDATE_ROOM, 'utf8') !== length) continue;
    // As written first: the usual lower-case hex matches without folding. Returning early on a
    // match reveals only what the verdict says anyway.
    if (timingSafeEqual(candidate, expected)) return true;
    if (foldHexCase && foldUpperHex(length)) {
      if (timingSafeEqual(candidate, expected)) return true;
    }
  }
  return false;
}

/** Lower-cases A–F among the candidate's first `length` bytes; whether there was any. */
function foldUpperHex(length: number): boolean {
  let folded = false;
  for (let i = 0; i < length; i++) {
    const byte = scratch[i];
    if (byte >= 65 && byte <= 70) {
      scratch[i] = byte + 32;
      folded = true;
    }
  }
  return folded;
}

/** Length of the canonical encoding of a digest: hex, or padded base64. */
export function encodedLength(algorithm: HmacAlgorithm, encoding: SignatureEncoding): number {
  const bytes = DIGEST_BYTES[algorithm];
  return encoding === 'hex' ? bytes * 2 : Math.ceil(bytes / 3) * 4;
}
