import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { decide, type DeliveryContext } from '../../src/lambdas/ingest/delivery';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { bodyOf, matchRoute, parseQueryString, requestOf, singleValues } from '../../src/runtime/front-door-request';
import { apiEvent } from '../lambdas/events';

/** A payload format 2.0 event: an HTTP API's (routeKey given) or a function URL's (`$default`). */
interface V2Overrides {
  readonly method?: string;
  readonly rawPath?: string;
  readonly rawQueryString?: string;
  readonly headers?: Record<string, string>;
  readonly cookies?: string[];
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly routeKey?: string;
  readonly pathParameters?: Record<string, string>;
}

function v2Event(overrides: V2Overrides = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: overrides.routeKey ?? '$default',
    rawPath: overrides.rawPath ?? '/webhook/stripe',
    rawQueryString: overrides.rawQueryString ?? '',
    headers: overrides.headers ?? {},
    ...(overrides.cookies ? { cookies: overrides.cookies } : {}),
    ...(overrides.pathParameters ? { pathParameters: overrides.pathParameters } : {}),
    requestContext: { http: { method: overrides.method ?? 'POST', path: overrides.rawPath ?? '/webhook/stripe', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'x' } } as APIGatewayProxyEventV2['requestContext'],
    body: overrides.body,
    isBase64Encoded: overrides.isBase64Encoded ?? false,
  };
}

test('a function URL event (no path parameters) takes them from the route matched against rawPath', () => {
  const request = requestOf(v2Event({ rawPath: '/webhook/github' }), '/webhook/{provider}');
  expect([request.pathParameters.provider, request.routed, request.sourceIp]).toEqual(['github', false, '203.0.113.9']);
});

test("an HTTP API event keeps the front door's path parameters and counts as routed", () => {
  const request = requestOf(v2Event({ routeKey: 'POST /webhook/{provider}', pathParameters: { provider: 'shopify' } }), '/webhook/{provider}');
  expect([request.pathParameters.provider, request.routed]).toEqual(['shopify', true]);
});

test('a path that does not match the route leaves the path parameters empty', () => {
  expect(requestOf(v2Event({ rawPath: '/status/x/y' }), '/webhook/{provider}').pathParameters).toEqual({});
  expect(matchRoute('/webhook/{provider}', '/webhook/')).toBeUndefined();
  expect(matchRoute('/webhook/{provider}', '/webhook/a/')).toEqual({ provider: 'a' });
});

test('repeated query parameters are read from rawQueryString, not the comma-joined map', () => {
  const request = requestOf(v2Event({ rawQueryString: 'a=1%2C2&a=3&b=x%20y' }));
  expect(request.query).toEqual({ a: ['1,2', '3'], b: ['x y'] });
  expect(singleValues(parseQueryString('a=1&a=2'))).toEqual({ a: '2' });
});

test('v2 headers are lower-cased and cookies are put back as one cookie header', () => {
  const request = requestOf(v2Event({ headers: { 'Content-Type': 'application/json', 'x-a': '1,2' }, cookies: ['a=1', 'b=2'] }));
  expect({ ...request.headers }).toEqual({ 'content-type': 'application/json', 'x-a': '1,2', 'cookie': 'a=1; b=2' });
});

test('a REST API event keeps its method, path parameters, multi-value headers and base64 body', () => {
  const request = requestOf(apiEvent({ rawBody: 'hé', multiValueHeaders: { 'X-A': ['1', '2'] } }));
  expect([request.method, request.pathParameters.provider, request.headers['x-a'], request.body?.toString('utf8'), request.routed])
    .toEqual(['POST', 'stripe', '1, 2', 'hé', true]);
});

test("a REST API provider with a resource of its own (no path parameters) is named by the resource, not the path's base path", () => {
  // Internal senders' API keys give a provider its own resource, `/webhook/github`; behind a custom
  // domain's base path mapping, `path` carries the base path too.
  const request = requestOf(apiEvent({ resource: '/webhook/github', path: '/hooks/webhook/github', pathParameters: null }), '/webhook/{provider}');
  expect(request.pathParameters.provider).toBe('github');
});

test('a text body is its UTF-8 bytes; a base64 body is decoded strictly', () => {
  expect(bodyOf('é€😀', false)).toEqual(Buffer.from([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]));
  expect(bodyOf(Buffer.from([0xff, 0x00]).toString('base64'), true)).toEqual(Buffer.from([0xff, 0x00]));
  expect(bodyOf('not base64!', true)).toBeUndefined();
  expect(bodyOf(null, false)).toEqual(Buffer.alloc(0));
});

describe('deliveries through payload format 2.0', () => {
  const stripe: ProviderRuntimeConfig = { name: 'stripe', scheme: 'stripe', secretArns: ['s'], toleranceSeconds: 300, eventId: { jsonPath: 'id' }, eventType: { jsonPath: 'type' } };
  const context: DeliveryContext = {
    providers: new Map([['stripe', stripe]]),
    secretsOf: async () => ['whsec_test'],
    handshakeSecretsOf: async () => [],
    now: () => new Date('2026-11-23T10:00:00Z'),
    maxBodyBytes: 1024,
  };
  const ts = Math.floor(context.now().getTime() / 1000);
  // Non-ASCII text, sent as UTF-8 JSON: a front door that decides by content type hands it over as a string.
  const body = '{"id":"evt_ü","type":"customer.created","data":{"name":"Zoë Ñandú 東京 😀"}}';
  const signature = `t=${ts},v1=${createHmac('sha256', 'whsec_test').update(`${ts}.`).update(Buffer.from(body, 'utf8')).digest('hex')}`;

  test('a non-ASCII JSON body delivered as text verifies, and its queued bytes are those signed', async () => {
    const decision = await decide(v2Event({ body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } }), context);
    expect(decision.kind).toBe('accepted');
    expect(decision.kind === 'accepted' && Buffer.from(decision.message.body!, 'base64')).toEqual(Buffer.from(body, 'utf8'));
  });

  test('the same body delivered base64-encoded verifies too', async () => {
    const event = v2Event({ body: Buffer.from(body).toString('base64'), isBase64Encoded: true, headers: { 'content-type': 'application/octet-stream', 'stripe-signature': signature } });
    expect((await decide(event, context)).kind).toBe('accepted');
  });

  test('a function URL request on a path that is no provider is a 404, and another method a 405', async () => {
    const other = await decide(v2Event({ rawPath: '/', body, headers: { 'stripe-signature': signature } }), context);
    const put = await decide(v2Event({ method: 'PUT', body }), context);
    expect([other.kind === 'rejected' && other.response.statusCode, put.kind === 'rejected' && put.response.statusCode]).toEqual([404, 405]);
  });
});
