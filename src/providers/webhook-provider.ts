// Longer than 400 lines on purpose: jsii exposes presets as static factories, and they must live
// on the WebhookProvider class itself (a second class would be a second public API). The file is
// one short factory per preset with its documentation; the preset data is in presets.ts, the
// definitions, validation and runtime configuration in provider-definition.ts, the encoding in
// provider-encoding.ts and the options in provider-options.ts.
import type { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { GET_HANDSHAKES } from './handshake-kinds';
import { PRESET_FIELDS, type ProviderRuntimeConfig, type ProviderSchemas } from './provider-config';
import {
  base, DEFAULT_REPLAY_WINDOW, definitionProblems, location, preset, publicKeyBase, publicKeyPreset, runtimeConfigOf,
  type ProviderDefinition,
} from './provider-definition';
import {
  HmacAlgorithm, SignatureEncoding, SignatureScheme, TimestampFormat,
  type ApiKeyProviderOptions, type BasicAuthProviderOptions, type HmacProviderOptions, type HmacTemplateProviderOptions,
  type MetaProviderOptions,
  type PublicKeyPresetOptions, type PublicKeyProviderOptions, type UrlSignedProviderOptions,
  type WebhookProviderOptions,
} from './provider-options';

// The enums, option structs and schemas are part of this module's public API (src/index.ts re-exports it).
export * from './provider-options';
export * from './payload-schema';

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
    return definitionProblems(this.definition);
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

  /**
   * The configuration the ingest function in `scope` reads.
   *
   * @internal
   */
  public _runtimeConfig(defaultTolerance: Duration, scope: IConstruct): ProviderRuntimeConfig {
    return runtimeConfigOf(this.definition, defaultTolerance, scope);
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

