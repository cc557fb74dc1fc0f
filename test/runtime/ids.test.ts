import * as fc from 'fast-check';
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

describe('hashed and literal ids are disjoint', () => {
  test('a literal delivery id that looks hashed cannot take the webhook id of a hashed one', () => {
    const hashed = webhookId('acme', 'a b/c');
    const lookalike = hashed.slice('acme:'.length);
    expect(lookalike).toMatch(/^h-[0-9a-f]{40}$/);
    expect(webhookId('acme', lookalike)).not.toBe(hashed);
    expect(webhookId('acme', lookalike)).toMatch(/^acme:h-[0-9a-f]{40}$/);
  });

  test('delivery ids starting with h- are hashed; others in the alphabet are kept', () => {
    expect(webhookId('p', 'h-1')).toMatch(/^p:h-[0-9a-f]{40}$/);
    expect(webhookId('p', 'H-1')).toBe('p:H-1');
    expect(webhookId('p', 'xh-1')).toBe('p:xh-1');
  });

  test('distinct delivery ids never share a webhook id', () => {
    const lookalikes = fc.stringMatching(/^h-[0-9a-f]{40}$/);
    const plain = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
    const anything = fc.string({ maxLength: 140 });
    const id = fc.oneof(lookalikes, plain, anything, anything.map((s) => webhookId('p', s).slice(2)));
    fc.assert(fc.property(id, id, (a, b) => {
      fc.pre(a !== '' && b !== '' && a !== b);
      expect(webhookId('p', a)).not.toBe(webhookId('p', b));
    }), { numRuns: 5000 });
  });
});
