/**
 * The presets that need handshakes (Meta, X, Dropbox, Microsoft Graph, Asana, Okta) and every
 * handshake of handshake.ts, through the configuration the construct writes (encoded and decoded
 * as the ingest function reads it). Signatures: valid, tampered, wrong key, missing headers, and
 * the provider's published vector where there is one (quoted with its source); handshakes:
 * answered exactly as documented, and refused when their verification fails.
 */
import { createHmac, generateKeyPairSync, sign as signWithKey } from 'node:crypto';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { discordVerifyKey } from './oracles';
import { WebhookProvider } from '../../src';
import {
  ASANA_PENDING_SECRET, earlyHandshake, forgeableByHandshake, hasGetHandshake, signingSecrets, verifiedHandshake,
  type HandshakeOutcome, type HandshakeRequest, type PendingHandshake,
} from '../../src/providers/handshake';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { decodeProviders, encodeProviders } from '../../src/providers/provider-encoding';
import { verifySignature } from '../../src/providers/verify';

const stack = new Stack(new App(), 'S');
const secret = new secretsmanager.Secret(stack, 'Secret');
const token = new secretsmanager.Secret(stack, 'VerifyToken');
const NOW = Math.floor(Date.now() / 1000);

function runtime(provider: WebhookProvider): ProviderRuntimeConfig {
  return decodeProviders(JSON.stringify(encodeProviders([provider._runtimeConfig(Duration.minutes(5), stack)], 300)))[0];
}

const meta = runtime(WebhookProvider.meta({ secrets: [secret], verifyToken: token }));
const twitter = runtime(WebhookProvider.twitter({ secrets: [secret] }));
const dropbox = runtime(WebhookProvider.dropbox({ secrets: [secret] }));
const graph = runtime(WebhookProvider.microsoftGraph({ secrets: [secret] }));
const asana = runtime(WebhookProvider.asana({ secrets: [secret] }));
const okta = runtime(WebhookProvider.okta({ secrets: [secret] }));
const zoom = runtime(WebhookProvider.zoom({ secrets: [secret] }));
const twitch = runtime(WebhookProvider.twitch({ secrets: [secret] }));
const ed = generateKeyPairSync('ed25519');
const ED_HEX = ed.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
const discord = runtime(WebhookProvider.discord({ publicKey: ED_HEX }));

const hmac = (alg: string, key: string, text: string | Buffer, enc: 'hex' | 'base64') => createHmac(alg, key).update(text).digest(enc);
const get = (query: Record<string, string | string[]>, headers: Record<string, string> = {}): HandshakeRequest => ({
  method: 'GET',
  headers,
  query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
  nowSeconds: NOW,
});
const post = (query: Record<string, string>, headers: Record<string, string> = {}): HandshakeRequest => ({ ...get(query, headers), method: 'POST' });

/** The outcome, with the secrets a pending handshake asks for. */
type Loaded = { signing?: string[]; handshake?: string[] };
function outcome(result: HandshakeOutcome | PendingHandshake | undefined, secrets: Loaded = {}): HandshakeOutcome | undefined {
  if (result?.kind !== 'pending') return result;
  return result.complete(result.needs === 'handshake-secrets' ? secrets.handshake ?? [] : secrets.signing ?? []);
}
const answered = (o: HandshakeOutcome | undefined) => (o?.kind === 'answer' ? { status: o.response.statusCode, headers: o.response.headers, body: o.response.body } : o);
const refused = (o: HandshakeOutcome | undefined) => (o?.kind === 'refuse' ? [o.statusCode, o.reason] : o);

// ---- signatures of the new presets ----

interface SignatureCase {
  readonly config: ProviderRuntimeConfig;
  readonly provider: WebhookProvider;
  readonly body: Buffer;
  readonly sign: (key: string, body: Buffer) => Record<string, string>;
  readonly unsigned?: boolean;
}
const JSON_BODY = Buffer.from('{"object":"page","entry":[{"id":"1","time":1700000000}]}');
const CASES: Record<string, SignatureCase> = {
  meta: { config: meta, provider: WebhookProvider.meta({ secrets: [secret], verifyToken: token }), body: JSON_BODY, sign: (k, b) => ({ 'x-hub-signature-256': `sha256=${hmac('sha256', k, b, 'hex')}` }) },
  twitter: { config: twitter, provider: WebhookProvider.twitter({ secrets: [secret] }), body: JSON_BODY, sign: (k, b) => ({ 'x-twitter-webhooks-signature': `sha256=${hmac('sha256', k, b, 'base64')}` }) },
  dropbox: { config: dropbox, provider: WebhookProvider.dropbox({ secrets: [secret] }), body: JSON_BODY, sign: (k, b) => ({ 'x-dropbox-signature': hmac('sha256', k, b, 'hex') }) },
  asana: { config: asana, provider: WebhookProvider.asana({ secrets: [secret] }), body: JSON_BODY, sign: (k, b) => ({ 'x-hook-signature': hmac('sha256', k, b, 'hex') }) },
  okta: { config: okta, provider: WebhookProvider.okta({ secrets: [secret] }), body: JSON_BODY, sign: (k) => ({ authorization: k }), unsigned: true },
};

describe.each(Object.entries(CASES))('%s', (_name, c) => {
  const key = 'the-key';
  const headers = c.sign(key, c.body);
  test('a delivery signed with the key verifies, and the construct validates the provider', () => {
    expect(verifySignature(c.config, [key], headers, c.body, NOW)).toEqual({ valid: true });
    expect(c.provider._validate()).toEqual([]);
  });
  test('a tampered body is refused (Okta signs nothing: its header alone is checked)', () => {
    const tampered = Buffer.from(c.body.toString().replace('page', 'user'));
    expect(verifySignature(c.config, [key], headers, tampered, NOW)).toEqual(c.unsigned ? { valid: true } : { valid: false, reason: 'invalid_signature' });
  });
  test('a delivery signed with another key is refused', () => {
    expect(verifySignature(c.config, [key], c.sign('other-key', c.body), c.body, NOW)).toEqual({ valid: false, reason: 'invalid_signature' });
  });
  test('without its header it is refused', () => {
    expect(verifySignature(c.config, [key], {}, c.body, NOW)).toEqual({ valid: false, reason: 'missing_signature' });
  });
});

test('Meta: the vector of hexdocs.pm/whatsapp_sdk (HMAC-SHA256 of "test" keyed with "secret") verifies', () => {
  const header = 'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914';
  expect(verifySignature(meta, ['secret'], { 'x-hub-signature-256': header }, Buffer.from('test'), NOW)).toEqual({ valid: true });
});

test('Dropbox: the vector of hapi-dropbox-webhooks@1.1.0 (test) verifies', () => {
  const header = '0a8c16b085420b960dc78664279fe09e936a2a01b1f91064869d9e77dfd64529';
  expect(verifySignature(dropbox, ['the_secret'], { 'x-dropbox-signature': header }, Buffer.from('{"delta": {"users": [12345]}}'), NOW)).toEqual({ valid: true });
});

describe('Microsoft Graph clientState', () => {
  const notifications = (...states: (string | undefined)[]) => Buffer.from(JSON.stringify({
    value: states.map((clientState, i) => ({ subscriptionId: `s${i}`, changeType: 'created', resource: 'me/messages', ...(clientState !== undefined ? { clientState } : {}) })),
  }));
  test('every notification carrying the secret verifies; the construct validates the provider', () => {
    expect(verifySignature(graph, ['state-1'], {}, notifications('state-1', 'state-1'), NOW)).toEqual({ valid: true });
    expect(WebhookProvider.microsoftGraph({ secrets: [secret] })._validate()).toEqual([]);
  });
  test('one notification with another clientState refuses the whole POST', () => {
    expect(verifySignature(graph, ['state-1'], {}, notifications('state-1', 'state-2'), NOW)).toEqual({ valid: false, reason: 'invalid_signature' });
  });
  test('a notification without clientState is refused', () => {
    expect(verifySignature(graph, ['state-1'], {}, notifications('state-1', undefined), NOW)).toEqual({ valid: false, reason: 'missing_signature' });
  });
  test.each([['not JSON', '{'], ['no value', '{}'], ['an empty value', '{"value":[]}']])('a body with %s is malformed', (_, body) => {
    expect(verifySignature(graph, ['state-1'], {}, Buffer.from(body), NOW)).toEqual({ valid: false, reason: 'malformed_signature' });
  });
});

// ---- GET challenges ----

describe('Meta verification request', () => {
  const request = (verifyToken: string) => get({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': verifyToken });
  test('is answered with the challenge as plain text when the verify token matches', () => {
    expect(answered(outcome(earlyHandshake(meta, request('my-token')), { handshake: ['my-token'] }))).toEqual({
      status: 200, headers: expect.objectContaining({ 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }), body: '1158201444',
    });
  });
  test('is refused with 401 when the verify token does not match (or none is configured)', () => {
    expect(refused(outcome(earlyHandshake(meta, request('wrong')), { handshake: ['my-token'] }))).toEqual([401, 'invalid_verify_token']);
    expect(refused(outcome(earlyHandshake(meta, request('')), { handshake: [''] }))).toEqual([401, 'invalid_verify_token']);
  });
  test('checks the verify token, not the app secret', () => {
    const pending = earlyHandshake(meta, request('my-token'));
    expect(pending?.kind === 'pending' && pending.needs).toBe('handshake-secrets');
  });
  test.each([
    ['another mode', { 'hub.mode': 'unsubscribe', 'hub.challenge': 'c', 'hub.verify_token': 't' }],
    ['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': 't' }],
    ['a repeated challenge', { 'hub.mode': 'subscribe', 'hub.challenge': ['c', 'd'], 'hub.verify_token': 't' }],
  ])('with %s is a 400', (_, query) => {
    expect(refused(outcome(earlyHandshake(meta, get(query)), { handshake: ['t'] }))).toEqual([400, 'malformed_handshake']);
  });
  test('a GET without hub parameters is not a handshake', () => {
    expect(earlyHandshake(meta, get({}))).toBeUndefined();
  });
});

describe('X CRC', () => {
  test('is answered with sha256=<base64 HMAC-SHA256(consumer secret, crc_token)> as JSON', () => {
    const o = outcome(earlyHandshake(twitter, get({ crc_token: 'crc-abc_123' })), { signing: ['consumer-secret', 'older'] });
    expect(answered(o)).toEqual({ status: 200, headers: expect.objectContaining({ 'content-type': 'application/json' }), body: expect.any(String) });
    expect(JSON.parse((o as { response: { body: string } }).response.body)).toEqual({
      response_token: `sha256=${createHmac('sha256', 'consumer-secret').update('crc-abc_123').digest('base64')}`,
    });
  });
  test('a token starting with "{" is refused, and so is a delivery that is not a JSON object: a CRC answer never signs a delivery', () => {
    expect(refused(outcome(earlyHandshake(twitter, get({ crc_token: '{"tweet_create_events":[]}' })), { signing: ['s'] }))).toEqual([400, 'malformed_handshake']);
    expect(forgeableByHandshake(twitter, Buffer.from('crc-abc_123'))).toBe(true);
    expect(forgeableByHandshake(twitter, JSON_BODY)).toBe(false);
    expect(forgeableByHandshake(dropbox, Buffer.from('crc-abc_123'))).toBe(false);
  });
  test('without a secret it is refused with 401', () => {
    expect(refused(outcome(earlyHandshake(twitter, get({ crc_token: 'abc' })), { signing: [] }))).toEqual([401, 'no_secret']);
  });
});

describe('Dropbox verification request', () => {
  test('is answered with the challenge as plain text, nosniff', () => {
    expect(answered(outcome(earlyHandshake(dropbox, get({ challenge: 'abc123' }))))).toEqual({
      status: 200, headers: expect.objectContaining({ 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }), body: 'abc123',
    });
  });
  test('an empty challenge is a 400', () => {
    expect(refused(outcome(earlyHandshake(dropbox, get({ challenge: '' }))))).toEqual([400, 'malformed_handshake']);
  });
});

describe('Okta one-time verification', () => {
  const challenge = 'Me_rShK8JHsTnbyYrWXCEoMGbM_zsZ6k0hLPZ_Pg'; // the example of developer.okta.com/docs/concepts/event-hooks/
  test('is answered with {"verification": challenge} when the authorization header matches', () => {
    const o = outcome(earlyHandshake(okta, get({}, { 'x-okta-verification-challenge': challenge, 'authorization': 'okta-key' })), { signing: ['okta-key'] });
    expect(answered(o)).toEqual({ status: 200, headers: expect.objectContaining({ 'content-type': 'application/json' }), body: `{"verification":"${challenge}"}` });
  });
  test('is refused with 401 when the authorization header is wrong or missing', () => {
    expect(refused(outcome(earlyHandshake(okta, get({}, { 'x-okta-verification-challenge': challenge, 'authorization': 'wrong' })), { signing: ['okta-key'] })))
      .toEqual([401, 'invalid_signature']);
    expect(refused(outcome(earlyHandshake(okta, get({}, { 'x-okta-verification-challenge': challenge })), { signing: ['okta-key'] })))
      .toEqual([401, 'missing_signature']);
  });
});

test('only Meta, X, Dropbox and Okta send GET challenges', () => {
  expect([meta, twitter, dropbox, okta].every((c) => hasGetHandshake([c]))).toBe(true);
  expect(hasGetHandshake([graph, asana, zoom, discord])).toBe(false);
  expect(earlyHandshake(zoom, get({ challenge: 'x' }))).toBeUndefined();
});

// ---- POST handshakes ----

test('Microsoft Graph validation (POST ?validationToken) is answered with the decoded token as plain text', () => {
  expect(answered(outcome(earlyHandshake(graph, post({ validationToken: 'Validation: Testing client application reachability for subscription Request-Id: 2c1b' }))))).toEqual({
    status: 200,
    headers: expect.objectContaining({ 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }),
    body: 'Validation: Testing client application reachability for subscription Request-Id: 2c1b',
  });
  expect(earlyHandshake(graph, post({}))).toBeUndefined();
});

describe('Asana X-Hook-Secret', () => {
  const request = post({}, { 'x-hook-secret': 'b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81' });
  test('is echoed and stored while the secret holds "pending"', () => {
    const o = outcome(earlyHandshake(asana, request), { signing: [ASANA_PENDING_SECRET] });
    expect(o).toEqual({
      kind: 'answer',
      response: { statusCode: 200, headers: expect.objectContaining({ 'x-hook-secret': 'b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81' }), body: '' },
      storeSecret: 'b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81',
    });
  });
  test('the same secret again is echoed without storing', () => {
    const o = outcome(earlyHandshake(asana, request), { signing: ['b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81'] });
    expect(o?.kind === 'answer' && o.storeSecret).toBeUndefined();
    expect(o?.kind).toBe('answer');
  });
  test('is refused with 401 once a live secret is set: an unauthenticated request never replaces it', () => {
    expect(refused(outcome(earlyHandshake(asana, request), { signing: ['live-secret'] }))).toEqual([401, 'handshake_refused']);
  });
  test('"pending" never verifies a delivery', () => {
    expect(signingSecrets(asana, [ASANA_PENDING_SECRET])).toEqual([]);
    expect(signingSecrets(dropbox, [ASANA_PENDING_SECRET])).toEqual([ASANA_PENDING_SECRET]);
  });
  test('the provider takes exactly one secret', () => {
    expect(WebhookProvider.asana({ secrets: [secret, token] })._validate()).toEqual([expect.stringMatching(/exactly one secret/)]);
  });
});

describe('Zoom endpoint.url_validation', () => {
  const body = { payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' }, event_ts: 1654503849680, event: 'endpoint.url_validation' };
  test('is answered with plainToken and its hex HMAC-SHA256 keyed with the secret token', () => {
    const o = verifiedHandshake(zoom, body, ['zoom-secret']);
    expect(answered(o)).toEqual({ status: 200, headers: expect.objectContaining({ 'content-type': 'application/json' }), body: expect.any(String) });
    expect(JSON.parse((o as { response: { body: string } }).response.body)).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: createHmac('sha256', 'zoom-secret').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
  });
  test('without a plainToken is a 400; other events are deliveries', () => {
    expect(refused(verifiedHandshake(zoom, { event: 'endpoint.url_validation', payload: {} }, ['s']))).toEqual([400, 'malformed_handshake']);
    expect(verifiedHandshake(zoom, { event: 'meeting.started' }, ['s'])).toBeUndefined();
  });
});

describe('Twitch EventSub webhook_callback_verification', () => {
  // Modeled on the verification message in Twitch's documentation (handling-webhook-events).
  const body = {
    challenge: 'pogchamp-kappa-360noscope-vohiyo',
    subscription: {
      id: 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4',
      status: 'webhook_callback_verification_pending',
      type: 'channel.follow',
      version: '1',
      cost: 1,
      condition: { broadcaster_user_id: '12826' },
      transport: { method: 'webhook', callback: 'https://example.com/webhooks/callback' },
      created_at: '2019-11-16T10:11:12.634234626Z',
    },
  };
  test('is answered 200 with the raw challenge as plain text', () => {
    expect(answered(verifiedHandshake(twitch, body, ['s']))).toEqual({
      status: 200, headers: expect.objectContaining({ 'content-type': 'text/plain; charset=utf-8' }), body: 'pogchamp-kappa-360noscope-vohiyo',
    });
  });
  test('without a challenge is a 400; notifications and revocations are deliveries', () => {
    expect(refused(verifiedHandshake(twitch, { ...body, challenge: undefined }, ['s']))).toEqual([400, 'malformed_handshake']);
    expect(verifiedHandshake(twitch, { subscription: { ...body.subscription, status: 'enabled' }, event: { user_id: '1' } }, ['s'])).toBeUndefined();
    expect(verifiedHandshake(twitch, { subscription: { ...body.subscription, status: 'authorization_revoked' } }, ['s'])).toBeUndefined();
  });
  test('the preset answers it: the runtime config names the handshake', () => {
    expect(twitch.handshake).toBe('twitch');
  });
});

describe('Discord PING', () => {
  test('an interaction PING (type 1) is answered {"type":1}; a webhook-event PING (type 0) with 204', () => {
    expect(answered(verifiedHandshake(discord, { type: 1, id: '1', application_id: '2', token: 't', version: 1 }, []))).toMatchObject({ status: 200, body: '{"type":1}' });
    expect(answered(verifiedHandshake(discord, { version: 1, application_id: '2', type: 0 }, []))).toMatchObject({ status: 204, body: '' });
  });
  test('webhook events (type 1 with an event) and other interactions are deliveries', () => {
    expect(verifiedHandshake(discord, { version: 1, type: 1, event: { type: 'APPLICATION_AUTHORIZED' } }, [])).toBeUndefined();
    expect(verifiedHandshake(discord, { type: 2, id: '1' }, [])).toBeUndefined();
  });
  test('the PING verifies with discord-interactions, and a bad signature is refused as Discord expects (invalid_signature, a 401)', async () => {
    const body = Buffer.from('{"type":1,"id":"1","application_id":"2","token":"t","version":1}');
    const ts = String(NOW);
    const signature = signWithKey(null, Buffer.concat([Buffer.from(ts), body]), ed.privateKey).toString('hex');
    expect(await discordVerifyKey(body, signature, ts, ED_HEX)).toBe(true);
    expect(verifySignature(discord, [], { 'x-signature-ed25519': signature, 'x-signature-timestamp': ts }, body, NOW)).toEqual({ valid: true });
    const bad = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    expect(await discordVerifyKey(body, bad, ts, ED_HEX)).toBe(false);
    expect(verifySignature(discord, [], { 'x-signature-ed25519': bad, 'x-signature-timestamp': ts }, body, NOW)).toEqual({ valid: false, reason: 'invalid_signature' });
  });
});

test('a Slack url_verification is still answered through the generic mechanism', () => {
  const slack = runtime(WebhookProvider.slack({ secrets: [secret] }));
  expect(answered(verifiedHandshake(slack, { type: 'url_verification', challenge: 'c-1' }, ['s']))).toMatchObject({ status: 200, body: '{"challenge":"c-1"}' });
});

test('the handshake of a preset is implied by it in the encoding; Meta\'s verify token is its own secret id', () => {
  const encoded = encodeProviders([WebhookProvider.meta({ secrets: [secret], verifyToken: token })._runtimeConfig(Duration.minutes(5), stack)], 300);
  expect(encoded.p[0]).not.toHaveProperty('H');
  expect(encoded.p[0].v).toHaveLength(1);
  expect(meta).toMatchObject({ handshake: 'meta', handshakeSecretArns: [expect.anything()] });
});
