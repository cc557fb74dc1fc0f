/**
 * The public-key family of the signature engine: Ed25519 and ECDSA P-256 (SHA-256) signatures
 * over the signed content, each key a public key given inline or held in a secret. Pure: no AWS
 * SDK, no I/O; the only state is a small bounded cache of parsed keys. Ships in the ingest bundle only.
 */
import { createPublicKey, verify as verifyWithKey, type KeyObject } from 'node:crypto';
import type { PublicKeySchemeConfig } from './provider-config';
import { extractSignedContent, memoised, type SignedRequest } from './signed-content';
import type { RejectionReason } from './verification-result';

const publicKeys = new Map<string, KeyObject | null>();

/** Valid when any signature verifies under any of the keys. */
export function verifyPublicKeyContent(config: PublicKeySchemeConfig, keyTexts: readonly string[], request: SignedRequest): RejectionReason | 'valid' {
  const keys = keyTexts.map((text) => publicKeyOf(text, config.algorithm)).filter((k): k is KeyObject => k !== null);
  if (keys.length === 0) return 'no_secret';
  const found = extractSignedContent(config, request);
  if (typeof found === 'string') return found;
  const signatures = found.signatures.map((s) => decodeSignature(s, config.encoding)).filter((s): s is Buffer => s !== undefined);
  if (signatures.length === 0) return 'malformed_signature';
  const content = Buffer.concat(found.parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
  for (const key of keys) {
    for (const signature of signatures) {
      const ok = config.algorithm === 'ed25519'
        ? signature.length === 64 && verifyWithKey(null, content, key, signature)
        : verifyWithKey('sha256', content, { key, dsaEncoding: 'der' }, signature);
      if (ok) return 'valid';
    }
  }
  return 'invalid_signature';
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 raw key bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * A public key from its text: PEM; `whpk_` + base64 or hex/base64 of a raw 32-byte Ed25519 key;
 * base64 DER SubjectPublicKeyInfo. Null when it is none of these or not of the algorithm.
 */
export function publicKeyOf(text: string, algorithm: PublicKeySchemeConfig['algorithm']): KeyObject | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  return memoised(publicKeys, `${algorithm}:${text}`, () => {
    try {
      const key = parsePublicKey(text.trim(), algorithm);
      const type = key?.asymmetricKeyType;
      const curve = key?.asymmetricKeyDetails?.namedCurve;
      const fits = algorithm === 'ed25519' ? type === 'ed25519' : type === 'ec' && curve === 'prime256v1';
      return key !== undefined && fits ? key : null;
    } catch {
      return null;
    }
  });
}

function parsePublicKey(text: string, algorithm: PublicKeySchemeConfig['algorithm']): KeyObject | undefined {
  if (text.startsWith('-----BEGIN')) return createPublicKey(text);
  const encoded = text.startsWith('whpk_') ? text.slice(5) : text;
  const bytes = /^[0-9a-fA-F]{64}$/.test(encoded) ? Buffer.from(encoded, 'hex') : strictBase64(encoded);
  if (bytes === undefined) return undefined;
  if (algorithm === 'ed25519' && bytes.length === 32) {
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, bytes]), format: 'der', type: 'spki' });
  }
  return createPublicKey({ key: bytes, format: 'der', type: 'spki' });
}

function decodeSignature(text: string, encoding: 'hex' | 'base64'): Buffer | undefined {
  if (text.length > 200) return undefined;
  if (encoding === 'hex') return /^(?:[0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text, 'hex') : undefined;
  return strictBase64(text);
}

function strictBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.toString('base64') === text ? bytes : undefined;
}
