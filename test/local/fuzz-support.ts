/**
 * The hostile requests of the fuzz tests (fuzz.test.ts on the local app with the providers that
 * have handshakes, fuzz-families.test.ts on the one with a provider of every other scheme
 * family), and the property they must satisfy: every request is answered, never with a crash or
 * a 5xx; every refusal is a JSON 4xx with an `error`; a 2xx only ever answers a handshake of a
 * provider that has one, and is never a queued webhook.
 */
import { Duration } from 'aws-cdk-lib';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as fc from 'fast-check';
import { say } from './support';
import { startPipeline, type Pipeline, type PipelineOptions } from '../../local-pipeline/pipeline';
import { sampleDelivery } from '../../local-pipeline/signing';
import { matchRoute, toProxyEvent } from '../../local-pipeline/stand-ins/api-gateway';
import { LOCAL_HANDSHAKE_PROVIDERS } from '../../local-pipeline/template/app';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { MAX_BODY_BYTES } from '../../src/runtime/message';

/** Requests per fuzz test (at least 10,000; FUZZ_RUNS raises it) and the seed (FUZZ_SEED). */
export const FUZZ_RUNS = Math.max(10_000, Number(process.env.FUZZ_RUNS ?? 10_000));
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_240_601);

/** The local pipeline with the ingest function alone under test: no event source, so the queue must stay empty. */
export function startIngestOnlyPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  return startPipeline({
    props: { processing: { maxBatchingWindow: Duration.seconds(1) } },
    eventSource: false,
    progress: (line) => say(`  ${line}`),
    ...options,
  });
}

// ---- generators ----

const SIGNATURE_HEADERS = [
  // Every scheme family's and handshake's headers (public keys, URL signing, lists, numbered, basic auth, handshakes).
  'X-Signature-Ed25519', 'X-Signature-Timestamp', 'X-Twilio-Email-Event-Webhook-Signature', 'X-Twilio-Email-Event-Webhook-Timestamp',
  'X-Twilio-Signature', 'Twitch-Eventsub-Message-Id', 'Twitch-Eventsub-Message-Timestamp', 'Twitch-Eventsub-Message-Signature',
  'Twitch-Eventsub-Message-Type', 'HmacSignature', 'X-DocuSign-Signature-1', 'X-DocuSign-Signature-2', 'X-Hook-Secret', 'X-Hook-Signature',
  'X-Okta-Verification-Challenge', 'X-Hub-Signature', 'X-Dropbox-Signature', 'x-zm-signature', 'x-zm-request-timestamp', 'X-Twitter-Webhooks-Signature',
  'Stripe-Signature', 'X-Hub-Signature-256', 'X-Shopify-Hmac-Sha256', 'X-Slack-Signature', 'X-Slack-Request-Timestamp',
  'webhook-id', 'webhook-timestamp', 'webhook-signature', 'svix-id', 'svix-timestamp', 'svix-signature',
  'X-Acme-Signature', 'X-Acme-Timestamp', 'X-Acme-Delivery', 'X-Partner-Key', 'X-GitHub-Delivery', 'X-GitHub-Event',
  'X-Shopify-Webhook-Id', 'X-Shopify-Topic', 'Content-Type', 'content-type', 'CONTENT-TYPE', 'Authorization', 'Cookie',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty',
];

const hex = (size: number) => fc.uint8Array({ minLength: size, maxLength: size }).map((b) => Buffer.from(b).toString('hex'));
const b64 = (size: number) => fc.uint8Array({ minLength: size, maxLength: size }).map((b) => Buffer.from(b).toString('base64'));
const timestamp = fc.oneof(
  fc.integer({ min: -1e12, max: 1e13 }).map(String),
  fc.constant(String(Math.floor(Date.now() / 1000))),
  fc.constantFrom('', ' 1700000000', '1e9', '0x10', '-1', '99999999999999999999', 'NaN', '١٧٠٠٠٠٠٠٠٠'),
);

const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 120, unit: 'binary' }) },
  { weight: 2, arbitrary: fc.tuple(timestamp, hex(32)).map(([t, h]) => `t=${t},v1=${h}`) },
  { weight: 1, arbitrary: fc.tuple(timestamp, fc.array(hex(32), { maxLength: 3 })).map(([t, hs]) => [`t=${t}`, ...hs.map((h) => `v1=${h}`), 'v0=x'].join(',')) },
  { weight: 2, arbitrary: hex(32).map((h) => `sha256=${h}`) },
  { weight: 1, arbitrary: fc.oneof(hex(20), hex(64), fc.string({ maxLength: 64 })).map((h) => `sha256=${h}`) },
  { weight: 2, arbitrary: b64(32) },
  { weight: 2, arbitrary: fc.oneof(b64(32), b64(64), fc.string({ maxLength: 90 })).map((s) => `v1=${s}`) },
  { weight: 2, arbitrary: hex(32).map((h) => `v0=${h}`) },
  { weight: 2, arbitrary: fc.array(b64(32), { minLength: 1, maxLength: 4 }).map((s) => s.map((x) => `v1,${x}`).join(' ')) },
  { weight: 2, arbitrary: timestamp },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'whsec_', 'null', 'undefined', '[object Object]', '=', ',,,', 't=,v1=') },
  { weight: 1, arbitrary: fc.oneof(hex(64), b64(64), b64(72)) },
  { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('hooks:', ':', 'a:b')).map((s) => `Basic ${Buffer.from(s).toString('base64')}`) },
  { weight: 1, arbitrary: fc.constantFrom('Basic', 'Basic ', 'basic ====', 'Bearer x', 'webhook_callback_verification', 'notification', '2021-03-25T05:09:27.123456789Z') },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
  // Huge header values: API Gateway caps headers far lower, but the function must not care.
  { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1_000, max: 8_000 })).map(([s, n]) => s.repeat(n)) },
);

const header = fc.tuple(
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SIGNATURE_HEADERS) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) }),
  headerValue,
);

const contentType = fc.option(fc.oneof(
  fc.constantFrom(
    'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x', 'application/octet-stream', 'application/vnd.api+json', 'text/json', '*/*', ';;;',
    'application/json; charset=utf-16le', 'APPLICATION/JSON', ' application/json ', 'application/jsonx',
  ),
  fc.string({ maxLength: 60 }),
), { nil: undefined });

interface Bytes {
  readonly buffer: Buffer;
}

/** Bodies print as their length and first bytes when fast-check reports a counterexample. */
function bytes(buffer: Buffer): Bytes {
  return {
    buffer,
    [fc.toStringMethod]: () => `Bytes(${buffer.length}: ${JSON.stringify(buffer.subarray(0, 48).toString('latin1'))}${buffer.length > 48 ? '…' : ''})`,
  } as Bytes;
}

/** Bodies shaped like handshakes and body-signed deliveries, so they reach those code paths. */
const HANDSHAKE_BODIES = [
  '{"type":1,"id":"1","application_id":"2","token":"t","version":1}', '{"type":0}',
  '{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}', '{"event":"endpoint.url_validation","payload":{}}',
  '{"challenge":"c","subscription":{"status":"webhook_callback_verification_pending"}}', '{"challenge":1,"subscription":{"status":"webhook_callback_verification_pending"}}',
  '{"type":"url_verification","challenge":"c"}', '{"value":[{"clientState":"guess","subscriptionId":"s"}]}', '{"value":[]}', '{"value":{"0":{}}}',
  '{"signature":{"timestamp":"1700000000","token":"t","signature":"00"},"event-data":{"id":"e"}}', '{"signature":"x"}',
  'AccountSid=AC1&Body=hi&From=%2B1', 'a=%&b=%ZZ&=&&', '{"data":{"verification":"x"}}', '{"events":[]}',
];

const body = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HANDSHAKE_BODIES).map((s) => Buffer.from(s)) },
  { weight: 4, arbitrary: fc.constantFrom('{', '{"id":', '[1,2', 'null', 'nul', '{"id": "x"}}', '\uFEFF{"id":"x"}', '"str"', '1e999', '{"__proto__": {"polluted": 1}, "id": "p", "type": "t"}', '{"event_id": {"a": 1}, "event": []}', '{"id": 12345678901234567890}').map((s) => Buffer.from(s)) },
  { weight: 4, arbitrary: fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s)) },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 500, unit: 'binary' }).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 200_000, max: 700_000 }) },
      // At and around the maximum, and the band where the base64 check used to overflow the stack.
      { weight: 1, arbitrary: fc.constantFrom(MAX_BODY_BYTES - 1, MAX_BODY_BYTES, MAX_BODY_BYTES + 1, 3_355_144, 3_356_143, 4_500_000) },
    ).chain((n) => fc.constantFrom('a', '{', ' ').map((fill) => Buffer.alloc(n, fill))),
  },
).map(bytes);

/** How the body reaches the function: as API Gateway sends it, or broken in the ways it never would. */
const encoding = fc.oneof(
  { weight: 6, arbitrary: fc.constant('apigw' as const) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('!', '*', '-', '_', ' ', '\n', '%', '.'), fc.nat()).map(([char, at]) => ({ invalidBase64: char, at })) },
  { weight: 1, arbitrary: fc.constant('plain' as const) },
  { weight: 1, arbitrary: fc.constant('null-body' as const) },
);

const structure = fc.oneof(
  { weight: 8, arbitrary: fc.constant('as-sent' as const) },
  { weight: 1, arbitrary: fc.constantFrom('null-headers', 'null-multi', 'no-multi', 'null-path', 'empty-path', 'only-multi', 'null-everything') },
);

const method = fc.oneof(
  { weight: 5, arbitrary: fc.constant('POST') },
  { weight: 1, arbitrary: fc.constant('GET') },
  { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'post', 'TRACE', '') },
);

/** Query strings of the handshakes (GET challenges, Microsoft Graph's validationToken), right and wrong. */
const query = fc.option(fc.oneof(
  fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 })).map(([c, t]) => `hub.mode=subscribe&hub.challenge=${encodeURIComponent(c)}&hub.verify_token=${encodeURIComponent(t)}`),
  fc.string({ maxLength: 60 }).map((t) => `crc_token=${encodeURIComponent(t)}`),
  fc.string({ maxLength: 60 }).map((t) => `challenge=${encodeURIComponent(t)}`),
  fc.string({ maxLength: 60 }).map((t) => `validationToken=${encodeURIComponent(t)}`),
  fc.constantFrom('hub.mode=unsubscribe', 'crc_token=', 'challenge=', 'validationToken=', 'crc_token=%7B%22a%22', 'x=1&x=2', '%%', 'hub.challenge'),
  fc.string({ maxLength: 40 }),
), { nil: undefined });

interface HostileRequest {
  readonly kind: 'hostile';
  readonly provider: string;
  readonly method: string;
  readonly query?: string;
  readonly headers: Array<[string, string]>;
  readonly contentType?: string;
  readonly body: Bytes;
  readonly encoding: 'apigw' | 'plain' | 'null-body' | { invalidBase64: string; at: number };
  readonly structure: string;
}

const provider = (pipeline: Pipeline) => fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...pipeline.allProviders.map((p) => p.name)) },
  { weight: 1, arbitrary: fc.constantFrom('gitlab', '__proto__', 'constructor', 'hasOwnProperty', 'STRIPE', 'stripe ', '', '%2e%2e', 'stripe%00', '..', 'a'.repeat(300)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

const hostile = (pipeline: Pipeline) => fc.record({
  kind: fc.constant('hostile' as const), provider: provider(pipeline), method, query, headers: fc.array(header, { maxLength: 8 }), contentType, body, encoding, structure,
});

export type Defect = 'tampered-body' | 'stale' | 'future' | 'malformed-json' | 'wrong-secret';

interface AlmostRight {
  readonly kind: 'almost-right';
  readonly provider: string;
  readonly defect: Defect;
  readonly id: string;
  readonly skewSeconds: number;
}

/**
 * Defects that make a correctly-formed delivery of a provider certain to be refused: a tampered
 * body where the body is signed, a stale or future timestamp where one is signed, a body that is
 * not JSON where the signature is not in it, a wrong secret where there is one (the sample
 * signer's public keys are fixed).
 */
export function defectsOf(config: ProviderRuntimeConfig): Defect[] {
  const settings = config.hmac ?? config.publicKey;
  const engine = config.scheme === 'hmac' || config.scheme === 'public-key';
  const signsBody = ['stripe', 'github', 'shopify', 'slack', 'standard-webhooks'].includes(config.scheme)
    || (engine && settings?.signatureJsonPath === undefined && (settings?.content ?? '{body}').match(/\{(body|form)\}/) !== null);
  const signsTimestamp = ['stripe', 'slack', 'standard-webhooks'].includes(config.scheme)
    || (engine && (settings?.timestampHeader !== undefined || settings?.timestampJsonPath !== undefined
      || settings?.list?.timestampKey !== undefined || (settings?.content ?? '').includes('{ts}')));
  return [
    ...(signsBody ? ['tampered-body' as const] : []),
    ...(signsTimestamp ? ['stale' as const, 'future' as const] : []),
    // A body that is not JSON cannot carry the signature of a body-borne one (Mailgun's).
    ...(settings?.signatureJsonPath === undefined && !(settings?.content ?? '').includes('{j:') ? ['malformed-json' as const] : []),
    ...(config.scheme !== 'public-key' ? ['wrong-secret' as const] : []),
  ];
}

const almostRight = (pipeline: Pipeline) => fc.constantFrom(...pipeline.allProviders).chain((config) => fc.record({
  kind: fc.constant('almost-right' as const),
  provider: fc.constant(config.name),
  defect: fc.constantFrom(...defectsOf(config)),
  id: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
  skewSeconds: fc.integer({ min: 10, max: 100_000 }),
}));

// ---- events ----

const ROUTE = [{ httpMethod: 'POST', resourcePath: '/webhook/{provider}', resourceLogicalId: 'Fuzz', authorizationType: 'NONE', functionLogicalId: 'Ingest' }];

export function proxyEvent(
  httpMethod: string, providerName: string, headers: Array<[string, string]>, bodyBytes: Buffer, queryString?: string,
): APIGatewayProxyEvent {
  const match = { ...matchRoute(ROUTE, 'POST', '/webhook/x')!, pathParameters: { provider: providerName } };
  return toProxyEvent(
    { method: httpMethod, url: `/webhook/${providerName}${queryString !== undefined ? `?${queryString}` : ''}`, rawHeaders: headers.flat(), body: bodyBytes, sourceIp: '203.0.113.9' },
    { match, stage: 'v1', binaryMediaTypes: ['*/*'], accountId: '123456789012', apiId: 'fuzz' },
  );
}

function hostileEvent(r: HostileRequest): APIGatewayProxyEvent {
  const headers: Array<[string, string]> = [...r.headers, ...(r.contentType !== undefined ? [['Content-Type', r.contentType] as [string, string]] : [])];
  const event = proxyEvent(r.method, r.provider, headers, r.body.buffer, r.query) as unknown as Record<string, unknown>;
  if (r.encoding === 'plain') {
    Object.assign(event, { body: r.body.buffer.toString('utf8'), isBase64Encoded: false });
  } else if (r.encoding === 'null-body') {
    Object.assign(event, { body: null });
  } else if (typeof r.encoding === 'object') {
    const encoded = r.body.buffer.toString('base64');
    const at = r.encoding.at % (encoded.length + 1);
    Object.assign(event, { body: encoded.slice(0, at) + r.encoding.invalidBase64 + encoded.slice(at), isBase64Encoded: true });
  }
  switch (r.structure) {
    case 'null-headers': event.headers = null; break;
    case 'null-multi': event.multiValueHeaders = null; break;
    case 'no-multi': delete event.multiValueHeaders; break;
    case 'null-path': event.pathParameters = null; break;
    case 'empty-path': event.pathParameters = {}; break;
    case 'only-multi': event.headers = {}; break;
    case 'null-everything': Object.assign(event, { headers: null, multiValueHeaders: null, pathParameters: null, requestContext: null }); break;
    default: break;
  }
  return event as unknown as APIGatewayProxyEvent;
}

function almostRightEvent(pipeline: Pipeline, r: AlmostRight): APIGatewayProxyEvent {
  const config = pipeline.allProviders.find((p) => p.name === r.provider)!;
  const secret = pipeline.secretsOf(r.provider)[0];
  const now = Math.floor(Date.now() / 1000);
  const skew = config.toleranceSeconds + r.skewSeconds;
  const delivery = sampleDelivery(config, r.defect === 'wrong-secret' ? `wrong-${secret}` : secret, {
    deliveryId: r.id,
    timestamp: r.defect === 'stale' ? now - skew : r.defect === 'future' ? now + skew : now,
    ...(r.defect === 'malformed-json' ? { body: Buffer.from(`{"id": "${r.id}", "type": `) } : {}),
  });
  let sentBody = delivery.body;
  if (r.defect === 'tampered-body') sentBody = Buffer.concat([delivery.body, Buffer.from(' ')]);
  return proxyEvent('POST', r.provider, Object.entries(delivery.headers), sentBody);
}

// ---- the property ----

/**
 * Sends `runs` hostile or almost-right requests to the ingest function's process and checks each
 * answer; logs the answers seen. Returns how many were handshake answers (2xx).
 */
export async function assertEveryRefusalIsJson4xx(pipeline: Pipeline, runs: number, seed: number): Promise<Map<string, number>> {
  const statuses = new Map<string, number>();
  const started = Date.now();
  const ingest = pipeline.functions.ingest;
  await fc.assert(fc.asyncProperty(
    fc.oneof({ weight: 4, arbitrary: hostile(pipeline) }, { weight: 1, arbitrary: almostRight(pipeline) }),
    async (request) => {
      const event = request.kind === 'hostile' ? hostileEvent(request) : almostRightEvent(pipeline, request);
      const result = await ingest.invoke(event);
      if (!result.ok) throw new Error(`the function failed: ${result.error.errorType}: ${result.error.errorMessage}`);
      const response = result.value as { statusCode: number; headers?: Record<string, string>; body?: string };
      if (response.statusCode < 300) {
        // Only a handshake is answered without a valid signature: never a queued webhook (202).
        const key = `${response.statusCode} ${request.provider} handshake`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        expect([request.kind, response.statusCode, LOCAL_HANDSHAKE_PROVIDERS.includes(request.provider)]).toEqual(['hostile', 200, true]);
        return;
      }
      const json = JSON.parse(response.body ?? '');
      const key = `${response.statusCode} ${json.error}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.headers?.['content-type']).toBe('application/json');
      expect(typeof json.error).toBe('string');
    },
  ), { numRuns: runs, seed, endOnFailure: true });
  const seconds = (Date.now() - started) / 1000;
  say(`  fuzz: ${runs} requests in ${seconds.toFixed(1)} s (${(runs / seconds).toFixed(0)}/s), seed ${seed}; answers: `
    + [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ×${n}`).join(', '));
  expect(ingest.stats.crashes).toBe(0);
  expect(ingest.stats.timeouts).toBe(0);
  expect(ingest.stats.errors).toBe(0);
  return statuses;
}
