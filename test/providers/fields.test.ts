import * as fc from 'fast-check';
import { Webhook as SvixWebhook } from 'svix';
import { extractField, idFromBodyOnly } from '../../src/providers/fields';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { verifySignature } from '../../src/providers/verify';
import { parseJsonBody, type JsonBody } from '../../src/runtime/http';

/** A body as the ingest parses it from bytes. */
function body(text: string): JsonBody {
  const parsed = parseJsonBody(Buffer.from(text, 'utf8'));
  if (!parsed.ok) throw new Error(`not JSON: ${text}`);
  return parsed.body;
}

const json = body(JSON.stringify({
  id: 'evt_1',
  type: 'invoice.paid',
  sequence: 42,
  empty: '',
  flag: true,
  event: { type: 'app_mention', nested: { id: 7 } },
  items: [{ id: 'item_1' }],
}));

test('reads a header', () => {
  expect(extractField({ header: 'x-github-delivery' }, { 'x-github-delivery': 'd-1' }, json)).toBe('d-1');
});

test('lower-cases the configured header name', () => {
  expect(extractField({ header: 'X-GitHub-Event' }, { 'x-github-event': 'push' }, json)).toBe('push');
});

test('reads a top-level JSON field', () => {
  expect(extractField({ jsonPath: 'type' }, {}, json)).toBe('invoice.paid');
});

test('reads a dotted JSON path', () => {
  expect(extractField({ jsonPath: 'event.type' }, {}, json)).toBe('app_mention');
});

test('reads through an array index', () => {
  expect(extractField({ jsonPath: 'items.0.id' }, {}, json)).toBe('item_1');
});

test('prefers the header when both are configured', () => {
  expect(extractField({ header: 'x-event-id', jsonPath: 'id' }, { 'x-event-id': 'from-header' }, json)).toBe('from-header');
});

test('falls back to the JSON path when the header is absent', () => {
  expect(extractField({ header: 'x-event-id', jsonPath: 'id' }, {}, json)).toBe('evt_1');
});

test.each([
  ['an absent header', { header: 'x-missing' }, json],
  ['an empty header', { header: 'x-empty' }, json],
  ['an absent path', { jsonPath: 'event.missing' }, json],
  ['a path through a scalar', { jsonPath: 'type.length' }, json],
  ['an empty string', { jsonPath: 'empty' }, json],
  ['a boolean', { jsonPath: 'flag' }, json],
  ['an object', { jsonPath: 'event' }, json],
  ['an inherited property', { jsonPath: 'constructor' }, json],
  ['__proto__', { jsonPath: '__proto__' }, json],
  ['an empty path segment', { jsonPath: 'event..type' }, json],
  ['an empty path', { jsonPath: '' }, json],
  ['an unparsed body', { jsonPath: 'id' }, undefined],
  ['a null body', { jsonPath: 'id' }, body('null')],
  ['an empty location', {}, json],
])('returns undefined for %s', (_name, location, parsed) => {
  expect(extractField(location, { 'x-empty': '' }, parsed)).toBeUndefined();
});

test('returns undefined without a location', () => {
  expect(extractField(undefined, { 'x-event-id': 'e' }, json)).toBeUndefined();
});

describe('numeric ids keep the literal text of the number', () => {
  test('integers above 2^53 stay distinct and exact', () => {
    const a = extractField({ jsonPath: 'id' }, {}, body('{"id":12345678901234567890}'));
    const b = extractField({ jsonPath: 'id' }, {}, body('{"id":12345678901234567891}'));
    expect([a, b]).toEqual(['12345678901234567890', '12345678901234567891']);
  });

  test.each([
    ['-0', '{"id":-0}'],
    ['0', '{"id":0}'],
    ['7', '{"event":{"nested":{"id":7}}}'],
    ['1e3', '{"id":1e3}'],
    ['1.50', '{"id": 1.50 }'],
    ['-1.0E-7', '{"id":\n\t-1.0E-7\n}'],
  ])('%s as written', (expected, text) => {
    const path = text.includes('nested') ? 'event.nested.id' : 'id';
    expect(extractField({ jsonPath: path }, {}, body(text))).toBe(expected);
  });

  test('a repeated key means its last occurrence, as JSON.parse reads it', () => {
    expect(extractField({ jsonPath: 'id' }, {}, body('{"id":1,"x":{"id":2},"id":3}'))).toBe('3');
  });

  test('escaped key names match their unescaped form', () => {
    expect(extractField({ jsonPath: 'id' }, {}, body('{"i\\u0064":18446744073709551617}'))).toBe('18446744073709551617');
  });

  test('any 64-bit or larger integer at any depth reads back exactly', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
      fc.array(fc.constantFrom('a', 'b', 'id', 'i"d'), { minLength: 1, maxLength: 4 }),
      fc.json({ maxDepth: 2 }),
      (n, path, noise) => {
        // The value sits after noise, behind a decoy key of the same name, in nested objects.
        let text = String(n);
        for (const key of [...path].reverse()) {
          text = `{${JSON.stringify(key)}:${noise},"s":"}]\\"{",${JSON.stringify(key)} : ${text}}`;
        }
        expect(extractField({ jsonPath: path.join('.') }, {}, body(text))).toBe(String(n));
      },
    ), { numRuns: 500 });
  });
});

describe('Svix deliveries (svix-* headers only)', () => {
  const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
  const config: ProviderRuntimeConfig = {
    name: 'svix', scheme: 'standard-webhooks', secretArns: [], toleranceSeconds: 300, eventId: { header: 'webhook-id', fallbackHeader: 'svix-id' },
  };
  const payload = '{"type":"invoice.paid"}';
  const at = new Date(1_700_000_000_000);
  // Signed by Svix's own library, with the header names Svix sends.
  const headers = {
    'svix-id': 'msg_2abc',
    'svix-timestamp': String(at.getTime() / 1000),
    'svix-signature': new SvixWebhook(secret).sign('msg_2abc', at, payload),
  };

  test('the signature is verified and the delivery id is the svix-id', () => {
    expect(verifySignature(config, [secret], headers, Buffer.from(payload), 1_700_000_000)).toEqual({ valid: true });
    expect(extractField(config.eventId, headers, body(payload))).toBe('msg_2abc');
  });

  test('webhook-id wins when both are sent, as in verification', () => {
    expect(extractField(config.eventId, { ...headers, 'webhook-id': 'msg_std' }, undefined)).toBe('msg_std');
  });
});

test('an id location is the body alone only with a JSON path and no header', () => {
  expect(idFromBodyOnly({ jsonPath: 'id' })).toBe(true);
  expect(idFromBodyOnly({ header: 'x-id', jsonPath: 'id' })).toBe(false);
  expect(idFromBodyOnly({ fallbackHeader: 'x-id', jsonPath: 'id' })).toBe(false);
  expect(idFromBodyOnly({ header: 'x-id' })).toBe(false);
  expect(idFromBodyOnly({ jsonPath: '' })).toBe(false);
  expect(idFromBodyOnly(undefined)).toBe(false);
});
