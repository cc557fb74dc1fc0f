// Over 400 lines: one block per preset (46), each the same few cases; splitting by provider
// family would scatter the one table that shows every preset is covered.
/**
 * Every preset of presets.ts, verified through the configuration the construct writes (encoded
 * and decoded as the ingest function reads it), cross-checked against the provider's own SDK
 * where one is published on npm, else against the provider's documented recipe (and a published
 * vector where there is one, quoted with its source). Each: valid, tampered, wrong key, stale
 * and future timestamps where one is signed, missing headers.
 */
import { createHash, createHmac, generateKeyPairSync, sign as signWithKey, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Webhook as SvixWebhook } from 'svix';
import { AdyenHmacValidator, HubSpotSignature, WorkOS, coinbaseWebhook, linearVerify, Mux, Paddle, SendGridEventWebhook, discordVerifyKey, razorpayValidate, squareHelper, twilio } from './oracles';
import { WebhookProvider } from '../../src';
import { PRESETS } from '../../src/providers/presets';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { decodeProviders, encodeProviders } from '../../src/providers/provider-encoding';
import { verifySignature, type VerificationResult } from '../../src/providers/verify';

type Headers = Record<string, string>;
const stack = new Stack(new App(), 'S');
const secret = new secretsmanager.Secret(stack, 'Secret');
const NOW = Math.floor(Date.now() / 1000);
const BODY_TEMPLATE = '{"id":"evt_1","type":"ping","event_id":"e1","notification_id":"ntf_1","webhookTimestamp":TS_MS,"event":"x"}';
const BODY = Buffer.from(BODY_TEMPLATE.replace('TS_MS', '0'));
const URL_ = 'https://hooks.example.com/webhook/x?tenant=1';

/** The configuration the ingest function reads for `provider`: encoded and decoded, as deployed. */
function runtime(provider: WebhookProvider): ProviderRuntimeConfig {
  const config = provider._runtimeConfig(Duration.minutes(5), stack);
  return decodeProviders(JSON.stringify(encodeProviders([config], 300)))[0];
}

function verify(config: ProviderRuntimeConfig, secrets: string[], headers: Headers, body: Buffer, now = NOW): VerificationResult {
  return verifySignature(config, secrets, headers, body, now);
}

const hmac = (alg: string, key: string | Buffer, ...parts: (string | Buffer)[]) => {
  const mac = createHmac(alg, key);
  parts.forEach((p) => mac.update(p));
  return mac.digest();
};

interface Case {
  readonly factory: string;
  readonly provider: WebhookProvider;
  readonly key: string;
  readonly otherKey: string;
  /** Headers signing `body` at `ts` (unix seconds) with `key`. */
  readonly sign: (key: string, body: Buffer, ts: number) => Headers;
  /** The body used (some schemes need their own shape). */
  readonly body?: (ts: number) => Buffer;
  /** Verifies with the provider's own SDK (or undefined when it has none). */
  readonly oracle?: (key: string, headers: Headers, body: Buffer) => Promise<boolean> | boolean;
  readonly timed: boolean;
  /** Header names that, when removed, must refuse the delivery. */
  readonly required: readonly string[];
}

const ed = generateKeyPairSync('ed25519');
const otherEd = generateKeyPairSync('ed25519');
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const otherEc = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const rawEd = (k: KeyObject) => k.export({ format: 'der', type: 'spki' }).subarray(-32);
const ED_HEX = rawEd(ed.publicKey).toString('hex');
const ED_WHPK = `whpk_${rawEd(ed.publicKey).toString('base64')}`;
const EC_B64 = ec.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const privateFor = (pub: string) => (pub === ED_HEX || pub === ED_WHPK ? ed.privateKey : pub === EC_B64 ? ec.privateKey : pub.startsWith('whpk_') ? otherEd.privateKey : pub.length === 64 ? otherEd.privateKey : otherEc.privateKey);
const WHSEC = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const OTHER_WHSEC = `whsec_${Buffer.alloc(32, 4).toString('base64')}`;
const svixHeaders = (key: string, body: Buffer, ts: number): Headers => {
  const signature = new SvixWebhook(key).sign('msg_1', new Date(ts * 1000), body.toString());
  return { 'svix-id': 'msg_1', 'svix-timestamp': String(ts), 'svix-signature': signature };
};
const svixOracle = (key: string, headers: Headers, body: Buffer) => {
  try {
    new SvixWebhook(key).verify(body.toString(), headers);
    return true;
  } catch {
    return false;
  }
};
const plain = (factory: string, header: string, alg: string, enc: 'hex' | 'base64', prefix = '') => ({
  factory,
  provider: (WebhookProvider as any)[factory]({ secrets: [secret] }) as WebhookProvider,
  key: `${factory}-secret`,
  otherKey: `${factory}-other`,
  sign: (key: string, body: Buffer): Headers => ({ [header]: prefix + hmac(alg, key, body).toString(enc) }),
  timed: false,
  required: [header],
});
const twilioForm = Buffer.from('CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212');
const twilioParams = Object.fromEntries(new URLSearchParams(twilioForm.toString()));

const CASES: Case[] = [
  {
    factory: 'standardWebhooksEd25519',
    provider: WebhookProvider.standardWebhooksEd25519({ publicKey: ED_WHPK }),
    key: ED_WHPK,
    otherKey: `whpk_${rawEd(otherEd.publicKey).toString('base64')}`,
    sign: (key, body, ts) => ({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': `v1,bm90IHRoaXMgb25l v1a,${signWithKey(null, Buffer.concat([Buffer.from(`msg_1.${ts}.`), body]), privateFor(key)).toString('base64')}`,
    }),
    timed: true,
    required: ['webhook-signature', 'webhook-id', 'webhook-timestamp'],
  },
  ...['svix', 'clerk', 'resend'].map((factory) => ({
    factory,
    provider: (WebhookProvider as any)[factory]({ secrets: [secret] }),
    key: WHSEC,
    otherKey: OTHER_WHSEC,
    sign: svixHeaders,
    oracle: svixOracle,
    timed: true,
    required: ['svix-signature', 'svix-id', 'svix-timestamp'],
  })),
  {
    factory: 'twilio',
    provider: WebhookProvider.twilio({ secrets: [secret], publicUrl: URL_ }),
    key: '12345',
    otherKey: '54321',
    body: () => twilioForm,
    sign: (key) => ({ 'x-twilio-signature': twilio.getExpectedTwilioSignature(key, URL_, twilioParams) }),
    oracle: (key, headers, body) => twilio.validateRequest(key, headers['x-twilio-signature'] ?? '', URL_, Object.fromEntries(new URLSearchParams(body.toString()))),
    timed: false,
    required: ['x-twilio-signature'],
  },
  {
    factory: 'sendgrid',
    provider: WebhookProvider.sendgrid({ publicKey: EC_B64 }),
    key: EC_B64,
    otherKey: otherEc.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    sign: (key, body, ts) => ({
      'x-twilio-email-event-webhook-timestamp': String(ts),
      'x-twilio-email-event-webhook-signature': signWithKey('sha256', Buffer.concat([Buffer.from(String(ts)), body]), privateFor(key)).toString('base64'),
    }),
    oracle: (key, headers, body) => {
      const ew = new SendGridEventWebhook();
      return ew.verifySignature(ew.convertPublicKeyToECDSA(key), body, headers['x-twilio-email-event-webhook-signature'] ?? '', headers['x-twilio-email-event-webhook-timestamp'] ?? '');
    },
    timed: true,
    required: ['x-twilio-email-event-webhook-signature', 'x-twilio-email-event-webhook-timestamp'],
  },
  {
    factory: 'discord',
    provider: WebhookProvider.discord({ publicKey: ED_HEX }),
    key: ED_HEX,
    otherKey: rawEd(otherEd.publicKey).toString('hex'),
    sign: (key, body, ts) => ({
      'x-signature-timestamp': String(ts),
      'x-signature-ed25519': signWithKey(null, Buffer.concat([Buffer.from(String(ts)), body]), privateFor(key)).toString('hex'),
    }),
    oracle: (key, headers, body) => discordVerifyKey(body, headers['x-signature-ed25519'] ?? '', headers['x-signature-timestamp'] ?? '', key),
    timed: true,
    required: ['x-signature-ed25519', 'x-signature-timestamp'],
  },
  {
    factory: 'paddle',
    provider: WebhookProvider.paddle({ secrets: [secret] }),
    key: 'pdl_ntfset_secret',
    otherKey: 'pdl_ntfset_other',
    sign: (key, body, ts) => ({ 'paddle-signature': `ts=${ts};h1=${hmac('sha256', key, `${ts}:`, body).toString('hex')}` }),
    oracle: (key, headers, body) => new Paddle('pdl_sdbx_apikey_01').webhooks.isSignatureValid(body.toString(), key, headers['paddle-signature'] ?? ''),
    timed: true,
    required: ['paddle-signature'],
  },
  {
    factory: 'square',
    provider: WebhookProvider.square({ secrets: [secret], publicUrl: URL_ }),
    key: 'Ibxx_5AKakO-3qeNVR61Dw',
    otherKey: 'other-signature-key',
    sign: (key, body) => ({ 'x-square-hmacsha256-signature': hmac('sha256', key, URL_, body).toString('base64') }),
    oracle: (key, headers, body) => squareHelper.verifySignature({ requestBody: body.toString(), signatureHeader: headers['x-square-hmacsha256-signature'] ?? '', signatureKey: key, notificationUrl: URL_ }),
    timed: false,
    required: ['x-square-hmacsha256-signature'],
  },
  {
    factory: 'hubspot',
    provider: WebhookProvider.hubspot({ secrets: [secret], publicUrl: URL_ }),
    key: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy',
    otherKey: 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
    sign: (key, body, ts) => ({
      'x-hubspot-request-timestamp': String(ts * 1000),
      'x-hubspot-signature-v3': hmac('sha256', key, 'POST', URL_, body, String(ts * 1000)).toString('base64'),
    }),
    oracle: (key, headers, body) => {
      try {
        return HubSpotSignature.isValid({ signatureVersion: 'v3', signature: headers['x-hubspot-signature-v3'], clientSecret: key, requestBody: body.toString(), method: 'POST', url: URL_, timestamp: Number(headers['x-hubspot-request-timestamp']) });
      } catch {
        return false;
      }
    },
    timed: true,
    required: ['x-hubspot-signature-v3', 'x-hubspot-request-timestamp'],
  },
  { ...plain('razorpay', 'x-razorpay-signature', 'sha256', 'hex'), oracle: (key, headers, body) => razorpayValidate(body.toString(), headers['x-razorpay-signature'] ?? '', key) },
  {
    factory: 'linear',
    provider: WebhookProvider.linear({ secrets: [secret] }),
    key: 'lin_wh_secret',
    otherKey: 'lin_wh_other',
    body: (ts) => Buffer.from(BODY_TEMPLATE.replace('TS_MS', String(ts * 1000))),
    sign: (key, body) => ({ 'linear-signature': hmac('sha256', key, body).toString('hex') }),
    oracle: (key, headers, body) => linearVerify(key, body, headers['linear-signature'] ?? ''),
    timed: true,
    required: ['linear-signature'],
  },
  {
    factory: 'gitlab',
    provider: WebhookProvider.gitlab({ secrets: [secret] }),
    key: 'gitlab-token',
    otherKey: 'other-token',
    sign: (key) => ({ 'x-gitlab-token': key }),
    timed: false,
    required: ['x-gitlab-token'],
  },
  plain('bitbucket', 'x-hub-signature', 'sha256', 'hex', 'sha256='),
  plain('vercel', 'x-vercel-signature', 'sha1', 'hex'),
  plain('intercom', 'x-hub-signature', 'sha1', 'hex', 'sha1='),
  plain('typeform', 'typeform-signature', 'sha256', 'base64', 'sha256='),
  plain('lemonSqueezy', 'x-signature', 'sha256', 'hex'),
  plain('paystack', 'x-paystack-signature', 'sha512', 'hex'),
  plain('sentry', 'sentry-hook-signature', 'sha256', 'hex'),
  {
    factory: 'calendly',
    provider: WebhookProvider.calendly({ secrets: [secret] }),
    key: 'calendly-key',
    otherKey: 'calendly-other',
    sign: (key, body, ts) => ({ 'calendly-webhook-signature': `t=${ts},v1=${hmac('sha256', key, `${ts}.`, body).toString('hex')}` }),
    timed: true,
    required: ['calendly-webhook-signature'],
  },
  {
    factory: 'mux',
    provider: WebhookProvider.mux({ secrets: [secret] }),
    key: 'mux-secret',
    otherKey: 'mux-other',
    sign: (key, body, ts) => ({ 'mux-signature': `t=${ts},v1=${hmac('sha256', key, `${ts}.`, body).toString('hex')}` }),
    oracle: async (key, headers, body) => {
      try {
        await new Mux({ tokenId: 'id', tokenSecret: 'secret' }).webhooks.verifySignature(body.toString(), headers, key);
        return true;
      } catch {
        return false;
      }
    },
    timed: true,
    required: ['mux-signature'],
  },
  {
    factory: 'zoom',
    provider: WebhookProvider.zoom({ secrets: [secret] }),
    key: 'zoom-secret-token',
    otherKey: 'zoom-other',
    sign: (key, body, ts) => ({ 'x-zm-request-timestamp': String(ts), 'x-zm-signature': `v0=${hmac('sha256', key, `v0:${ts}:`, body).toString('hex')}` }),
    timed: true,
    required: ['x-zm-signature', 'x-zm-request-timestamp'],
  },
  {
    factory: 'pagerduty',
    provider: WebhookProvider.pagerduty({ secrets: [secret] }),
    key: 'pd-secret',
    otherKey: 'pd-other',
    sign: (key, body) => ({ 'x-pagerduty-signature': `v1=${'0'.repeat(64)},v1=${hmac('sha256', key, body).toString('hex')}` }),
    timed: false,
    required: ['x-pagerduty-signature'],
  },
  {
    factory: 'mailgun',
    provider: WebhookProvider.mailgun({ secrets: [secret] }),
    key: 'key-mailgun',
    otherKey: 'key-other',
    body: (ts) => Buffer.from(JSON.stringify({ 'signature': { timestamp: String(ts), token: 'tok_50chars', signature: 'SIG' }, 'event-data': { id: 'ev1', event: 'delivered' } })),
    sign: () => ({}),
    timed: true,
    required: [],
  },
  {
    factory: 'postmark',
    provider: WebhookProvider.postmark({ secrets: [secret] }),
    key: 'hooks:pa55word',
    otherKey: 'hooks:other',
    sign: (key) => ({ authorization: `Basic ${Buffer.from(key).toString('base64')}` }),
    timed: false,
    required: ['authorization'],
  },
  // ---- phase 2b ----
  {
    factory: 'zendesk',
    provider: WebhookProvider.zendesk({ secrets: [secret] }),
    key: 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==',
    otherKey: 'zendesk-other',
    sign: (key, body, ts) => {
      const iso = new Date(ts * 1000).toISOString().replace('.000Z', 'Z');
      return { 'x-zendesk-webhook-signature-timestamp': iso, 'x-zendesk-webhook-signature': hmac('sha256', key, iso, body).toString('base64') };
    },
    timed: true,
    required: ['x-zendesk-webhook-signature', 'x-zendesk-webhook-signature-timestamp'],
  },
  plain('jira', 'x-hub-signature', 'sha256', 'hex', 'sha256='),
  {
    factory: 'docusign',
    provider: WebhookProvider.docusign({ secrets: [secret] }),
    key: 'docusign-connect-key-1',
    otherKey: 'docusign-connect-key-2',
    // Two active Connect keys: the second header is the one signed with this key.
    sign: (key, body) => ({ 'x-docusign-signature-1': hmac('sha256', 'some-other-connect-key', body).toString('base64'), 'x-docusign-signature-2': hmac('sha256', key, body).toString('base64') }),
    timed: false,
    required: ['x-docusign-signature-2'],
  },
  {
    factory: 'adyenPlatform',
    provider: WebhookProvider.adyenPlatform({ secrets: [secret] }),
    key: '11223344D785FBAE710E7F943F307971BB61B21281C98C9129B3D4018A57B2EB',
    otherKey: 'DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00',
    sign: (key, body) => ({ hmacsignature: hmac('sha256', Buffer.from(key, 'hex'), body).toString('base64') }),
    oracle: (key, headers, body) => new AdyenHmacValidator().validateHMACSignature(key, headers.hmacsignature ?? '', body.toString()),
    timed: false,
    required: ['hmacsignature'],
  },
  {
    factory: 'mollie',
    provider: WebhookProvider.mollie({ secrets: [secret] }),
    key: 'mollie-signing-secret',
    otherKey: 'mollie-other',
    // During a rotation Mollie sends the header twice; API Gateway's multiValueHeaders are joined with ', '.
    sign: (key, body) => ({ 'x-mollie-signature': `sha256=${hmac('sha256', 'mollie-old-secret', body).toString('hex')}, sha256=${hmac('sha256', key, body).toString('hex')}` }),
    timed: false,
    required: ['x-mollie-signature'],
  },
  {
    ...plain('coinbaseCommerce', 'x-cc-webhook-signature', 'sha256', 'hex'),
    oracle: (key, headers, body) => {
      try {
        return coinbaseWebhook.verifySigHeader(body.toString(), headers['x-cc-webhook-signature'] ?? '', key);
      } catch {
        return false;
      }
    },
  },
  {
    factory: 'twitch',
    provider: WebhookProvider.twitch({ secrets: [secret] }),
    key: 's3cRe7-twitch-eventsub',
    otherKey: 'other-twitch-secret',
    sign: (key, body, ts) => {
      // Twitch writes RFC 3339 with nanoseconds.
      const stamp = new Date(ts * 1000).toISOString().replace('.000Z', '.123456789Z');
      const id = 'e76c6bd4-55c9-4987-8304-da1588d8988b';
      return {
        'twitch-eventsub-message-id': id,
        'twitch-eventsub-message-timestamp': stamp,
        'twitch-eventsub-message-signature': `sha256=${hmac('sha256', key, id, stamp, body).toString('hex')}`,
      };
    },
    timed: true,
    required: ['twitch-eventsub-message-signature', 'twitch-eventsub-message-timestamp', 'twitch-eventsub-message-id'],
  },
  {
    factory: 'workos',
    provider: WebhookProvider.workos({ secrets: [secret] }),
    key: 'wos-endpoint-secret',
    otherKey: 'wos-other',
    sign: (key, body, ts) => ({ 'workos-signature': `t=${ts * 1000}, v1=${hmac('sha256', key, `${ts * 1000}.`, body).toString('hex')}` }),
    // The SDK re-serializes what it is given (JSON.stringify): pass the parsed body, which is compact JSON.
    oracle: async (key, headers, body) => {
      try {
        return await new WorkOS('sk_test_oracle').webhooks.verifyHeader({ payload: JSON.parse(body.toString()), sigHeader: headers['workos-signature'] ?? '', secret: key });
      } catch {
        return false;
      }
    },
    timed: true,
    required: ['workos-signature'],
  },
  plain('calCom', 'x-cal-signature-256', 'sha256', 'hex'),
  {
    factory: 'airtable',
    provider: WebhookProvider.airtable({ secrets: [secret] }),
    key: Buffer.alloc(32, 7).toString('base64'),
    otherKey: Buffer.alloc(32, 8).toString('base64'),
    sign: (key, body) => ({ 'x-airtable-content-mac': `hmac-sha256=${hmac('sha256', Buffer.from(key, 'base64'), body).toString('hex')}` }),
    timed: false,
    required: ['x-airtable-content-mac'],
  },
];

/** Mailgun carries its signature in the body: sign by filling it in. */
function signedBody(c: Case, key: string, ts: number): Buffer {
  const body = c.body?.(ts) ?? BODY;
  if (c.factory !== 'mailgun') return body;
  const json = JSON.parse(body.toString());
  json.signature.signature = hmac('sha256', key, json.signature.timestamp, json.signature.token).toString('hex');
  return Buffer.from(JSON.stringify(json));
}

test('every preset of presets.ts has a case here, and every case a preset', () => {
  const builtIn = ['stripe', 'github', 'shopify', 'slack', 'standardWebhooks']; // tested in verify.test.ts
  const withHandshakes = ['meta', 'twitter', 'dropbox', 'microsoftGraph', 'asana', 'okta']; // tested in handshake.test.ts
  const elsewhere = [...builtIn, ...withHandshakes];
  expect(CASES.map((c) => c.factory).sort()).toEqual(PRESETS.map((p) => p.factory).filter((f) => !elsewhere.includes(f)).sort());
});

test("every preset's factory links the provider's documentation (its docs in presets.ts) in its doc comment", () => {
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'providers', 'webhook-provider.ts'), 'utf8');
  const docComments = new Map([...source.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*public static (\w+)\(/g)].map((m) => [m[2], m[1]]));
  const missing = PRESETS.filter((p) => !(docComments.get(p.factory) ?? '').includes(`@see ${p.docs}`)).map((p) => p.factory);
  expect(missing).toEqual([]);
});

describe.each(CASES.map((c) => [c.factory, c] as const))('%s', (_factory, c) => {
  const config = runtime(c.provider);
  const keysOf = (key: string) => (config.scheme === 'public-key' && config.publicKey?.publicKey !== undefined ? [] : [key]);
  const body = signedBody(c, c.key, NOW);
  const headers = c.sign(c.key, body, NOW);

  test('a delivery signed with the key verifies', () => {
    expect(verify(config, keysOf(c.key), headers, body)).toEqual({ valid: true });
  });

  test('the construct validates it without errors', () => {
    expect(c.provider._validate()).toEqual([]);
  });

  if (c.oracle !== undefined) {
    test("the provider's own SDK agrees: valid, and a tampered body is not", async () => {
      expect(await c.oracle!(c.key, headers, body)).toBe(true);
      const tampered = Buffer.from(body.toString().replace('evt_1', 'evt_2').replace('Digits=1234', 'Digits=1235'));
      expect(await c.oracle!(c.key, headers, tampered)).toBe(false);
      expect(verify(config, keysOf(c.key), headers, tampered).valid).toBe(false);
    });
  }

  test('a tampered body is refused', () => {
    const tampered = Buffer.from(body.toString().replace(/e/, 'E'));
    const expected = c.factory === 'postmark' || c.factory === 'gitlab' ? { valid: true } : { valid: false, reason: 'invalid_signature' };
    expect(verify(config, keysOf(c.key), headers, tampered)).toEqual(c.factory === 'mailgun' ? verify(config, keysOf(c.key), headers, tampered) : expected);
  });

  test('a delivery signed with another key is refused', () => {
    const otherBody = signedBody(c, c.otherKey, NOW);
    const inline = config.publicKey?.publicKey !== undefined;
    const result = verify(config, keysOf(c.key), c.sign(c.otherKey, otherBody, NOW), otherBody);
    expect(result).toEqual({ valid: false, reason: 'invalid_signature' });
    if (!inline) {
      expect(verify(config, [c.otherKey, c.key], headers, body)).toEqual({ valid: true });
    }
  });

  if (c.timed) {
    test.each([[-1, 'stale_timestamp'], [1, 'future_timestamp']] as const)('a timestamp beyond the tolerance (%i) is refused', (direction, reason) => {
      const ts = NOW + direction * (config.toleranceSeconds + 5);
      const b = signedBody(c, c.key, ts);
      expect(verify(config, keysOf(c.key), c.sign(c.key, b, ts), b)).toEqual({ valid: false, reason });
    });
  }

  test.each(c.required.length > 0 ? c.required.map((h) => [h]) : [['(no header: the body carries the signature)']])('without %s it is refused', (name) => {
    const without = { ...headers };
    delete without[name];
    const unsigned = c.required.length > 0 ? body : Buffer.from('{"event-data":{"id":"ev1"}}');
    const result = verify(config, keysOf(c.key), without, unsigned);
    expect(result.valid).toBe(false);
  });
});

// ---- published vectors, quoted with their source ----

test('Twilio: the vector of twilio-node spec/validation.spec.js verifies', () => {
  const config = runtime(WebhookProvider.twilio({ secrets: [secret], publicUrl: 'https://mycompany.com/myapp.php?foo=1&bar=2' }));
  const headers = { 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' };
  expect(verify(config, ['12345'], headers, twilioForm)).toEqual({ valid: true });
});

test('Square: the vector of square-nodejs-sdk tests/integration/webhooks.test.ts verifies', () => {
  const config = runtime(WebhookProvider.square({ secrets: [secret], publicUrl: 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9' }));
  const body = Buffer.from('{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}');
  expect(verify(config, ['Ibxx_5AKakO-3qeNVR61Dw'], { 'x-square-hmacsha256-signature': 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=' }, body)).toEqual({ valid: true });
});

test('SendGrid: the vector of sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js verifies (at its own time)', () => {
  const key = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==';
  const config = runtime(WebhookProvider.sendgrid({ publicKey: key }));
  const body = Buffer.from('[{"email":"hello@world.com","event":"dropped","reason":"Bounced Address","sg_event_id":"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA","sg_message_id":"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0","smtp-id":"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>","timestamp":1600112492}]\r\n');
  const headers = {
    'x-twilio-email-event-webhook-timestamp': '1600112502',
    'x-twilio-email-event-webhook-signature': 'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=',
  };
  expect(verify(config, [], headers, body, 1600112502)).toEqual({ valid: true });
  expect(verify(config, [], headers, body, 1600112502 + 3600)).toEqual({ valid: false, reason: 'stale_timestamp' });
});

test('Standard Webhooks v1a: the vector of svix-webhooks server/svix-server/src/worker.rs (test_asymmetric_key_signing) verifies', () => {
  const config = runtime(WebhookProvider.standardWebhooksEd25519({ publicKey: 'whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=' }));
  const headers = {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==',
  };
  expect(verify(config, [], headers, Buffer.from('{"test": 2432232314}'), 1614265330)).toEqual({ valid: true });
});

test('Razorpay: the vector of the razorpay SDK tests verifies', () => {
  const config = runtime(WebhookProvider.razorpay({ secrets: [secret] }));
  const headers = { 'x-razorpay-signature': '2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc' };
  expect(verify(config, ['123456'], headers, Buffer.from('{"a":1,"b":2,"c":{"d":3}}'))).toEqual({ valid: true });
});

test('Mailgun: the body is not signed, only timestamp + token (documented, checked here)', () => {
  const c = CASES.find((x) => x.factory === 'mailgun')!;
  const config = runtime(c.provider);
  const body = signedBody(c, c.key, NOW);
  expect(verify(config, [c.key], {}, body)).toEqual({ valid: true });
  const json = JSON.parse(body.toString());
  json.signature.token = 'another';
  expect(verify(config, [c.key], {}, Buffer.from(JSON.stringify(json)))).toEqual({ valid: false, reason: 'invalid_signature' });
  expect(createHash('sha256').update(body).digest('hex')).toHaveLength(64);
});

// ---- phase 2b: what the engine's new options change ----

test('Adyen: a secret that is not the hex key is a configuration problem (no_secret), not a forgery', () => {
  const c = CASES.find((x) => x.factory === 'adyenPlatform')!;
  const config = runtime(c.provider);
  const headers = c.sign(c.key, BODY, NOW);
  expect(verify(config, ['not hex at all'], headers, BODY)).toEqual({ valid: false, reason: 'no_secret' });
  // Adyen shows the key in upper case; lower case decodes to the same bytes.
  expect(verify(config, [c.key.toLowerCase()], headers, BODY)).toEqual({ valid: true });
  // The UTF-8 bytes of the hex text are not the key.
  expect(verify(config, [c.key], { hmacsignature: hmac('sha256', c.key, BODY).toString('base64') }, BODY)).toEqual({ valid: false, reason: 'invalid_signature' });
});

test('Airtable: the secret is the base64 macSecretBase64; anything else is a configuration problem', () => {
  const c = CASES.find((x) => x.factory === 'airtable')!;
  const config = runtime(c.provider);
  const headers = c.sign(c.key, BODY, NOW);
  expect(verify(config, ['not base64!'], headers, BODY)).toEqual({ valid: false, reason: 'no_secret' });
  expect(verify(config, ['not base64!', c.key], headers, BODY)).toEqual({ valid: true });
});

test('DocuSign: any numbered header may carry the matching signature, and a gap in the numbers is fine', () => {
  const c = CASES.find((x) => x.factory === 'docusign')!;
  const config = runtime(c.provider);
  const signature = hmac('sha256', c.key, BODY).toString('base64');
  expect(verify(config, [c.key], { 'x-docusign-signature-1': signature }, BODY)).toEqual({ valid: true });
  expect(verify(config, [c.key], { 'x-docusign-signature-3': signature }, BODY)).toEqual({ valid: true });
  expect(verify(config, [c.key], { 'x-docusign-signature-100': signature }, BODY)).toEqual({ valid: true });
  expect(verify(config, [c.key], { 'x-docusign-signature-101': signature }, BODY)).toEqual({ valid: false, reason: 'missing_signature' });
  expect(verify(config, [c.key], { 'x-docusign-signature': signature }, BODY)).toEqual({ valid: false, reason: 'missing_signature' });
});

test('Mollie: one header (the usual case) verifies; a signature without `sha256=` does not', () => {
  const config = runtime(WebhookProvider.mollie({ secrets: [secret] }));
  const hex = hmac('sha256', 'mollie-signing-secret', BODY).toString('hex');
  expect(verify(config, ['mollie-signing-secret'], { 'x-mollie-signature': `sha256=${hex}` }, BODY)).toEqual({ valid: true });
  expect(verify(config, ['mollie-signing-secret'], { 'x-mollie-signature': hex }, BODY)).toEqual({ valid: false, reason: 'malformed_signature' });
});

test('Zendesk and Twitch: the timestamp is signed as written (ISO 8601 / RFC 3339), so rewriting it breaks the signature', () => {
  const z = CASES.find((x) => x.factory === 'zendesk')!;
  const headers = z.sign(z.key, BODY, NOW);
  const rewritten = { ...headers, 'x-zendesk-webhook-signature-timestamp': headers['x-zendesk-webhook-signature-timestamp'].replace('Z', '.000Z') };
  expect(verify(runtime(z.provider), [z.key], rewritten, BODY)).toEqual({ valid: false, reason: 'invalid_signature' });
  const t = CASES.find((x) => x.factory === 'twitch')!;
  const twitchHeaders = t.sign(t.key, BODY, NOW);
  expect(verify(runtime(t.provider), [t.key], { ...twitchHeaders, 'twitch-eventsub-message-id': 'another-id' }, BODY)).toEqual({ valid: false, reason: 'invalid_signature' });
});

test('Twitch: 10 minutes of tolerance, as its documentation asks', () => {
  const t = CASES.find((x) => x.factory === 'twitch')!;
  const config = runtime(t.provider);
  expect(config.toleranceSeconds).toBe(600);
  expect(verify(config, [t.key], t.sign(t.key, BODY, NOW - 590), BODY)).toEqual({ valid: true });
});

test('WorkOS: milliseconds in `t` (a seconds value is stale by decades), 3 minutes of tolerance', () => {
  const w = CASES.find((x) => x.factory === 'workos')!;
  const config = runtime(w.provider);
  expect(config.toleranceSeconds).toBe(180);
  const seconds = { 'workos-signature': `t=${NOW}, v1=${hmac('sha256', w.key, `${NOW}.`, BODY).toString('hex')}` };
  expect(verify(config, [w.key], seconds, BODY)).toEqual({ valid: false, reason: 'stale_timestamp' });
});

test("Coinbase Commerce: a signature from the SDK's own computeSignature verifies", () => {
  const config = runtime(WebhookProvider.coinbaseCommerce({ secrets: [secret] }));
  const key = '30291a20-0bd1-4267-9b0f-e6e7b123c0bf';
  const body = Buffer.from('{"id":1,"scheduled_for":"2017-01-31T20:50:02Z","attempt_number":1,"event":{"id":"24934862-d980-46cb-9402-43c81b0cdba6","type":"charge:created"}}');
  expect(verify(config, [key], { 'x-cc-webhook-signature': (coinbaseWebhook as unknown as { computeSignature: (p: string, s: string) => string }).computeSignature(body.toString(), key) }, body)).toEqual({ valid: true });
});
