/**
 * The provider configuration the construct hands to the ingest function (in the compact form of
 * provider-encoding.ts, in the `WEBHOOK_PROVIDERS` environment variable). Shared by the construct
 * and the handler; not part of the public API.
 */

/** How a provider signs its deliveries. */
export type SignatureScheme =
  | 'stripe'
  | 'github'
  | 'shopify'
  | 'slack'
  | 'standard-webhooks'
  | 'hmac'
  | 'api-key'
  | 'unverified';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64';

/**
 * Where to find a value in a delivery: a header (lower-case name), else a second header, else a
 * dotted JSON path in the body.
 */
export interface FieldLocation {
  readonly header?: string;
  /** Read when `header` is absent, e.g. Svix's `svix-id` next to Standard Webhooks' `webhook-id`. */
  readonly fallbackHeader?: string;
  readonly jsonPath?: string;
}

/** Settings of the generic HMAC scheme. */
export interface HmacSchemeConfig {
  /** Lower-case name of the header carrying the signature. */
  readonly header: string;
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
  /** Text before the signature in the header value, e.g. `sha256=`. */
  readonly prefix?: string;
  /**
   * Lower-case name of a header carrying a unix timestamp (seconds). When set, the signed
   * content is `${timestamp}.${body}` and the timestamp is checked against the tolerance.
   */
  readonly timestampHeader?: string;
}

export interface ProviderRuntimeConfig {
  /** Route segment: `POST /webhook/{name}`. */
  readonly name: string;
  readonly scheme: SignatureScheme;
  /**
   * Secrets Manager secret ids: ARNs, or names of secrets in the function's own account and
   * Region (GetSecretValue takes either). Each secret's SecretString is one live signing secret
   * (or API key).
   */
  readonly secretArns: string[];
  /** Maximum age (and future skew) of a signed timestamp, in seconds. */
  readonly toleranceSeconds: number;
  readonly hmac?: HmacSchemeConfig;
  /** Lower-case header name, for the `api-key` scheme. */
  readonly apiKeyHeader?: string;
  /** Where the provider's own delivery/event id is (used as the webhook id, for deduplication). */
  readonly eventId?: FieldLocation;
  /** Where the provider's event type is. */
  readonly eventType?: FieldLocation;
  /**
   * How long a body digest, once processed, makes the same bytes under another delivery id a
   * replay (recorded with status `replay`, not processed). Absent: no replay window.
   */
  readonly replayWindowSeconds?: number;
}

/** Where the well-known providers keep their delivery id and event type. */
export const PRESET_FIELDS: Readonly<Partial<Record<SignatureScheme, { readonly eventId: FieldLocation; readonly eventType: FieldLocation }>>> = {
  'stripe': { eventId: { jsonPath: 'id' }, eventType: { jsonPath: 'type' } },
  'github': { eventId: { header: 'x-github-delivery' }, eventType: { header: 'x-github-event' } },
  'shopify': { eventId: { header: 'x-shopify-webhook-id' }, eventType: { header: 'x-shopify-topic' } },
  'slack': { eventId: { jsonPath: 'event_id' }, eventType: { jsonPath: 'event.type' } },
  // Svix sends the same scheme under svix-* names (https://docs.svix.com/receiving/verifying-payloads/how-manual).
  'standard-webhooks': { eventId: { header: 'webhook-id', fallbackHeader: 'svix-id' }, eventType: { jsonPath: 'type' } },
};

/** The name of the processor's schema file in its layer, which Lambda extracts under /opt. */
export const PAYLOAD_SCHEMAS_FILE = 'webhook-processor/payload-schemas.json';
export const PAYLOAD_SCHEMAS_VERSION = 1;

/** One provider's payload schemas, as JSON Schema documents. */
export interface ProviderSchemas {
  /** Every delivery of the provider must satisfy it. */
  readonly schema?: Readonly<Record<string, unknown>>;
  /** A delivery of a listed event type must satisfy that schema too. */
  readonly eventSchemas?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** The schema file the processor reads at init: the schemas of every provider that has any. */
export interface PayloadSchemasDocument {
  readonly v: number;
  /** By provider name. */
  readonly providers: Readonly<Record<string, ProviderSchemas>>;
}
