import { createHmac } from 'node:crypto';
import { apiEvent } from './events';
import { decide, type DeliveryContext } from '../../src/lambdas/ingest/delivery';
import { PRESETS } from '../../src/providers/presets';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import * as http from '../../src/runtime/http';
import { MAX_BODY_BYTES } from '../../src/runtime/message';

const slack: ProviderRuntimeConfig = { name: 'slack', scheme: 'slack', secretArns: ['a'], toleranceSeconds: 300, eventId: { jsonPath: 'event_id' }, eventType: { jsonPath: 'event.type' } };
const partner: ProviderRuntimeConfig = { name: 'partner', scheme: 'api-key', secretArns: ['k'], toleranceSeconds: 300, apiKeyHeader: 'x-key', eventId: { jsonPath: 'id' } };
const github: ProviderRuntimeConfig = {
  name: 'github', scheme: 'github', secretArns: ['g'], toleranceSeconds: 300, eventId: { header: 'x-github-delivery' }, replayWindowSeconds: 604800,
};
const context: DeliveryContext = {
  providers: new Map([['slack', slack], ['partner', partner], ['github', github]]),
  secretsOf: async (provider) => [provider.name === 'partner' ? 'partner-key' : `${provider.name}-secret`],
  handshakeSecretsOf: async () => [],
  now: () => new Date('2026-11-23T10:00:00Z'),
  maxBodyBytes: 1024,
};
const ts = Math.floor(context.now().getTime() / 1000);
const signed = (body: string | Buffer) => apiEvent({
  pathParameters: { provider: 'slack' },
  rawBody: body,
  headers: {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', 'slack-secret').update(`v0:${ts}:`).update(body).digest('hex')}`,
  },
});
const fromPartner = (body: string) => apiEvent({ pathParameters: { provider: 'partner' }, rawBody: body, headers: { 'content-type': 'application/json', 'x-key': 'partner-key' } });
const idOf = async (event: ReturnType<typeof apiEvent>, ctx = context) => {
  const decision = await decide(event, ctx);
  return decision.kind === 'accepted' ? decision.message.id : `${decision.kind}: ${'response' in decision ? decision.response.body : ''}`;
};

test("a provider's own resource (/webhook/partner, for API keys or an authorizer) reaches its provider without path parameters", async () => {
  const event = { ...fromPartner('{"id":"p-1"}'), resource: '/webhook/partner', pathParameters: null };
  expect(await idOf(event)).toBe('partner:p-1');
});

test("Slack's URL verification is answered with the challenge and not enqueued", async () => {
  const decision = await decide(signed('{"type":"url_verification","challenge":"c-123"}'), context);
  expect(decision.kind).toBe('answered');
  expect(decision.kind === 'answered' && JSON.parse(decision.response.body)).toEqual({ challenge: 'c-123' });
});

test.each([
  ['no challenge', '{"type":"url_verification","token":"t"}'],
  ['a numeric challenge', '{"type":"url_verification","challenge":42}'],
  ['a null challenge', '{"type":"url_verification","challenge":null}'],
])('a Slack URL verification with %s is a 400, never stored as an event', async (_, body) => {
  const decision = await decide(signed(body), context);
  expect(decision.kind).toBe('rejected');
  expect(decision.kind === 'rejected' && [decision.response.statusCode, JSON.parse(decision.response.body).error]).toEqual([400, 'malformed_url_verification']);
});

test('Slack events take their id and type from the body', async () => {
  const decision = await decide(signed('{"type":"event_callback","event_id":"Ev1","event":{"type":"message"}}'), context);
  expect(decision.kind === 'accepted' && decision.message).toMatchObject({ id: 'slack:Ev1', eventType: 'message' });
});

test('a JSON body that starts with a UTF-8 byte order mark is accepted, its bytes untouched', async () => {
  const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"type":"event_callback","event_id":"EvBom","event":{"type":"m"}}')]);
  const decision = await decide(signed(body), context);
  expect(decision.kind === 'accepted' && decision.message.id).toBe('slack:EvBom');
  expect(decision.kind === 'accepted' && Buffer.from(decision.message.body!, 'base64')).toEqual(body);
});

test('numeric ids above 2^53 keep their literal text, so they never collide', async () => {
  expect(await idOf(fromPartner('{"id":12345678901234567890}'))).toBe('partner:12345678901234567890');
  expect(await idOf(fromPartner('{"id":12345678901234567891}'))).toBe('partner:12345678901234567891');
  expect(await idOf(fromPartner('{"id":-0}'))).toBe('partner:-0');
  expect(await idOf(fromPartner('{"id":0}'))).toBe('partner:0');
});

test('the provider replay window goes into the message', async () => {
  const body = '{"action":"opened"}';
  const event = apiEvent({
    pathParameters: { provider: 'github' },
    rawBody: body,
    headers: { 'x-github-delivery': 'd-1', 'x-hub-signature-256': `sha256=${createHmac('sha256', 'github-secret').update(body).digest('hex')}` },
  });
  const decision = await decide(event, context);
  expect(decision.kind === 'accepted' && decision.message.replayWindowSeconds).toBe(604800);
});

test('a delivery id read from the body alone leaves the replay guard out; a body without it keeps the window', async () => {
  const windowed: ProviderRuntimeConfig = { ...partner, replayWindowSeconds: 3600 };
  const ctx = { ...context, providers: new Map([['partner', windowed]]) };
  const withId = await decide(fromPartner('{"id":"evt_1"}'), ctx);
  expect(withId.kind === 'accepted' && withId.message.id).toBe('partner:evt_1');
  expect(withId.kind === 'accepted' && withId.message.replayWindowSeconds).toBeUndefined();
  const withoutId = await decide(fromPartner('{"other":1}'), ctx);
  expect(withoutId.kind === 'accepted' && withoutId.message.replayWindowSeconds).toBe(3600);
});

test('a body id behind a header keeps the replay window (the header could differ for the same bytes)', async () => {
  const windowed: ProviderRuntimeConfig = { ...partner, eventId: { header: 'x-id', jsonPath: 'id' }, replayWindowSeconds: 3600 };
  const decision = await decide(fromPartner('{"id":"evt_1"}'), { ...context, providers: new Map([['partner', windowed]]) });
  expect(decision.kind === 'accepted' && decision.message.replayWindowSeconds).toBe(3600);
});

test('bodies over the size limit are a 413', async () => {
  const decision = await decide(signed(`{"pad":"${'x'.repeat(2000)}"}`), context);
  expect(decision.kind === 'rejected' && decision.response.statusCode).toBe(413);
});

test('at the documented maximum a body is verified; one byte over it is a 413', async () => {
  const large = { ...context, maxBodyBytes: MAX_BODY_BYTES };
  const atMax = Buffer.alloc(MAX_BODY_BYTES, 0x20);
  atMax.write('{"type":"event_callback","event_id":"EvMax","event":{"type":"m"}}');
  expect(await idOf(signed(atMax), large)).toBe('slack:EvMax');
  const unsigned = { ...signed(atMax), headers: { 'content-type': 'application/json' } };
  const refused = await decide(unsigned, large);
  expect(refused.kind === 'rejected' && refused.response.statusCode).toBe(401);
  const over = await decide(signed(Buffer.concat([atMax, Buffer.from(' ')])), large);
  expect(over.kind === 'rejected' && [over.response.statusCode, JSON.parse(over.response.body).error]).toEqual([413, 'body_too_large']);
});

test('a stale signature is rejected with its reason', async () => {
  const late = { ...context, now: () => new Date(context.now().getTime() + 301_000) };
  const decision = await decide(signed('{"event_id":"Ev2"}'), late);
  expect(decision.kind === 'rejected' && JSON.parse(decision.response.body)).toMatchObject({ error: 'stale_timestamp' });
});

test('secrets that cannot be loaded are a 503 decision that carries the cause', async () => {
  const failing = { ...context, secretsOf: async () => { throw new Error('ServiceUnavailable'); } };
  const decision = await decide(signed('{"event_id":"Ev3"}'), failing);
  expect(decision.kind).toBe('unavailable');
  expect(decision.kind === 'unavailable' && [decision.response.statusCode, JSON.parse(decision.response.body).error, String(decision.error)])
    .toEqual([503, 'secrets_unavailable', 'Error: ServiceUnavailable']);
});

test('an error outside loading the secrets is not turned into a decision', async () => {
  const event = signed('{"event_id":"Ev4"}');
  Object.defineProperty(event, 'multiValueHeaders', { get: () => { throw new TypeError('broken event'); } });
  await expect(decide(event, context)).rejects.toThrow('broken event');
});

describe('a signature in the body (Mailgun)', () => {
  const mailgun: ProviderRuntimeConfig = {
    name: 'mailgun',
    scheme: 'hmac',
    secretArns: ['m'],
    toleranceSeconds: 300,
    hmac: PRESETS.find((p) => p.factory === 'mailgun')!.hmac,
    eventId: { jsonPath: 'event-data.id' },
    eventType: { jsonPath: 'event-data.event' },
  };
  const mailgunContext: DeliveryContext = { ...context, providers: new Map([['mailgun', mailgun]]) };
  const delivery = (token: string, sent = token) => {
    const signature = createHmac('sha256', 'mailgun-secret').update(`${ts}${token}`).digest('hex');
    const body = JSON.stringify({ 'signature': { timestamp: String(ts), token: sent, signature }, 'event-data': { id: 'ev-1', event: 'delivered' } });
    return apiEvent({ pathParameters: { provider: 'mailgun' }, rawBody: body, headers: { 'content-type': 'application/json' } });
  };
  afterEach(() => jest.restoreAllMocks());

  test('the body is parsed once, for the signature and the id and type alike', async () => {
    const parse = jest.spyOn(http, 'parseJsonBody');
    const decision = await decide(delivery('t'.repeat(50)), mailgunContext);
    expect(decision.kind === 'accepted' && decision.message).toMatchObject({ id: 'mailgun:ev-1', eventType: 'delivered' });
    expect(parse).toHaveBeenCalledTimes(1);
  });

  test('a tampered token is refused with its reason', async () => {
    const decision = await decide(delivery('t'.repeat(50), `u${'t'.repeat(49)}`), mailgunContext);
    expect(decision.kind === 'rejected' && [decision.response.statusCode, decision.reason]).toEqual([401, 'invalid_signature']);
  });
});

// ---- handshakes (providers/handshake.ts) through decide(): answered, never accepted ----

describe('handshakes', () => {
  const dropbox: ProviderRuntimeConfig = { name: 'dropbox', scheme: 'hmac', secretArns: ['d'], toleranceSeconds: 300, preset: 'dropbox', handshake: 'dropbox', hmac: { header: 'x-dropbox-signature', algorithm: 'sha256', encoding: 'hex' } };
  const meta: ProviderRuntimeConfig = { name: 'meta', scheme: 'hmac', secretArns: ['m'], handshakeSecretArns: ['t'], toleranceSeconds: 300, handshake: 'meta', hmac: { header: 'x-hub-signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' } };
  const graph: ProviderRuntimeConfig = { name: 'graph', scheme: 'client-state', secretArns: ['g'], toleranceSeconds: 300, handshake: 'graph' };
  const asana: ProviderRuntimeConfig = { name: 'asana', scheme: 'hmac', secretArns: ['a'], toleranceSeconds: 300, handshake: 'asana', hmac: { header: 'x-hook-signature', algorithm: 'sha256', encoding: 'hex' } };
  const twitter: ProviderRuntimeConfig = { name: 'twitter', scheme: 'hmac', secretArns: ['x'], toleranceSeconds: 300, handshake: 'crc', hmac: { header: 'x-twitter-webhooks-signature', algorithm: 'sha256', encoding: 'base64', prefix: 'sha256=' } };
  let asanaSecret = 'pending';
  let failing = false;
  const ctx: DeliveryContext = {
    ...context,
    providers: new Map([...context.providers, ['dropbox', dropbox], ['meta', meta], ['graph', graph], ['asana', asana], ['twitter', twitter]]),
    secretsOf: async (p) => {
      if (failing) throw new Error('down');
      return [p.name === 'asana' ? asanaSecret : `${p.name}-secret`];
    },
    handshakeSecretsOf: async () => ['verify-me'],
  };
  type Query = Record<string, string> | null;
  const request = (provider: string, method: string, query: Query, headers: Record<string, string> = {}, rawBody?: string) => apiEvent({
    httpMethod: method,
    pathParameters: { provider },
    headers,
    rawBody,
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
  });
  const summary = async (event: ReturnType<typeof apiEvent>) => {
    const d = await decide(event, ctx);
    return 'response' in d ? [d.kind, d.response.statusCode, d.response.body] : [d.kind];
  };

  test('a GET challenge is answered and not accepted', async () => {
    expect(await summary(request('dropbox', 'GET', { challenge: 'abc' }))).toEqual(['answered', 200, 'abc']);
    expect(await summary(request('meta', 'GET', { 'hub.mode': 'subscribe', 'hub.challenge': '42', 'hub.verify_token': 'verify-me' }))).toEqual(['answered', 200, '42']);
  });
  test('a GET challenge that fails verification is a JSON 401', async () => {
    const [kind, status, body] = await summary(request('meta', 'GET', { 'hub.mode': 'subscribe', 'hub.challenge': '42', 'hub.verify_token': 'nope' }));
    expect([kind, status, JSON.parse(body as string).error]).toEqual(['rejected', 401, 'invalid_verify_token']);
  });
  test('other GETs: 405 for a provider without a GET handshake, 400 without the parameters, 404 for an unknown provider', async () => {
    expect((await summary(request('github', 'GET', null))).slice(0, 2)).toEqual(['rejected', 405]);
    expect((await summary(request('dropbox', 'GET', null))).slice(0, 2)).toEqual(['rejected', 400]);
    expect((await summary(request('nobody', 'GET', { challenge: 'x' }))).slice(0, 2)).toEqual(['rejected', 404]);
    expect((await summary(request('dropbox', 'PUT', { challenge: 'x' }))).slice(0, 2)).toEqual(['rejected', 405]);
  });
  test('a Microsoft Graph validation POST (empty body) is answered with the token', async () => {
    expect(await summary(request('graph', 'POST', { validationToken: 'token <b>' }, { 'content-type': 'text/plain; charset=utf-8' }))).toEqual(['answered', 200, 'token <b>']);
  });
  test('an Asana handshake is answered with the secret to store while the secret is pending, refused after', async () => {
    asanaSecret = 'pending';
    const d = await decide(request('asana', 'POST', null, { 'x-hook-secret': 'hook-1' }), ctx);
    expect(d.kind === 'answered' && [d.storeSecret, d.response.headers?.['x-hook-secret']]).toEqual(['hook-1', 'hook-1']);
    asanaSecret = 'hook-1';
    expect((await summary(request('asana', 'POST', null, { 'x-hook-secret': 'hook-2' }))).slice(0, 2)).toEqual(['rejected', 401]);
  });
  test('an Asana delivery signed with "pending" is refused', async () => {
    asanaSecret = 'pending';
    const body = '{"events":[]}';
    const sig = createHmac('sha256', 'pending').update(body).digest('hex');
    expect((await summary(request('asana', 'POST', null, { 'x-hook-signature': sig }, body))).slice(0, 2)).toEqual(['rejected', 401]);
  });
  test('secrets that cannot be loaded make a handshake a 503', async () => {
    failing = true;
    expect((await summary(request('dropbox', 'GET', { challenge: 'abc' })))).toEqual(['answered', 200, 'abc']);
    expect((await summary(request('twitter', 'GET', { crc_token: 'abc' }))).slice(0, 2)).toEqual(['unavailable', 503]);
    failing = false;
  });
  test('an X delivery that is not a JSON object is refused even when signed (the CRC answer would sign it)', async () => {
    const body = 'abc';
    const sig = `sha256=${createHmac('sha256', 'twitter-secret').update(body).digest('base64')}`;
    expect((await summary(request('twitter', 'POST', null, { 'x-twitter-webhooks-signature': sig }, body))).slice(0, 2)).toEqual(['rejected', 400]);
  });
});
