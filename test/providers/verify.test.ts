// Over 400 lines: the verifier's cases per scheme family, one describe each, plus the property
// tests over every family; the families share fixtures declared at the top.
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { sortedForm } from '../../src/providers/form-params';
import type { HmacSchemeConfig, ProviderRuntimeConfig, PublicKeySchemeConfig, SignatureScheme } from '../../src/providers/provider-config';
import { isoSeconds } from '../../src/providers/timestamps';
import { verifySignature, type RejectionReason, type VerificationResult } from '../../src/providers/verify';

const NOW = 1_700_000_000;
const TOLERANCE = 300;

type Headers = Record<string, string>;

function providerConfig(scheme: SignatureScheme, extra: Partial<ProviderRuntimeConfig> = {}): ProviderRuntimeConfig {
  return { name: 'test', scheme, secretArns: [], toleranceSeconds: TOLERANCE, ...extra };
}

function hmac(algorithm: string, key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) {
    mac.update(part);
  }
  return mac.digest();
}

const VALID: VerificationResult = { valid: true };
function rejected(reason: RejectionReason): VerificationResult {
  return { valid: false, reason };
}

const JSON_BODY = Buffer.from('{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"amount":4200}}');
const UNICODE_BODY = Buffer.from('{"a":"é€😀"}\n  \t', 'utf8');
const WHITESPACE_BODY = Buffer.from(' \n\t\r\n ', 'utf8');
/** What API Gateway hands over base64-encoded: random bytes that are not valid UTF-8. */
const BINARY_BODY = Buffer.from(
  '//4AwyhiEnGDjtixFbEF+h6hnphX8QFDdOpncL0WYNSFAU6npckBLASbxnjb0jRsL/hx/UKW8X3SK53lUWFuU1FF+rE4smI63n8i+t2uaPwk0YhTd60Y8FAGPrxAHzFCvgzrBqw=',
  'base64',
);

// ---- every HMAC scheme, signed independently with node:crypto ----

interface HmacCase {
  readonly label: string;
  readonly config: ProviderRuntimeConfig;
  readonly secret: string;
  readonly otherSecret: string;
  readonly signatureHeader: string;
  /** Headers for `body` signed with `secret`; `timestamp` is ignored by untimed schemes. */
  readonly sign: (secret: string, body: Buffer, timestamp: string) => Headers;
  readonly timed: boolean;
}

function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

/** A real Ed25519 public key (hex), so the fuzzed public-key scheme reaches the signature check. */
const FUZZ_ED25519_HEX = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const STANDARD_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const STANDARD_OTHER_SECRET = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
const MESSAGE_ID = 'msg_2mpHNrJ4uJ1TQ3RWaDcE0fKxHb8';

function genericConfig(hmacSettings: HmacSchemeConfig): ProviderRuntimeConfig {
  return providerConfig('hmac', { hmac: hmacSettings });
}

const HMAC_CASES: readonly HmacCase[] = [
  {
    label: 'stripe',
    config: providerConfig('stripe'),
    secret: 'whsec_stripe_signing_secret',
    otherSecret: 'whsec_other_signing_secret',
    signatureHeader: 'stripe-signature',
    timed: true,
    sign: (secret, body, t) => ({ 'stripe-signature': `t=${t},v1=${hmac('sha256', secret, `${t}.`, body).toString('hex')}` }),
  },
  {
    label: 'github',
    config: providerConfig('github'),
    secret: 'github-secret',
    otherSecret: 'github-other-secret',
    signatureHeader: 'x-hub-signature-256',
    timed: false,
    sign: (secret, body) => ({ 'x-hub-signature-256': `sha256=${hmac('sha256', secret, body).toString('hex')}` }),
  },
  {
    label: 'shopify',
    config: providerConfig('shopify'),
    secret: 'shpss_shopify_secret',
    otherSecret: 'shpss_other_secret',
    signatureHeader: 'x-shopify-hmac-sha256',
    timed: false,
    sign: (secret, body) => ({ 'x-shopify-hmac-sha256': hmac('sha256', secret, body).toString('base64') }),
  },
  {
    label: 'slack',
    config: providerConfig('slack'),
    secret: '8f742231b10e8888abcd99yyyzzz85a5',
    otherSecret: '0000000000000000abcd99yyyzzz85a5',
    signatureHeader: 'x-slack-signature',
    timed: true,
    sign: (secret, body, t) => ({
      'x-slack-request-timestamp': t,
      'x-slack-signature': `v0=${hmac('sha256', secret, `v0:${t}:`, body).toString('hex')}`,
    }),
  },
  {
    label: 'standard-webhooks',
    config: providerConfig('standard-webhooks'),
    secret: STANDARD_SECRET,
    otherSecret: STANDARD_OTHER_SECRET,
    signatureHeader: 'webhook-signature',
    timed: true,
    sign: (secret, body, t) => ({
      'webhook-id': MESSAGE_ID,
      'webhook-timestamp': t,
      'webhook-signature': `v1,${hmac('sha256', standardWebhooksKey(secret), `${MESSAGE_ID}.${t}.`, body).toString('base64')}`,
    }),
  },
  {
    label: 'hmac sha256 hex with prefix',
    config: genericConfig({ header: 'x-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' }),
    secret: 'generic-secret',
    otherSecret: 'generic-other-secret',
    signatureHeader: 'x-signature',
    timed: false,
    sign: (secret, body) => ({ 'x-signature': `sha256=${hmac('sha256', secret, body).toString('hex')}` }),
  },
  {
    label: 'hmac sha512 base64 with timestamp',
    config: genericConfig({ header: 'x-signature', algorithm: 'sha512', encoding: 'base64', timestampHeader: 'x-timestamp' }),
    secret: 'generic-secret',
    otherSecret: 'generic-other-secret',
    signatureHeader: 'x-signature',
    timed: true,
    sign: (secret, body, t) => ({ 'x-timestamp': t, 'x-signature': hmac('sha512', secret, `${t}.`, body).toString('base64') }),
  },
  {
    label: 'hmac sha1 hex',
    config: genericConfig({ header: 'x-signature', algorithm: 'sha1', encoding: 'hex' }),
    secret: 'generic-secret',
    otherSecret: 'generic-other-secret',
    signatureHeader: 'x-signature',
    timed: false,
    sign: (secret, body) => ({ 'x-signature': hmac('sha1', secret, body).toString('hex') }),
  },
];
const TIMED_CASES = HMAC_CASES.filter((c) => c.timed);

function verifyCase(c: HmacCase, secrets: readonly string[], headers: Headers, body: Buffer, now = NOW): VerificationResult {
  return verifySignature(c.config, secrets, headers, body, now);
}

function tampered(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  copy[copy.length - 1] = (copy[copy.length - 1] + 1) % 256;
  return copy;
}

describe.each(HMAC_CASES)('$label', (c) => {
  const signed = (body: Buffer, secret = c.secret, t = String(NOW)): Headers => c.sign(secret, body, t);

  test('accepts a delivery signed with the secret', () => {
    expect(verifyCase(c, [c.secret], signed(JSON_BODY), JSON_BODY)).toEqual(VALID);
  });

  test('rejects a tampered body', () => {
    expect(verifyCase(c, [c.secret], signed(JSON_BODY), tampered(JSON_BODY))).toEqual(rejected('invalid_signature'));
  });

  test('rejects a body with an extra trailing newline', () => {
    const body = Buffer.concat([JSON_BODY, Buffer.from('\n')]);
    expect(verifyCase(c, [c.secret], signed(JSON_BODY), body)).toEqual(rejected('invalid_signature'));
  });

  test('rejects a delivery signed with another secret', () => {
    expect(verifyCase(c, [c.secret], signed(JSON_BODY, c.otherSecret), JSON_BODY)).toEqual(rejected('invalid_signature'));
  });

  test('accepts a delivery signed with the second of two live secrets', () => {
    expect(verifyCase(c, [c.otherSecret, c.secret], signed(JSON_BODY), JSON_BODY)).toEqual(VALID);
  });

  test('accepts a unicode body with trailing whitespace', () => {
    expect(verifyCase(c, [c.secret], signed(UNICODE_BODY), UNICODE_BODY)).toEqual(VALID);
  });

  test('accepts a whitespace-only body', () => {
    expect(verifyCase(c, [c.secret], signed(WHITESPACE_BODY), WHITESPACE_BODY)).toEqual(VALID);
  });

  test('accepts a binary (invalid UTF-8) body byte for byte', () => {
    expect(verifyCase(c, [c.secret], signed(BINARY_BODY), BINARY_BODY)).toEqual(VALID);
  });

  test('rejects a signature over the UTF-8 decoded text of a binary body', () => {
    const reencoded = Buffer.from(BINARY_BODY.toString('utf8'), 'utf8');
    expect(verifyCase(c, [c.secret], signed(reencoded), BINARY_BODY)).toEqual(rejected('invalid_signature'));
  });

  test('rejects a delivery without the signature header', () => {
    const headers = signed(JSON_BODY);
    delete headers[c.signatureHeader];
    expect(verifyCase(c, [c.secret], headers, JSON_BODY)).toEqual(rejected('missing_signature'));
  });

  test('treats an empty signature header as missing', () => {
    const headers = { ...signed(JSON_BODY), [c.signatureHeader]: '' };
    expect(verifyCase(c, [c.secret], headers, JSON_BODY)).toEqual(rejected('missing_signature'));
  });

  test('rejects a truncated signature', () => {
    const headers = signed(JSON_BODY);
    headers[c.signatureHeader] = headers[c.signatureHeader].slice(0, -2);
    expect(verifyCase(c, [c.secret], headers, JSON_BODY)).toEqual(rejected('invalid_signature'));
  });

  test('returns no_secret without secrets', () => {
    expect(verifyCase(c, [], signed(JSON_BODY), JSON_BODY)).toEqual(rejected('no_secret'));
  });

  test('returns no_secret when the only secret is empty', () => {
    expect(verifyCase(c, [''], signed(JSON_BODY), JSON_BODY)).toEqual(rejected('no_secret'));
  });

  test('skips an empty secret next to a live one', () => {
    expect(verifyCase(c, ['', c.secret], signed(JSON_BODY), JSON_BODY)).toEqual(VALID);
  });
});

describe.each(TIMED_CASES)('$label timestamps', (c) => {
  const signedAt = (t: string): Headers => c.sign(c.secret, JSON_BODY, t);

  test('accepts a timestamp exactly at the tolerance in the past', () => {
    expect(verifyCase(c, [c.secret], signedAt(String(NOW - TOLERANCE)), JSON_BODY)).toEqual(VALID);
  });

  test('accepts a timestamp exactly at the tolerance in the future', () => {
    expect(verifyCase(c, [c.secret], signedAt(String(NOW + TOLERANCE)), JSON_BODY)).toEqual(VALID);
  });

  test('rejects a stale timestamp', () => {
    expect(verifyCase(c, [c.secret], signedAt(String(NOW - TOLERANCE - 1)), JSON_BODY)).toEqual(rejected('stale_timestamp'));
  });

  test('rejects a future timestamp', () => {
    expect(verifyCase(c, [c.secret], signedAt(String(NOW + TOLERANCE + 1)), JSON_BODY)).toEqual(rejected('future_timestamp'));
  });

  test('honours the configured tolerance', () => {
    const config = { ...c.config, toleranceSeconds: 10 };
    expect(verifySignature(config, [c.secret], signedAt(String(NOW - 11)), JSON_BODY, NOW)).toEqual(rejected('stale_timestamp'));
  });

  test('rejects a delivery without a timestamp', () => {
    expect(verifyCase(c, [c.secret], signedAt(''), JSON_BODY)).toEqual(rejected('missing_timestamp'));
  });

  test.each(['abc', '+1700000000', '-1700000000', '1700000000.5', ' 1700000000', '1e9', '0x6553f100', '99999999999999999999'])(
    'rejects the signed timestamp %j as malformed',
    (t) => {
      expect(verifyCase(c, [c.secret], signedAt(t), JSON_BODY)).toEqual(rejected('malformed_signature'));
    },
  );

  test('rejects when the clock is not a number (fail closed)', () => {
    expect(verifyCase(c, [c.secret], signedAt(String(NOW)), JSON_BODY, Number.NaN)).toMatchObject({ valid: false });
  });
});

// ---- Stripe ----

describe('stripe against the stripe package', () => {
  const stripe = new Stripe('sk_test_not_a_real_key');
  const secret = 'whsec_stripe_oracle_secret';
  const config = providerConfig('stripe');
  const payload = JSON_BODY.toString('utf8');

  function stripeHeader(body: string, options: { secret?: string; timestamp?: number } = {}): string {
    return stripe.webhooks.generateTestHeaderString({ payload: body, secret: options.secret ?? secret, timestamp: options.timestamp ?? NOW });
  }

  function stripeAccepts(body: string, header: string, secrets: readonly string[]): boolean {
    return secrets.some((s) => {
      try {
        stripe.webhooks.constructEvent(body, header, s, TOLERANCE, undefined, NOW * 1000);
        return true;
      } catch {
        return false;
      }
    });
  }

  test('accepts a header from generateTestHeaderString', () => {
    expect(verifySignature(config, [secret], { 'stripe-signature': stripeHeader(payload) }, JSON_BODY, NOW)).toEqual(VALID);
  });

  const validSignature = (body: string): string => hmac('sha256', secret, `${NOW}.`, body).toString('hex');
  const cases: ReadonlyArray<{ name: string; body: string; header: () => string; secrets: readonly string[] }> = [
    { name: 'a valid delivery', body: payload, header: () => stripeHeader(payload), secrets: [secret] },
    { name: 'a tampered body', body: payload.replace('4200', '4201'), header: () => stripeHeader(payload), secrets: [secret] },
    { name: 'a wrong secret', body: payload, header: () => stripeHeader(payload, { secret: 'whsec_wrong' }), secrets: [secret] },
    { name: 'a rotated secret', body: payload, header: () => stripeHeader(payload), secrets: ['whsec_retired', secret] },
    { name: 'a stale timestamp', body: payload, header: () => stripeHeader(payload, { timestamp: NOW - TOLERANCE - 1 }), secrets: [secret] },
    { name: 'a timestamp at the tolerance', body: payload, header: () => stripeHeader(payload, { timestamp: NOW - TOLERANCE }), secrets: [secret] },
    { name: 'a unicode body', body: '{"a":"é€😀"}\n  \t', header: () => stripeHeader('{"a":"é€😀"}\n  \t'), secrets: [secret] },
    { name: 'several v1 signatures, one valid', body: payload, header: () => `t=${NOW},v1=${'0'.repeat(64)},v1=${validSignature(payload)}`, secrets: [secret] },
    { name: 'only a v0 signature', body: payload, header: () => `t=${NOW},v0=${validSignature(payload)}`, secrets: [secret] },
    { name: 'v1 before t', body: payload, header: () => `v1=${validSignature(payload)},t=${NOW}`, secrets: [secret] },
    { name: 'no timestamp', body: payload, header: () => `v1=${validSignature(payload)}`, secrets: [secret] },
    { name: 'a garbage header', body: payload, header: () => 'not a stripe header', secrets: [secret] },
  ];

  test.each(cases)('agrees with constructEvent on $name', ({ body, header, secrets }) => {
    const headerValue = header();
    const ours = verifySignature(config, secrets, { 'stripe-signature': headerValue }, Buffer.from(body, 'utf8'), NOW);
    expect(ours.valid).toBe(stripeAccepts(body, headerValue, secrets));
  });

  test('accepts any one of several v1 signatures', () => {
    const header = `t=${NOW},v1=${validSignature(payload).replace(/^./, 'f')},v1=${validSignature(payload)},v0=${'0'.repeat(64)}`;
    expect(verifySignature(config, [secret], { 'stripe-signature': header }, JSON_BODY, NOW)).toEqual(VALID);
  });

  test('does not accept a valid HMAC under v0', () => {
    const header = `t=${NOW},v0=${validSignature(payload)}`;
    expect(verifySignature(config, [secret], { 'stripe-signature': header }, JSON_BODY, NOW)).toEqual(rejected('malformed_signature'));
  });

  test('rejects a header without t as missing_timestamp', () => {
    const header = `v1=${validSignature(payload)}`;
    expect(verifySignature(config, [secret], { 'stripe-signature': header }, JSON_BODY, NOW)).toEqual(rejected('missing_timestamp'));
  });

  test('rejects a header that is not key=value pairs as malformed', () => {
    expect(verifySignature(config, [secret], { 'stripe-signature': 'garbage' }, JSON_BODY, NOW)).toEqual(rejected('malformed_signature'));
  });

  test('is stricter than the stripe package about future timestamps', () => {
    const header = stripeHeader(payload, { timestamp: NOW + TOLERANCE + 60 });
    expect(stripeAccepts(payload, header, [secret])).toBe(true);
    expect(verifySignature(config, [secret], { 'stripe-signature': header }, JSON_BODY, NOW)).toEqual(rejected('future_timestamp'));
  });
});

// ---- GitHub ----

describe('github', () => {
  const config = providerConfig('github');

  test("verifies GitHub's documented example", () => {
    const headers = { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' };
    expect(verifySignature(config, ["It's a Secret to Everybody"], headers, Buffer.from('Hello, World!'), NOW)).toEqual(VALID);
  });

  test('rejects a sha1= value in x-hub-signature-256 as malformed', () => {
    const headers = { 'x-hub-signature-256': `sha1=${hmac('sha1', 'secret', JSON_BODY).toString('hex')}` };
    expect(verifySignature(config, ['secret'], headers, JSON_BODY, NOW)).toEqual(rejected('malformed_signature'));
  });

  test('ignores the legacy SHA-1 x-hub-signature header', () => {
    const headers = { 'x-hub-signature': `sha1=${hmac('sha1', 'secret', JSON_BODY).toString('hex')}` };
    expect(verifySignature(config, ['secret'], headers, JSON_BODY, NOW)).toEqual(rejected('missing_signature'));
  });

  test('rejects a signature with non-hex characters', () => {
    const headers = { 'x-hub-signature-256': `sha256=${'z'.repeat(64)}` };
    expect(verifySignature(config, ['secret'], headers, JSON_BODY, NOW)).toEqual(rejected('invalid_signature'));
  });
});

interface OctokitCase {
  readonly name: string;
  readonly signSecret: string;
  readonly signPayload: string;
  readonly verifySecrets: readonly string[];
  readonly verifyPayload: string;
}

interface OctokitResult {
  readonly signature: string;
  readonly verified: boolean;
}

const OCTOKIT_CASES: readonly OctokitCase[] = [
  { name: 'a valid delivery', signSecret: 's3cr3t', signPayload: '{"action":"opened"}', verifySecrets: ['s3cr3t'], verifyPayload: '{"action":"opened"}' },
  { name: 'a tampered body', signSecret: 's3cr3t', signPayload: '{"action":"opened"}', verifySecrets: ['s3cr3t'], verifyPayload: '{"action":"closed"}' },
  { name: 'a wrong secret', signSecret: 'other', signPayload: '{"action":"opened"}', verifySecrets: ['s3cr3t'], verifyPayload: '{"action":"opened"}' },
  { name: 'a rotated secret', signSecret: 's3cr3t', signPayload: '{"action":"opened"}', verifySecrets: ['retired', 's3cr3t'], verifyPayload: '{"action":"opened"}' },
  { name: 'a unicode body', signSecret: 's3cr3t', signPayload: '{"a":"é€😀"}\n  \t', verifySecrets: ['s3cr3t'], verifyPayload: '{"a":"é€😀"}\n  \t' },
  { name: 'a whitespace body', signSecret: 's3cr3t', signPayload: ' \n\t ', verifySecrets: ['s3cr3t'], verifyPayload: ' \n\t ' },
  { name: 'a unicode secret', signSecret: 'sécret-€', signPayload: '{"zen":"Keep it logically awesome."}', verifySecrets: ['sécret-€'], verifyPayload: '{"zen":"Keep it logically awesome."}' },
];

describe('github against @octokit/webhooks-methods', () => {
  const config = providerConfig('github');
  let results: readonly OctokitResult[] = [];

  beforeAll(() => {
    // The package is ESM-only; a child node process runs it and reports signatures and verdicts.
    const output = execFileSync(process.execPath, [path.join(__dirname, 'octokit-oracle.mjs')], {
      input: JSON.stringify(OCTOKIT_CASES),
      encoding: 'utf8',
    });
    results = JSON.parse(output) as OctokitResult[];
  });

  test('produced one result per case', () => {
    expect(results).toHaveLength(OCTOKIT_CASES.length);
  });

  test.each(OCTOKIT_CASES.map((c, i) => ({ ...c, i })))('agrees with verify on $name', ({ i, verifySecrets, verifyPayload }) => {
    const { signature, verified } = results[i];
    const ours = verifySignature(config, verifySecrets, { 'x-hub-signature-256': signature }, Buffer.from(verifyPayload, 'utf8'), NOW);
    expect(ours.valid).toBe(verified);
  });

  test('accepts the signature from sign for a valid delivery', () => {
    const ours = verifySignature(config, ['s3cr3t'], { 'x-hub-signature-256': results[0].signature }, Buffer.from('{"action":"opened"}'), NOW);
    expect(ours).toEqual(VALID);
  });
});

// ---- Shopify ----

describe('shopify', () => {
  const config = providerConfig('shopify');
  const secret = 'shpss_shopify_secret';
  const signature = hmac('sha256', secret, JSON_BODY).toString('base64');

  test('rejects a hex-encoded signature', () => {
    const headers = { 'x-shopify-hmac-sha256': hmac('sha256', secret, JSON_BODY).toString('hex') };
    expect(verifySignature(config, [secret], headers, JSON_BODY, NOW)).toEqual(rejected('invalid_signature'));
  });

  test('rejects a signature without its base64 padding', () => {
    const headers = { 'x-shopify-hmac-sha256': signature.replace(/=+$/, '') };
    expect(verifySignature(config, [secret], headers, JSON_BODY, NOW)).toEqual(rejected('invalid_signature'));
  });

  test('rejects a signature with surrounding whitespace', () => {
    const headers = { 'x-shopify-hmac-sha256': ` ${signature.slice(0, -1)}` };
    expect(verifySignature(config, [secret], headers, JSON_BODY, NOW)).toEqual(rejected('invalid_signature'));
  });
});

// ---- Slack ----

describe('slack', () => {
  const config = providerConfig('slack');
  // The worked example of https://api.slack.com/authentication/verifying-requests-from-slack
  const docSecret = '8f742231b10e8888abcd99yyyzzz85a5';
  const docTimestamp = 1531420618;
  const docBody =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const docHeaders = {
    'x-slack-request-timestamp': String(docTimestamp),
    'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  };

  test("verifies Slack's documented example", () => {
    expect(verifySignature(config, [docSecret], docHeaders, Buffer.from(docBody), docTimestamp + 30)).toEqual(VALID);
  });

  test("rejects Slack's documented example as stale today", () => {
    expect(verifySignature(config, [docSecret], docHeaders, Buffer.from(docBody), NOW)).toEqual(rejected('stale_timestamp'));
  });

  test('rejects a signature without the v0= prefix as malformed', () => {
    const headers = { ...docHeaders, 'x-slack-signature': docHeaders['x-slack-signature'].slice(3) };
    expect(verifySignature(config, [docSecret], headers, Buffer.from(docBody), docTimestamp)).toEqual(rejected('malformed_signature'));
  });
});

// ---- Standard Webhooks / Svix ----

describe('standard-webhooks', () => {
  const config = providerConfig('standard-webhooks');
  const payload = '{"type":"invoice.paid","data":{"id":"inv_1","amount":4200}}';
  const body = Buffer.from(payload);

  beforeEach(() => {
    // The official libraries read the clock themselves.
    jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function officialHeaders(secret: string, content: string, timestamp = NOW, id = MESSAGE_ID): Headers {
    const signature = new StandardWebhook(secret).sign(id, new Date(timestamp * 1000), content);
    return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
  }

  function officialAccepts(verifier: { verify(p: string, h: Headers): unknown }, content: string, headers: Headers): boolean {
    try {
      verifier.verify(content, headers);
      return true;
    } catch {
      return false;
    }
  }

  test("verifies the specification's published vector", () => {
    // From the reference library's tests (standard-webhooks/standard-webhooks, libraries/javascript).
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    const result = verifySignature(config, ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], headers, Buffer.from('{"test": 2432232314}'), 1614265330);
    expect(result).toEqual(VALID);
  });

  test('accepts a signature from Webhook#sign', () => {
    expect(verifySignature(config, [STANDARD_SECRET], officialHeaders(STANDARD_SECRET, payload), body, NOW)).toEqual(VALID);
  });

  test('accepts a secret without the whsec_ prefix', () => {
    const unprefixed = STANDARD_SECRET.slice('whsec_'.length);
    expect(verifySignature(config, [unprefixed], officialHeaders(STANDARD_SECRET, payload), body, NOW)).toEqual(VALID);
  });

  test('accepts svix-* header names', () => {
    const signature = new SvixWebhook(STANDARD_SECRET).sign(MESSAGE_ID, new Date(NOW * 1000), payload);
    const headers = { 'svix-id': MESSAGE_ID, 'svix-timestamp': String(NOW), 'svix-signature': signature };
    expect(verifySignature(config, [STANDARD_SECRET], headers, body, NOW)).toEqual(VALID);
  });

  test('accepts one valid v1 signature among several signatures and versions', () => {
    const valid = officialHeaders(STANDARD_SECRET, payload)['webhook-signature'];
    const bogus = 'Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
    const headers = { ...officialHeaders(STANDARD_SECRET, payload), 'webhook-signature': `v1,${bogus} v2,${bogus} ${valid} v1a,${bogus}` };
    expect(verifySignature(config, [STANDARD_SECRET], headers, body, NOW)).toEqual(VALID);
  });

  test('rejects a list without any v1 signature as malformed', () => {
    const signature = officialHeaders(STANDARD_SECRET, payload)['webhook-signature'].slice('v1,'.length);
    const headers = { ...officialHeaders(STANDARD_SECRET, payload), 'webhook-signature': `v2,${signature} v1a,${signature}` };
    expect(verifySignature(config, [STANDARD_SECRET], headers, body, NOW)).toEqual(rejected('malformed_signature'));
  });

  test('rejects a delivery without webhook-id as malformed', () => {
    const headers = officialHeaders(STANDARD_SECRET, payload);
    delete headers['webhook-id'];
    expect(verifySignature(config, [STANDARD_SECRET], headers, body, NOW)).toEqual(rejected('malformed_signature'));
  });

  test('binds the signature to the message id', () => {
    const headers = { ...officialHeaders(STANDARD_SECRET, payload), 'webhook-id': 'msg_other' };
    expect(verifySignature(config, [STANDARD_SECRET], headers, body, NOW)).toEqual(rejected('invalid_signature'));
  });

  test('returns no_secret when no secret is base64', () => {
    expect(verifySignature(config, ['whsec_not base64!'], officialHeaders(STANDARD_SECRET, payload), body, NOW)).toEqual(rejected('no_secret'));
  });

  test('skips a secret that is not base64 next to a live one', () => {
    const secrets = ['whsec_not base64!', STANDARD_SECRET];
    expect(verifySignature(config, secrets, officialHeaders(STANDARD_SECRET, payload), body, NOW)).toEqual(VALID);
  });

  const cases: ReadonlyArray<{ name: string; content: string; headers: () => Headers; secrets: readonly string[] }> = [
    { name: 'a valid delivery', content: payload, headers: () => officialHeaders(STANDARD_SECRET, payload), secrets: [STANDARD_SECRET] },
    { name: 'a tampered body', content: payload.replace('4200', '4201'), headers: () => officialHeaders(STANDARD_SECRET, payload), secrets: [STANDARD_SECRET] },
    { name: 'a wrong secret', content: payload, headers: () => officialHeaders(STANDARD_OTHER_SECRET, payload), secrets: [STANDARD_SECRET] },
    { name: 'a stale timestamp', content: payload, headers: () => officialHeaders(STANDARD_SECRET, payload, NOW - TOLERANCE - 1), secrets: [STANDARD_SECRET] },
    { name: 'a future timestamp', content: payload, headers: () => officialHeaders(STANDARD_SECRET, payload, NOW + TOLERANCE + 1), secrets: [STANDARD_SECRET] },
    { name: 'a timestamp at the tolerance', content: payload, headers: () => officialHeaders(STANDARD_SECRET, payload, NOW + TOLERANCE), secrets: [STANDARD_SECRET] },
    { name: 'a unicode body', content: '{"a":"é€😀"}\n  \t', headers: () => officialHeaders(STANDARD_SECRET, '{"a":"é€😀"}\n  \t'), secrets: [STANDARD_SECRET] },
    { name: 'a unicode message id', content: payload, headers: () => officialHeaders(STANDARD_SECRET, payload, NOW, 'msg_é€'), secrets: [STANDARD_SECRET] },
    {
      name: 'a partial signature',
      content: payload,
      headers: () => ({ ...officialHeaders(STANDARD_SECRET, payload), 'webhook-signature': 'v1,' }),
      secrets: [STANDARD_SECRET],
    },
  ];

  test.each(cases)('agrees with standardwebhooks Webhook#verify on $name', ({ content, headers, secrets }) => {
    const headerValues = headers();
    const ours = verifySignature(config, secrets, headerValues, Buffer.from(content, 'utf8'), NOW);
    expect(ours.valid).toBe(officialAccepts(new StandardWebhook(secrets[0]), content, headerValues));
  });

  test.each(cases)('agrees with svix Webhook#verify on $name (svix-* headers)', ({ content, headers, secrets }) => {
    const h = headers();
    const svixHeaders = { 'svix-id': h['webhook-id'], 'svix-timestamp': h['webhook-timestamp'], 'svix-signature': h['webhook-signature'] };
    const ours = verifySignature(config, secrets, svixHeaders, Buffer.from(content, 'utf8'), NOW);
    expect(ours.valid).toBe(officialAccepts(new SvixWebhook(secrets[0]), content, svixHeaders));
  });
});

// ---- generic HMAC ----

describe('hmac', () => {
  const secret = 'generic-secret';

  test.each([
    ['sha1', 'hex'],
    ['sha1', 'base64'],
    ['sha256', 'hex'],
    ['sha256', 'base64'],
    ['sha512', 'hex'],
    ['sha512', 'base64'],
  ] as const)('accepts %s signatures in %s', (algorithm, encoding) => {
    const config = genericConfig({ header: 'x-sig', algorithm, encoding });
    const headers = { 'x-sig': hmac(algorithm, secret, JSON_BODY).toString(encoding) };
    expect(verifySignature(config, [secret], headers, JSON_BODY, NOW)).toEqual(VALID);
  });

  test('accepts upper-case hex', () => {
    const config = genericConfig({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex' });
    const headers = { 'x-sig': hmac('sha256', secret, JSON_BODY).toString('hex').toUpperCase() };
    expect(verifySignature(config, [secret], headers, JSON_BODY, NOW)).toEqual(VALID);
  });

  test('rejects a signature whose non-ASCII characters would alias its hex digits in latin1', () => {
    const config = genericConfig({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex' });
    const digest = hmac('sha256', secret, JSON_BODY).toString('hex');
    // U+0161 is written as 0x61 ('a') in latin1: one character that would alias a hex digit.
    const at = digest.indexOf('a');
    expect(at).toBeGreaterThanOrEqual(0);
    const headers = { 'x-sig': `${digest.slice(0, at)}\u0161${digest.slice(at + 1)}` };
    expect(verifySignature(config, [secret], headers, JSON_BODY, NOW)).toEqual(rejected('invalid_signature'));
  });

  test('a rejected upper-case hex signature leaves nothing behind for the next comparison', () => {
    const config = genericConfig({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex' });
    const digest = hmac('sha256', secret, JSON_BODY).toString('hex');
    const wrong = `${digest.slice(0, -1)}${digest.endsWith('0') ? '1' : '0'}`.toUpperCase();
    expect(verifySignature(config, [secret], { 'x-sig': wrong }, JSON_BODY, NOW)).toEqual(rejected('invalid_signature'));
    expect(verifySignature(config, [secret], { 'x-sig': digest.toUpperCase() }, JSON_BODY, NOW)).toEqual(VALID);
    expect(verifySignature(config, [secret], { 'x-sig': digest }, JSON_BODY, NOW)).toEqual(VALID);
    expect(verifySignature(config, [secret], { 'x-sig': wrong.toLowerCase() }, JSON_BODY, NOW)).toEqual(rejected('invalid_signature'));
  });

  test('rejects a signature without the configured prefix as malformed', () => {
    const config = genericConfig({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' });
    const headers = { 'x-sig': hmac('sha256', secret, JSON_BODY).toString('hex') };
    expect(verifySignature(config, [secret], headers, JSON_BODY, NOW)).toEqual(rejected('malformed_signature'));
  });

  test('rejects a signature of another algorithm', () => {
    const config = genericConfig({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex' });
    const headers = { 'x-sig': hmac('sha512', secret, JSON_BODY).toString('hex') };
    expect(verifySignature(config, [secret], headers, JSON_BODY, NOW)).toEqual(rejected('invalid_signature'));
  });

  test('returns no_secret when the hmac settings are missing', () => {
    expect(verifySignature(providerConfig('hmac'), [secret], { 'x-sig': 'abc' }, JSON_BODY, NOW)).toEqual(rejected('no_secret'));
  });

  test('returns no_secret for an unsupported algorithm', () => {
    const config = genericConfig({ header: 'x-sig', algorithm: 'md5' as 'sha1', encoding: 'hex' });
    const headers = { 'x-sig': hmac('md5', secret, JSON_BODY).toString('hex') };
    expect(verifySignature(config, [secret], headers, JSON_BODY, NOW)).toEqual(rejected('no_secret'));
  });

  test('returns no_secret for an inherited property name as algorithm', () => {
    const config = genericConfig({ header: 'x-sig', algorithm: 'constructor' as 'sha1', encoding: 'hex' });
    expect(verifySignature(config, [secret], { 'x-sig': 'abc' }, JSON_BODY, NOW)).toEqual(rejected('no_secret'));
  });
});

// ---- API key and unverified ----

describe('api-key', () => {
  const config = providerConfig('api-key', { apiKeyHeader: 'x-api-key' });
  const key = 'key_3f9a8c7e6d5b4a39';

  test('accepts the key', () => {
    expect(verifySignature(config, [key], { 'x-api-key': key }, JSON_BODY, NOW)).toEqual(VALID);
  });

  test('accepts the second of two live keys', () => {
    expect(verifySignature(config, ['key_retired', key], { 'x-api-key': key }, JSON_BODY, NOW)).toEqual(VALID);
  });

  test('rejects another key', () => {
    expect(verifySignature(config, [key], { 'x-api-key': 'key_3f9a8c7e6d5b4a38' }, JSON_BODY, NOW)).toEqual(rejected('invalid_signature'));
  });

  test('rejects a prefix of the key', () => {
    expect(verifySignature(config, [key], { 'x-api-key': key.slice(0, -1) }, JSON_BODY, NOW)).toEqual(rejected('invalid_signature'));
  });

  test('rejects a delivery without the header', () => {
    expect(verifySignature(config, [key], { authorization: key }, JSON_BODY, NOW)).toEqual(rejected('missing_signature'));
  });

  test('does not accept an empty header against an empty secret', () => {
    expect(verifySignature(config, ['', key], { 'x-api-key': '' }, JSON_BODY, NOW)).toEqual(rejected('missing_signature'));
  });

  test('returns no_secret without a configured header', () => {
    expect(verifySignature(providerConfig('api-key'), [key], { 'x-api-key': key }, JSON_BODY, NOW)).toEqual(rejected('no_secret'));
  });

  test('returns no_secret without keys', () => {
    expect(verifySignature(config, [], { 'x-api-key': key }, JSON_BODY, NOW)).toEqual(rejected('no_secret'));
  });
});

describe('unverified', () => {
  test('accepts any delivery without secrets or headers', () => {
    expect(verifySignature(providerConfig('unverified'), [], {}, BINARY_BODY, Number.NaN)).toEqual(VALID);
  });
});

describe('unknown scheme', () => {
  test('fails closed', () => {
    const config = providerConfig('rot13' as SignatureScheme);
    expect(verifySignature(config, ['secret'], {}, JSON_BODY, NOW)).toEqual(rejected('no_secret'));
  });
});

// ---- robustness ----

const ALL_SCHEMES: readonly SignatureScheme[] = ['stripe', 'github', 'shopify', 'slack', 'standard-webhooks', 'hmac', 'api-key', 'public-key', 'basic-auth', 'unverified'];
const HEADER_NAMES = [
  'authorization', 'x-ts', 'x-signature-ed25519', 'x-signature-timestamp',
  'stripe-signature', 'x-hub-signature-256', 'x-shopify-hmac-sha256', 'x-slack-signature', 'x-slack-request-timestamp',
  'webhook-id', 'webhook-timestamp', 'webhook-signature', 'svix-id', 'svix-timestamp', 'svix-signature',
  'x-sig', 'x-ts', 'x-api-key', '__proto__', 'constructor', 'x-sig-1', 'x-sig-2', 'x-sig-100',
];
/** Pieces of the signature syntaxes, so generated headers reach deep into the parsers. */
const SYNTAX_FRAGMENTS = ['Basic ', 'dXNlcjpwYXNz', 'v1a,', 'ts=', 'h1=', ';', '2021-03-25T05:09:27Z', '2021-03-25T05:09:27.123456789Z', '1700000000000', 't=', 'v1=', 'v0=', 'v1,', 'v2,', 'sha256=', ',', ' ', '=', '1700000000', 'a'.repeat(64), 'QUJD', '==', '\u0000', '😀', '\uD800'];

const headerValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.oneof(fc.constantFrom(...SYNTAX_FRAGMENTS), fc.string({ maxLength: 8 })), { maxLength: 30 }).map((parts) => parts.join('')),
);
const headersArbitrary = fc.dictionary(fc.oneof(fc.constantFrom(...HEADER_NAMES), fc.string({ maxLength: 20 })), headerValue, { maxKeys: 12 });
const hmacSettingsArbitrary = fc.record({
  header: fc.constantFrom('x-sig', '', '__proto__'),
  algorithm: fc.constantFrom('sha1', 'sha256', 'sha512', 'md5', 'toString', ''),
  encoding: fc.constantFrom('hex', 'base64', 'base64url', 'valueOf'),
  prefix: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  timestampHeader: fc.option(fc.constantFrom('x-ts', 'x-sig', ''), { nil: undefined }),
  // The signed-content engine (signed-content.ts): templates, lists, JSON-borne signatures, units.
  content: fc.option(fc.oneof(
    fc.constantFrom('{body}', '{ts}.{body}', '{url}{form}', '{method}{url}{body}{ts}', '{h:x-id}.{ts}.{body}', '{ts}{j:signature.token}', '{j:__proto__}', '{unknown}'),
    fc.string({ maxLength: 20 }),
  ), { nil: undefined }),
  list: fc.option(fc.record({
    separator: fc.constantFrom(',', ';', ' ', ''),
    keySeparator: fc.constantFrom('=', ',', ''),
    signatureKey: fc.constantFrom('v1', 'h1', 'v1a', ''),
    timestampKey: fc.option(fc.constantFrom('t', 'ts'), { nil: undefined }),
  }), { nil: undefined }),
  signatureJsonPath: fc.option(fc.constantFrom('signature.signature', '', '__proto__', 'a.b.c'), { nil: undefined }),
  timestampJsonPath: fc.option(fc.constantFrom('signature.timestamp', 'webhookTimestamp', ''), { nil: undefined }),
  timestampUnit: fc.option(fc.constantFrom('s', 'ms', 'iso', 'bogus'), { nil: undefined }),
  // Keys given encoded (Adyen hex, Airtable base64) and numbered signature headers (DocuSign).
  keyEncoding: fc.option(fc.constantFrom('hex', 'base64', 'bogus', '__proto__'), { nil: undefined }),
  numberedHeaders: fc.option(fc.oneof(fc.integer({ min: -3, max: 150 }), fc.constantFrom(Number.NaN, Infinity)), { nil: undefined }),
}, { requiredKeys: ['header', 'algorithm', 'encoding'] }) as fc.Arbitrary<HmacSchemeConfig>;
const publicKeySettingsArbitrary = fc.record({
  algorithm: fc.constantFrom('ed25519', 'ecdsa-p256', 'rsa', ''),
  header: fc.constantFrom('x-sig', 'x-signature-ed25519', ''),
  encoding: fc.constantFrom('hex', 'base64', 'base64url'),
  timestampHeader: fc.option(fc.constantFrom('x-ts', 'x-signature-timestamp'), { nil: undefined }),
  content: fc.option(fc.constantFrom('{ts}{body}', '{body}', '{url}'), { nil: undefined }),
  publicKey: fc.option(fc.oneof(fc.constant(FUZZ_ED25519_HEX), fc.constant('whpk_'), fc.string({ maxLength: 80 })), { nil: undefined }),
}) as fc.Arbitrary<PublicKeySchemeConfig>;
const configArbitrary = fc.record({
  scheme: fc.constantFrom(...ALL_SCHEMES),
  toleranceSeconds: fc.oneof(fc.integer({ min: -10, max: 1000 }), fc.constantFrom(Number.NaN, Infinity)),
  hmac: fc.option(hmacSettingsArbitrary, { nil: undefined }),
  apiKeyHeader: fc.option(fc.constantFrom('x-api-key', '', 'constructor'), { nil: undefined }),
  publicKey: fc.option(publicKeySettingsArbitrary, { nil: undefined }),
  publicUrl: fc.option(fc.constantFrom('https://example.com/webhook/x', ''), { nil: undefined }),
}).map((partial) => providerConfig(partial.scheme, partial));
const secretsArbitrary = fc.array(
  fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constant(STANDARD_SECRET), fc.constant('whsec_'), fc.constant(''), fc.constant(FUZZ_ED25519_HEX), fc.constant('user:pass'), fc.constant('QUJD')),
  { maxLength: 3 },
);
const bodyArbitrary = fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes));
const nonEmptyBodyArbitrary = fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes) => Buffer.from(bytes));
const clockArbitrary = fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.constantFrom(NOW, Number.NaN, -1));

describe('robustness', () => {
  test('never throws and always returns a known verdict', () => {
    const reasons = new Set<RejectionReason>([
      'missing_signature', 'malformed_signature', 'missing_timestamp', 'stale_timestamp', 'future_timestamp', 'invalid_signature', 'no_secret',
    ]);
    fc.assert(
      fc.property(configArbitrary, secretsArbitrary, headersArbitrary, bodyArbitrary, clockArbitrary, (config, secrets, headers, body, now) => {
        const result = verifySignature(config, secrets, headers, body, now);
        return result.valid === true || reasons.has(result.reason);
      }),
      { numRuns: 2000 },
    );
  });

  test('fails closed instead of throwing on input outside its types', () => {
    const notAnArray = undefined as unknown as string[];
    expect(verifySignature(providerConfig('github'), notAnArray, {}, JSON_BODY, NOW)).toEqual(rejected('invalid_signature'));
  });

  test('keeps verifying while more secrets pass through than its key caches hold', () => {
    const standardCase = HMAC_CASES.find((c) => c.label === 'standard-webhooks')!;
    const verdicts = Array.from({ length: 200 }, (_, i) => {
      const secret = `whsec_${Buffer.from(`rotating-secret-${i}`).toString('base64')}`;
      const headers = standardCase.sign(secret, JSON_BODY, String(NOW));
      return verifySignature(providerConfig('standard-webhooks'), [secret], headers, JSON_BODY, NOW).valid;
    });
    expect(verdicts.every(Boolean)).toBe(true);
  });

  test('accepts any body signed with node:crypto and rejects it after any one-byte change', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HMAC_CASES), nonEmptyBodyArbitrary, fc.nat(), fc.integer({ min: 1, max: 255 }), (c, body, at, flip) => {
        const headers = c.sign(c.secret, body, String(NOW));
        const changed = Buffer.from(body);
        const index = at % changed.length;
        changed[index] = (changed[index] + flip) % 256;
        return verifyCase(c, [c.secret], headers, body).valid && !verifyCase(c, [c.secret], headers, changed).valid;
      }),
      { numRuns: 300 },
    );
  });
});

describe('form parameters (Twilio)', () => {
  /** The reference: the WHATWG parser, as URLSearchParams implements it. */
  const reference = (body: Buffer) => {
    const params = new URLSearchParams(body.toString('utf8'));
    let text = '';
    for (const name of [...new Set(params.keys())].sort()) {
      for (const value of [...new Set(params.getAll(name))].sort()) text += name + value;
    }
    return text;
  };

  test('are read exactly as URLSearchParams reads them, for any body', () => {
    const piece = fc.oneof(
      fc.constantFrom('&', '=', '+', '%', '%2', '%20', '%2B', '%C3%A9', '%E2%82', '%FF', '%zz', 'a', 'B', '\u00e9', '😀', '\uD800'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }).map((parts) => parts.join('')), (text) => {
      const body = Buffer.from(text, 'utf8');
      return sortedForm(body) === reference(body);
    }), { numRuns: 2000 });
  });
});

describe('ISO 8601 timestamps (Zendesk, Twitch)', () => {
  /** The reference: Date.parse, with digits beyond milliseconds dropped. */
  const reference = (text: string) => {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
    const ms = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
    return Number.isFinite(ms) ? ms / 1000 : undefined;
  };
  const digits = (n: number, max: number) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0'));

  test('are read exactly as Date.parse reads them, for any date-time of the form', () => {
    const dateTime = fc.tuple(
      digits(4, 9999), digits(2, 14), digits(2, 33), digits(2, 25), digits(2, 61), digits(2, 61),
      fc.option(fc.integer({ min: 1, max: 9 }).chain((n) => digits(n, 10 ** n - 1)), { nil: undefined }),
      fc.oneof(fc.constant('Z'), fc.tuple(fc.constantFrom('+', '-'), digits(2, 25), digits(2, 61)).map(([sign, h, m]) => `${sign}${h}:${m}`)),
    ).map(([y, mo, d, h, mi, s, frac, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac !== undefined ? `.${frac}` : ''}${zone}`);
    const anything = fc.oneof(dateTime, fc.string({ maxLength: 30 }));
    fc.assert(fc.property(anything, (text) => Object.is(isoSeconds(text), reference(text))), { numRuns: 5000 });
  });

  test('read Twitch\'s nanoseconds and Zendesk\'s whole seconds', () => {
    expect(isoSeconds('2023-07-19T14:56:51.634234626Z')).toBe(1689778611.634);
    expect(isoSeconds('2021-03-25T05:09:27Z')).toBe(1616648967);
    expect(isoSeconds('2024-02-29T23:00:00-01:30')).toBe(Date.parse('2024-03-01T00:30:00Z') / 1000);
  });
});
