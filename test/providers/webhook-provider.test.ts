import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HmacAlgorithm, SignatureEncoding, SignatureScheme, WebhookProvider } from '../../src';

const stack = new Stack(new App(), 'S');
const secret = new secretsmanager.Secret(stack, 'Secret');
const config = (provider: WebhookProvider) => stack.resolve(provider._runtimeConfig(Duration.minutes(5), stack));

test.each([
  ['stripe', WebhookProvider.stripe({ secrets: [secret] }), SignatureScheme.STRIPE, { jsonPath: 'id' }, { jsonPath: 'type' }],
  ['github', WebhookProvider.github({ secrets: [secret] }), SignatureScheme.GITHUB, { header: 'x-github-delivery' }, { header: 'x-github-event' }],
  ['shopify', WebhookProvider.shopify({ secrets: [secret] }), SignatureScheme.SHOPIFY, { header: 'x-shopify-webhook-id' }, { header: 'x-shopify-topic' }],
  ['slack', WebhookProvider.slack({ secrets: [secret] }), SignatureScheme.SLACK, { jsonPath: 'event_id' }, { jsonPath: 'event.type' }],
  ['standard-webhooks', WebhookProvider.standardWebhooks({ secrets: [secret] }), SignatureScheme.STANDARD_WEBHOOKS, { header: 'webhook-id', fallbackHeader: 'svix-id' }, { jsonPath: 'type' }],
])('%s: default name, scheme, delivery id and event type locations', (name, provider, scheme, eventId, eventType) => {
  expect(config(provider)).toMatchObject({ name, scheme, eventId, eventType, toleranceSeconds: 300 });
});

test('a provider may be renamed and carry several secrets for rotation', () => {
  const other = new secretsmanager.Secret(stack, 'Other');
  const provider = WebhookProvider.stripe({ name: 'stripe-connect', secrets: [secret, other] });
  expect(provider.name).toBe('stripe-connect');
  expect(config(provider).secretArns).toEqual([{ Ref: expect.stringMatching(/^Secret/) }, { Ref: expect.stringMatching(/^Other/) }]);
});

test('a secret imported by name in the function\'s own account and Region is read by its name (shorter than its ARN)', () => {
  const imported = secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'webhooks/stripe');
  expect(config(WebhookProvider.stripe({ secrets: [imported] })).secretArns).toEqual(['webhooks/stripe']);
});

test('a secret imported by name in another Region or account keeps its ARN', () => {
  const elsewhere = new Stack(new App(), 'Elsewhere', { env: { account: '210987654321', region: 'eu-west-1' } });
  const imported = secretsmanager.Secret.fromSecretNameV2(elsewhere, 'ByName', 'webhooks/stripe');
  const ids = config(WebhookProvider.stripe({ secrets: [imported] })).secretArns;
  expect(ids).toHaveLength(1);
  expect(JSON.stringify(ids[0])).toContain(':secretsmanager:eu-west-1:210987654321:secret:webhooks/stripe');
});

test('a provider tolerance overrides the default', () => {
  expect(config(WebhookProvider.slack({ secrets: [secret], tolerance: Duration.seconds(60) })).toleranceSeconds).toBe(60);
});

test('generic HMAC options are passed through with lower-case header names', () => {
  const provider = WebhookProvider.hmac({
    name: 'acme',
    secrets: [secret],
    signatureHeader: 'X-Acme-Signature',
    algorithm: HmacAlgorithm.SHA512,
    encoding: SignatureEncoding.BASE64,
    signaturePrefix: 'sha512=',
    timestampHeader: 'X-Acme-Timestamp',
    eventIdHeader: 'X-Acme-Id',
    eventTypeJsonPath: 'event.kind',
  });
  expect(config(provider)).toMatchObject({
    scheme: 'hmac',
    hmac: { header: 'x-acme-signature', algorithm: 'sha512', encoding: 'base64', prefix: 'sha512=', timestampHeader: 'x-acme-timestamp' },
    eventId: { header: 'x-acme-id' },
    eventType: { jsonPath: 'event.kind' },
  });
});

test('generic HMAC defaults to hex SHA-256 without prefix or timestamp', () => {
  expect(config(WebhookProvider.hmac({ name: 'acme', secrets: [secret], signatureHeader: 'X-Sig' })).hmac)
    .toEqual({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex' });
});

test('API-key providers name their header', () => {
  expect(config(WebhookProvider.apiKey({ name: 'legacy', secrets: [secret], header: 'X-Api-Key', eventIdJsonPath: 'id' })))
    .toMatchObject({ scheme: 'api-key', apiKeyHeader: 'x-api-key', eventId: { jsonPath: 'id' } });
});

test('unverified providers have no secrets', () => {
  const provider = WebhookProvider.unverified('internal');
  expect(provider.scheme).toBe(SignatureScheme.UNVERIFIED);
  expect(config(provider).secretArns).toEqual([]);
});

describe('replay window', () => {
  const week = 7 * 24 * 3600;
  test.each([
    ['GitHub', WebhookProvider.github({ secrets: [secret] }), week],
    ['Shopify', WebhookProvider.shopify({ secrets: [secret] }), week],
    ['HMAC without a signed timestamp', WebhookProvider.hmac({ name: 'a', secrets: [secret], signatureHeader: 'X-Sig' }), week],
    ['Stripe', WebhookProvider.stripe({ secrets: [secret] }), undefined],
    ['Slack', WebhookProvider.slack({ secrets: [secret] }), undefined],
    ['Standard Webhooks', WebhookProvider.standardWebhooks({ secrets: [secret] }), undefined],
    ['HMAC with a signed timestamp', WebhookProvider.hmac({ name: 'a', secrets: [secret], signatureHeader: 'X-Sig', timestampHeader: 'X-Ts' }), undefined],
    ['an API key', WebhookProvider.apiKey({ name: 'k', secrets: [secret], header: 'X-Key' }), undefined],
    ['an unverified provider', WebhookProvider.unverified('open'), undefined],
  ])('%s: on by default only where the scheme signs no timestamp', (_, provider, seconds) => {
    expect(config(provider).replayWindowSeconds).toBe(seconds);
  });

  test('can be set, or turned off with zero', () => {
    expect(config(WebhookProvider.stripe({ secrets: [secret], replayWindow: Duration.hours(1) })).replayWindowSeconds).toBe(3600);
    expect(config(WebhookProvider.github({ secrets: [secret], replayWindow: Duration.seconds(0) }))).not.toHaveProperty('replayWindowSeconds');
  });

  test.each([Duration.seconds(30), Duration.days(366)])('must be 0 or between 1 minute and 365 days (%s)', (window) => {
    expect(WebhookProvider.github({ secrets: [secret], replayWindow: window })._validate())
      .toContain("WebhookProvider 'github': 'replayWindow' must be 0 (off) or between 1 minute and 365 days.");
  });
});

describe('generic schemes and presets (issue 13)', () => {
  const issueStack = new Stack();
  const secret13 = new secretsmanager.Secret(issueStack, 'IssueSecret');

  test('a URL-signing preset without publicUrl is refused, naming the prop', () => {
    const provider = WebhookProvider.twilio({ secrets: [secret13], publicUrl: '' });
    expect(provider._validate().join('\n')).toMatch(/'publicUrl' is required/);
  });

  test('hmacTemplate with {url} and no publicUrl is refused; with one it is fine', () => {
    const base = { name: 'acme', secrets: [secret13], signatureHeader: 'X-Sig', signedContent: '{url}{body}' };
    expect(WebhookProvider.hmacTemplate(base)._validate().join('\n')).toMatch(/'publicUrl' is required/);
    expect(WebhookProvider.hmacTemplate({ ...base, publicUrl: 'https://hooks.example.com/webhook/acme' })._validate()).toEqual([]);
  });

  test('an unknown placeholder in signedContent is refused', () => {
    const provider = WebhookProvider.hmacTemplate({ name: 'acme', secrets: [secret13], signatureHeader: 'X-Sig', signedContent: '{timestamp}.{body}' });
    expect(provider._validate().join('\n')).toMatch(/unknown placeholders \{timestamp\}/);
  });

  test('a public-key provider takes exactly one of publicKey and secrets', () => {
    expect(WebhookProvider.discord({})._validate().join('\n')).toMatch(/exactly one of 'publicKey' and 'secrets'/);
    expect(WebhookProvider.discord({ publicKey: 'ab'.repeat(32), secrets: [secret13] })._validate().join('\n')).toMatch(/exactly one/);
    expect(WebhookProvider.discord({ secrets: [secret13] })._validate()).toEqual([]);
  });

  test('basicAuth needs a name', () => {
    expect(WebhookProvider.basicAuth({ secrets: [secret13] })._validate().join('\n')).toMatch(/'name' must be/);
  });

  test('preset route names are the factory names in kebab case', () => {
    expect(WebhookProvider.lemonSqueezy({ secrets: [secret13] }).name).toBe('lemon-squeezy');
    expect(WebhookProvider.standardWebhooksEd25519({ publicKey: 'ab'.repeat(32) }).name).toBe('standard-webhooks-ed25519');
  });
});
