/**
 * Handshakes through the shipped ingest bundle behind the API Gateway stand-in, which serves the
 * template's GET /webhook/{provider} route: each is answered exactly as its provider documents,
 * a handshake that fails verification is a JSON 401, and none is queued or recorded. The event
 * source is off, so whatever the ingest function queues stays on the queue to be counted;
 * deliveries of the same providers are the positive control (queued). Asana's handshake stores
 * the webhook's secret in (emulated) Secrets Manager, and the next delivery verifies with it.
 */
import { createHmac, sign as signWithKey } from 'node:crypto';
import { say } from './support';
import { TWITCH_CHALLENGE, twitchVerificationMessage } from '../../local-pipeline/handshakes';
import { destroyHttpAgent, queueDepth, request, type HttpResult } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { LOCAL_SECRET_VALUES, localDiscordKey } from '../../local-pipeline/template/app';

let pipeline: Pipeline;
const hook = (provider: string, query = '') => `${pipeline.url}/webhook/${provider}${query}`;
const queued = async () => (await queueDepth(pipeline, pipeline.resources.queue.url)).visible;
const text = (r: HttpResult) => [r.status, r.headers['content-type'], r.body.toString()];
const now = () => String(Math.floor(Date.now() / 1000));

beforeAll(async () => {
  pipeline = await startPipeline({ eventSource: false, progress: (line) => say(`  ${line}`) });
}, 240_000);

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

test('the API serves GET /webhook/{provider} (a provider has a GET handshake), by the ingest function', () => {
  const get = pipeline.routes.find((r) => r.httpMethod === 'GET' && r.resourcePath === '/webhook/{provider}');
  const post = pipeline.routes.find((r) => r.httpMethod === 'POST' && r.resourcePath === '/webhook/{provider}');
  expect(get?.functionLogicalId).toBeDefined();
  expect(get?.functionLogicalId).toBe(post?.functionLogicalId);
});

describe('GET challenges', () => {
  test('Meta: the challenge as text/plain when the verify token matches; 401 JSON when it does not', async () => {
    const ok = await request(hook('meta', `?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${LOCAL_SECRET_VALUES.MetaVerifyToken}`), 'GET', {});
    expect(text(ok)).toEqual([200, 'text/plain; charset=utf-8', '1158201444']);
    const bad = await request(hook('meta', '?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong'), 'GET', {});
    expect([bad.status, bad.json?.error]).toEqual([401, 'invalid_verify_token']);
  });

  test('X CRC: {"response_token":"sha256=<base64 HMAC>"} keyed with the consumer secret', async () => {
    const token = 'crc+token/with=special&chars';
    const r = await request(hook('twitter', `?crc_token=${encodeURIComponent(token)}`), 'GET', {});
    expect([r.status, r.headers['content-type']]).toEqual([200, 'application/json']);
    expect(r.json).toEqual({ response_token: `sha256=${createHmac('sha256', LOCAL_SECRET_VALUES.TwitterConsumerSecret).update(token).digest('base64')}` });
  });

  test('Dropbox: the challenge as text/plain with X-Content-Type-Options: nosniff', async () => {
    const r = await request(hook('dropbox', '?challenge=abc123'), 'GET', {});
    expect(text(r)).toEqual([200, 'text/plain; charset=utf-8', 'abc123']);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  test('Okta: {"verification": challenge} with the authorization header; 401 JSON without it', async () => {
    const challenge = 'Me_rShK8JHsTnbyYrWXCEoMGbM_zsZ6k0hLPZ_Pg';
    const ok = await request(hook('okta'), 'GET', { 'X-Okta-Verification-Challenge': challenge, 'Authorization': LOCAL_SECRET_VALUES.OktaAuthorization });
    expect([ok.status, ok.json]).toEqual([200, { verification: challenge }]);
    const bad = await request(hook('okta'), 'GET', { 'X-Okta-Verification-Challenge': challenge });
    expect([bad.status, bad.json?.error]).toEqual([401, 'missing_signature']);
  });

  test('other GETs: 405 JSON for a provider without a GET handshake, 400 without the parameters, 404 for an unknown provider', async () => {
    const noHandshake = await request(hook('github'), 'GET', {});
    expect([noHandshake.status, noHandshake.json?.error]).toEqual([405, 'method_not_allowed']);
    const noParameters = await request(hook('dropbox'), 'GET', {});
    expect([noParameters.status, noParameters.json?.error]).toEqual([400, 'not_a_handshake']);
    const unknown = await request(hook('nobody', '?challenge=x'), 'GET', {});
    expect([unknown.status, unknown.json?.error]).toEqual([404, 'unknown_provider']);
  });
});

describe('POST handshakes', () => {
  test('Microsoft Graph: POST ?validationToken → the decoded token as text/plain', async () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 2c1b';
    const r = await request(hook('microsoft-graph', `?validationToken=${encodeURIComponent(token)}`), 'POST', { 'Content-Type': 'text/plain; charset=utf-8' });
    expect(text(r)).toEqual([200, 'text/plain; charset=utf-8', token]);
  });

  test('Zoom: endpoint.url_validation → plainToken and encryptedToken once the signature verifies; 401 when it does not', async () => {
    const body = Buffer.from('{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}');
    const ts = now();
    const sign = (key: string) => `v0=${createHmac('sha256', key).update(`v0:${ts}:`).update(body).digest('hex')}`;
    const headers = (key: string) => ({ 'Content-Type': 'application/json', 'x-zm-request-timestamp': ts, 'x-zm-signature': sign(key) });
    const ok = await request(hook('zoom'), 'POST', headers(LOCAL_SECRET_VALUES.ZoomSecret), body);
    expect([ok.status, ok.json]).toEqual([200, {
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', LOCAL_SECRET_VALUES.ZoomSecret).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    }]);
    const bad = await request(hook('zoom'), 'POST', headers('wrong-secret'), body);
    expect([bad.status, bad.json?.error]).toEqual([401, 'invalid_signature']);
  });

  test('Discord: a signed PING (type 1) → {"type":1}; the deliberately bad signature → 401', async () => {
    const { privateKey } = localDiscordKey();
    const body = Buffer.from('{"type":1,"id":"1","application_id":"2","token":"t","version":1}');
    const ts = now();
    const signature = signWithKey(null, Buffer.concat([Buffer.from(ts), body]), privateKey).toString('hex');
    const ok = await request(hook('discord'), 'POST', { 'Content-Type': 'application/json', 'X-Signature-Ed25519': signature, 'X-Signature-Timestamp': ts }, body);
    expect([ok.status, ok.headers['content-type'], ok.json]).toEqual([200, 'application/json', { type: 1 }]);
    const bad = await request(hook('discord'), 'POST', { 'Content-Type': 'application/json', 'X-Signature-Ed25519': `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`, 'X-Signature-Timestamp': ts }, body);
    expect([bad.status, bad.json?.error]).toEqual([401, 'invalid_signature']);
  });

  test('Twitch EventSub: a signed webhook_callback_verification → the challenge as text/plain; a bad signature → 401 JSON', async () => {
    const ok = twitchVerificationMessage(LOCAL_SECRET_VALUES.TwitchSecret);
    expect(text(await request(hook('twitch'), 'POST', ok.headers, ok.body))).toEqual([200, 'text/plain; charset=utf-8', TWITCH_CHALLENGE]);
    const forged = twitchVerificationMessage('wrong-secret');
    const bad = await request(hook('twitch'), 'POST', forged.headers, forged.body);
    expect([bad.status, bad.headers['content-type'], bad.json?.error]).toEqual([401, 'application/json', 'invalid_signature']);
  });

  test('Slack: url_verification is still answered with its challenge', async () => {
    const body = Buffer.from('{"token":"t","challenge":"c-123","type":"url_verification"}');
    const ts = now();
    const signature = `v0=${createHmac('sha256', LOCAL_SECRET_VALUES.SlackSecret).update(`v0:${ts}:`).update(body).digest('hex')}`;
    const r = await request(hook('slack'), 'POST', { 'Content-Type': 'application/json', 'X-Slack-Request-Timestamp': ts, 'X-Slack-Signature': signature }, body);
    expect([r.status, r.json]).toEqual([200, { challenge: 'c-123' }]);
  });
});

test('none of the handshakes above was queued', async () => {
  expect(await queued()).toBe(0);
});

test('Asana: the handshake echoes X-Hook-Secret and stores it; a second one is refused; deliveries verify with the stored secret', async () => {
  const hookSecret = 'b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81';
  const r = await request(hook('asana'), 'POST', { 'X-Hook-Secret': hookSecret });
  expect([r.status, r.headers['x-hook-secret']]).toEqual([200, hookSecret]);
  const again = await request(hook('asana'), 'POST', { 'X-Hook-Secret': 'another-secret' });
  expect([again.status, again.json?.error]).toEqual([401, 'handshake_refused']);
  expect(await queued()).toBe(0);

  const body = Buffer.from('{"events":[{"action":"changed","resource":{"gid":"1","resource_type":"task"}}]}');
  const signed = (key: string) => ({ 'Content-Type': 'application/json', 'X-Hook-Signature': createHmac('sha256', key).update(body).digest('hex') });
  expect((await request(hook('asana'), 'POST', signed('pending'), body)).status).toBe(401);
  expect((await request(hook('asana'), 'POST', signed(hookSecret), body)).status).toBe(202);
  expect(await queued()).toBe(1);
});

test('deliveries of the providers with GET handshakes are queued as usual (the positive control)', async () => {
  const before = await queued();
  const body = Buffer.from('{"list_folder":{"accounts":["dbid:1"]},"delta":{"users":[1]}}');
  const dropbox = await request(hook('dropbox'), 'POST', { 'Content-Type': 'application/json', 'X-Dropbox-Signature': createHmac('sha256', LOCAL_SECRET_VALUES.DropboxAppSecret).update(body).digest('hex') }, body);
  expect(dropbox.status).toBe(202);
  const graph = Buffer.from(JSON.stringify({ value: [{ subscriptionId: 's1', changeType: 'created', resource: 'me/messages/1', clientState: LOCAL_SECRET_VALUES.GraphClientState }] }));
  expect((await request(hook('microsoft-graph'), 'POST', { 'Content-Type': 'application/json' }, graph)).status).toBe(202);
  const forged = Buffer.from(graph.toString().replace(LOCAL_SECRET_VALUES.GraphClientState, 'guess'));
  expect((await request(hook('microsoft-graph'), 'POST', { 'Content-Type': 'application/json' }, forged)).status).toBe(401);
  expect(await queued()).toBe(before + 2);
});
