/**
 * The generic signature engine behind the configurable schemes and most presets: where the
 * signature and its timestamp are, what bytes are signed (a template), and how the signature is
 * checked (an HMAC, or an Ed25519 / ECDSA P-256 public key). Pure: no AWS SDK, no I/O; the only
 * state is small bounded caches of parsed templates and keys.
 *
 * A template is literal text and placeholders: `{body}` (the raw bytes as received), `{ts}`
 * (the signed timestamp as written), `{url}` (the configured public URL), `{method}` (`POST`:
 * only POSTs reach verification), `{form}` (the form-encoded body's parameters sorted by name,
 * each as name then value: Twilio's), `{h:<header>}` and `{j:<dotted json path>}`.
 *
 * Over 400 lines: template parsing, signature lists, timestamps and both key kinds are one
 * engine with one cache; the next split (public keys into their own module) is due with issue 13.
 */
import { createHmac, createPublicKey, timingSafeEqual, verify as verifyWithKey, type KeyObject } from 'node:crypto';
import type { HmacAlgorithm, HmacSchemeConfig, PublicKeySchemeConfig, SignatureList, TimestampUnit } from './provider-config';
import { PLACEHOLDER } from './template-placeholders';
import { parseJsonBody } from '../runtime/http';

type Headers = Readonly<Record<string, string | undefined>>;

/** Why a delivery is refused, in verify.ts's terms. */
export type ContentProblem =
  | 'missing_signature'
  | 'malformed_signature'
  | 'missing_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'invalid_signature'
  | 'no_secret';

/** The delivery as the engine reads it. */
export interface SignedRequest {
  readonly headers: Headers;
  readonly body: Buffer;
  readonly nowSeconds: number;
  readonly toleranceSeconds: number;
  readonly publicUrl?: string;
}

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'body' | 'ts' | 'url' | 'method' | 'form' }
  | { readonly kind: 'header' | 'json'; readonly name: string };

const MAX_CACHED = 64;
const templates = new Map<string, readonly Part[]>();
const publicKeys = new Map<string, KeyObject | null>();

/** The default template: the body, after `timestamp.` when a timestamp header is signed. */
export function defaultTemplate(config: HmacSchemeConfig | PublicKeySchemeConfig): string {
  return config.timestampHeader !== undefined ? '{ts}.{body}' : '{body}';
}

export function parseTemplate(template: string): readonly Part[] {
  return memoised(templates, template, () => {
    const parts: Part[] = [];
    let last = 0;
    for (const match of template.matchAll(PLACEHOLDER)) {
      if (match.index > last) parts.push({ kind: 'text', text: template.slice(last, match.index) });
      const token = match[1];
      if (token.startsWith('h:')) parts.push({ kind: 'header', name: token.slice(2) });
      else if (token.startsWith('j:')) parts.push({ kind: 'json', name: token.slice(2) });
      else parts.push({ kind: token as 'body' });
      last = match.index + match[0].length;
    }
    if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
    return parts;
  });
}

/** What one verification found in the delivery: the signatures to try and the signed bytes. */
interface Extracted {
  readonly signatures: readonly string[];
  readonly parts: readonly (string | Buffer)[];
}

/**
 * Reads the signatures, checks the timestamp and builds the signed content. A problem, or the
 * signatures and the content's parts in order.
 */
function extract(config: HmacSchemeConfig | PublicKeySchemeConfig, request: SignedRequest): ContentProblem | Extracted {
  const needsJson = config.signatureJsonPath !== undefined || config.timestampJsonPath !== undefined || (config.content ?? '').includes('{j:');
  const json = needsJson ? jsonOf(request.body) : undefined;
  const raws = rawSignatures(config, request.headers, json);
  if (raws.length === 0) return 'missing_signature';

  const signatures: string[] = [];
  let timestamp: string | undefined;
  for (const raw of raws) {
    if (config.list !== undefined) {
      const parsed = parseList(raw, config.list);
      signatures.push(...parsed.signatures);
      timestamp ??= parsed.timestamp;
    } else {
      const prefix = config.prefix ?? '';
      if (!raw.startsWith(prefix)) return 'malformed_signature';
      signatures.push(raw.slice(prefix.length));
    }
  }
  if (signatures.length === 0) return 'malformed_signature';
  if (config.timestampHeader !== undefined) timestamp = header(request.headers, config.timestampHeader);
  if (config.timestampJsonPath !== undefined) timestamp = stringAt(json, config.timestampJsonPath);

  const template = config.content ?? defaultTemplate(config);
  const signsTimestamp = config.list?.timestampKey !== undefined || config.timestampHeader !== undefined || config.timestampJsonPath !== undefined;
  if (signsTimestamp || template.includes('{ts}')) {
    const problem = checkTimestamp(timestamp, config.timestampUnit ?? 's', request.nowSeconds, request.toleranceSeconds);
    if (problem !== undefined) return problem;
  }

  // Adjacent text is joined: each HMAC update crosses into native code, which costs more than a concatenation.
  const parts: (string | Buffer)[] = [];
  const add = (piece: string | Buffer) => appendPart(parts, piece);
  for (const part of parseTemplate(template)) {
    switch (part.kind) {
      case 'text': add(part.text); break;
      case 'body': add(request.body); break;
      case 'ts': add(timestamp ?? ''); break;
      case 'method': add('POST'); break;
      case 'url':
        if (request.publicUrl === undefined || request.publicUrl === '') return 'no_secret';
        add(request.publicUrl);
        break;
      case 'form': add(sortedForm(request.body)); break;
      case 'header': {
        const value = header(request.headers, part.name);
        if (value === undefined) return 'malformed_signature';
        add(value);
        break;
      }
      case 'json': {
        const value = stringAt(json, part.name);
        if (value === undefined) return 'malformed_signature';
        add(value);
        break;
      }
    }
  }
  return { signatures, parts };
}

function appendPart(parts: (string | Buffer)[], piece: string | Buffer): void {
  const last = parts.length - 1;
  if (typeof piece === 'string' && last >= 0 && typeof parts[last] === 'string') parts[last] = (parts[last] as string) + piece;
  else parts.push(piece);
}

/** The HMAC family: valid when the HMAC of the content under any secret equals any signature. */
export function verifyHmacContent(
  config: HmacSchemeConfig,
  keys: readonly (Buffer | null)[],
  request: SignedRequest,
): ContentProblem | 'valid' {
  const found = extract(config, request);
  if (typeof found === 'string') return found;
  const length = encodedLength(config.algorithm, config.encoding);
  const candidates: Buffer[] = [];
  for (const signature of found.signatures) {
    const text = config.encoding === 'hex' ? signature.toLowerCase() : signature;
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length === length) candidates.push(bytes);
  }
  if (candidates.length === 0) return 'invalid_signature';
  for (const key of keys) {
    if (key === null) continue;
    const hmac = createHmac(config.algorithm, key);
    for (const part of found.parts) hmac.update(part);
    const expected = Buffer.from(hmac.digest(config.encoding), 'latin1');
    for (const candidate of candidates) {
      if (timingSafeEqual(expected, candidate)) return 'valid';
    }
  }
  return 'invalid_signature';
}

/** The public-key family: valid when any signature verifies under any of the keys. */
export function verifyPublicKeyContent(config: PublicKeySchemeConfig, keyTexts: readonly string[], request: SignedRequest): ContentProblem | 'valid' {
  const keys = keyTexts.map((text) => publicKeyOf(text, config.algorithm)).filter((k): k is KeyObject => k !== null);
  if (keys.length === 0) return 'no_secret';
  const found = extract(config, request);
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

// ---- keys ----

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

// ---- parsing ----

/** Most reads at most this many numbered headers (DocuSign sends one per key, up to 100). */
const MAX_NUMBERED_HEADERS = 100;

/** The signature values: from the body, from `<header>-1` … `<header>-<n>`, or from the header. */
function rawSignatures(config: HmacSchemeConfig | PublicKeySchemeConfig, headers: Headers, json: unknown): string[] {
  if (config.signatureJsonPath !== undefined) {
    const value = stringAt(json, config.signatureJsonPath);
    return value !== undefined ? [value] : [];
  }
  if (config.numberedHeaders !== undefined) {
    // The request's few headers are scanned, rather than up to 100 names looked up.
    const values: string[] = [];
    const count = Math.min(Math.max(Math.trunc(Number(config.numberedHeaders)) || 0, 0), MAX_NUMBERED_HEADERS);
    const prefix = `${config.header}-`;
    for (const name of Object.keys(headers)) {
      if (!name.startsWith(prefix)) continue;
      const n = name.slice(prefix.length);
      const value = header(headers, name);
      if (/^[1-9][0-9]{0,2}$/.test(n) && Number(n) <= count && value !== undefined) values.push(value);
    }
    return values;
  }
  const value = header(headers, config.header);
  return value !== undefined ? [value] : [];
}

function parseList(value: string, list: SignatureList): { signatures: string[]; timestamp: string | undefined } {
  const signatures: string[] = [];
  let timestamp: string | undefined;
  for (const entry of value.split(list.separator)) {
    const trimmed = entry.trim();
    const at = trimmed.indexOf(list.keySeparator);
    if (at <= 0) continue;
    const key = trimmed.slice(0, at);
    const rest = trimmed.slice(at + list.keySeparator.length);
    if (key === list.signatureKey) signatures.push(rest);
    else if (list.timestampKey !== undefined && key === list.timestampKey) timestamp = rest;
  }
  return { signatures, timestamp };
}

/** Twilio's signed parameters: each name (sorted), followed by each of its values (sorted). */
export function sortedForm(body: Buffer): string {
  const params = formParameters(body.toString('utf8'));
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of params) {
    const values = byName.get(name);
    if (values === undefined) byName.set(name, new Set([value]));
    else values.add(value);
  }
  let text = '';
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...byName.get(name)!].sort()) text += name + value;
  }
  return text;
}

/**
 * The name-value pairs of a form-encoded body, as `URLSearchParams` (the WHATWG
 * application/x-www-form-urlencoded parser) reads them, several times faster: the native
 * `decodeURIComponent` decodes each part, and a body it cannot decode (a stray `%`, percent-encoded
 * bytes that are not UTF-8) is left to `URLSearchParams`, whose lenient decoding is the reference.
 */
function formParameters(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  try {
    // URLSearchParams drops one leading '?' of a string.
    for (const sequence of (text.startsWith('?') ? text.slice(1) : text).split('&')) {
      if (sequence === '') continue;
      const at = sequence.indexOf('=');
      const name = at === -1 ? sequence : sequence.slice(0, at);
      const value = at === -1 ? '' : sequence.slice(at + 1);
      pairs.push([decodeFormPart(name), decodeFormPart(value)]);
    }
    return pairs;
  } catch {
    return [...new URLSearchParams(text)];
  }
}

function decodeFormPart(part: string): string {
  const spaced = part.includes('+') ? part.replace(/\+/g, ' ') : part;
  return spaced.includes('%') ? decodeURIComponent(spaced) : spaced;
}

function jsonOf(body: Buffer): unknown {
  const parsed = parseJsonBody(body);
  return parsed.ok ? parsed.body.value : undefined;
}

/** A string (or a number, as JS writes it) at a dotted path of own properties. */
function stringAt(json: unknown, path: string): string | undefined {
  let current = json;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  if (typeof current === 'number' && Number.isFinite(current)) return String(current);
  return typeof current === 'string' && current !== '' ? current : undefined;
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// ---- timestamps ----

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Unix seconds of an ISO 8601 / RFC 3339 date-time (Zendesk, Twitch), or undefined. The usual
 * layout (`2021-03-25T05:09:27[.123456789](Z|±hh:mm)`, fields in range) is read digit by digit
 * into `Date.UTC`: a regular expression with captures and `Date.parse` would cost a sixth of the
 * HMAC itself. Anything else is left to `Date.parse`, the reference, which this matches exactly.
 */
export function isoSeconds(text: string): number | undefined {
  const fast = typeof text === 'string' ? fastIsoMillis(text) : undefined;
  if (fast !== undefined) return fast / 1000;
  if (!ISO_DATE_TIME.test(text)) return undefined;
  // Date.parse takes milliseconds at most: drop finer digits (RFC 3339 nanoseconds, Twitch).
  const ms = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** The milliseconds of the usual layout with every field in range; undefined for anything else. */
function fastIsoMillis(text: string): number | undefined {
  const digits = (at: number, count: number): number => {
    let value = 0;
    for (let i = at; i < at + count; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      value = value * 10 + d;
    }
    return value;
  };
  if (text.length < 20 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return undefined;
  const year = digits(0, 4);
  const month = digits(5, 2);
  const day = digits(8, 2);
  const hour = digits(11, 2);
  const minute = digits(14, 2);
  const second = digits(17, 2);
  let at = 19;
  let millis = 0;
  if (text[at] === '.') {
    let count = 0;
    while (count < 10 && text.charCodeAt(at + 1 + count) >= 48 && text.charCodeAt(at + 1 + count) <= 57) count++;
    if (count === 0 || count > 9) return undefined;
    millis = digits(at + 1, Math.min(count, 3)) * 10 ** (3 - Math.min(count, 3));
    at += 1 + count;
  }
  let offsetMinutes = 0;
  if (text[at] === 'Z' && at + 1 === text.length) {
    offsetMinutes = 0;
  } else if ((text[at] === '+' || text[at] === '-') && at + 6 === text.length && text[at + 3] === ':') {
    const hours = digits(at + 1, 2);
    const minutes = digits(at + 4, 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
    offsetMinutes = (text[at] === '-' ? -1 : 1) * (hours * 60 + minutes);
  } else {
    return undefined;
  }
  const inRange = year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23
    && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
  if (!inRange) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // The 29th to the 31st exist only in some months.
  if (day > 28 && new Date(utc).getUTCDate() !== day) return undefined;
  return utc - offsetMinutes * 60_000;
}

/** Why a signed timestamp is unacceptable, or undefined when it is within the tolerance either way. */
export function checkTimestamp(timestamp: string | undefined, unit: TimestampUnit, now: number, tolerance: number): ContentProblem | undefined {
  if (timestamp === undefined || timestamp === '') return 'missing_timestamp';
  const seconds = secondsOf(timestamp, unit);
  if (seconds === undefined) return 'malformed_signature';
  const age = now - seconds;
  if (age <= tolerance && -age <= tolerance) return undefined;
  return age < 0 ? 'future_timestamp' : 'stale_timestamp';
}

function secondsOf(text: string, unit: TimestampUnit): number | undefined {
  if (unit === 'iso') return isoSeconds(text);
  if (!/^\d{1,15}$/.test(text)) return undefined;
  const value = Number(text);
  return unit === 'ms' ? value / 1000 : value;
}

// ---- helpers ----

const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

function encodedLength(algorithm: HmacAlgorithm, encoding: 'hex' | 'base64'): number {
  const bytes = DIGEST_BYTES[algorithm];
  return encoding === 'hex' ? bytes * 2 : Math.ceil(bytes / 3) * 4;
}

function memoised<V>(cache: Map<string, V>, key: string, compute: () => V): V {
  if (cache.has(key)) return cache.get(key) as V;
  const value = compute();
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}
