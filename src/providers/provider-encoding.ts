/**
 * The compact form of the provider list in the ingest function's `WEBHOOK_PROVIDERS` environment
 * variable. Lambda allows 4 KB for all of a function's variables and measures them as one JSON
 * object, where every quote of this JSON counts twice; so keys are one letter, and what the
 * handler can derive (a preset's id and type fields, the default tolerance and HMAC settings) is
 * left out. Shared by the construct (encode) and the handler (decode); not part of the public API.
 */
import type { HandshakeKind } from './handshake-kinds';
import { presetNamed, type PresetDefinition } from './presets';
import { PRESET_FIELDS, type FieldLocation, type HmacSchemeConfig, type KeyEncoding, type ProviderRuntimeConfig, type PublicKeySchemeConfig, type SignatureList, type TimestampUnit } from './provider-config';

/** A field location: `h:<header>` or `j:<json path>`, or both. */
type EncodedLocation = string | { readonly h: string; readonly j: string };

interface EncodedHmac {
  /** Signature header. */
  readonly h: string;
  /** Algorithm, when not sha256. */
  readonly a?: HmacSchemeConfig['algorithm'];
  /** Encoding, when not hex. */
  readonly e?: HmacSchemeConfig['encoding'];
  /** Signature prefix. */
  readonly p?: string;
  /** Timestamp header. */
  readonly t?: string;
  /** Signed-content template. */
  readonly c?: string;
  /** Signature list: separator, key separator, signature key, timestamp key. */
  readonly l?: readonly [string, string, string, string?];
  /** Signature JSON path. */
  readonly j?: string;
  /** Timestamp JSON path. */
  readonly q?: string;
  /** Timestamp unit, when not seconds. */
  readonly u?: TimestampUnit;
  /** Key encoding, when the secret is not the key's UTF-8. */
  readonly x?: KeyEncoding;
  /** Numbered signature headers: how many. */
  readonly N?: number;
}

/** The public-key settings: the HMAC ones with the algorithm in `a` and the key in `k`. */
interface EncodedPublicKey extends Omit<EncodedHmac, 'a'> {
  readonly a: PublicKeySchemeConfig['algorithm'];
  readonly k?: string;
}

interface EncodedProvider {
  /** Name. */
  readonly n: string;
  /** Scheme. */
  readonly s: ProviderRuntimeConfig['scheme'];
  /** Secret ids, when there are any. */
  readonly k?: string[];
  /** Tolerance in seconds, when not the default. */
  readonly t?: number;
  /** Replay window in seconds, when there is one. */
  readonly r?: number;
  readonly h?: EncodedHmac;
  /** API key header. */
  readonly a?: string;
  /** Preset name: what it implies (settings, id and type fields) is left out. */
  readonly P?: string;
  /** Public-key settings (a preset's: only its inline key, `{ k }`). */
  readonly x?: EncodedPublicKey | { readonly k: string };
  /** Public URL. */
  readonly u?: string;
  /** Delivery id, when not the scheme's preset. */
  readonly i?: EncodedLocation;
  /** Event type, when not the scheme's preset. */
  readonly e?: EncodedLocation;
  /** Handshake, when not the preset's. */
  readonly H?: HandshakeKind;
  /** Handshake secret ids (Meta's verify token). */
  readonly v?: string[];
}

/** The whole variable: the default tolerance and the providers. */
export interface EncodedProviders {
  readonly t: number;
  readonly p: EncodedProvider[];
}

/** The compact form of `providers`; `defaultToleranceSeconds` is written once. */
export function encodeProviders(providers: readonly ProviderRuntimeConfig[], defaultToleranceSeconds: number): EncodedProviders {
  return { t: defaultToleranceSeconds, p: providers.map((p) => encodeProvider(p, defaultToleranceSeconds)) };
}

/** The providers from the value of `WEBHOOK_PROVIDERS`. */
export function decodeProviders(value: string): ProviderRuntimeConfig[] {
  const encoded = JSON.parse(value) as EncodedProviders;
  if (typeof encoded !== 'object' || encoded === null || typeof encoded.t !== 'number' || !Array.isArray(encoded.p)) {
    throw new Error('WEBHOOK_PROVIDERS is not in the form the WebhookProcessor construct writes; deploy the function with the construct of the same version.');
  }
  return encoded.p.map((p) => decodeProvider(p, encoded.t));
}

function encodeProvider(p: ProviderRuntimeConfig, defaultTolerance: number): EncodedProvider {
  const named = p.preset !== undefined ? presetNamed(p.preset) : undefined;
  const preset = named ?? PRESET_FIELDS[p.scheme];
  const sameAsPreset = (a: unknown, b: unknown) => named !== undefined && JSON.stringify(a) === JSON.stringify(b);
  return {
    n: p.name,
    s: p.scheme,
    ...(named !== undefined ? { P: named.factory } : {}),
    ...(p.publicKey !== undefined ? { x: encodePublicKey(p.publicKey, named) } : {}),
    ...(p.publicUrl !== undefined ? { u: p.publicUrl } : {}),
    ...(p.secretArns.length > 0 ? { k: [...p.secretArns] } : {}),
    ...(p.toleranceSeconds !== defaultTolerance ? { t: p.toleranceSeconds } : {}),
    ...(p.replayWindowSeconds !== undefined ? { r: p.replayWindowSeconds } : {}),
    ...(p.hmac !== undefined && !sameAsPreset(p.hmac, named?.hmac) ? { h: encodeHmac(p.hmac) } : {}),
    ...(p.apiKeyHeader !== undefined && !sameAsPreset(p.apiKeyHeader, named?.apiKeyHeader) ? { a: p.apiKeyHeader } : {}),
    ...(p.eventId !== undefined && !sameLocation(p.eventId, preset?.eventId) ? { i: encodeLocation(p.eventId) } : {}),
    ...(p.eventType !== undefined && !sameLocation(p.eventType, preset?.eventType) ? { e: encodeLocation(p.eventType) } : {}),
    ...(p.handshake !== undefined && p.handshake !== named?.answers ? { H: p.handshake } : {}),
    ...(p.handshakeSecretArns !== undefined && p.handshakeSecretArns.length > 0 ? { v: [...p.handshakeSecretArns] } : {}),
  };
}

function decodeProvider(e: EncodedProvider, defaultTolerance: number): ProviderRuntimeConfig {
  const named = e.P !== undefined ? presetNamed(e.P) : undefined;
  if (e.P !== undefined && named === undefined) {
    throw new Error(`WEBHOOK_PROVIDERS names the preset '${e.P}', which this function does not know; deploy the function with the construct of the same version.`);
  }
  const preset = named ?? PRESET_FIELDS[e.s];
  const hmac = e.h !== undefined ? decodeHmac(e.h) : named?.hmac;
  const apiKeyHeader = e.a ?? named?.apiKeyHeader;
  const publicKey = e.x !== undefined ? decodePublicKey(e.x, named) : named?.publicKey;
  const eventId = e.i !== undefined ? decodeLocation(e.i) : preset?.eventId;
  const eventType = e.e !== undefined ? decodeLocation(e.e) : preset?.eventType;
  const handshake = e.H ?? named?.answers;
  return {
    name: e.n,
    scheme: e.s,
    secretArns: e.k ?? [],
    toleranceSeconds: e.t ?? defaultTolerance,
    ...(e.r !== undefined ? { replayWindowSeconds: e.r } : {}),
    ...(named !== undefined ? { preset: named.factory } : {}),
    ...(hmac !== undefined ? { hmac } : {}),
    ...(publicKey !== undefined ? { publicKey } : {}),
    ...(e.u !== undefined ? { publicUrl: e.u } : {}),
    ...(apiKeyHeader !== undefined ? { apiKeyHeader } : {}),
    ...(eventId !== undefined ? { eventId } : {}),
    ...(eventType !== undefined ? { eventType } : {}),
    ...(handshake !== undefined ? { handshake } : {}),
    ...(e.v !== undefined ? { handshakeSecretArns: e.v } : {}),
  };
}

function encodeHmac(h: HmacSchemeConfig): EncodedHmac {
  return {
    h: h.header,
    ...(h.algorithm !== 'sha256' ? { a: h.algorithm } : {}),
    ...(h.encoding !== 'hex' ? { e: h.encoding } : {}),
    ...(h.prefix !== undefined ? { p: h.prefix } : {}),
    ...(h.timestampHeader !== undefined ? { t: h.timestampHeader } : {}),
    ...(h.content !== undefined ? { c: h.content } : {}),
    ...(h.list !== undefined ? { l: encodeList(h.list) } : {}),
    ...(h.signatureJsonPath !== undefined ? { j: h.signatureJsonPath } : {}),
    ...(h.timestampJsonPath !== undefined ? { q: h.timestampJsonPath } : {}),
    ...(h.timestampUnit !== undefined ? { u: h.timestampUnit } : {}),
    ...(h.keyEncoding !== undefined ? { x: h.keyEncoding } : {}),
    ...(h.numberedHeaders !== undefined ? { N: h.numberedHeaders } : {}),
  };
}

function encodeList(l: SignatureList): EncodedHmac['l'] {
  return l.timestampKey !== undefined ? [l.separator, l.keySeparator, l.signatureKey, l.timestampKey] : [l.separator, l.keySeparator, l.signatureKey];
}

function decodeList(l: NonNullable<EncodedHmac['l']>): SignatureList {
  return { separator: l[0], keySeparator: l[1], signatureKey: l[2], ...(l[3] !== undefined ? { timestampKey: l[3] } : {}) };
}

function encodePublicKey(k: PublicKeySchemeConfig, preset: PresetDefinition | undefined): EncodedPublicKey | { readonly k: string } | undefined {
  if (preset?.publicKey !== undefined) {
    return k.publicKey !== undefined ? { k: k.publicKey } : undefined;
  }
  const { a: _ignored, ...rest } = encodeHmac({ ...k, algorithm: 'sha256' });
  return { ...rest, a: k.algorithm, ...(k.publicKey !== undefined ? { k: k.publicKey } : {}) };
}

function decodePublicKey(x: EncodedPublicKey | { readonly k: string }, preset: PresetDefinition | undefined): PublicKeySchemeConfig {
  if (preset?.publicKey !== undefined) {
    return { ...preset.publicKey, publicKey: x.k };
  }
  const full = x as EncodedPublicKey;
  const { algorithm: _sha, ...settings } = decodeHmac({ ...full, a: 'sha256' });
  return { ...settings, algorithm: full.a, ...(full.k !== undefined ? { publicKey: full.k } : {}) };
}

function decodeHmac(h: EncodedHmac): HmacSchemeConfig {
  return {
    header: h.h,
    algorithm: h.a ?? 'sha256',
    encoding: h.e ?? 'hex',
    ...(h.p !== undefined ? { prefix: h.p } : {}),
    ...(h.t !== undefined ? { timestampHeader: h.t } : {}),
    ...(h.c !== undefined ? { content: h.c } : {}),
    ...(h.l !== undefined ? { list: decodeList(h.l) } : {}),
    ...(h.j !== undefined ? { signatureJsonPath: h.j } : {}),
    ...(h.q !== undefined ? { timestampJsonPath: h.q } : {}),
    ...(h.u !== undefined ? { timestampUnit: h.u } : {}),
    ...(h.x !== undefined ? { keyEncoding: h.x } : {}),
    ...(h.N !== undefined ? { numberedHeaders: h.N } : {}),
  };
}

function encodeLocation(l: FieldLocation): EncodedLocation {
  if (l.fallbackHeader !== undefined) throw new Error('a fallback header is a preset\'s, never configured: it cannot be encoded');
  if (l.header !== undefined && l.jsonPath !== undefined) return { h: l.header, j: l.jsonPath };
  return l.header !== undefined ? `h:${l.header}` : `j:${l.jsonPath ?? ''}`;
}

function decodeLocation(l: EncodedLocation): FieldLocation {
  if (typeof l !== 'string') return { header: l.h, jsonPath: l.j };
  return l.startsWith('h:') ? { header: l.slice(2) } : { jsonPath: l.slice(2) };
}

function sameLocation(a: FieldLocation, b: FieldLocation | undefined): boolean {
  return b !== undefined && a.header === b.header && a.jsonPath === b.jsonPath && a.fallbackHeader === b.fallbackHeader;
}
