/**
 * The compact form of the provider list in the ingest function's `WEBHOOK_PROVIDERS` environment
 * variable. Lambda allows 4 KB for all of a function's variables and measures them as one JSON
 * object, where every quote of this JSON counts twice; so keys are one letter, and what the
 * handler can derive (a preset's id and type fields, the default tolerance and HMAC settings) is
 * left out. Shared by the construct (encode) and the handler (decode); not part of the public API.
 */
import { PRESET_FIELDS, type FieldLocation, type HmacSchemeConfig, type ProviderRuntimeConfig } from './provider-config';

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
  /** Delivery id, when not the scheme's preset. */
  readonly i?: EncodedLocation;
  /** Event type, when not the scheme's preset. */
  readonly e?: EncodedLocation;
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
  const preset = PRESET_FIELDS[p.scheme];
  return {
    n: p.name,
    s: p.scheme,
    ...(p.secretArns.length > 0 ? { k: [...p.secretArns] } : {}),
    ...(p.toleranceSeconds !== defaultTolerance ? { t: p.toleranceSeconds } : {}),
    ...(p.replayWindowSeconds !== undefined ? { r: p.replayWindowSeconds } : {}),
    ...(p.hmac !== undefined ? { h: encodeHmac(p.hmac) } : {}),
    ...(p.apiKeyHeader !== undefined ? { a: p.apiKeyHeader } : {}),
    ...(p.eventId !== undefined && !sameLocation(p.eventId, preset?.eventId) ? { i: encodeLocation(p.eventId) } : {}),
    ...(p.eventType !== undefined && !sameLocation(p.eventType, preset?.eventType) ? { e: encodeLocation(p.eventType) } : {}),
  };
}

function decodeProvider(e: EncodedProvider, defaultTolerance: number): ProviderRuntimeConfig {
  const preset = PRESET_FIELDS[e.s];
  const eventId = e.i !== undefined ? decodeLocation(e.i) : preset?.eventId;
  const eventType = e.e !== undefined ? decodeLocation(e.e) : preset?.eventType;
  return {
    name: e.n,
    scheme: e.s,
    secretArns: e.k ?? [],
    toleranceSeconds: e.t ?? defaultTolerance,
    ...(e.r !== undefined ? { replayWindowSeconds: e.r } : {}),
    ...(e.h !== undefined ? { hmac: decodeHmac(e.h) } : {}),
    ...(e.a !== undefined ? { apiKeyHeader: e.a } : {}),
    ...(eventId !== undefined ? { eventId } : {}),
    ...(eventType !== undefined ? { eventType } : {}),
  };
}

function encodeHmac(h: HmacSchemeConfig): EncodedHmac {
  return {
    h: h.header,
    ...(h.algorithm !== 'sha256' ? { a: h.algorithm } : {}),
    ...(h.encoding !== 'hex' ? { e: h.encoding } : {}),
    ...(h.prefix !== undefined ? { p: h.prefix } : {}),
    ...(h.timestampHeader !== undefined ? { t: h.timestampHeader } : {}),
  };
}

function decodeHmac(h: EncodedHmac): HmacSchemeConfig {
  return {
    header: h.h,
    algorithm: h.a ?? 'sha256',
    encoding: h.e ?? 'hex',
    ...(h.p !== undefined ? { prefix: h.p } : {}),
    ...(h.t !== undefined ? { timestampHeader: h.t } : {}),
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
