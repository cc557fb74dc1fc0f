/**
 * The payload format 2.0 stand-ins' event and answer shapes (local-pipeline/stand-ins/payload-v2.ts),
 * without a pipeline.
 */
import { isTextContentType, toV2Answer, toV2Event } from '../../local-pipeline/stand-ins/payload-v2';

const base = { accountId: '123456789012', apiId: 'abc', domainName: 'abc.lambda-url.us-east-1.on.aws' };
const event = (rawHeaders: string[], body = Buffer.alloc(0), url = '/webhook/stripe?a=1&a=2') =>
  toV2Event({ method: 'POST', url, rawHeaders, body, sourceIp: '203.0.113.9' }, { routeKey: '$default', ...base });

test('header names are lower-cased and repeated headers joined with commas; cookies get their own field', () => {
  const e = event(['X-Repeat', 'a', 'x-repeat', 'b', 'Cookie', 'c1=1; c2=2', 'Content-Type', 'application/json']);
  expect([e.headers['x-repeat'], e.headers['content-type'], e.headers.cookie, e.cookies]).toEqual(['a,b', 'application/json', undefined, ['c1=1', 'c2=2']]);
});

test('rawPath and rawQueryString as sent; repeated parameters joined in queryStringParameters; no path parameters on a function URL', () => {
  const e = event([]);
  expect([e.rawPath, e.rawQueryString, e.queryStringParameters, e.pathParameters, e.routeKey]).toEqual(['/webhook/stripe', 'a=1&a=2', { a: '1,2' }, undefined, '$default']);
});

test('a text body is a string, any other base64-encoded', () => {
  const text = event(['Content-Type', 'application/json; charset=utf-8'], Buffer.from('{"é":1}'));
  const binary = event(['Content-Type', 'application/octet-stream'], Buffer.from([0xff, 0x00]));
  expect([text.body, text.isBase64Encoded, binary.body, binary.isBase64Encoded]).toEqual(['{"é":1}', false, '/wA=', true]);
  expect([isTextContentType('text/plain'), isTextContentType('application/cloudevents+json'), isTextContentType(undefined)]).toEqual([true, true, false]);
});

test('a response without statusCode is a 200 JSON of the value; a function error is the front door\'s own answer', () => {
  const failed = { statusCode: 502, headers: [], body: Buffer.from('failed') };
  expect(toV2Answer({ ok: true, value: { a: 1 } } as never, failed).statusCode).toBe(200);
  expect(toV2Answer({ ok: false } as never, failed)).toBe(failed);
  expect(toV2Answer({ ok: true, value: { statusCode: 202, body: '{}', cookies: ['a=1'] } } as never, failed).headers).toEqual([['Set-Cookie', 'a=1']]);
});
