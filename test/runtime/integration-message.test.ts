import { integrationMessageInput, isIntegrationMessage } from '../../src/runtime/integration-message';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const base = {
  v: 1,
  via: 'apigateway-sqs',
  provider: 'billing',
  idHeader: 'x-webhook-id',
  typeHeader: 'x-webhook-type',
  requestId: 'r-1',
  requestTimeEpoch: Date.UTC(2026, 10, 24, 12),
  body: b64('{}'),
};

test('only messages marked by API Gateway are completed', () => {
  expect(isIntegrationMessage(base)).toBe(true);
  expect(isIntegrationMessage({ ...base, via: undefined })).toBe(false);
});

test('header names are lower-cased and repeated names joined, as the ingest normalises them', () => {
  const input = integrationMessageInput({ ...base, headers: [[b64('X-Tag'), b64('a')], [b64('x-tag'), b64('b')], [b64('X-Webhook-Type'), b64('t')]] });
  expect(input.headers).toEqual({ 'x-tag': 'a, b', 'x-webhook-type': 't' });
  expect(input.eventType).toBe('t');
});

test('a header written without a value (a credential) is kept by name, empty, for redaction', () => {
  expect(integrationMessageInput({ ...base, headers: [[b64('Authorization')]] }).headers).toEqual({ authorization: '' });
});

test('the receive time is API Gateway\'s request time, to the millisecond', () => {
  expect(integrationMessageInput({ ...base, headers: [] }).receivedAt.toISOString()).toBe('2026-11-24T12:00:00.000Z');
});

test.each([
  [{ requestTimeEpoch: '1' }, /'requestTimeEpoch' is missing/],
  [{ requestId: '' }, /'requestId' is missing/],
  [{ headers: 'x' }, /'headers' is missing/],
  [{ headers: [[1]] }, /'headers' is malformed/],
])('a malformed message is refused (%j)', (change, error) => {
  expect(() => integrationMessageInput({ ...base, headers: [], ...change })).toThrow(error);
});
