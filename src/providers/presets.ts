/**
 * The one source of truth for the named providers: how each signs, where its delivery id and
 * event type are, and what the README's provider table says of it (generated from this list by
 * scripts/provider-table.ts, checked by test/readme.test.ts). Pure data, shared by the construct
 * (the `WebhookProvider` factories) and the ingest function (which expands a preset's name from
 * its compact environment, see provider-encoding.ts); not part of the public API.
 */
import type { HandshakeKind } from './handshake-kinds';
import type { FieldLocation, HmacSchemeConfig, PublicKeySchemeConfig, SignatureScheme } from './provider-config';

export interface PresetDefinition {
  /** The `WebhookProvider` factory (TypeScript); Python's is its snake_case. Also the default route name, lower-cased and hyphenated. */
  readonly factory: string;
  /** The provider's name as it calls itself. */
  readonly title: string;
  readonly scheme: SignatureScheme;
  readonly hmac?: HmacSchemeConfig;
  readonly publicKey?: PublicKeySchemeConfig;
  readonly apiKeyHeader?: string;
  readonly eventId?: FieldLocation;
  readonly eventType?: FieldLocation;
  /** The tolerance of its signed timestamp, when the provider documents one other than the default. */
  readonly toleranceSeconds?: number;
  /** The signed content includes the public URL: `publicUrl` is required. */
  readonly signsUrl?: boolean;
  /** How it signs, for the README. */
  readonly signature: string;
  /** Its handshake, for the README (`—` when none; phase 2 handshakes are named as such). */
  readonly handshake: string;
  /** The provider's documentation of its signature. */
  readonly docs: string;
  /** The handshake the ingest function answers for it. */
  readonly answers?: HandshakeKind;
}

const hex256 = (header: string, extra: Partial<HmacSchemeConfig> = {}): HmacSchemeConfig => ({ header, algorithm: 'sha256', encoding: 'hex', ...extra });
const STRIPE_LIKE = { separator: ',', keySeparator: '=', signatureKey: 'v1', timestampKey: 't' } as const;

/** Every named provider, in the README's order. */
export const PRESETS: readonly PresetDefinition[] = [
  { factory: 'stripe', title: 'Stripe', scheme: 'stripe', eventId: { jsonPath: 'id' }, eventType: { jsonPath: 'type' }, signature: 'HMAC-SHA256 of `t.body` (`Stripe-Signature`)', handshake: '—', docs: 'https://docs.stripe.com/webhooks/signature' },
  { factory: 'github', title: 'GitHub', scheme: 'github', eventId: { header: 'x-github-delivery' }, eventType: { header: 'x-github-event' }, signature: 'HMAC-SHA256 of the body (`X-Hub-Signature-256`)', handshake: '`ping` event (recorded)', docs: 'https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries' },
  { factory: 'shopify', title: 'Shopify', scheme: 'shopify', eventId: { header: 'x-shopify-webhook-id' }, eventType: { header: 'x-shopify-topic' }, signature: 'HMAC-SHA256 base64 of the body', handshake: '—', docs: 'https://shopify.dev/docs/apps/build/webhooks/verify-deliveries' },
  { factory: 'slack', title: 'Slack', scheme: 'slack', eventId: { jsonPath: 'event_id' }, eventType: { jsonPath: 'event.type' }, signature: 'HMAC-SHA256 of `v0:ts:body`', handshake: '`url_verification` (answered)', answers: 'slack', docs: 'https://docs.slack.dev/authentication/verifying-requests-from-slack' },
  { factory: 'standardWebhooks', title: 'Standard Webhooks', scheme: 'standard-webhooks', eventId: { header: 'webhook-id', fallbackHeader: 'svix-id' }, eventType: { jsonPath: 'type' }, signature: 'HMAC-SHA256 base64 of `id.ts.body` (`v1`)', handshake: '—', docs: 'https://www.standardwebhooks.com' },
  {
    factory: 'standardWebhooksEd25519',
    title: 'Standard Webhooks (`v1a`)',
    scheme: 'public-key',
    publicKey: { algorithm: 'ed25519', header: 'webhook-signature', encoding: 'base64', list: { separator: ' ', keySeparator: ',', signatureKey: 'v1a' }, timestampHeader: 'webhook-timestamp', content: '{h:webhook-id}.{ts}.{body}' },
    eventId: { header: 'webhook-id' },
    eventType: { jsonPath: 'type' },
    signature: 'Ed25519 of `id.ts.body` (`v1a`, `whpk_` key)',
    handshake: '—',
    docs: 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
  },
  { factory: 'svix', title: 'Svix', scheme: 'standard-webhooks', eventId: { header: 'svix-id', fallbackHeader: 'webhook-id' }, eventType: { jsonPath: 'type' }, signature: 'Standard Webhooks `v1` (`svix-*` headers)', handshake: '—', docs: 'https://docs.svix.com/receiving/verifying-payloads/how-manual' },
  { factory: 'clerk', title: 'Clerk', scheme: 'standard-webhooks', eventId: { header: 'svix-id', fallbackHeader: 'webhook-id' }, eventType: { jsonPath: 'type' }, signature: 'Svix (Standard Webhooks `v1`)', handshake: '—', docs: 'https://clerk.com/docs/webhooks/sync-data' },
  { factory: 'resend', title: 'Resend', scheme: 'standard-webhooks', eventId: { header: 'svix-id', fallbackHeader: 'webhook-id' }, eventType: { jsonPath: 'type' }, signature: 'Svix (Standard Webhooks `v1`)', handshake: '—', docs: 'https://resend.com/docs/webhooks/verify-webhooks-requests' },
  {
    factory: 'twilio',
    title: 'Twilio',
    scheme: 'hmac',
    signsUrl: true,
    hmac: { header: 'x-twilio-signature', algorithm: 'sha1', encoding: 'base64', content: '{url}{form}' },
    eventId: { header: 'i-twilio-idempotency-token' },
    signature: 'HMAC-SHA1 base64 of URL + sorted form parameters',
    handshake: '—',
    docs: 'https://www.twilio.com/docs/usage/security#validating-requests',
  },
  {
    factory: 'sendgrid',
    title: 'SendGrid Event Webhook',
    scheme: 'public-key',
    publicKey: { algorithm: 'ecdsa-p256', header: 'x-twilio-email-event-webhook-signature', encoding: 'base64', timestampHeader: 'x-twilio-email-event-webhook-timestamp', content: '{ts}{body}' },
    signature: 'ECDSA P-256 of `ts` + body',
    handshake: '—',
    docs: 'https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features',
  },
  {
    factory: 'discord',
    title: 'Discord',
    scheme: 'public-key',
    publicKey: { algorithm: 'ed25519', header: 'x-signature-ed25519', encoding: 'hex', timestampHeader: 'x-signature-timestamp', content: '{ts}{body}' },
    eventId: { jsonPath: 'id' },
    eventType: { jsonPath: 'type' },
    signature: 'Ed25519 of `ts` + body (hex key)',
    handshake: 'PING (answered; bad signatures 401)',
    answers: 'discord',
    docs: 'https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers',
  },
  {
    factory: 'paddle',
    title: 'Paddle Billing',
    scheme: 'hmac',
    hmac: hex256('paddle-signature', { list: { separator: ';', keySeparator: '=', signatureKey: 'h1', timestampKey: 'ts' }, content: '{ts}:{body}' }),
    eventId: { jsonPath: 'notification_id' },
    eventType: { jsonPath: 'event_type' },
    signature: 'HMAC-SHA256 of `ts:body` (`Paddle-Signature`)',
    handshake: '—',
    docs: 'https://developer.paddle.com/webhooks/signature-verification',
  },
  {
    factory: 'square',
    title: 'Square',
    scheme: 'hmac',
    signsUrl: true,
    hmac: { header: 'x-square-hmacsha256-signature', algorithm: 'sha256', encoding: 'base64', content: '{url}{body}' },
    eventId: { jsonPath: 'event_id' },
    eventType: { jsonPath: 'type' },
    signature: 'HMAC-SHA256 base64 of URL + body',
    handshake: '—',
    docs: 'https://developer.squareup.com/docs/webhooks/step3validate',
  },
  {
    factory: 'hubspot',
    title: 'HubSpot (v3)',
    scheme: 'hmac',
    signsUrl: true,
    hmac: { header: 'x-hubspot-signature-v3', algorithm: 'sha256', encoding: 'base64', timestampHeader: 'x-hubspot-request-timestamp', timestampUnit: 'ms', content: '{method}{url}{body}{ts}' },
    signature: 'HMAC-SHA256 base64 of method + URL + body + ts (ms)',
    handshake: '—',
    docs: 'https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation',
  },
  { factory: 'razorpay', title: 'Razorpay', scheme: 'hmac', hmac: hex256('x-razorpay-signature'), eventId: { header: 'x-razorpay-event-id' }, eventType: { jsonPath: 'event' }, signature: 'HMAC-SHA256 of the body', handshake: '—', docs: 'https://razorpay.com/docs/webhooks/validate-test/' },
  {
    factory: 'linear',
    title: 'Linear',
    scheme: 'hmac',
    toleranceSeconds: 60,
    hmac: hex256('linear-signature', { timestampJsonPath: 'webhookTimestamp', timestampUnit: 'ms' }),
    eventId: { header: 'linear-delivery' },
    eventType: { header: 'linear-event' },
    signature: 'HMAC-SHA256 of the body; `webhookTimestamp` (ms) within 60 s',
    handshake: '—',
    docs: 'https://linear.app/developers/webhooks',
  },
  { factory: 'gitlab', title: 'GitLab', scheme: 'api-key', apiKeyHeader: 'x-gitlab-token', eventId: { header: 'idempotency-key' }, eventType: { header: 'x-gitlab-event' }, signature: 'shared token (`X-Gitlab-Token`; unsigned body)', handshake: '—', docs: 'https://docs.gitlab.com/user/project/integrations/webhooks/' },
  { factory: 'bitbucket', title: 'Bitbucket Cloud', scheme: 'hmac', hmac: hex256('x-hub-signature', { prefix: 'sha256=' }), eventId: { header: 'x-request-uuid' }, eventType: { header: 'x-event-key' }, signature: 'HMAC-SHA256 of the body', handshake: '—', docs: 'https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/' },
  { factory: 'vercel', title: 'Vercel', scheme: 'hmac', hmac: { header: 'x-vercel-signature', algorithm: 'sha1', encoding: 'hex' }, eventId: { jsonPath: 'id' }, eventType: { jsonPath: 'type' }, signature: 'HMAC-SHA1 of the body', handshake: '—', docs: 'https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks' },
  { factory: 'intercom', title: 'Intercom', scheme: 'hmac', hmac: { header: 'x-hub-signature', algorithm: 'sha1', encoding: 'hex', prefix: 'sha1=' }, eventId: { jsonPath: 'id' }, eventType: { jsonPath: 'topic' }, signature: 'HMAC-SHA1 of the body', handshake: '`ping` topic (recorded)', docs: 'https://developers.intercom.com/docs/webhooks/webhook-notifications' },
  { factory: 'typeform', title: 'Typeform', scheme: 'hmac', hmac: { header: 'typeform-signature', algorithm: 'sha256', encoding: 'base64', prefix: 'sha256=' }, eventId: { jsonPath: 'event_id' }, eventType: { jsonPath: 'event_type' }, signature: 'HMAC-SHA256 base64 of the body', handshake: '—', docs: 'https://www.typeform.com/developers/webhooks/secure-your-webhooks/' },
  { factory: 'calendly', title: 'Calendly', scheme: 'hmac', toleranceSeconds: 180, hmac: hex256('calendly-webhook-signature', { list: STRIPE_LIKE, content: '{ts}.{body}' }), eventType: { jsonPath: 'event' }, signature: 'HMAC-SHA256 of `t.body`', handshake: '—', docs: 'https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures' },
  { factory: 'lemonSqueezy', title: 'Lemon Squeezy', scheme: 'hmac', hmac: hex256('x-signature'), eventType: { header: 'x-event-name' }, signature: 'HMAC-SHA256 of the body', handshake: '—', docs: 'https://docs.lemonsqueezy.com/help/webhooks/signing-requests' },
  { factory: 'paystack', title: 'Paystack', scheme: 'hmac', hmac: { header: 'x-paystack-signature', algorithm: 'sha512', encoding: 'hex' }, eventType: { jsonPath: 'event' }, signature: 'HMAC-SHA512 of the body (secret API key)', handshake: '—', docs: 'https://paystack.com/docs/payments/webhooks/' },
  { factory: 'sentry', title: 'Sentry', scheme: 'hmac', hmac: hex256('sentry-hook-signature'), eventId: { header: 'request-id' }, eventType: { header: 'sentry-hook-resource' }, signature: 'HMAC-SHA256 of the body', handshake: '—', docs: 'https://docs.sentry.io/organization/integrations/integration-platform/webhooks/' },
  { factory: 'mux', title: 'Mux', scheme: 'hmac', hmac: hex256('mux-signature', { list: STRIPE_LIKE, content: '{ts}.{body}' }), eventId: { jsonPath: 'id' }, eventType: { jsonPath: 'type' }, signature: 'HMAC-SHA256 of `t.body`', handshake: '—', docs: 'https://www.mux.com/docs/core/verify-webhook-signatures' },
  {
    factory: 'zoom',
    title: 'Zoom',
    scheme: 'hmac',
    hmac: hex256('x-zm-signature', { prefix: 'v0=', timestampHeader: 'x-zm-request-timestamp', content: 'v0:{ts}:{body}' }),
    eventType: { jsonPath: 'event' },
    signature: 'HMAC-SHA256 of `v0:ts:body`',
    handshake: '`endpoint.url_validation` (answered)',
    answers: 'zoom',
    docs: 'https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events',
  },
  { factory: 'pagerduty', title: 'PagerDuty', scheme: 'hmac', hmac: hex256('x-pagerduty-signature', { list: { separator: ',', keySeparator: '=', signatureKey: 'v1' } }), eventId: { header: 'x-webhook-id' }, eventType: { jsonPath: 'event.event_type' }, signature: 'HMAC-SHA256 of the body (`v1=` list)', handshake: '—', docs: 'https://developer.pagerduty.com/docs/webhooks/webhook-signatures' },
  {
    factory: 'mailgun',
    title: 'Mailgun',
    scheme: 'hmac',
    hmac: hex256('', { signatureJsonPath: 'signature.signature', timestampJsonPath: 'signature.timestamp', content: '{ts}{j:signature.token}' }),
    eventId: { jsonPath: 'event-data.id' },
    eventType: { jsonPath: 'event-data.event' },
    signature: 'HMAC-SHA256 of timestamp + token, in the body (body itself unsigned)',
    handshake: '—',
    docs: 'https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks',
  },
  { factory: 'postmark', title: 'Postmark', scheme: 'basic-auth', eventType: { jsonPath: 'RecordType' }, signature: 'HTTP basic auth (unsigned body)', handshake: '—', docs: 'https://postmarkapp.com/developer/webhooks/webhooks-overview' },
  ...handshakePresets(),
  // ---- phase 2b: more HMAC presets (Zendesk … Airtable) ----
  {
    factory: 'zendesk',
    title: 'Zendesk',
    scheme: 'hmac',
    hmac: { header: 'x-zendesk-webhook-signature', algorithm: 'sha256', encoding: 'base64', timestampHeader: 'x-zendesk-webhook-signature-timestamp', timestampUnit: 'iso', content: '{ts}{body}' },
    eventId: { header: 'x-zendesk-webhook-invocation-id' },
    eventType: { jsonPath: 'type' },
    signature: 'HMAC-SHA256 base64 of ISO timestamp + body',
    handshake: '—',
    docs: 'https://developer.zendesk.com/documentation/webhooks/verifying/',
  },
  { factory: 'jira', title: 'Jira (admin webhooks)', scheme: 'hmac', hmac: hex256('x-hub-signature', { prefix: 'sha256=' }), eventId: { header: 'x-atlassian-webhook-identifier' }, eventType: { jsonPath: 'webhookEvent' }, signature: 'HMAC-SHA256 of the body (`X-Hub-Signature`)', handshake: '—', docs: 'https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks' },
  {
    factory: 'docusign',
    title: 'DocuSign Connect',
    scheme: 'hmac',
    hmac: { header: 'x-docusign-signature', algorithm: 'sha256', encoding: 'base64', numberedHeaders: 100 },
    eventType: { jsonPath: 'event' },
    signature: 'HMAC-SHA256 base64 of the body, one `X-DocuSign-Signature-<n>` per key',
    handshake: '—',
    docs: 'https://developers.docusign.com/platform/webhooks/connect/validate/',
  },
  {
    factory: 'adyenPlatform',
    title: 'Adyen (platform webhooks)',
    scheme: 'hmac',
    hmac: { header: 'hmacsignature', algorithm: 'sha256', encoding: 'base64', keyEncoding: 'hex' },
    eventId: { jsonPath: 'data.id' },
    eventType: { jsonPath: 'type' },
    signature: 'HMAC-SHA256 base64 of the body (`HmacSignature`, hex key); not standard payment webhooks',
    handshake: '—',
    docs: 'https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures',
  },
  {
    factory: 'mollie',
    title: 'Mollie (next-gen webhooks)',
    scheme: 'hmac',
    // A rotation sends the header twice; the ingest function joins repeated headers with ', '.
    hmac: hex256('x-mollie-signature', { list: { separator: ',', keySeparator: '=', signatureKey: 'sha256' } }),
    eventId: { jsonPath: 'id' },
    eventType: { jsonPath: 'type' },
    signature: 'HMAC-SHA256 of the body (`X-Mollie-Signature`); classic webhooks are unsigned',
    handshake: '—',
    docs: 'https://docs.mollie.com/reference/webhooks-new',
  },
  { factory: 'coinbaseCommerce', title: 'Coinbase Commerce (deprecated API)', scheme: 'hmac', hmac: hex256('x-cc-webhook-signature'), eventId: { jsonPath: 'event.id' }, eventType: { jsonPath: 'event.type' }, signature: 'HMAC-SHA256 of the body', handshake: '—', docs: 'https://docs.cdp.coinbase.com/commerce/api-arcitecture/webhooks-security' },
  {
    factory: 'twitch',
    title: 'Twitch EventSub',
    scheme: 'hmac',
    toleranceSeconds: 600,
    hmac: hex256('twitch-eventsub-message-signature', { prefix: 'sha256=', timestampHeader: 'twitch-eventsub-message-timestamp', timestampUnit: 'iso', content: '{h:twitch-eventsub-message-id}{ts}{body}' }),
    eventId: { header: 'twitch-eventsub-message-id' },
    eventType: { header: 'twitch-eventsub-subscription-type' },
    signature: 'HMAC-SHA256 of message id + timestamp + body; 10 minutes',
    handshake: '`webhook_callback_verification` (answered)',
    answers: 'twitch',
    docs: 'https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message',
  },
  {
    factory: 'workos',
    title: 'WorkOS',
    scheme: 'hmac',
    toleranceSeconds: 180,
    hmac: hex256('workos-signature', { list: STRIPE_LIKE, content: '{ts}.{body}', timestampUnit: 'ms' }),
    eventId: { jsonPath: 'id' },
    eventType: { jsonPath: 'event' },
    signature: 'HMAC-SHA256 of `t.body`, `t` in ms; 3 minutes',
    handshake: '—',
    docs: 'https://workos.com/docs/events/data-syncing/webhooks',
  },
  { factory: 'calCom', title: 'Cal.com', scheme: 'hmac', hmac: hex256('x-cal-signature-256'), eventType: { jsonPath: 'triggerEvent' }, signature: 'HMAC-SHA256 of the body', handshake: '—', docs: 'https://cal.com/docs/developing/guides/automation/webhooks' },
  {
    factory: 'airtable',
    title: 'Airtable',
    scheme: 'hmac',
    hmac: hex256('x-airtable-content-mac', { prefix: 'hmac-sha256=', keyEncoding: 'base64' }),
    signature: 'HMAC-SHA256 of the body, keyed with the decoded `macSecretBase64`',
    handshake: '—',
    docs: 'https://airtable.com/developers/web/api/webhooks-overview#webhook-notification-delivery',
  },
];

/** The preset of a factory name. */
export function presetNamed(factory: string): PresetDefinition | undefined {
  return PRESETS.find((p) => p.factory === factory);
}

/** The presets whose providers check the endpoint with a handshake before delivering (handshake.ts). */
function handshakePresets(): PresetDefinition[] {
  return [
    {
      factory: 'meta',
      title: 'Meta (Facebook, Instagram, WhatsApp)',
      scheme: 'hmac',
      hmac: hex256('x-hub-signature-256', { prefix: 'sha256=' }),
      eventType: { jsonPath: 'object' },
      signature: 'HMAC-SHA256 of the body (`X-Hub-Signature-256`, app secret)',
      handshake: '`GET ?hub.challenge` with the verify token (answered)',
      answers: 'meta',
      docs: 'https://developers.facebook.com/docs/graph-api/webhooks/getting-started',
    },
    {
      factory: 'twitter',
      title: 'X (Twitter) Account Activity',
      scheme: 'hmac',
      hmac: { header: 'x-twitter-webhooks-signature', algorithm: 'sha256', encoding: 'base64', prefix: 'sha256=' },
      signature: 'HMAC-SHA256 base64 of the body (consumer secret)',
      handshake: 'CRC `GET ?crc_token` (answered)',
      answers: 'crc',
      docs: 'https://docs.x.com/x-api/webhooks/introduction',
    },
    {
      factory: 'dropbox',
      title: 'Dropbox',
      scheme: 'hmac',
      hmac: hex256('x-dropbox-signature'),
      signature: 'HMAC-SHA256 of the body (app secret)',
      handshake: '`GET ?challenge` (answered)',
      answers: 'dropbox',
      docs: 'https://www.dropbox.com/developers/reference/webhooks',
    },
    {
      factory: 'microsoftGraph',
      title: 'Microsoft Graph change notifications',
      scheme: 'client-state',
      eventType: { jsonPath: 'value.0.changeType' },
      signature: '`clientState` of every notification (unsigned body)',
      handshake: '`POST ?validationToken` (answered)',
      answers: 'graph',
      docs: 'https://learn.microsoft.com/graph/change-notifications-delivery-webhooks',
    },
    {
      factory: 'asana',
      title: 'Asana',
      scheme: 'hmac',
      hmac: hex256('x-hook-signature'),
      eventType: { jsonPath: 'events.0.action' },
      signature: 'HMAC-SHA256 of the body (per-webhook `X-Hook-Secret`)',
      handshake: '`X-Hook-Secret` POST (answered, secret stored)',
      answers: 'asana',
      docs: 'https://developers.asana.com/docs/webhooks-guide',
    },
    {
      factory: 'okta',
      title: 'Okta event hooks',
      scheme: 'api-key',
      apiKeyHeader: 'authorization',
      eventId: { jsonPath: 'eventId' },
      eventType: { jsonPath: 'data.events.0.eventType' },
      signature: 'shared `Authorization` header value (unsigned body)',
      handshake: '`X-Okta-Verification-Challenge` GET (answered)',
      answers: 'okta',
      docs: 'https://developer.okta.com/docs/concepts/event-hooks/',
    },
  ];
}
