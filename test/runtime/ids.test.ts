import { isValidWebhookId, webhookId } from '../../src/runtime/ids';

test('the provider delivery id becomes the webhook id, so retries map to one record', () => {
  expect(webhookId('stripe', 'evt_1')).toBe('stripe:evt_1');
  expect(webhookId('stripe', 'evt_1')).toBe(webhookId('stripe', 'evt_1'));
});

test('delivery ids outside the URL-safe alphabet are hashed stably', () => {
  const id = webhookId('acme', 'a b/c');
  expect(id).toMatch(/^acme:h-[0-9a-f]{40}$/);
  expect(webhookId('acme', 'a b/c')).toBe(id);
  expect(isValidWebhookId(id)).toBe(true);
});

test('without a delivery id, ids are unique UUIDv7s that sort by time', () => {
  const ids = Array.from({ length: 100 }, () => webhookId('acme', undefined));
  expect(new Set(ids).size).toBe(100);
  expect([...ids].sort()).toEqual(ids);
  expect(ids.every(isValidWebhookId)).toBe(true);
});
