// Longer than 400 lines on purpose: jsii exposes presets as static factories, and they must live
// on the WebhookProvider class itself (a second class would be a second public API). The file is
// one short factory per preset with its documentation; the preset data is in presets.ts, the
// encoding in provider-encoding.ts and the options in provider-options.ts.
import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { GET_HANDSHAKES, type HandshakeKind } from './handshake-kinds';
import type { PayloadSchema } from './payload-schema';
import { presetNamed, type PresetDefinition } from './presets';
import { PRESET_FIELDS, type FieldLocation, type ProviderRuntimeConfig, type ProviderSchemas } from './provider-config';
import {
  HmacAlgorithm, SignatureEncoding, SignatureScheme, TimestampFormat,
  type ApiKeyProviderOptions, type BasicAuthProviderOptions, type HmacProviderOptions, type HmacTemplateProviderOptions,
  type PayloadValidationOptions,
  type MetaProviderOptions,
  type ProviderSecretOptions, type PublicKeyPresetOptions, type PublicKeyProviderOptions, type UrlSignedProviderOptions,
  type WebhookProviderOptions,
} from './provider-options';
import { unknownPlaceholders } from './template-placeholders';

// The enums, option structs and schemas are part of this module's public API (src/index.ts re-exports it).
export * from './provider-options';
export * from './payload-schema';

/** The default replay window where a scheme signs no timestamp. */
const DEFAULT_REPLAY_WINDOW = Duration.days(7);
const MAX_REPLAY_WINDOW_DAYS = 365;

interface ProviderDefinition {
  readonly name: string;
  readonly scheme: SignatureScheme;
  readonly secrets: secretsmanager.ISecret[];
  readonly secretsEncryptionKey?: kms.IKey;
  readonly tolerance?: Duration;
  readonly replayWindow?: Duration;
  readonly hmac?: ProviderRuntimeConfig['hmac'];
  readonly apiKeyHeader?: string;
  readonly eventId?: FieldLocation;
  readonly eventType?: FieldLocation;
  readonly schema?: PayloadSchema;
  readonly eventSchemas?: Readonly<Record<string, PayloadSchema>>;
  readonly publicKey?: ProviderRuntimeConfig['publicKey'];
  readonly publicUrl?: string;
  readonly preset?: string;
  /** The prop that must name the public URL when the signed content includes it. */
  readonly needsPublicUrl?: boolean;
  /** The handshake the ingest function answers. */
  readonly handshake?: HandshakeKind;
  /** Secrets the handshake checks besides the signing secrets (Meta's verify token). */
  readonly handshakeSecrets?: secretsmanager.ISecret[];
}

/**
 * A webhook provider: the route it is delivered to, how its signatures are verified, and where
 * its delivery id (for deduplication) and event type are found.
 *
 * Each secret is a Secrets Manager secret holding the signing secret as the provider shows it;
 * list two during a rotation.
 *
 * @example
 * declare const current: secretsmanager.ISecret;
 * declare const previous: secretsmanager.ISecret;
 * const providers = [
 *   WebhookProvider.stripe({ secrets: [current, previous] }),
 *   WebhookProvider.github({ secrets: [current] }),
 *   WebhookProvider.shopify({ secrets: [current] }),
 *   WebhookProvider.slack({ secrets: [current] }),
 *   WebhookProvider.standardWebhooks({ name: 'svix', secrets: [current] }),
 *   WebhookProvider.hmac({
 *     name: 'acme',
 *     secrets: [current],
 *     signatureHeader: 'X-Acme-Signature',
 *     signaturePrefix: 'sha256=',
 *     timestampHeader: 'X-Acme-Timestamp',
 *     eventIdHeader: 'X-Acme-Delivery',
 *   }),
 *   WebhookProvider.apiKey({ name: 'legacy', secrets: [current], header: 'X-Api-Key' }),
 * ];
 */
export class WebhookProvider {
  /**
   * Stripe: `Stripe-Signature`; delivery id and type from the event body (`id`, `type`).
   *
   * @see https://docs.stripe.com/webhooks/signature
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static stripe(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, 'stripe', SignatureScheme.STRIPE),
      ...PRESET_FIELDS.stripe,
    });
  }

  /**
   * GitHub: `X-Hub-Signature-256`; delivery id `X-GitHub-Delivery`, type `X-GitHub-Event`.
   * The signature covers the body only, so a replay window is on by default.
   *
   * @see https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
   * @param options the provider's secrets, and its route name, tolerance and replay window when not the defaults
   */
  public static github(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, 'github', SignatureScheme.GITHUB, DEFAULT_REPLAY_WINDOW),
      ...PRESET_FIELDS.github,
    });
  }

  /**
   * Shopify: `X-Shopify-Hmac-SHA256`; delivery id `X-Shopify-Webhook-Id`, type `X-Shopify-Topic`.
   * The signature covers the body only, so a replay window is on by default.
   *
   * @see https://shopify.dev/docs/apps/build/webhooks/verify-deliveries
   * @param options the provider's secrets, and its route name, tolerance and replay window when not the defaults
   */
  public static shopify(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, 'shopify', SignatureScheme.SHOPIFY, DEFAULT_REPLAY_WINDOW),
      ...PRESET_FIELDS.shopify,
    });
  }

  /**
   * Slack Events API: `X-Slack-Signature`; delivery id `event_id`, type `event.type`.
   * URL verification requests are answered with their challenge and not enqueued.
   *
   * @see https://docs.slack.dev/authentication/verifying-requests-from-slack
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static slack(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, 'slack', SignatureScheme.SLACK),
      ...PRESET_FIELDS.slack,
    });
  }

  /**
   * Standard Webhooks (and Svix, which implements it): `webhook-id`, `webhook-timestamp`,
   * `webhook-signature`, `whsec_` secrets; delivery id `webhook-id`, type from the body's `type`.
   * Svix's own names (`svix-id`, `svix-timestamp`, `svix-signature`) are read when the
   * `webhook-*` ones are absent, the delivery id included.
   *
   * @see https://www.standardwebhooks.com
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static standardWebhooks(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, 'standard-webhooks', SignatureScheme.STANDARD_WEBHOOKS),
      ...PRESET_FIELDS['standard-webhooks'],
    });
  }

  /**
   * Any provider that signs with an HMAC in a header.
   *
   * @param options the route name, secrets, signature header and encoding, and where the delivery id and event type are
   */
  public static hmac(options: HmacProviderOptions): WebhookProvider {
    const untimed = options.timestampHeader === undefined;
    return new WebhookProvider({
      ...base(options, options.name, SignatureScheme.HMAC, untimed ? DEFAULT_REPLAY_WINDOW : undefined),
      hmac: {
        header: options.signatureHeader.toLowerCase(),
        algorithm: options.algorithm ?? HmacAlgorithm.SHA256,
        encoding: options.encoding ?? SignatureEncoding.HEX,
        ...(options.signaturePrefix !== undefined ? { prefix: options.signaturePrefix } : {}),
        ...(options.timestampHeader !== undefined ? { timestampHeader: options.timestampHeader.toLowerCase() } : {}),
      },
      eventId: location(options.eventIdHeader, options.eventIdJsonPath),
      eventType: location(options.eventTypeHeader, options.eventTypeJsonPath),
    });
  }

  /**
   * A provider that authenticates with a shared key in a header.
   *
   * @param options the route name, secrets, key header, and where the delivery id and event type are
   */
  public static apiKey(options: ApiKeyProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, options.name, SignatureScheme.API_KEY),
      apiKeyHeader: options.header.toLowerCase(),
      eventId: location(options.eventIdHeader, options.eventIdJsonPath),
      eventType: location(undefined, options.eventTypeJsonPath),
    });
  }

  /**
   * Any provider that signs with an HMAC over more than the body: the URL it posts to
   * (`{url}`), other headers, form parameters or JSON fields, as a signed-content template; the
   * signature may be in the body (`signatureJsonPath`, Mailgun).
   *
   * @param options the HMAC settings, the signed-content template, and the public URL when it is signed
   */
  public static hmacTemplate(options: HmacTemplateProviderOptions): WebhookProvider {
    const timed = options.timestampHeader !== undefined || options.timestampJsonPath !== undefined || options.signedContent.includes('{ts}');
    const unit = options.timestampFormat ?? TimestampFormat.UNIX_SECONDS;
    return new WebhookProvider({
      ...base(options, options.name, SignatureScheme.HMAC, timed ? undefined : DEFAULT_REPLAY_WINDOW),
      hmac: {
        header: options.signatureJsonPath !== undefined ? '' : options.signatureHeader.toLowerCase(),
        algorithm: options.algorithm ?? HmacAlgorithm.SHA256,
        encoding: options.encoding ?? SignatureEncoding.HEX,
        content: options.signedContent,
        ...(options.signaturePrefix !== undefined ? { prefix: options.signaturePrefix } : {}),
        ...(options.timestampHeader !== undefined ? { timestampHeader: options.timestampHeader.toLowerCase() } : {}),
        ...(unit !== TimestampFormat.UNIX_SECONDS ? { timestampUnit: unit } : {}),
        ...(options.signatureJsonPath !== undefined ? { signatureJsonPath: options.signatureJsonPath } : {}),
        ...(options.timestampJsonPath !== undefined ? { timestampJsonPath: options.timestampJsonPath } : {}),
      },
      ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
      needsPublicUrl: options.signedContent.includes('{url}'),
      eventId: location(options.eventIdHeader, options.eventIdJsonPath),
      eventType: location(options.eventTypeHeader, options.eventTypeJsonPath),
    });
  }

  /**
   * Any provider that signs with a public key (Ed25519, or ECDSA P-256 with SHA-256), the key
   * given inline or in secrets.
   *
   * @param options the algorithm, signature header, signed content, and the public key
   */
  public static publicKey(options: PublicKeyProviderOptions): WebhookProvider {
    const unit = options.timestampFormat ?? TimestampFormat.UNIX_SECONDS;
    return new WebhookProvider({
      ...publicKeyBase(options, options.name ?? ''),
      publicKey: {
        algorithm: options.algorithm,
        header: options.signatureHeader.toLowerCase(),
        encoding: options.encoding ?? SignatureEncoding.BASE64,
        ...(options.signaturePrefix !== undefined ? { prefix: options.signaturePrefix } : {}),
        ...(options.timestampHeader !== undefined ? { timestampHeader: options.timestampHeader.toLowerCase() } : {}),
        ...(unit !== TimestampFormat.UNIX_SECONDS ? { timestampUnit: unit } : {}),
        ...(options.signedContent !== undefined ? { content: options.signedContent } : {}),
        ...(options.publicKey !== undefined ? { publicKey: options.publicKey } : {}),
      },
      ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
      needsPublicUrl: (options.signedContent ?? '').includes('{url}'),
      eventId: location(options.eventIdHeader, options.eventIdJsonPath),
      eventType: location(options.eventTypeHeader, options.eventTypeJsonPath),
    });
  }

  /**
   * A provider that authenticates with HTTP basic auth (`Authorization: Basic …`, RFC 7617):
   * each secret holds `user:password`, compared in constant time. Nothing is signed, so a replay
   * window is on by default.
   *
   * @param options the route name (required), the secrets, and where the delivery id and event type are
   */
  public static basicAuth(options: BasicAuthProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, options.name ?? '', SignatureScheme.BASIC_AUTH, DEFAULT_REPLAY_WINDOW),
      eventId: location(undefined, options.eventIdJsonPath),
      eventType: location(undefined, options.eventTypeJsonPath),
    });
  }

  /**
   * Standard Webhooks `v1a`: Ed25519 over `id.timestamp.body` in `webhook-signature` (`v1a,<base64>`), keyed with the sender's `whpk_` public key; delivery id `webhook-id`, type from the body's `type`. The HMAC `v1` scheme is `standardWebhooks()`.
   *
   * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
   * @param options the provider's public key, and its route name and tolerance when not the defaults
   */
  public static standardWebhooksEd25519(options: PublicKeyPresetOptions): WebhookProvider {
    return new WebhookProvider(publicKeyPreset('standardWebhooksEd25519', options));
  }

  /**
   * Svix: Standard Webhooks `v1` under `svix-id`, `svix-timestamp`, `svix-signature` (the `webhook-*` names are read too), `whsec_` secrets; delivery id `svix-id`, type from the body's `type`.
   *
   * @see https://docs.svix.com/receiving/verifying-payloads/how-manual
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static svix(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('svix', options));
  }

  /**
   * Clerk (delivered by Svix): `svix-*` headers, the `whsec_` signing secret; delivery id `svix-id`, type from the body's `type` (e.g. `user.created`).
   *
   * @see https://clerk.com/docs/webhooks/sync-data
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static clerk(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('clerk', options));
  }

  /**
   * Resend (delivered by Svix): `svix-*` headers, the `whsec_` signing secret; delivery id `svix-id`, type from the body's `type` (e.g. `email.delivered`).
   *
   * @see https://resend.com/docs/webhooks/verify-webhooks-requests
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static resend(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('resend', options));
  }

  /**
   * Twilio: `X-Twilio-Signature`, base64 HMAC-SHA1 (keyed with the Auth Token) of the public URL followed by the form parameters sorted by name; delivery id `I-Twilio-Idempotency-Token`. Form-encoded requests only (not the JSON `bodySHA256` variant). The signature covers no timestamp, so a replay window is on by default.
   *
   * @see https://www.twilio.com/docs/usage/security#validating-requests
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static twilio(options: UrlSignedProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('twilio', options));
  }

  /**
   * SendGrid Event Webhook (signed requests on): `X-Twilio-Email-Event-Webhook-Signature`, ECDSA P-256 over the timestamp followed by the body, keyed with the verification key from Mail Settings. A delivery is a batch of events without a delivery id: each event's `sg_event_id` is the key for downstream deduplication.
   *
   * @see https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
   * @param options the provider's public key, and its route name and tolerance when not the defaults
   */
  public static sendgrid(options: PublicKeyPresetOptions): WebhookProvider {
    return new WebhookProvider(publicKeyPreset('sendgrid', options));
  }

  /**
   * Discord (interactions and webhook events): `X-Signature-Ed25519` (hex) over `X-Signature-Timestamp` followed by the body, keyed with the application's public key (hex); delivery id from the body's `id`, type from its `type`. Answers an interaction PING (`type` 1) with `{"type":1}` and a webhook-event PING (`type` 0) with 204, once verified; Discord's deliberately bad signatures get 401.
   *
   * @see https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers
   * @param options the provider's public key, and its route name and tolerance when not the defaults
   */
  public static discord(options: PublicKeyPresetOptions): WebhookProvider {
    return new WebhookProvider(publicKeyPreset('discord', options));
  }

  /**
   * Paddle Billing: `Paddle-Signature: ts=…;h1=…`, HMAC-SHA256 over `ts:body`; delivery id `notification_id`, type `event_type`.
   *
   * @see https://developer.paddle.com/webhooks/signature-verification
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static paddle(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('paddle', options));
  }

  /**
   * Square: `x-square-hmacsha256-signature`, base64 HMAC-SHA256 over the notification URL followed by the body; delivery id `event_id`, type `type`. The signature covers no timestamp, so a replay window is on by default.
   *
   * @see https://developer.squareup.com/docs/webhooks/step3validate
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static square(options: UrlSignedProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('square', options));
  }

  /**
   * HubSpot (signature v3): `X-HubSpot-Signature-v3`, base64 HMAC-SHA256 of method, URL, body and `X-HubSpot-Request-Timestamp` (milliseconds), keyed with the app's client secret. A delivery is a batch of events without a delivery id (each event has its own `eventId`).
   *
   * @see https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static hubspot(options: UrlSignedProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('hubspot', options));
  }

  /**
   * Razorpay: `X-Razorpay-Signature`, HMAC-SHA256 over the body; delivery id `x-razorpay-event-id`, type `event`.
   *
   * @see https://razorpay.com/docs/webhooks/validate-test/
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static razorpay(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('razorpay', options));
  }

  /**
   * Linear: `Linear-Signature`, HMAC-SHA256 over the body, whose `webhookTimestamp` (milliseconds) must be within 60 seconds; delivery id `Linear-Delivery`, type `Linear-Event`.
   *
   * @see https://linear.app/developers/webhooks
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static linear(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('linear', options));
  }

  /**
   * GitLab: the secret token in `X-Gitlab-Token` (compared in constant time; GitLab signs nothing, so the body is not protected beyond TLS); delivery id `Idempotency-Key`, type `X-Gitlab-Event`.
   *
   * @see https://docs.gitlab.com/user/project/integrations/webhooks/
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static gitlab(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('gitlab', options));
  }

  /**
   * Bitbucket Cloud: `X-Hub-Signature: sha256=…`, HMAC-SHA256 over the body; delivery id `X-Request-UUID`, type `X-Event-Key`.
   *
   * @see https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static bitbucket(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('bitbucket', options));
  }

  /**
   * Vercel: `x-vercel-signature`, HMAC-SHA1 over the body; delivery id `id`, type `type`.
   *
   * @see https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static vercel(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('vercel', options));
  }

  /**
   * Intercom: `X-Hub-Signature: sha1=…`, HMAC-SHA1 over the body keyed with the app's client secret; delivery id `id`, type `topic`.
   *
   * @see https://developers.intercom.com/docs/webhooks/webhook-notifications
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static intercom(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('intercom', options));
  }

  /**
   * Typeform: `Typeform-Signature: sha256=<base64>`, HMAC-SHA256 over the body; delivery id `event_id`, type `event_type`.
   *
   * @see https://www.typeform.com/developers/webhooks/secure-your-webhooks/
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static typeform(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('typeform', options));
  }

  /**
   * Calendly: `Calendly-Webhook-Signature: t=…,v1=…`, HMAC-SHA256 over `t.body`, 3 minutes of tolerance; type `event` (Calendly sends no delivery id).
   *
   * @see https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static calendly(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('calendly', options));
  }

  /**
   * Lemon Squeezy: `X-Signature`, HMAC-SHA256 over the body; type `X-Event-Name` (no delivery id).
   *
   * @see https://docs.lemonsqueezy.com/help/webhooks/signing-requests
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static lemonSqueezy(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('lemonSqueezy', options));
  }

  /**
   * Paystack: `x-paystack-signature`, HMAC-SHA512 over the body keyed with the secret API key; type `event` (no delivery id).
   *
   * @see https://paystack.com/docs/payments/webhooks/
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static paystack(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('paystack', options));
  }

  /**
   * Sentry integrations: `Sentry-Hook-Signature`, HMAC-SHA256 over the body keyed with the client secret; delivery id `Request-ID`, type `Sentry-Hook-Resource`.
   *
   * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static sentry(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('sentry', options));
  }

  /**
   * Mux: `Mux-Signature: t=…,v1=…`, HMAC-SHA256 over `t.body`; delivery id `id`, type `type`.
   *
   * @see https://www.mux.com/docs/core/verify-webhook-signatures
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static mux(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('mux', options));
  }

  /**
   * Zoom: `x-zm-signature: v0=…`, HMAC-SHA256 over `v0:timestamp:body` with `x-zm-request-timestamp`; type `event` (Zoom sends no delivery id). Answers `endpoint.url_validation` with the `plainToken` and its HMAC (`encryptedToken`), once the request's signature is verified.
   *
   * @see https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static zoom(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('zoom', options));
  }

  /**
   * PagerDuty (v3 webhooks): `X-PagerDuty-Signature: v1=…[,v1=…]`, HMAC-SHA256 over the body; delivery id `X-Webhook-Id`, type `event.event_type`.
   *
   * @see https://developer.pagerduty.com/docs/webhooks/webhook-signatures
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static pagerduty(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('pagerduty', options));
  }

  /**
   * Mailgun: the body's `signature` object, HMAC-SHA256 of `timestamp` followed by `token` keyed with the HTTP webhook signing key; delivery id `event-data.id`, type `event-data.event`. Mailgun's signature does not cover the event itself, only who sent it and when.
   *
   * @see https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static mailgun(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('mailgun', options));
  }

  /**
   * Postmark: HTTP basic auth from the webhook URL (`https://user:password@…`); each secret holds `user:password`. Postmark signs nothing; type `RecordType`.
   *
   * @see https://postmarkapp.com/developer/webhooks/webhooks-overview
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static postmark(options: BasicAuthProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('postmark', options));
  }

  // ---- providers that check the endpoint with a handshake (handshake.ts) ----

  /**
   * Meta (Facebook, Instagram, WhatsApp, Messenger): `X-Hub-Signature-256: sha256=…`, HMAC-SHA256 over the body keyed with the App Secret; type from the body's `object` (Meta sends no delivery id). Answers the verification request `GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…` with the challenge when the verify token matches `verifyToken` (compared in constant time), else 401.
   *
   * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started
   * @param options the App Secret, the verify token, and the route name and replay window when not the defaults
   */
  public static meta(options: MetaProviderOptions): WebhookProvider {
    return new WebhookProvider({ ...preset('meta', options), handshakeSecrets: [options.verifyToken] });
  }

  /**
   * X (Twitter) Account Activity and v2 webhooks: `x-twitter-webhooks-signature: sha256=<base64>`, HMAC-SHA256 over the body keyed with the app's consumer secret (API secret key). Answers the CRC check `GET ?crc_token=…` with `{"response_token":"sha256=…"}` keyed with the first secret. X signs deliveries and CRC answers alike, so a CRC token starting with `{` and a delivery whose body does not are refused: a CRC answer can never sign a delivery.
   *
   * @see https://docs.x.com/x-api/webhooks/introduction
   * @param options the consumer secret, and the route name and replay window when not the defaults
   */
  public static twitter(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('twitter', options));
  }

  /**
   * Dropbox: `X-Dropbox-Signature`, HMAC-SHA256 over the body keyed with the app secret (a delivery only says which accounts changed; Dropbox sends no delivery id). Answers the verification request `GET ?challenge=…` with the challenge as plain text (`X-Content-Type-Options: nosniff`).
   *
   * @see https://www.dropbox.com/developers/reference/webhooks
   * @param options the app secret, and the route name and replay window when not the defaults
   */
  public static dropbox(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('dropbox', options));
  }

  /**
   * Microsoft Graph change notifications: nothing is signed; every notification's `clientState` must equal the secret given as `clientState` when the subscription was created (constant-time). Type from the first notification's `changeType`. Answers the validation request `POST ?validationToken=…` with the token as plain text. Rich notifications' `validationTokens` (JWTs) are not validated.
   *
   * @see https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
   * @param options the clientState secrets, and the route name and replay window when not the defaults
   */
  public static microsoftGraph(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('microsoftGraph', options));
  }

  /**
   * Asana: `X-Hook-Signature`, HMAC-SHA256 over the body keyed with the webhook's own secret, which Asana sends once, in the `X-Hook-Secret` header of the handshake. Create the one secret with the value `pending`: the handshake is answered (the header echoed) and its secret written into the secret, only while it holds `pending`, so an unauthenticated request never replaces a live secret. To establish a new webhook, set it to `pending` again. Type from the first event's `action`.
   *
   * @see https://developers.asana.com/docs/webhooks-guide
   * @param options the one secret (initially `pending`), and the route name and replay window when not the defaults
   */
  public static asana(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('asana', options));
  }

  /**
   * Okta event hooks: nothing is signed; every request carries the `Authorization` header value configured on the hook, compared in constant time with the secrets. Delivery id `eventId`, type from the first event's `eventType`. Answers the one-time verification `GET` (`X-Okta-Verification-Challenge`, with the authorization header) with `{"verification":…}`.
   *
   * @see https://developer.okta.com/docs/concepts/event-hooks/
   * @param options the authorization header values, and the route name when not the default
   */
  public static okta(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('okta', options));
  }

  // ---- phase 2b presets ----
  /**
   * Zendesk: `X-Zendesk-Webhook-Signature`, base64 HMAC-SHA256 over `X-Zendesk-Webhook-Signature-Timestamp` (ISO 8601) followed by the body, keyed with the webhook's signing secret; delivery id `X-Zendesk-Webhook-Invocation-Id`, type from the body's `type` (event-subscription webhooks; trigger webhooks have the body their admin wrote). Zendesk documents no tolerance: the default applies.
   *
   * @see https://developer.zendesk.com/documentation/webhooks/verifying/
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static zendesk(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('zendesk', options));
  }

  /**
   * Jira admin webhooks (registered with a secret): `X-Hub-Signature: sha256=…`, HMAC-SHA256 over the body; delivery id `X-Atlassian-Webhook-Identifier`, type `webhookEvent`. Connect and OAuth 2.0 app webhooks carry a JWT instead and are not covered.
   *
   * @see https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static jira(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('jira', options));
  }

  /**
   * DocuSign Connect (HMAC signatures on): `X-DocuSign-Signature-1` … `-<n>`, one base64 HMAC-SHA256 of the body per active Connect key; any that matches any secret verifies. Type `event` (JSON SIM); DocuSign sends no delivery id, so a replay window is on by default.
   *
   * @see https://developers.docusign.com/platform/webhooks/connect/validate/
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static docusign(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('docusign', options));
  }

  /**
   * Adyen Balance Platform, Management and other platform webhooks: `HmacSignature`, base64 HMAC-SHA256 of the body keyed with the hex-decoded HMAC key (each secret holds the 64 hex characters as Adyen shows them); delivery id `data.id`, type `type`. Not for standard payment webhooks, whose `hmacSignature` signs selected fields of each notification item rather than the body (verify those in the processing code with Adyen's library).
   *
   * @see https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static adyenPlatform(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('adyenPlatform', options));
  }

  /**
   * Mollie next-gen webhooks: `X-Mollie-Signature: sha256=…`, HMAC-SHA256 over the body (during a rotation the header is sent twice, one per secret; either verifies); delivery id `id`, type `type`. Mollie's classic per-payment webhooks are unsigned (`id=tr_…`, to be fetched): use `unverified()` for those.
   *
   * @see https://docs.mollie.com/reference/webhooks-new
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static mollie(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('mollie', options));
  }

  /**
   * Coinbase Commerce: `X-CC-Webhook-Signature`, HMAC-SHA256 over the body keyed with the shared secret; delivery id `event.id`, type `event.type`. Coinbase is deprecating the Commerce Charge API in favour of the Payment Link API, whose webhooks use another scheme.
   *
   * @see https://docs.cdp.coinbase.com/commerce/api-arcitecture/webhooks-security
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static coinbaseCommerce(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('coinbaseCommerce', options));
  }

  /**
   * Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=…`, HMAC-SHA256 over message id, timestamp (RFC 3339) and body, keyed with the subscription's secret; messages older than 10 minutes are refused; delivery id `Twitch-Eventsub-Message-Id`, type `Twitch-Eventsub-Subscription-Type`. Answers the signed `webhook_callback_verification` message with its `challenge` as plain text (never recorded).
   *
   * @see https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static twitch(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('twitch', options));
  }

  /**
   * WorkOS: `WorkOS-Signature: t=…, v1=…`, HMAC-SHA256 over `t.body` with `t` in milliseconds, 3 minutes of tolerance (the SDK's); delivery id `id`, type `event`.
   *
   * @see https://workos.com/docs/events/data-syncing/webhooks
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static workos(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('workos', options));
  }

  /**
   * Cal.com: `X-Cal-Signature-256`, HMAC-SHA256 over the body keyed with the webhook's secret (Cal.com signs only when one is set); type `triggerEvent` (no delivery id, so a replay window is on by default).
   *
   * @see https://cal.com/docs/developing/guides/automation/webhooks
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static calCom(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('calCom', options));
  }

  /**
   * Airtable: `X-Airtable-Content-MAC: hmac-sha256=…`, HMAC-SHA256 over the body keyed with the base64-decoded `macSecretBase64` of the webhook (each secret holds it as Airtable returns it). A notification only says that a base changed; fetch the payloads with the webhook's API.
   *
   * @see https://airtable.com/developers/web/api/webhooks-overview#webhook-notification-delivery
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static airtable(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider(preset('airtable', options));
  }

  /**
   * A provider whose deliveries are accepted without any verification. Anyone who knows the
   * URL can post to it; the construct adds a synth-time warning.
   *
   * @param name the route segment: deliveries are sent to `POST /webhook/{name}`
   */
  public static unverified(name: string): WebhookProvider {
    return new WebhookProvider({ name, scheme: SignatureScheme.UNVERIFIED, secrets: [] });
  }

  /** The route segment: deliveries are sent to `POST /webhook/{name}`. */
  public readonly name: string;

  /** How deliveries are verified. */
  public readonly scheme: SignatureScheme;

  /** The signing secrets (empty for `unverified`). */
  public readonly secrets: secretsmanager.ISecret[];

  /** The customer managed key of the secrets, when given as `secretsEncryptionKey`. */
  public readonly secretsEncryptionKey?: kms.IKey;

  private readonly definition: ProviderDefinition;

  private constructor(definition: ProviderDefinition) {
    this.definition = definition;
    this.name = definition.name;
    this.scheme = definition.scheme;
    this.secrets = [...definition.secrets];
    this.secretsEncryptionKey = definition.secretsEncryptionKey;
  }

  /**
   * Problems with this provider's settings, as messages naming the option.
   *
   * @internal
   */
  public _validate(): string[] {
    const errors: string[] = [];
    const who = `WebhookProvider '${this.name}'`;
    if (!Token.isUnresolved(this.name) && !/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(this.name)) {
      errors.push(`${who}: 'name' must be 1-32 lower-case letters, digits or '-', not starting or ending with '-'.`);
    }
    const inlineKey = this.definition.publicKey?.publicKey !== undefined;
    if (this.scheme === SignatureScheme.PUBLIC_KEY && inlineKey === (this.secrets.length > 0)) {
      errors.push(`${who}: set exactly one of 'publicKey' and 'secrets'.`);
    } else if (this.scheme !== SignatureScheme.UNVERIFIED && !inlineKey && this.secrets.length === 0) {
      errors.push(`${who}: 'secrets' must list at least one secret (use WebhookProvider.unverified() to accept unsigned deliveries).`);
    }
    if (this.secrets.length > 5) {
      errors.push(`${who}: 'secrets' lists ${this.secrets.length} secrets; at most 5 are allowed (two are enough for a rotation).`);
    }
    const tolerance = this.definition.tolerance?.toSeconds();
    if (tolerance !== undefined && (tolerance < 1 || tolerance > 3600)) {
      errors.push(`${who}: 'tolerance' must be between 1 second and 1 hour.`);
    }
    const replayWindow = this.definition.replayWindow?.toSeconds();
    if (replayWindow !== undefined && replayWindow !== 0 && (replayWindow < 60 || replayWindow > MAX_REPLAY_WINDOW_DAYS * 86400)) {
      errors.push(`${who}: 'replayWindow' must be 0 (off) or between 1 minute and ${MAX_REPLAY_WINDOW_DAYS} days.`);
    }
    if (this.definition.needsPublicUrl && (this.definition.publicUrl === undefined || this.definition.publicUrl === '')) {
      errors.push(`${who}: 'publicUrl' is required: the provider signs the URL it posts to, which the ingest function cannot see behind API Gateway (custom domains, stages and proxies change it).`);
    }
    if (this.definition.publicUrl !== undefined && !Token.isUnresolved(this.definition.publicUrl) && !/^https?:\/\/[^\s]+$/.test(this.definition.publicUrl)) {
      errors.push(`${who}: 'publicUrl' must be an absolute http(s) URL, exactly as configured at the provider.`);
    }
    const template = this.definition.hmac?.content ?? this.definition.publicKey?.content;
    const unknown = template === undefined || this.definition.preset !== undefined ? [] : unknownPlaceholders(template);
    if (unknown.length > 0) {
      errors.push(`${who}: 'signedContent' has unknown placeholders ${unknown.join(', ')}; use {body}, {ts}, {url}, {method}, {form}, {h:<header>} or {j:<path>}.`);
    }
    if (this.definition.publicKey !== undefined && !isHeaderName(this.definition.publicKey.header)) {
      errors.push(`${who}: 'signatureHeader' must be a valid HTTP header name.`);
    }
    if (this.definition.hmac !== undefined && this.definition.hmac.signatureJsonPath === undefined && !isHeaderName(this.definition.hmac.header)) {
      errors.push(`${who}: 'signatureHeader' must be a valid HTTP header name.`);
    }
    if (this.definition.hmac?.timestampHeader !== undefined && !isHeaderName(this.definition.hmac.timestampHeader)) {
      errors.push(`${who}: 'timestampHeader' must be a valid HTTP header name.`);
    }
    if (this.definition.apiKeyHeader !== undefined && !isHeaderName(this.definition.apiKeyHeader)) {
      errors.push(`${who}: 'header' must be a valid HTTP header name.`);
    }
    for (const [field, where] of [['eventId', this.definition.eventId], ['eventType', this.definition.eventType]] as const) {
      if (where?.header !== undefined && where.jsonPath !== undefined) {
        errors.push(`${who}: '${field}Header' and '${field}JsonPath' are both set; set only one, so that it is clear where the ${field === 'eventId' ? 'delivery id' : 'event type'} comes from.`);
      }
      const problem = where?.jsonPath === undefined ? undefined : jsonPathProblem(where.jsonPath);
      if (problem !== undefined) {
        errors.push(`${who}: '${field}JsonPath' ('${where!.jsonPath}') ${problem}`);
      }
    }
    if (this.definition.handshake === 'asana' && this.secrets.length !== 1) {
      errors.push(`${who}: 'secrets' must list exactly one secret: the handshake stores the webhook's secret in it.`);
    }
    errors.push(...this.schemaProblems(who));
    return errors;
  }

  /**
   * The provider's payload schemas as the processor reads them; undefined when it has none.
   *
   * @internal
   */
  public _payloadSchemas(): ProviderSchemas | undefined {
    const { schema, eventSchemas = {} } = this.definition;
    const types = Object.entries(eventSchemas);
    if (schema === undefined && types.length === 0) return undefined;
    return {
      ...(schema !== undefined ? { schema: schema._document() } : {}),
      ...(types.length > 0 ? { eventSchemas: Object.fromEntries(types.map(([type, s]) => [type, s._document()])) } : {}),
    };
  }

  private schemaProblems(who: string): string[] {
    const { schema, eventSchemas } = this.definition;
    const errors: string[] = [];
    const problem = schema?._problem();
    if (problem !== undefined) errors.push(`${who}: 'schema' cannot be used: ${problem}`);
    if (eventSchemas === undefined) return errors;
    if (this.definition.eventType === undefined) {
      errors.push(`${who}: 'eventSchemas' needs an event type, but the provider records none; set 'eventTypeHeader' or 'eventTypeJsonPath', or use 'schema'.`);
    }
    for (const [type, typeSchema] of Object.entries(eventSchemas)) {
      if (type === '') errors.push(`${who}: 'eventSchemas' has an empty event type; name the type each schema applies to.`);
      const typeProblem = typeSchema._problem();
      if (typeProblem !== undefined) errors.push(`${who}: 'eventSchemas' ('${type}') cannot be used: ${typeProblem}`);
    }
    return errors;
  }

  /**
   * The configuration the ingest function in `scope` reads.
   *
   * @internal
   */
  public _runtimeConfig(defaultTolerance: Duration, scope: IConstruct): ProviderRuntimeConfig {
    const d = this.definition;
    const replayWindowSeconds = d.replayWindow?.toSeconds() ?? 0;
    return {
      name: d.name,
      scheme: d.scheme,
      secretArns: d.secrets.map((s) => secretId(s, scope)),
      toleranceSeconds: (d.tolerance ?? defaultTolerance).toSeconds(),
      ...(replayWindowSeconds > 0 ? { replayWindowSeconds } : {}),
      ...(d.hmac !== undefined ? { hmac: d.hmac } : {}),
      ...(d.apiKeyHeader !== undefined ? { apiKeyHeader: d.apiKeyHeader } : {}),
      ...(d.publicKey !== undefined ? { publicKey: d.publicKey } : {}),
      ...(d.publicUrl !== undefined ? { publicUrl: d.publicUrl } : {}),
      ...(d.preset !== undefined ? { preset: d.preset } : {}),
      ...(d.eventId !== undefined ? { eventId: d.eventId } : {}),
      ...(d.eventType !== undefined ? { eventType: d.eventType } : {}),
      ...(d.handshake !== undefined ? { handshake: d.handshake } : {}),
      ...(d.handshakeSecrets !== undefined ? { handshakeSecretArns: d.handshakeSecrets.map((s) => secretId(s, scope)) } : {}),
    };
  }

  /**
   * Secrets the ingest function reads for the handshake, besides `secrets`.
   *
   * @internal
   */
  public _handshakeSecrets(): secretsmanager.ISecret[] {
    return [...(this.definition.handshakeSecrets ?? [])];
  }

  /**
   * Whether the provider's handshake is a GET challenge (`GET /webhook/{name}`).
   *
   * @internal
   */
  public _hasGetHandshake(): boolean {
    return this.definition.handshake !== undefined && GET_HANDSHAKES.includes(this.definition.handshake);
  }

  /**
   * Whether the ingest function writes the provider's secret (Asana's handshake).
   *
   * @internal
   */
  public _storesHandshakeSecret(): boolean {
    return this.definition.handshake === 'asana';
  }
}

/**
 * How the ingest function in `scope` addresses a secret: by name when it was imported by name in
 * the function's own account and Region, which saves the 60-odd characters of the ARN in the
 * 4 KB environment ("SecretId: The ARN or name of the secret to retrieve. To retrieve a secret
 * from another account, you must use an ARN."
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html);
 * otherwise by its ARN.
 */
function secretId(secret: secretsmanager.ISecret, scope: IConstruct): string {
  if (secret.secretFullArn !== undefined) return secret.secretArn;
  const stack = Stack.of(scope);
  const ownArn = stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: secret.secretName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const same = JSON.stringify(stack.resolve(ownArn)) === JSON.stringify(stack.resolve(secret.secretArn));
  return same ? secret.secretName : secret.secretArn;
}

function base(
  options: ProviderSecretOptions & PayloadValidationOptions & { readonly name?: string },
  defaultName: string,
  scheme: SignatureScheme,
  defaultReplayWindow?: Duration,
): ProviderDefinition {
  const replayWindow = options.replayWindow ?? defaultReplayWindow;
  return {
    name: options.name ?? defaultName,
    scheme,
    secrets: [...options.secrets],
    ...(options.secretsEncryptionKey !== undefined ? { secretsEncryptionKey: options.secretsEncryptionKey } : {}),
    ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
    ...(replayWindow !== undefined ? { replayWindow } : {}),
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
    ...(options.eventSchemas !== undefined ? { eventSchemas: { ...options.eventSchemas } } : {}),
  };
}

/** The route name of a preset: its factory name in kebab case (`lemonSqueezy` → `lemon-squeezy`). */
function presetRouteName(factory: string): string {
  return factory.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
}

/** A named provider from its definition in presets.ts. */
function preset(factory: string, options: WebhookProviderOptions & { readonly publicUrl?: string }): ProviderDefinition {
  const p = presetNamed(factory) as PresetDefinition;
  const timed = p.hmac?.timestampHeader !== undefined || p.hmac?.list?.timestampKey !== undefined || p.hmac?.timestampJsonPath !== undefined
    || ['stripe', 'slack', 'standard-webhooks'].includes(p.scheme);
  return {
    ...base(options, presetRouteName(factory), p.scheme as SignatureScheme, timed || p.scheme === 'api-key' ? undefined : DEFAULT_REPLAY_WINDOW),
    ...(options.tolerance === undefined && p.toleranceSeconds !== undefined ? { tolerance: Duration.seconds(p.toleranceSeconds) } : {}),
    preset: factory,
    ...(p.hmac !== undefined ? { hmac: p.hmac } : {}),
    ...(p.apiKeyHeader !== undefined ? { apiKeyHeader: p.apiKeyHeader } : {}),
    ...(p.eventId !== undefined ? { eventId: p.eventId } : {}),
    ...(p.eventType !== undefined ? { eventType: p.eventType } : {}),
    ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
    needsPublicUrl: p.signsUrl === true,
    ...(p.answers !== undefined ? { handshake: p.answers } : {}),
  };
}

function publicKeyBase(options: PublicKeyPresetOptions, name: string): ProviderDefinition {
  return {
    name,
    scheme: SignatureScheme.PUBLIC_KEY,
    secrets: [...(options.secrets ?? [])],
    ...(options.secretsEncryptionKey !== undefined ? { secretsEncryptionKey: options.secretsEncryptionKey } : {}),
    ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
  };
}

/** A named public-key provider: the preset's settings with the key given inline or in secrets. */
function publicKeyPreset(factory: string, options: PublicKeyPresetOptions): ProviderDefinition {
  const p = presetNamed(factory) as PresetDefinition;
  return {
    ...publicKeyBase(options, options.name ?? presetRouteName(factory)),
    preset: factory,
    publicKey: { ...p.publicKey!, ...(options.publicKey !== undefined ? { publicKey: options.publicKey } : {}) },
    ...(p.answers !== undefined ? { handshake: p.answers } : {}),
    ...(p.eventId !== undefined ? { eventId: p.eventId } : {}),
    ...(p.eventType !== undefined ? { eventType: p.eventType } : {}),
  };
}

function location(header: string | undefined, jsonPath: string | undefined): FieldLocation | undefined {
  if (header === undefined && jsonPath === undefined) return undefined;
  return {
    ...(header !== undefined ? { header: header.toLowerCase() } : {}),
    ...(jsonPath !== undefined ? { jsonPath } : {}),
  };
}

function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name);
}

/**
 * Why a JSON path cannot be read by the ingest function, which follows a dotted path of own
 * property names (array elements by index, `items.0.id`) and nothing else (see `extractField` in
 * fields.ts): JSONPath syntax or an empty segment would silently never match.
 */
function jsonPathProblem(path: string): string | undefined {
  if (Token.isUnresolved(path)) return undefined;
  if (/^\$|[[\]*]/.test(path)) {
    return "uses JSONPath syntax; write a dotted path of property names instead, e.g. 'data.object.id' or 'items.0.id'.";
  }
  if (path.split('.').some((segment) => segment === '')) {
    return "has an empty segment; write property names separated by single dots, e.g. 'data.object.id'.";
  }
  return undefined;
}
