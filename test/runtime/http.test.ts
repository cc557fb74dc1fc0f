import * as fc from 'fast-check';
import { isJsonContentType, isStrictBase64, normalizeHeaders, parseJsonBody, providerNameOf, rawBodyOf } from '../../src/runtime/http';

test('headers are lower-cased and repeated ones joined', () => {
  expect(normalizeHeaders({ headers: { 'X-One': 'a', 'X-Two': 'last' }, multiValueHeaders: { 'X-Two': ['first', 'last'] } }))
    .toEqual({ 'x-one': 'a', 'x-two': 'first, last' });
});

test('base64 bodies are decoded byte for byte', () => {
  const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
  expect(rawBodyOf({ body: bytes.toString('base64'), isBase64Encoded: true })).toEqual(bytes);
});

test('invalid base64 is refused rather than guessed', () => {
  expect(rawBodyOf({ body: 'abc', isBase64Encoded: true })).toBeUndefined();
  expect(rawBodyOf({ body: 'ab!=', isBase64Encoded: true })).toBeUndefined();
});

test('text bodies are taken as UTF-8', () => {
  expect(rawBodyOf({ body: 'é', isBase64Encoded: false })).toEqual(Buffer.from('é', 'utf8'));
});

test.each([
  ['application/json', true], ['application/json; charset=utf-8', true], ['application/vnd.api+json', true],
  ['text/json', true], ['text/plain', false], [undefined, false], ['application/x-www-form-urlencoded', false],
])('isJsonContentType(%s) is %s', (type, expected) => {
  expect(isJsonContentType(type)).toBe(expected);
});

test('header names that are Object.prototype members are plain headers', () => {
  // JSON.parse makes `__proto__` an own property, as a parsed request would.
  const headers = normalizeHeaders({ headers: JSON.parse('{"Constructor":"x","__proto__":"y","toString":"z"}'), multiValueHeaders: {} });
  expect(headers.constructor).toBe('x');
  expect(headers.tostring).toBe('z');
  expect(Object.keys(headers).sort()).toEqual(['__proto__', 'constructor', 'tostring']);
});

describe('base64 bodies of any size', () => {
  // The regular expression this check replaced, as the oracle on small inputs.
  const STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

  test('the linear check agrees with a strict base64 regular expression', () => {
    const char = fc.constantFrom(...'AZaz09+/=-_ !\n'.split(''));
    fc.assert(fc.property(fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64')),
      fc.array(char, { maxLength: 16 }).map((c) => c.join('')),
      fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.nat(), char).map(([b, at, c]) => {
        const s = Buffer.from(b).toString('base64');
        return s.slice(0, at % (s.length + 1)) + c + s.slice(at % (s.length + 1) + 1);
      }),
    ), (text) => {
      expect(isStrictBase64(text)).toBe(STRICT.test(text));
    }), { numRuns: 5000 });
  });

  test.each([3_355_144, 3_356_143, 4 * 1024 * 1024, 8 * 1024 * 1024])('a %i-byte body decodes (no RangeError)', (size) => {
    const bytes = Buffer.alloc(size, 0x61);
    expect(rawBodyOf({ body: bytes.toString('base64'), isBase64Encoded: true })?.length).toBe(size);
  });

  test('a huge body with one bad character is refused, not thrown on', () => {
    const text = Buffer.alloc(4 * 1024 * 1024, 0x61).toString('base64');
    expect(rawBodyOf({ body: `${text.slice(0, 1000)}!${text.slice(1001)}`, isBase64Encoded: true })).toBeUndefined();
  });
});

describe('JSON bodies', () => {
  test('a leading UTF-8 byte order mark is skipped (RFC 8259, section 8.1)', () => {
    const parsed = parseJsonBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":"x"}')]));
    expect(parsed).toEqual({ ok: true, body: { value: { id: 'x' }, text: '{"id":"x"}' } });
  });

  test('a byte order mark anywhere else is still malformed', () => {
    expect(parseJsonBody(Buffer.from('{"id":"x"}\uFEFF')).ok).toBe(false);
    expect(parseJsonBody(Buffer.from('\uFEFF\uFEFF{}')).ok).toBe(false);
  });
});

describe('providerNameOf', () => {
  test('reads the {provider} path parameter of the shared route', () => {
    expect(providerNameOf({ resource: '/webhook/{provider}', pathParameters: { provider: 'stripe' } })).toBe('stripe');
  });

  test("reads a provider's own resource, where API Gateway passes no path parameters", () => {
    expect(providerNameOf({ resource: '/webhook/stripe', pathParameters: null })).toBe('stripe');
    expect(providerNameOf({ resource: '/status/{id}', pathParameters: null })).toBeUndefined();
  });
});
