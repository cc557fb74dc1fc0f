import { isJsonContentType, normalizeHeaders, rawBodyOf } from '../../src/runtime/http';

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
