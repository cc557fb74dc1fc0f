// Over 400 lines: one sample signer per scheme family (the bench's inputs), the interleaved timing
// loop, the provider libraries' rounds and the report; splitting the samples out would leave each
// half unreadable without the other.
/**
 * Signature verification cost on a 4 KB body, per scheme: a raw one-shot node:crypto HMAC, our
 * `verifySignature`, and each provider's official library, measured side by side.
 *
 *   npx ts-node --project tsconfig.dev.json bench/signatures.bench.ts [scheme name words…]
 *
 * The raw baseline is one-shot `createHmac(algorithm, keyBuffer).update(signed).digest()` over
 * the content the provider signs, ready in one Buffer: `t.` + body for Stripe, URL + sorted form
 * parameters for Twilio, timestamp + token for Mailgun (whose body is not signed). Where the
 * provider's scheme needs a step beyond the HMAC (Twilio: parsing, sorting and re-encoding the
 * form), that step is measured alone too, and the goal holds for the rest: (ours − step) ≤ 1.2×
 * raw; the row says how much the step costs.
 * Mailgun's signature is in its JSON body, which the ingest parses once per delivery for the
 * delivery id (`event-data.id`) and event type anyway; verification reads the signature from that
 * same parse (verifySignature's `parsedBody`; before, it parsed the body a second time). So ours
 * is verifySignature given the parsed body, as the ingest calls it, and the parse, measured alone
 * as the handler's shared step, is reported beside it (not subtracted: it is not in ours).
 * Each scheme is measured in a process of its own (measureInOwnProcess). Each contender is
 * warmed up, then measured in batches of ~BATCH_MS, interleaved in ROUNDS rounds
 * (the order rotates every round) so drift and GC hit all contenders alike (the providers'
 * libraries in rounds of their own with ours, so their garbage does not land in the goal's); the machine may be
 * shared, so batches are short and rounds many. Ratios are the median of the per-round ratios;
 * ns/op is the median batch. The rows are written to `.bench/signatures.json` as well.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, sign as signWithKey, verify as verifyWithKey } from 'node:crypto';
import * as path from 'node:path';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { median, row, writeRows, type BenchRow } from './results';
import { sortedForm } from '../src/providers/form-params';
import { PRESETS } from '../src/providers/presets';
import type { ProviderRuntimeConfig } from '../src/providers/provider-config';
import { verifySignature } from '../src/providers/verify';
import { parseJsonBody } from '../src/runtime/http';
import { AdyenHmacValidator, Paddle, SendGridEventWebhook, WorkOS, discordVerifyKey, squareHelper, twilio } from '../test/providers/oracles';

const GOAL_RATIO = 1.2;
const BODY_BYTES = 4096;
const ROUNDS = 150;
const BATCH_MS = 1.5;
const WARMUP_MS = 40;
const TOLERANCE = 300;

/** One measured thing; async ones are awaited per call, as a caller would. */
interface Contender {
  readonly label: string;
  readonly run: () => unknown;
  readonly async?: boolean;
}

interface Scheme {
  readonly name: string;
  /** Held to GOAL_RATIO against the raw baseline (the HMAC families); the public-key ones are compared with their SDKs. */
  readonly goal?: false;
  readonly raw: Contender;
  readonly ours: Contender;
  readonly officials: readonly Contender[];
  /** A step the provider's scheme requires beyond the HMAC, measured alone; the goal holds for the rest of ours. */
  readonly inherent?: Contender;
  /** A step the handler does anyway and whose result ours is given (not in ours): measured alone and reported. */
  readonly shared?: Contender;
}

interface OctokitMethods {
  sign(secret: string, payload: string): Promise<string>;
  verify(secret: string, payload: string, signature: string): Promise<boolean>;
}

/** A 4 KB JSON event, ASCII only so every library sees the same bytes as text or Buffer. */
function jsonBody(bytes: number): Buffer {
  const skeleton = JSON.stringify({ id: 'evt_bench', type: 'invoice.paid', data: { padding: '' } });
  return Buffer.from(JSON.stringify({ id: 'evt_bench', type: 'invoice.paid', data: { padding: 'x'.repeat(bytes - skeleton.length) } }));
}

function config(scheme: ProviderRuntimeConfig['scheme'], extra: Partial<ProviderRuntimeConfig> = {}): ProviderRuntimeConfig {
  return { name: 'bench', scheme, secretArns: [], toleranceSeconds: TOLERANCE, ...extra };
}

/** A preset's configuration as the ingest function reads it. */
function preset(factory: string, extra: Partial<ProviderRuntimeConfig> = {}): ProviderRuntimeConfig {
  const p = PRESETS.find((candidate) => candidate.factory === factory)!;
  return config(p.scheme, {
    preset: factory,
    toleranceSeconds: p.toleranceSeconds ?? TOLERANCE,
    ...(p.hmac !== undefined ? { hmac: p.hmac } : {}),
    ...(p.publicKey !== undefined ? { publicKey: p.publicKey } : {}),
    ...extra,
  });
}

function hmacOf(algorithm: string, key: string | Buffer, prefix: string, body: Buffer): Buffer {
  return createHmac(algorithm, key).update(prefix).update(body).digest();
}

/** Loads an ESM-only package from this CommonJS script (a plain `import()` would be compiled to `require`). */
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

async function buildSchemes(): Promise<Scheme[]> {
  const body = jsonBody(BODY_BYTES);
  const text = body.toString('utf8');
  const now = Math.floor(Date.now() / 1000);
  // The baseline gets the key as a ready Buffer, its cheapest form, and the signed content in one
  // Buffer (one update), so the ratio is not flattered.
  const raw: RawOf = (algorithm, secret, prefix = '', signedBody = body) => {
    const key = Buffer.from(secret);
    const signed = Buffer.concat([Buffer.from(prefix), signedBody]);
    return { label: `node:crypto createHmac(${algorithm}), ${signed.length} B`, run: () => createHmac(algorithm, key).update(signed).digest() };
  };
  const ours = (providerConfig: ProviderRuntimeConfig, secrets: string[], headers: Record<string, string>): Contender => ({
    label: 'verifySignature',
    run: () => verifySignature(providerConfig, secrets, headers, body, now),
  });

  const stripeSecret = 'whsec_bench_stripe_secret';
  const stripe = new Stripe('sk_test_bench');
  const stripeHeader = stripe.webhooks.generateTestHeaderString({ payload: text, secret: stripeSecret, timestamp: now });

  const githubSecret = 'bench-github-secret';
  const octokit = (await importEsm('@octokit/webhooks-methods')) as OctokitMethods;
  const githubSignature = await octokit.sign(githubSecret, text);

  const shopifySecret = 'bench-shopify-secret';
  const slackSecret = 'bench-slack-secret';

  const standardSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  const standardKey = Buffer.from(standardSecret.slice('whsec_'.length), 'base64');
  const standard = new StandardWebhook(standardSecret);
  const svix = new SvixWebhook(standardSecret);
  const messageId = 'msg_bench';
  const standardHeaders = { 'webhook-id': messageId, 'webhook-timestamp': String(now), 'webhook-signature': standard.sign(messageId, new Date(now * 1000), text) };
  const svixHeaders = { 'svix-id': messageId, 'svix-timestamp': String(now), 'svix-signature': standardHeaders['webhook-signature'] };

  const genericSecret = 'bench-generic-secret';
  const apiKey = 'bench-api-key-0123456789';
  const engine = engineSchemes(body, text, now, raw, ours);

  return [
    // First: Paddle's SDK accepts a signature only within 5 seconds of its timestamp.
    ...engine.filter((scheme) => scheme.name.startsWith('paddle')),
    {
      name: 'stripe',
      raw: raw('sha256', stripeSecret, `${now}.`),
      ours: ours(config('stripe'), [stripeSecret], { 'stripe-signature': stripeHeader }),
      officials: [
        {
          label: 'stripe signature.verifyHeader',
          run: () => stripe.webhooks.signature!.verifyHeader(body, stripeHeader, stripeSecret, TOLERANCE, undefined, now * 1000),
        },
        { label: 'stripe constructEvent (+JSON.parse)', run: () => stripe.webhooks.constructEvent(body, stripeHeader, stripeSecret, TOLERANCE, undefined, now * 1000) },
      ],
    },
    {
      name: 'github',
      raw: raw('sha256', githubSecret),
      ours: ours(config('github'), [githubSecret], { 'x-hub-signature-256': githubSignature }),
      officials: [{ label: '@octokit/webhooks-methods verify', run: () => octokit.verify(githubSecret, text, githubSignature), async: true }],
    },
    {
      name: 'shopify',
      raw: raw('sha256', shopifySecret),
      ours: ours(config('shopify'), [shopifySecret], { 'x-shopify-hmac-sha256': hmacOf('sha256', shopifySecret, '', body).toString('base64') }),
      officials: [],
    },
    {
      name: 'slack',
      raw: raw('sha256', slackSecret, `v0:${now}:`),
      ours: ours(config('slack'), [slackSecret], {
        'x-slack-request-timestamp': String(now),
        'x-slack-signature': `v0=${hmacOf('sha256', slackSecret, `v0:${now}:`, body).toString('hex')}`,
      }),
      officials: [],
    },
    {
      name: 'standard-webhooks',
      raw: raw('sha256', standardKey, `${messageId}.${now}.`),
      ours: ours(config('standard-webhooks'), [standardSecret], standardHeaders),
      officials: [
        { label: 'standardwebhooks verify (jsonParse: false)', run: () => standard.verify(text, standardHeaders, { jsonParse: false }) },
        { label: 'svix verify (+JSON.parse)', run: () => svix.verify(text, svixHeaders) },
      ],
    },
    {
      name: 'hmac sha256/hex +timestamp',
      raw: raw('sha256', genericSecret, `${now}.`),
      ours: ours(
        config('hmac', { hmac: { header: 'x-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', timestampHeader: 'x-timestamp' } }),
        [genericSecret],
        { 'x-timestamp': String(now), 'x-signature': `sha256=${hmacOf('sha256', genericSecret, `${now}.`, body).toString('hex')}` },
      ),
      officials: [],
    },
    {
      name: 'hmac sha512/base64',
      raw: raw('sha512', genericSecret),
      ours: ours(
        config('hmac', { hmac: { header: 'x-signature', algorithm: 'sha512', encoding: 'base64' } }),
        [genericSecret],
        { 'x-signature': hmacOf('sha512', genericSecret, '', body).toString('base64') },
      ),
      officials: [],
    },
    {
      name: 'api-key',
      raw: raw('sha256', apiKey),
      ours: ours(config('api-key', { apiKeyHeader: 'x-api-key' }), [apiKey], { 'x-api-key': apiKey }),
      officials: [],
    },
    ...engine.filter((scheme) => !scheme.name.startsWith('paddle')),
  ];
}

/** The raw baseline: one HMAC over `prefix + signedBody` (the body by default), as one Buffer. */
type RawOf = (algorithm: string, secret: string | Buffer, prefix?: string, signedBody?: Buffer) => Contender;
type OursOf = (providerConfig: ProviderRuntimeConfig, secrets: string[], headers: Record<string, string>) => Contender;

/** The generic engine's families: templates, lists, URL and form signing, encoded keys, numbered headers, body-borne signatures, basic auth, public keys. */
function engineSchemes(body: Buffer, text: string, now: number, raw: RawOf, ours: OursOf): Scheme[] {
  const secret = 'bench-engine-secret';
  const url = 'https://hooks.example.com/webhook/bench?tenant=1';
  // Secrets and headers made once, as for every row (the handler has them before it verifies).
  const secrets = [secret];
  const noHeaders = {};

  const paddleHeader = `ts=${now};h1=${hmacOf('sha256', secret, `${now}:`, body).toString('hex')}`;
  const paddle = new Paddle('pdl_sdbx_apikey_01');

  const twilioForm = Buffer.from(new URLSearchParams({ AccountSid: 'AC0123', Body: 'x'.repeat(BODY_BYTES - 40), From: '+14158675309', To: '+18005551212' }).toString());
  const twilioParams = Object.fromEntries(new URLSearchParams(twilioForm.toString()));
  const twilioSignature = twilio.getExpectedTwilioSignature(secret, url, twilioParams);
  const twilioConfig = preset('twilio', { publicUrl: url });
  const twilioHeaders = { 'x-twilio-signature': twilioSignature };

  const squareSignature = hmacOf('sha256', secret, url, body).toString('base64');

  const workosHeader = `t=${now * 1000}, v1=${hmacOf('sha256', secret, `${now * 1000}.`, body).toString('hex')}`;
  const workos = new WorkOS('sk_test_bench');
  const workosPayload = JSON.parse(text);

  const adyenKey = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056';
  const adyenSignature = hmacOf('sha256', Buffer.from(adyenKey, 'hex'), '', body).toString('base64');
  const adyen = new AdyenHmacValidator();

  const twitchStamp = new Date(now * 1000).toISOString().replace('.000Z', '.123456789Z');
  const twitchHeaders = {
    'twitch-eventsub-message-id': 'e76c6bd4-55c9-4987-8304-da1588d8988b',
    'twitch-eventsub-message-timestamp': twitchStamp,
    'twitch-eventsub-message-signature': `sha256=${hmacOf('sha256', secret, `e76c6bd4-55c9-4987-8304-da1588d8988b${twitchStamp}`, body).toString('hex')}`,
  };

  const zendeskStamp = new Date(now * 1000).toISOString().replace('.000Z', 'Z');
  const zendeskHeaders = {
    'x-zendesk-webhook-signature-timestamp': zendeskStamp,
    'x-zendesk-webhook-signature': hmacOf('sha256', secret, zendeskStamp, body).toString('base64'),
  };

  const mailgunConfig = preset('mailgun');
  const mailgunBody = Buffer.from(JSON.stringify({
    'signature': { timestamp: String(now), token: 'a'.repeat(50), signature: hmacOf('sha256', secret, `${now}${'a'.repeat(50)}`, Buffer.alloc(0)).toString('hex') },
    'event-data': { id: 'ev', event: 'delivered', padding: 'x'.repeat(BODY_BYTES - 200) },
  }));
  // The ingest's one parse of the body, made before it verifies (src/lambdas/ingest/delivery.ts).
  const mailgunParsed = parseJsonBody(mailgunBody);

  const ed = generateKeyPairSync('ed25519');
  const edHex = ed.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const edSignature = signWithKey(null, Buffer.concat([Buffer.from(String(now)), body]), ed.privateKey);
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecB64 = ec.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const ecSignature = signWithKey('sha256', Buffer.concat([Buffer.from(String(now)), body]), ec.privateKey);
  const sendgrid = new SendGridEventWebhook();
  const sendgridKey = sendgrid.convertPublicKeyToECDSA(ecB64);
  // The raw baseline of a public-key scheme: one node:crypto verify with a ready KeyObject, over ts + body.
  const rawVerify = (algorithm: 'ed25519' | 'ecdsa', signature: Buffer): Contender => ({
    label: `node:crypto verify(${algorithm})`,
    run: () => verifyWithKey(algorithm === 'ed25519' ? null : 'sha256', Buffer.concat([Buffer.from(String(now)), body]), algorithm === 'ed25519' ? ed.publicKey : ec.publicKey, signature),
  });

  return [
    {
      name: 'paddle (ts=;h1= list)',
      raw: raw('sha256', secret, `${now}:`),
      ours: ours(preset('paddle'), [secret], { 'paddle-signature': paddleHeader }),
      officials: [{ label: '@paddle/paddle-node-sdk isSignatureValid', run: () => paddle.webhooks.isSignatureValid(text, secret, paddleHeader), async: true }],
    },
    {
      name: 'twilio (url + form, sha1)',
      raw: raw('sha1', secret, url, Buffer.from(sortedForm(twilioForm))),
      ours: { label: 'verifySignature', run: () => verifySignature(twilioConfig, secrets, twilioHeaders, twilioForm, now) },
      officials: [
        { label: 'twilio validateRequest (params parsed)', run: () => twilio.validateRequest(secret, twilioSignature, url, twilioParams) },
        { label: 'URLSearchParams + validateRequest', run: () => twilio.validateRequest(secret, twilioSignature, url, Object.fromEntries(new URLSearchParams(twilioForm.toString()))) },
      ],
      // The signed content is not in the request as bytes: the form is decoded, sorted and encoded again.
      inherent: { label: 'form parsed, sorted and encoded (sortedForm)', run: () => Buffer.from(sortedForm(twilioForm)) },
    },
    {
      name: 'square (url + body)',
      raw: raw('sha256', secret, url),
      ours: ours(preset('square', { publicUrl: url }), [secret], { 'x-square-hmacsha256-signature': squareSignature }),
      officials: [{
        label: 'square WebhooksHelper.verifySignature',
        run: () => squareHelper.verifySignature({ requestBody: text, signatureHeader: squareSignature, signatureKey: secret, notificationUrl: url }),
        async: true,
      }],
    },
    {
      name: 'workos (t in ms)',
      raw: raw('sha256', secret, `${now * 1000}.`),
      ours: ours(preset('workos'), [secret], { 'workos-signature': workosHeader }),
      officials: [{ label: '@workos-inc/node verifyHeader (JSON.stringify)', run: () => workos.webhooks.verifyHeader({ payload: workosPayload, sigHeader: workosHeader, secret }), async: true }],
    },
    {
      name: 'twitch (id + RFC 3339 + body)',
      raw: raw('sha256', secret, `e76c6bd4-55c9-4987-8304-da1588d8988b${twitchStamp}`),
      ours: ours(preset('twitch'), [secret], twitchHeaders),
      officials: [],
    },
    {
      name: 'zendesk (ISO timestamp + body, base64)',
      raw: raw('sha256', secret, zendeskStamp),
      ours: ours(preset('zendesk'), [secret], zendeskHeaders),
      officials: [],
    },
    {
      name: 'adyen platform (hex key)',
      raw: raw('sha256', Buffer.from(adyenKey, 'hex')),
      ours: ours(preset('adyenPlatform'), [adyenKey], { hmacsignature: adyenSignature }),
      officials: [{ label: '@adyen/api-library validateHMACSignature', run: () => adyen.validateHMACSignature(adyenKey, adyenSignature, text) }],
    },
    {
      name: 'docusign (numbered headers)',
      raw: raw('sha256', secret),
      ours: ours(preset('docusign'), [secret], { 'x-docusign-signature-1': hmacOf('sha256', secret, '', body).toString('base64') }),
      officials: [],
    },
    {
      name: 'mailgun (signature in body)',
      raw: raw('sha256', secret, `${now}${'a'.repeat(50)}`, Buffer.alloc(0)),
      ours: { label: 'verifySignature (body parsed)', run: () => verifySignature(mailgunConfig, secrets, noHeaders, mailgunBody, now, mailgunParsed) },
      officials: [],
      shared: { label: 'JSON body parsed (once per delivery: the id is in it too)', run: () => parseJsonBody(mailgunBody) },
    },
    {
      name: 'basic auth (postmark)',
      raw: raw('sha256', secret),
      ours: ours(preset('postmark'), ['hooks:pa55word'], { authorization: `Basic ${Buffer.from('hooks:pa55word').toString('base64')}` }),
      officials: [],
    },
    {
      name: 'ed25519 (discord)',
      goal: false,
      raw: rawVerify('ed25519', edSignature),
      ours: ours(preset('discord', { publicKey: { ...preset('discord').publicKey!, publicKey: edHex } }), [], {
        'x-signature-timestamp': String(now), 'x-signature-ed25519': edSignature.toString('hex'),
      }),
      officials: [{ label: 'discord-interactions verifyKey', run: () => discordVerifyKey(body, edSignature.toString('hex'), String(now), edHex), async: true }],
    },
    {
      name: 'ecdsa p-256 (sendgrid)',
      goal: false,
      raw: rawVerify('ecdsa', ecSignature),
      ours: ours(preset('sendgrid', { publicKey: { ...preset('sendgrid').publicKey!, publicKey: ecB64 } }), [], {
        'x-twilio-email-event-webhook-timestamp': String(now), 'x-twilio-email-event-webhook-signature': ecSignature.toString('base64'),
      }),
      officials: [{ label: '@sendgrid/eventwebhook verifySignature', run: () => sendgrid.verifySignature(sendgridKey, text, ecSignature.toString('base64'), String(now)) }],
    },
  ];
}

// ---- measurement ----

/** Keeps results alive so the JIT cannot drop the measured calls. */
let sink: unknown;

async function timeBatch(contender: Contender, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  if (contender.async) {
    for (let i = 0; i < iterations; i++) {
      sink = await contender.run();
    }
  } else {
    for (let i = 0; i < iterations; i++) {
      sink = contender.run();
    }
  }
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** Warms a contender up for WARMUP_MS and returns how many calls fill one batch. */
async function calibrate(contender: Contender): Promise<number> {
  let iterations = 16;
  let elapsedMs = 0;
  let nsPerOp = 0;
  while (elapsedMs < WARMUP_MS) {
    nsPerOp = await timeBatch(contender, iterations);
    elapsedMs += (nsPerOp * iterations) / 1e6;
    iterations *= 2;
  }
  return Math.max(16, Math.round((BATCH_MS * 1e6) / nsPerOp));
}

/** Fails loudly if a contender rejects its input: the bench must time the success path. */
async function assertAccepts(contender: Contender): Promise<void> {
  const result = await contender.run();
  if (result === false || (typeof result === 'object' && result !== null && 'valid' in result && result.valid !== true)) {
    throw new Error(`${contender.label} rejected the benchmark delivery: ${JSON.stringify(result)}`);
  }
}

interface SchemeResult {
  readonly scheme: Scheme;
  /** ns/op per round of the goal's contenders: raw, ours and the inherent or shared step. */
  readonly samples: ReadonlyMap<Contender, number[]>;
  /** ns/op per round of ours and the providers' libraries, measured in rounds of their own. */
  readonly againstOfficials: ReadonlyMap<Contender, number[]>;
}

async function measureScheme(scheme: Scheme): Promise<SchemeResult> {
  const steps = [scheme.inherent, scheme.shared].filter((step): step is Contender => step !== undefined);
  const contenders = [scheme.raw, scheme.ours, ...scheme.officials, ...steps];
  for (const contender of [scheme.raw, scheme.ours, ...scheme.officials]) {
    await assertAccepts(contender).catch((error: Error) => {
      throw new Error(`${scheme.name}: ${error.message}`);
    });
  }
  const iterations = new Map<Contender, number>();
  for (const contender of contenders) {
    iterations.set(contender, await calibrate(contender));
  }
  // The libraries' rounds are separate: some leave much garbage (WorkOS's 1 ms JSON.stringify),
  // whose collection would otherwise land in the next contender's batch and skew the goal's ratio.
  const goal = [scheme.raw, scheme.ours, ...steps];
  const samples = await interleave(goal, iterations);
  const againstOfficials = scheme.officials.length > 0
    ? await interleave([scheme.ours, ...scheme.officials], iterations)
    : new Map<Contender, number[]>();
  return { scheme, samples, againstOfficials };
}

/** ROUNDS rounds of one batch per contender, the order rotating every round. */
async function interleave(contenders: readonly Contender[], iterations: ReadonlyMap<Contender, number>): Promise<Map<Contender, number[]>> {
  const samples = new Map<Contender, number[]>(contenders.map((c) => [c, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(round + k) % contenders.length];
      samples.get(contender)!.push(await timeBatch(contender, iterations.get(contender)!));
    }
  }
  return samples;
}

/** Median of the per-round ratios a/b: robust to drift that affects a whole round. */
function medianRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((value, round) => value / b[round]));
}

// ---- report ----

function pad(text: string, width: number, alignRight = false): string {
  return alignRight ? text.padStart(width) : text.padEnd(width);
}

function formatNs(ns: number): string {
  return ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`;
}

/** What the goal is measured on: ours, less the scheme's inherent step when it has one. */
function goalRatio(scheme: Scheme, samples: ReadonlyMap<Contender, number[]>): number {
  const raw = samples.get(scheme.raw)!;
  const ours = samples.get(scheme.ours)!;
  if (scheme.inherent === undefined) return medianRatio(ours, raw);
  const step = samples.get(scheme.inherent)!;
  return median(ours.map((value, round) => (value - step[round]) / raw[round]));
}

const TABLE_HEADER = [pad('scheme', 30), pad('contender', 48), pad('ns/op', 10, true), pad('ours/raw', 9, true), pad('ours/official', 14, true)].join('  ');

function report(results: readonly SchemeResult[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const { scheme, samples, againstOfficials } of results) {
    const raw = samples.get(scheme.raw)!;
    const ours = samples.get(scheme.ours)!;
    const oursOverRaw = medianRatio(ours, raw);
    const ratio = goalRatio(scheme, samples);
    const held = scheme.goal !== false;
    const pass = !held || ratio <= GOAL_RATIO;
    const line = (label: string, values: readonly number[], ratioToRaw: string, ratioToOfficial: string): void => {
      console.log([pad(label === scheme.raw.label ? scheme.name : '', 30), pad(label, 48), pad(formatNs(median(values)), 10, true), pad(ratioToRaw, 9, true), pad(ratioToOfficial, 14, true)].join('  '));
    };
    line(scheme.raw.label, raw, '', '');
    line(scheme.ours.label, ours, `${oursOverRaw.toFixed(2)}×${pass ? '' : ' !'}`, '');
    const oursBesideOfficials = againstOfficials.get(scheme.ours) ?? [];
    for (const official of scheme.officials) {
      line(official.label, againstOfficials.get(official)!, '', `${medianRatio(oursBesideOfficials, againstOfficials.get(official)!).toFixed(2)}×`);
    }
    const notes: string[] = [];
    if (scheme.inherent !== undefined) {
      const step = samples.get(scheme.inherent)!;
      line(`  inherent step: ${scheme.inherent.label}`, step, `${medianRatio(step, raw).toFixed(2)}×`, '');
      line('  ours without it', ours.map((value, round) => value - step[round]), `${ratio.toFixed(2)}×${pass ? '' : ' !'}`, '');
      notes.push(`held back by the scheme's own step, ${scheme.inherent.label}: ${formatNs(median(step))}, ${Math.round((100 * median(step)) / median(ours))} % of ours; `
        + `all ${oursOverRaw.toFixed(2)}× raw, the goal is on the rest`);
    } else if (!pass && scheme.shared !== undefined) {
      notes.push(`held back by the engine's fixed costs (the comparison, reading the signed fields), large next to a ${scheme.raw.label.replace(/.*, /, '')} HMAC`);
    } else if (!pass) {
      notes.push('held back by the engine\'s parsing beyond the HMAC (no step the scheme requires)');
    }
    if (scheme.shared !== undefined) {
      const step = samples.get(scheme.shared)!;
      line(`  shared step: ${scheme.shared.label}`, step, `${medianRatio(step, raw).toFixed(2)}×`, '');
      line('  ours with it', ours.map((value, round) => value + step[round]), `${medianRatio(ours.map((value, round) => value + step[round]), raw).toFixed(2)}×`, '');
      notes.push(`given the handler's own parse, not in ours: ${scheme.shared.label}: ${formatNs(median(step))}; `
        + `with it ${formatNs(median(ours.map((value, round) => value + step[round])))} (the ingest parsed the body twice before)`);
    }
    for (const official of scheme.officials) {
      notes.push(`ours / ${official.label}: ${medianRatio(oursBesideOfficials, againstOfficials.get(official)!).toFixed(2)}×`);
    }
    rows.push(row('signatures', scheme.name, `${formatNs(median(ours))} (raw ${formatNs(median(raw))})`, {
      ratio: Number(ratio.toFixed(3)),
      goal: held ? `≤ ${GOAL_RATIO}× one raw HMAC of the signed content${scheme.inherent !== undefined ? ', besides the scheme\'s own step' : ''}` : null,
      met: held ? pass : null,
      note: notes.length > 0 ? notes.join('; ') : null,
    }));
  }
  return rows;
}

function printSummary(rows: readonly BenchRow[]): void {
  const missed = rows.filter((r) => r.met === false);
  console.log('');
  console.log(`${missed.length === 0 ? 'PASS' : 'FAIL'}: verifySignature ≤ ${GOAL_RATIO}× one raw HMAC of the signed content (${BODY_BYTES} B body) for every HMAC scheme, `
    + 'besides a step the scheme itself requires (public-key schemes: compared with their SDKs, not held to the goal)'
    + (missed.length > 0 ? `; missed: ${missed.map((r) => r.item).join(', ')}` : ''));
}

/** Marks the line with which a scheme's process hands its rows back. */
const ROWS_MARKER = '@@rows ';
const SCHEME_FLAG = '--scheme=';

/**
 * Each scheme is measured in a process of its own, as an ingest function runs only the schemes
 * of its providers: in one process, verifySignature's code would have been specialised for every
 * scheme measured before it (about 0.05× more for the smallest HMACs: bench/README.md).
 */
function measureInOwnProcess(scheme: Scheme): BenchRow[] {
  const output = execFileSync(process.execPath, ['-r', 'ts-node/register', __filename, `${SCHEME_FLAG}${scheme.name}`], {
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json', TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const lines = output.split('\n');
  const handed = lines.find((line) => line.startsWith(ROWS_MARKER));
  if (handed === undefined) throw new Error(`${scheme.name}: its process handed back no rows`);
  for (const line of lines) if (line !== '' && !line.startsWith(ROWS_MARKER)) console.log(line);
  return JSON.parse(handed.slice(ROWS_MARKER.length)) as BenchRow[];
}

async function main(): Promise<void> {
  const started = Date.now();
  const args = process.argv.slice(2);
  const schemes = await buildSchemes();
  const own = args.find((arg) => arg.startsWith(SCHEME_FLAG));
  if (own !== undefined) {
    const scheme = schemes.find((s) => s.name === own.slice(SCHEME_FLAG.length));
    if (scheme === undefined) throw new Error(`no scheme ${own}`);
    const rows = report([await measureScheme(scheme)]);
    console.log(`${ROWS_MARKER}${JSON.stringify(rows)}`);
    return;
  }
  console.log(`Signature verification, ${BODY_BYTES} B body, node ${process.version}: median of ${ROUNDS} interleaved rounds of ~${BATCH_MS} ms batches, each scheme in a process of its own`);
  console.log('');
  console.log(TABLE_HEADER);
  console.log('-'.repeat(TABLE_HEADER.length));
  // Optional arguments: measure only the schemes whose names contain one of them.
  const only = args;
  const rows: BenchRow[] = [];
  for (const scheme of schemes.filter((s) => only.length === 0 || only.some((word) => s.name.includes(word)))) {
    rows.push(...measureInOwnProcess(scheme));
  }
  printSummary(rows);
  // A partial run does not replace the table's rows.
  if (only.length === 0) console.log(`rows written to ${path.relative(process.cwd(), writeRows('signatures', rows))}`);
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s; sink ${typeof sink})`);
  // A missed goal is in the rows (and the summary table), not the exit code: `npx projen bench`
  // goes on to the other benches and prints one table.
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});
