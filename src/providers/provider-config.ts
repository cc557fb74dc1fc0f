/**
 * The provider configuration the construct hands to the ingest function (in the compact form of
 * provider-encoding.ts, in the `WEBHOOK_PROVIDERS` environment variable). Shared by the construct
 * and the handler; not part of the public API.
 */

import type { HandshakeKind } from './handshake-kinds';

/** How a provider signs its deliveries. */
export type SignatureScheme =
  | 'stripe'
  | 'github'
  | 'shopify'
  | 'slack'
  | 'standard-webhooks'
  | 'hmac'
  | 'api-key'
  | 'public-key'
  | 'basic-auth'
  | 'unverified'
  | 'client-state';

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
  /**
   * The signed content, when not `body` (or `timestamp.body` with a timestamp): a template of
   * signed-content.ts (`{ts}`, `{body}`, `{url}`, `{method}`, `{form}`, `{h:<header>}`,
   * `{j:<json path>}` and literal text).
   */
  readonly content?: string;
  /** The signature header is a list of `key=value` entries (Stripe-like), not one signature. */
  readonly list?: SignatureList;
  /** A dotted JSON path to the signature, when the body carries it (Mailgun), not a header. */
  readonly signatureJsonPath?: string;
  /** A dotted JSON path to the signed timestamp, when the body carries it. */
  readonly timestampJsonPath?: string;
  /** How the timestamp is written, when not unix seconds. */
  readonly timestampUnit?: TimestampUnit;
  /** How a secret becomes the HMAC key, when not its UTF-8 bytes: hex-decoded (Adyen) or base64-decoded (Airtable). */
  readonly keyEncoding?: KeyEncoding;
  /**
   * The signature is in `<header>-1` … `<header>-<n>`, one header per active key of the
   * provider (DocuSign Connect); this is n, the most headers read.
   */
  readonly numberedHeaders?: number;
}

/** How a secret, as the provider shows it, is the HMAC key. */
export type KeyEncoding = 'hex' | 'base64';

/** Unix seconds (the default), unix milliseconds, or an ISO 8601 / RFC 3339 date-time. */
export type TimestampUnit = 's' | 'ms' | 'iso';

/**
 * A signature header holding several entries, e.g. Stripe's `t=1,v1=ab,v1=cd` (separator `,`,
 * key separator `=`, signature key `v1`, timestamp key `t`) or Standard Webhooks' `v1a,<sig>
 * v1a,<sig>` (separator ` `, key separator `,`, signature key `v1a`). Entries are trimmed.
 */
export interface SignatureList {
  readonly separator: string;
  readonly keySeparator: string;
  readonly signatureKey: string;
  readonly timestampKey?: string;
}

/** Settings of the public-key scheme (Ed25519, ECDSA P-256 with SHA-256). */
export interface PublicKeySchemeConfig extends Omit<HmacSchemeConfig, 'algorithm'> {
  readonly algorithm: PublicKeyAlgorithm;
  /**
   * The public key itself (not secret, so it may live in the configuration): hex or base64 of
   * the raw Ed25519 key, `whpk_`-prefixed base64, base64 DER SubjectPublicKeyInfo, or PEM.
   * Absent: the provider's secrets hold the keys.
   */
  readonly publicKey?: string;
}

export type PublicKeyAlgorithm = 'ed25519' | 'ecdsa-p256';

export interface ProviderRuntimeConfig {
  /** The handshake the ingest function answers (handshake.ts); a preset's is implied by it. */
  readonly handshake?: HandshakeKind;
  /** Secrets a handshake checks, apart from the signing secrets: Meta's verify token. */
  readonly handshakeSecretArns?: string[];
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
  /** Settings of the `public-key` scheme. */
  readonly publicKey?: PublicKeySchemeConfig;
  /**
   * The URL the provider signs (`{url}` in a signed-content template): the public URL of the
   * route as the provider was configured with it, custom domain and query included.
   */
  readonly publicUrl?: string;
  /** The preset this configuration came from; the encoding leaves out what the preset implies. */
  readonly preset?: string;
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
