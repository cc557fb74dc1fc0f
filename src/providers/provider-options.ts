/**
 * The signature schemes and the options of each kind of WebhookProvider (part of the public API).
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
  /** No verification at all. */
  UNVERIFIED = 'unverified',
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
