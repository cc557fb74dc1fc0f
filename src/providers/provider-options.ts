/**
 * The signature schemes and the options of each kind of WebhookProvider (part of the public API).
 *
 * Over 400 lines: one documented options struct per kind of provider, each prop with its
 * default and the provider documentation it comes from; public API, so kept in one place.
 */
import type { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { PayloadSchema } from './payload-schema';

/** How a provider signs its deliveries. */
export enum SignatureScheme {
  /** `Stripe-Signature: t=…,v1=…`, HMAC-SHA256 over `t.body`. */
  STRIPE = 'stripe',
  /** `X-Hub-Signature-256: sha256=…`, HMAC-SHA256 over the body. */
  GITHUB = 'github',
  /** `X-Shopify-Hmac-SHA256`, base64 HMAC-SHA256 over the body. */
  SHOPIFY = 'shopify',
  /** `X-Slack-Signature: v0=…`, HMAC-SHA256 over `v0:timestamp:body`. */
  SLACK = 'slack',
  /** Standard Webhooks / Svix: `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
  STANDARD_WEBHOOKS = 'standard-webhooks',
  /** A configurable HMAC over the body (and optionally a timestamp). */
  HMAC = 'hmac',
  /** A shared key sent in a header. */
  API_KEY = 'api-key',
  /** A public-key signature (Ed25519, ECDSA P-256), e.g. Discord, SendGrid, Standard Webhooks `v1a`. */
  PUBLIC_KEY = 'public-key',
  /** HTTP basic auth (`Authorization: Basic …`), e.g. Postmark. */
  BASIC_AUTH = 'basic-auth',
  /** No verification at all. */
  UNVERIFIED = 'unverified',
  /** Microsoft Graph: every notification's `clientState` equals the secret (nothing is signed). */
  CLIENT_STATE = 'client-state',
}

/** Hash function of a generic HMAC provider. */
export enum HmacAlgorithm {
  /** HMAC-SHA1 (legacy providers only). */
  SHA1 = 'sha1',
  /** HMAC-SHA256. */
  SHA256 = 'sha256',
  /** HMAC-SHA512. */
  SHA512 = 'sha512',
}

/** How a generic HMAC provider encodes the signature in its header. */
export enum SignatureEncoding {
  /** Lower- or upper-case hexadecimal. */
  HEX = 'hex',
  /** Standard base64. */
  BASE64 = 'base64',
}

/** Secrets and timestamp tolerance, shared by every verified provider. */
export interface ProviderSecretOptions {
  /**
   * The signing secrets, each a Secrets Manager secret whose `SecretString` is the secret as the
   * provider shows it (e.g. `whsec_…`). Every listed secret is accepted, so a rotation adds the
   * new secret next to the old one and removes the old one once the provider has switched.
   */
  readonly secrets: secretsmanager.ISecret[];

  /**
   * The customer managed KMS key the secrets are encrypted with, for secrets that do not carry it.
   *
   * A secret imported by name or ARN (`Secret.fromSecretNameV2`, `Secret.fromSecretCompleteArn`)
   * knows no key, and without `kms:Decrypt` on it every delivery is answered 503. The ingest
   * function may decrypt with the key only through Secrets Manager
   * (`kms:ViaService`); the key policy must let the account's IAM policies grant it (the default
   * key policy does). Secrets created in the stack with a key, or imported with
   * `Secret.fromSecretAttributes({ encryptionKey })`, need nothing here.
   *
   * @default - the secrets' own `encryptionKey`, if any; otherwise the AWS managed key `aws/secretsmanager` is assumed
   */
  readonly secretsEncryptionKey?: kms.IKey;

  /**
   * How far a signed timestamp may be from the time of receipt, in either direction.
   * Only for schemes that sign a timestamp.
   *
   * @default - the WebhookProcessor's `signatureTolerance` (5 minutes)
   */
  readonly tolerance?: Duration;

  /**
   * How long a processed body stays known: the same bytes under another delivery id within
   * this window are recorded with status `replay` (and `replayOf`, the first id), counted,
   * and not processed. This closes replays of captured deliveries where the signature covers
   * neither the delivery id nor a timestamp. It costs one conditional DynamoDB write per
   * delivery and one small item per distinct body for the window; a provider that
   * legitimately sends identical bytes under a new id within the window (for example the same
   * event resent as a new delivery) has the later ones recorded as replays, still archived.
   * `Duration.seconds(0)` turns it off.
   *
   * @default - 7 days where the scheme signs no timestamp (GitHub, Shopify, HMAC without `timestampHeader`); off where a signed timestamp bounds replays to the tolerance (Stripe, Slack, Standard Webhooks, HMAC with `timestampHeader`) and for API keys, which sign nothing
   */
  readonly replayWindow?: Duration;
}

/**
 * JSON Schemas a provider's deliveries must satisfy. The processor validates the JSON body of
 * each verified delivery; one that fails is still acknowledged and archived, recorded with
 * status `invalid` and `invalidReason`, counted (`WebhooksInvalid`) and alarmed, and never
 * routed. A body that is not JSON fails any schema that applies to it.
 */
export interface PayloadValidationOptions {
  /**
   * The schema every delivery of the provider must satisfy.
   *
   * @default - no schema for every delivery (only `eventSchemas`, if any)
   */
  readonly schema?: PayloadSchema;

  /**
   * Schemas by event type (as recorded: the provider's `type`, `X-GitHub-Event`, …). A delivery
   * of a listed type must satisfy that schema in addition to `schema`; a delivery of any other
   * type (or of none) is checked against `schema` only.
   *
   * @default - no schema by event type
   */
  readonly eventSchemas?: { [eventType: string]: PayloadSchema };
}

/** Options of a well-known provider (Stripe, GitHub, Shopify, Slack, Standard Webhooks). */
export interface WebhookProviderOptions extends ProviderSecretOptions, PayloadValidationOptions {
  /**
   * The route segment: deliveries are sent to `POST /webhook/{name}`.
   *
   * @default - the provider's own name, e.g. `stripe`
   */
  readonly name?: string;
}

/** Options of a generic HMAC provider. */
export interface HmacProviderOptions extends ProviderSecretOptions, PayloadValidationOptions {
  /** The route segment: deliveries are sent to `POST /webhook/{name}`. */
  readonly name: string;

  /** The header carrying the signature, e.g. `X-Signature`. */
  readonly signatureHeader: string;

  /**
   * The hash function.
   *
   * @default HmacAlgorithm.SHA256
   */
  readonly algorithm?: HmacAlgorithm;

  /**
   * How the signature is encoded.
   *
   * @default SignatureEncoding.HEX
   */
  readonly encoding?: SignatureEncoding;

  /**
   * Text in front of the signature in the header value, e.g. `sha256=`.
   *
   * @default - no prefix
   */
  readonly signaturePrefix?: string;

  /**
   * A header carrying the unix time (seconds) of signing. When set, the signed content is
   * `timestamp.body` and the timestamp must be within the tolerance.
   *
   * @default - no timestamp: the signed content is the body
   */
  readonly timestampHeader?: string;

  /**
   * A header carrying the provider's delivery id, used as the webhook id to drop duplicates.
   *
   * @default - no header; see `eventIdJsonPath`
   */
  readonly eventIdHeader?: string;

  /**
   * A dotted path into a JSON body to the delivery id, e.g. `id` or `meta.event_id` (array
   * elements by index: `items.0.id`; not JSONPath). Set this or `eventIdHeader`, not both.
   *
   * @default - no path: deliveries without `eventIdHeader` get a generated id and are not deduplicated
   */
  readonly eventIdJsonPath?: string;

  /**
   * A header carrying the event type.
   *
   * @default - no header; see `eventTypeJsonPath`
   */
  readonly eventTypeHeader?: string;

  /**
   * A dotted path into a JSON body to the event type, e.g. `type` (not JSONPath). Set this or
   * `eventTypeHeader`, not both.
   *
   * @default - no event type is recorded unless `eventTypeHeader` is set
   */
  readonly eventTypeJsonPath?: string;
}

/** Options of a provider that sends a shared API key in a header. */
export interface ApiKeyProviderOptions extends ProviderSecretOptions, PayloadValidationOptions {
  /** The route segment: deliveries are sent to `POST /webhook/{name}`. */
  readonly name: string;

  /** The header carrying the key, e.g. `X-Api-Key`. Its value is never queued, archived or logged. */
  readonly header: string;

  /**
   * A header carrying the provider's delivery id, used as the webhook id to drop duplicates.
   *
   * @default - no header; see `eventIdJsonPath`
   */
  readonly eventIdHeader?: string;

  /**
   * A dotted path into a JSON body to the delivery id, e.g. `id` (not JSONPath). Set this or
   * `eventIdHeader`, not both.
   *
   * @default - no path: deliveries without `eventIdHeader` get a generated id and are not deduplicated
   */
  readonly eventIdJsonPath?: string;

  /**
   * A dotted path into a JSON body to the event type, e.g. `type` (not JSONPath).
   *
   * @default - no event type is recorded
   */
  readonly eventTypeJsonPath?: string;
}

// ---- generic signature schemes and the presets built on them (issue 13) ----

/** The public-key signature algorithm of a provider. */
export enum PublicKeyAlgorithm {
  /** Ed25519 (RFC 8032): Discord, Standard Webhooks `v1a`. */
  ED25519 = 'ed25519',
  /** ECDSA over P-256 with SHA-256, DER signatures: SendGrid. */
  ECDSA_P256 = 'ecdsa-p256',
}

/** How a signed timestamp is written. */
export enum TimestampFormat {
  /** Unix time in seconds. */
  UNIX_SECONDS = 's',
  /** Unix time in milliseconds (HubSpot, Linear). */
  UNIX_MILLISECONDS = 'ms',
  /** An ISO 8601 / RFC 3339 date-time, e.g. `2021-03-25T05:09:27Z` (Zendesk, Twitch). */
  ISO_8601 = 'iso',
}

/** Options of a named provider whose signature covers the URL it posts to (Twilio, Square, HubSpot). */
export interface UrlSignedProviderOptions extends WebhookProviderOptions {
  /**
   * The URL exactly as configured at the provider, which is what it signs: the API's
   * `/webhook/{name}` route under your custom domain or proxy if there is one, with any query
   * string. Lambda cannot see it (a custom domain, a stage or a proxy change what it sees), so it
   * must be given.
   */
  readonly publicUrl: string;
}

/** Options of a named provider that signs with a public key (Discord, SendGrid, Standard Webhooks `v1a`). */
export interface PublicKeyPresetOptions {
  /**
   * The route segment: deliveries are sent to `POST /webhook/{name}`.
   *
   * @default - the provider's own name, e.g. `discord`
   */
  readonly name?: string;

  /**
   * The provider's public key as it shows it (hex or base64 of the raw Ed25519 key, `whpk_…`,
   * base64 DER or PEM). Not a secret, so it is written into the ingest function's configuration.
   * Set this or `secrets`.
   *
   * @default - the keys are read from `secrets`
   */
  readonly publicKey?: string;

  /**
   * Secrets Manager secrets each holding a public key, as for `publicKey`; list two during a key
   * rotation. Set this or `publicKey`.
   *
   * @default - the key is `publicKey`
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * The customer managed KMS key of `secrets`, for secrets that do not carry it.
   *
   * @default - the secrets' own `encryptionKey`, if any
   */
  readonly secretsEncryptionKey?: kms.IKey;

  /**
   * How far the signed timestamp may be from the time of receipt, in either direction.
   *
   * @default - the WebhookProcessor's `signatureTolerance` (5 minutes)
   */
  readonly tolerance?: Duration;
}

/** Options of a provider that signs with a public key. */
export interface PublicKeyProviderOptions extends PublicKeyPresetOptions {
  /** The algorithm. */
  readonly algorithm: PublicKeyAlgorithm;

  /** The header carrying the signature, e.g. `X-Signature-Ed25519`. */
  readonly signatureHeader: string;

  /**
   * How the signature is encoded.
   *
   * @default SignatureEncoding.BASE64
   */
  readonly encoding?: SignatureEncoding;

  /**
   * Text in front of the signature in the header value.
   *
   * @default - no prefix
   */
  readonly signaturePrefix?: string;

  /**
   * A header carrying the signed timestamp, checked against the tolerance.
   *
   * @default - no timestamp
   */
  readonly timestampHeader?: string;

  /**
   * How the timestamp is written.
   *
   * @default TimestampFormat.UNIX_SECONDS
   */
  readonly timestampFormat?: TimestampFormat;

  /**
   * What is signed, as a template: `{body}` (the raw bytes), `{ts}` (the timestamp as sent),
   * `{url}` (`publicUrl`), `{method}` (`POST`), `{h:<header>}` (a header, lower-case name),
   * `{j:<dotted path>}` (a JSON body field) and literal text, e.g. `{ts}{body}` (Discord).
   *
   * @default - `{ts}.{body}` with a `timestampHeader`, else `{body}`
   */
  readonly signedContent?: string;

  /**
   * The URL as the provider posts to it, for `{url}` in `signedContent`.
   *
   * @default - none; required when `signedContent` has `{url}`
   */
  readonly publicUrl?: string;

  /**
   * A header carrying the delivery id, used to drop duplicates.
   *
   * @default - see `eventIdJsonPath`
   */
  readonly eventIdHeader?: string;

  /**
   * A dotted path into a JSON body to the delivery id. Set this or `eventIdHeader`, not both.
   *
   * @default - deliveries get a generated id and are not deduplicated
   */
  readonly eventIdJsonPath?: string;

  /**
   * A header carrying the event type.
   *
   * @default - see `eventTypeJsonPath`
   */
  readonly eventTypeHeader?: string;

  /**
   * A dotted path into a JSON body to the event type. Set this or `eventTypeHeader`, not both.
   *
   * @default - no event type is recorded
   */
  readonly eventTypeJsonPath?: string;
}

/** Options of a generic HMAC provider whose signed content is not just the body (URL, fields, other headers). */
export interface HmacTemplateProviderOptions extends HmacProviderOptions {
  /**
   * What is signed, as a template: `{body}` (the raw bytes), `{ts}` (the timestamp as sent),
   * `{url}` (`publicUrl`), `{method}` (`POST`), `{form}` (form parameters sorted by name, each
   * name then value, as Twilio signs them), `{h:<header>}`, `{j:<dotted path>}` (a JSON body
   * field) and literal text, e.g. `{url}{body}` (Square) or `v0:{ts}:{body}` (Zoom).
   */
  readonly signedContent: string;

  /**
   * The URL exactly as configured at the provider, for `{url}`: the route under your custom
   * domain or proxy, with any query string.
   *
   * @default - none; required when `signedContent` has `{url}`
   */
  readonly publicUrl?: string;

  /**
   * How the timestamp is written.
   *
   * @default TimestampFormat.UNIX_SECONDS
   */
  readonly timestampFormat?: TimestampFormat;

  /**
   * A dotted JSON path to the signature when the body carries it (Mailgun) instead of
   * `signatureHeader` (which is then ignored).
   *
   * @default - the signature is in `signatureHeader`
   */
  readonly signatureJsonPath?: string;

  /**
   * A dotted JSON path to the signed timestamp when the body carries it.
   *
   * @default - the timestamp is in `timestampHeader`, if any
   */
  readonly timestampJsonPath?: string;
}

/** Options of a provider that authenticates with HTTP basic auth (Postmark). */
export interface BasicAuthProviderOptions extends ProviderSecretOptions {
  /**
   * The route segment: deliveries are sent to `POST /webhook/{name}`.
   *
   * @default - the provider's own name, for a preset; required for `WebhookProvider.basicAuth`
   */
  readonly name?: string;

  /**
   * A dotted path into a JSON body to the delivery id.
   *
   * @default - deliveries get a generated id and are not deduplicated
   */
  readonly eventIdJsonPath?: string;

  /**
   * A dotted path into a JSON body to the event type.
   *
   * @default - no event type is recorded, or the preset's
   */
  readonly eventTypeJsonPath?: string;
}

/** Options of `WebhookProvider.meta()`. */
export interface MetaProviderOptions extends WebhookProviderOptions {
  /**
   * The verify token entered with the callback URL in the App Dashboard: the verification request
   * (`GET ?hub.verify_token=…`) is answered only when it matches. The signing secrets are the
   * App Secret.
   */
  readonly verifyToken: secretsmanager.ISecret;
}
