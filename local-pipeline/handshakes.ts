/**
 * The handshakes of the local app's providers, performed through the API for `npx projen demo`:
 * each request as its provider sends it, the answer, and whether it matches the documented one.
 * test/local/handshakes.test.ts asserts the same answers in detail.
 */
import { createHmac, sign as signWithKey } from 'node:crypto';
import { request, type HttpResult } from './inspect';
import type { Pipeline } from './pipeline';
import { LOCAL_SECRET_VALUES, localDiscordKey } from './template/app';

export interface HandshakeCase {
  readonly provider: string;
  readonly handshake: string;
  readonly method: string;
  /** Path and query under /webhook/. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  readonly expectedStatus: number;
  /** The documented answer (body), when it is fixed. */
  readonly expectedBody?: string;
}

/** The secret Asana's handshake below establishes (stored in the provider's secret), which its deliveries are then signed with. */
export const ASANA_HOOK_SECRET = 'demo-hook-secret';

/** The handshakes, one answered and one refused per kind of verification. */
export function handshakeCases(): HandshakeCase[] {
  const ts = String(Math.floor(Date.now() / 1000));
  const zoomBody = Buffer.from('{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}');
  const zoomSignature = (key: string) => `v0=${createHmac('sha256', key).update(`v0:${ts}:`).update(zoomBody).digest('hex')}`;
  const discordBody = Buffer.from('{"type":1,"id":"1","application_id":"2","token":"t","version":1}');
  const discordSignature = signWithKey(null, Buffer.concat([Buffer.from(ts), discordBody]), localDiscordKey().privateKey).toString('hex');
  const badDiscordSignature = `${discordSignature.slice(0, -1)}${discordSignature.endsWith('0') ? '1' : '0'}`;
  const crc = `sha256=${createHmac('sha256', LOCAL_SECRET_VALUES.TwitterConsumerSecret).update('crc-demo').digest('base64')}`;
  const twitch = twitchVerificationMessage(LOCAL_SECRET_VALUES.TwitchSecret);
  const badTwitch = twitchVerificationMessage('wrong-secret');
  const encrypted = createHmac('sha256', LOCAL_SECRET_VALUES.ZoomSecret).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex');
  return [
    { provider: 'meta', handshake: 'hub.challenge', method: 'GET', path: `meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${LOCAL_SECRET_VALUES.MetaVerifyToken}`, headers: {}, expectedStatus: 200, expectedBody: '1158201444' },
    { provider: 'meta', handshake: 'hub.challenge, wrong verify token', method: 'GET', path: 'meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong', headers: {}, expectedStatus: 401 },
    { provider: 'twitter', handshake: 'CRC', method: 'GET', path: 'twitter?crc_token=crc-demo', headers: {}, expectedStatus: 200, expectedBody: JSON.stringify({ response_token: crc }) },
    { provider: 'dropbox', handshake: 'challenge', method: 'GET', path: 'dropbox?challenge=abc123', headers: {}, expectedStatus: 200, expectedBody: 'abc123' },
    {
      provider: 'okta',
      handshake: 'verification challenge',
      method: 'GET',
      path: 'okta',
      headers: { 'X-Okta-Verification-Challenge': 'Me_rShK8JHsTnbyYrWXCEoMGbM_zsZ6k0hLPZ_Pg', 'Authorization': LOCAL_SECRET_VALUES.OktaAuthorization },
      expectedStatus: 200,
      expectedBody: '{"verification":"Me_rShK8JHsTnbyYrWXCEoMGbM_zsZ6k0hLPZ_Pg"}',
    },
    { provider: 'okta', handshake: 'verification challenge, no authorization', method: 'GET', path: 'okta', headers: { 'X-Okta-Verification-Challenge': 'x' }, expectedStatus: 401 },
    { provider: 'microsoft-graph', handshake: 'validationToken', method: 'POST', path: 'microsoft-graph?validationToken=token%20123', headers: { 'Content-Type': 'text/plain; charset=utf-8' }, expectedStatus: 200, expectedBody: 'token 123' },
    { provider: 'asana', handshake: 'X-Hook-Secret (stored)', method: 'POST', path: 'asana', headers: { 'X-Hook-Secret': ASANA_HOOK_SECRET }, expectedStatus: 200, expectedBody: '' },
    { provider: 'asana', handshake: 'X-Hook-Secret again, another secret', method: 'POST', path: 'asana', headers: { 'X-Hook-Secret': 'other' }, expectedStatus: 401 },
    {
      provider: 'zoom',
      handshake: 'endpoint.url_validation',
      method: 'POST',
      path: 'zoom',
      body: zoomBody,
      headers: { 'Content-Type': 'application/json', 'x-zm-request-timestamp': ts, 'x-zm-signature': zoomSignature(LOCAL_SECRET_VALUES.ZoomSecret) },
      expectedStatus: 200,
      expectedBody: JSON.stringify({ plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: encrypted }),
    },
    {
      provider: 'zoom',
      handshake: 'endpoint.url_validation, bad signature',
      method: 'POST',
      path: 'zoom',
      body: zoomBody,
      headers: { 'Content-Type': 'application/json', 'x-zm-request-timestamp': ts, 'x-zm-signature': zoomSignature('wrong') },
      expectedStatus: 401,
    },
    {
      provider: 'discord',
      handshake: 'PING',
      method: 'POST',
      path: 'discord',
      body: discordBody,
      headers: { 'Content-Type': 'application/json', 'X-Signature-Ed25519': discordSignature, 'X-Signature-Timestamp': ts },
      expectedStatus: 200,
      expectedBody: '{"type":1}',
    },
    {
      provider: 'discord',
      handshake: 'PING, bad signature (Discord checks)',
      method: 'POST',
      path: 'discord',
      body: discordBody,
      headers: { 'Content-Type': 'application/json', 'X-Signature-Ed25519': badDiscordSignature, 'X-Signature-Timestamp': ts },
      expectedStatus: 401,
    },
    { provider: 'twitch', handshake: 'webhook_callback_verification', method: 'POST', path: 'twitch', body: twitch.body, headers: twitch.headers, expectedStatus: 200, expectedBody: TWITCH_CHALLENGE },
    { provider: 'twitch', handshake: 'webhook_callback_verification, bad signature', method: 'POST', path: 'twitch', body: badTwitch.body, headers: badTwitch.headers, expectedStatus: 401 },
  ];
}

/** The challenge of the local Twitch verification message. */
export const TWITCH_CHALLENGE = 'pogchamp-kappa-360noscope-vohiyo';

/**
 * A Twitch EventSub `webhook_callback_verification` message as Twitch sends it, signed with `secret`:
 * `sha256=` HMAC-SHA256 over message id + RFC 3339 timestamp + body
 * (https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message).
 */
export function twitchVerificationMessage(secret: string): { readonly body: Buffer; readonly headers: Readonly<Record<string, string>> } {
  const body = Buffer.from(JSON.stringify({
    challenge: TWITCH_CHALLENGE,
    subscription: {
      id: 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4',
      status: 'webhook_callback_verification_pending',
      type: 'channel.follow',
      version: '2',
      cost: 0,
      condition: { broadcaster_user_id: '12826', moderator_user_id: '12826' },
      transport: { method: 'webhook', callback: 'https://example.com/webhooks/callback' },
      created_at: '2019-11-16T10:11:12.634234626Z',
    },
  }));
  const id = 'e76c6bd4-55c9-4987-8304-da1588d8988b';
  const timestamp = new Date().toISOString();
  const signature = `sha256=${createHmac('sha256', secret).update(id + timestamp).update(body).digest('hex')}`;
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'Twitch-Eventsub-Message-Id': id,
      'Twitch-Eventsub-Message-Retry': '0',
      'Twitch-Eventsub-Message-Type': 'webhook_callback_verification',
      'Twitch-Eventsub-Message-Signature': signature,
      'Twitch-Eventsub-Message-Timestamp': timestamp,
      'Twitch-Eventsub-Subscription-Type': 'channel.follow',
      'Twitch-Eventsub-Subscription-Version': '2',
    },
  };
}

export interface HandshakeOutcome {
  readonly testCase: HandshakeCase;
  readonly response: HttpResult;
  readonly problems: string[];
}

/** Performs the handshakes in order (Asana's second one depends on its first). */
export async function performHandshakes(pipeline: Pipeline): Promise<HandshakeOutcome[]> {
  const outcomes: HandshakeOutcome[] = [];
  for (const testCase of handshakeCases()) {
    const response = await request(`${pipeline.url}/webhook/${testCase.path}`, testCase.method, testCase.headers, testCase.body);
    const problems: string[] = [];
    if (response.status !== testCase.expectedStatus) problems.push(`HTTP ${response.status}, expected ${testCase.expectedStatus}`);
    if (testCase.expectedBody !== undefined && response.body.toString() !== testCase.expectedBody) problems.push(`answered ${response.body.toString()}`);
    if (testCase.expectedStatus === 401 && response.json?.error === undefined) problems.push('not a JSON error');
    outcomes.push({ testCase, response, problems });
  }
  return outcomes;
}
