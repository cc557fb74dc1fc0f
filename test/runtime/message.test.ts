import { decodeMessage, encodeMessage, inlineBody, MAX_BODY_BYTES, newMessage, oversizeBodyKey, REDACTED, withBodyRef } from '../../src/runtime/message';

const base = { id: 'p:1', provider: 'p', receivedAt: new Date('2026-01-02T03:04:05Z'), headers: { 'content-type': 'text/plain' } };

test('a message round-trips with the exact body bytes', () => {
  const rawBody = Buffer.from([0, 1, 2, 0xff, 0xfe]);
  const decoded = decodeMessage(encodeMessage(newMessage({ ...base, rawBody })));
  expect(inlineBody(decoded)).toEqual(rawBody);
  expect(decoded.receivedAt).toBe('2026-01-02T03:04:05.000Z');
});

test('credential headers are redacted, including provider-specific ones', () => {
  const message = newMessage({ ...base, rawBody: Buffer.from('x'), headers: { 'authorization': 'Bearer t', 'x-acme-key': 'k', 'x-other': 'v' }, credentialHeaders: ['x-acme-key'] });
  expect(message.headers).toEqual({ 'authorization': REDACTED, 'x-acme-key': REDACTED, 'x-other': 'v' });
});

test('a body that does not match its digest is refused', () => {
  const message = { ...newMessage({ ...base, rawBody: Buffer.from('abc') }), body: Buffer.from('abd').toString('base64') };
  expect(() => inlineBody(message)).toThrow(/does not match its digest/);
});

test('withBodyRef drops the inline body', () => {
  const message = withBodyRef(newMessage({ ...base, rawBody: Buffer.from('abc') }), 'oversize/k');
  expect(message.body).toBeUndefined();
  expect(decodeMessage(encodeMessage(message)).bodyRef).toBe('oversize/k');
});

test.each([
  ['[]', /not a JSON object/],
  ['{"v":2}', /unsupported message version/],
  ['{"v":1,"id":"a","provider":"p","receivedAt":"t","bodySha256":"h","bodyBytes":1,"headers":{}}', /neither 'body' nor 'bodyRef'/],
  ['{"v":1,"provider":"p"}', /'id' is missing/],
  ['{"v":1,"id":"a","provider":"p","receivedAt":"t","bodySha256":"h","bodyBytes":1,"headers":{},"body":"","replayWindowSeconds":-1}', /'replayWindowSeconds'/],
])('decodeMessage refuses %s', (text, error) => {
  expect(() => decodeMessage(text)).toThrow(error);
});

test('the largest accepted body still fits in a Lambda invocation once base64-encoded', () => {
  const base64Bytes = Math.ceil(MAX_BODY_BYTES / 3) * 4;
  expect(base64Bytes + 256 * 1024).toBeLessThanOrEqual(6 * 1000 * 1000);
});

test("the provider's replay window travels with the message", () => {
  const message = newMessage({ ...base, rawBody: Buffer.from('x'), replayWindowSeconds: 604800 });
  expect(decodeMessage(encodeMessage(message)).replayWindowSeconds).toBe(604800);
  expect(newMessage({ ...base, rawBody: Buffer.from('x') })).not.toHaveProperty('replayWindowSeconds');
});

test('oversized bodies under one delivery id but with different bytes get different keys', () => {
  const a = newMessage({ ...base, rawBody: Buffer.from('a') });
  const b = newMessage({ ...base, rawBody: Buffer.from('b') });
  expect(oversizeBodyKey('oversize/', a)).toMatch(/^oversize\/2026-01-02\/p%3A1\/[0-9a-f]{64}$/);
  expect(oversizeBodyKey('oversize/', a)).not.toBe(oversizeBodyKey('oversize/', b));
});
