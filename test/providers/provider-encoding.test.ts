import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { decodeProviders, encodeProviders } from '../../src/providers/provider-encoding';

const providers: ProviderRuntimeConfig[] = [
  { name: 'stripe', scheme: 'stripe', secretArns: ['webhooks/stripe', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:next-AbCdEf'], toleranceSeconds: 300, eventId: { jsonPath: 'id' }, eventType: { jsonPath: 'type' } },
  { name: 'github', scheme: 'github', secretArns: ['g'], toleranceSeconds: 300, replayWindowSeconds: 604800, eventId: { header: 'x-github-delivery' }, eventType: { header: 'x-github-event' } },
  { name: 'shopify', scheme: 'shopify', secretArns: ['s'], toleranceSeconds: 300, eventId: { header: 'x-shopify-webhook-id' }, eventType: { header: 'x-shopify-topic' } },
  { name: 'slack', scheme: 'slack', secretArns: ['s'], toleranceSeconds: 60, eventId: { jsonPath: 'event_id' }, eventType: { jsonPath: 'event.type' } },
  { name: 'svix', scheme: 'standard-webhooks', secretArns: ['s'], toleranceSeconds: 300, eventId: { header: 'webhook-id', fallbackHeader: 'svix-id' }, eventType: { jsonPath: 'type' } },
  {
    name: 'acme',
    scheme: 'hmac',
    secretArns: ['a'],
    toleranceSeconds: 600,
    hmac: { header: 'x-acme-signature', algorithm: 'sha512', encoding: 'base64', prefix: 'v1=', timestampHeader: 'x-acme-timestamp' },
    eventId: { header: 'x-acme-delivery' },
    eventType: { jsonPath: 'event.kind' },
  },
  { name: 'plain', scheme: 'hmac', secretArns: ['p'], toleranceSeconds: 300, hmac: { header: 'x-sig', algorithm: 'sha256', encoding: 'hex' } },
  { name: 'legacy', scheme: 'api-key', secretArns: ['k'], toleranceSeconds: 300, apiKeyHeader: 'x-api-key', eventId: { jsonPath: 'meta.id' }, eventType: { jsonPath: 'meta.type' } },
  { name: 'both', scheme: 'hmac', secretArns: ['b'], toleranceSeconds: 300, hmac: { header: 'x-sig', algorithm: 'sha1', encoding: 'hex' }, eventId: { header: 'x-id', jsonPath: 'id' } },
  { name: 'sandbox', scheme: 'unverified', secretArns: [], toleranceSeconds: 300 },
];

test('every provider reads back exactly as the construct configured it', () => {
  expect(decodeProviders(JSON.stringify(encodeProviders(providers, 300)))).toEqual(providers);
});

test('what the handler can derive is left out: preset fields, the default tolerance and HMAC settings', () => {
  const encoded = encodeProviders(providers, 300);
  expect(encoded.p[0]).toEqual({ n: 'stripe', s: 'stripe', k: providers[0].secretArns });
  expect(encoded.p[3]).toEqual({ n: 'slack', s: 'slack', k: ['s'], t: 60 });
  expect(encoded.p[6]).toEqual({ n: 'plain', s: 'hmac', k: ['p'], h: { h: 'x-sig' } });
  expect(encoded.p[9]).toEqual({ n: 'sandbox', s: 'unverified' });
});

test('a value in another form is refused with what to do', () => {
  expect(() => decodeProviders(JSON.stringify(providers))).toThrow(/not in the form the WebhookProcessor construct writes/);
});

test('the replay window is kept, and the Standard Webhooks preset keeps its svix-id fallback without spelling it out', () => {
  const encoded = encodeProviders(providers, 300);
  expect(encoded.p[1]).toMatchObject({ n: 'github', r: 604800 });
  expect(encoded.p[4]).toEqual({ n: 'svix', s: 'standard-webhooks', k: ['s'] });
  const decoded = decodeProviders(JSON.stringify(encoded));
  expect(decoded[1].replayWindowSeconds).toBe(604800);
  expect(decoded[4].eventId).toEqual({ header: 'webhook-id', fallbackHeader: 'svix-id' });
});
