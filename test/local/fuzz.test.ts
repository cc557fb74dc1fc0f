/**
 * Property-based fuzzing of the shipped ingest bundle: at least 10 000 malformed or hostile
 * API Gateway events (bad JSON, huge headers, invalid base64, wrong methods, odd content types,
 * missing, garbage and almost-right signatures, unknown providers, bodies at and around the
 * maximum size), sent straight to the ingest function's process. Every one must be a JSON 4xx
 * with an `error` field, none may crash the function or answer 5xx, and nothing may reach the
 * queue or the oversize prefix. Then signed deliveries with 64-bit and larger integer ids, each
 * of which must keep its literal id.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Duration } from 'aws-cdk-lib';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as fc from 'fast-check';
import { say } from './support';
import { destroyHttpAgent, queueDepth } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery } from '../../local-pipeline/signing';
import { matchRoute, toProxyEvent } from '../../local-pipeline/stand-ins/api-gateway';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { MAX_BODY_BYTES } from '../../src/runtime/message';

const RUNS = Math.max(10_000, Number(process.env.FUZZ_RUNS ?? 10_000));
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_601);

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline({
    props: { processing: { maxBatchingWindow: Duration.seconds(1) } },
    // Only the ingest function is under test; the queue must stay empty for the final check.
    eventSource: false,
    progress: (line) => say(`  ${line}`),
  });
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

// ---- generators ----

const SIGNATURE_HEADERS = [
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

const body = fc.oneof(
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
  { weight: 6, arbitrary: fc.constant('POST') },
  { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'post', 'TRACE', '') },
);

interface HostileRequest {
  readonly kind: 'hostile';
  readonly provider: string;
  readonly method: string;
  readonly headers: Array<[string, string]>;
  readonly contentType?: string;
  readonly body: Bytes;
  readonly encoding: 'apigw' | 'plain' | 'null-body' | { invalidBase64: string; at: number };
  readonly structure: string;
}

const provider = () => fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...pipeline.providers.map((p) => p.name)) },
  { weight: 1, arbitrary: fc.constantFrom('gitlab', '__proto__', 'constructor', 'hasOwnProperty', 'STRIPE', 'stripe ', '', '%2e%2e', 'stripe%00', '..', 'a'.repeat(300)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

const hostile = () => fc.record({
  kind: fc.constant('hostile' as const), provider: provider(), method, headers: fc.array(header, { maxLength: 8 }), contentType, body, encoding, structure,
});

type Defect = 'tampered-body' | 'stale' | 'future' | 'malformed-json' | 'wrong-secret';

interface AlmostRight {
  readonly kind: 'almost-right';
  readonly provider: string;
  readonly defect: Defect;
  readonly id: string;
  readonly skewSeconds: number;
}

/** Defects that make a correctly-formed delivery of each scheme certain to be refused. */
const DEFECTS: Readonly<Record<string, readonly Defect[]>> = {
  'stripe': ['tampered-body', 'stale', 'future', 'malformed-json', 'wrong-secret'],
  'github': ['tampered-body', 'malformed-json', 'wrong-secret'],
  'shopify': ['tampered-body', 'malformed-json', 'wrong-secret'],
  'slack': ['tampered-body', 'stale', 'future', 'malformed-json', 'wrong-secret'],
  'standard-webhooks': ['tampered-body', 'stale', 'future', 'malformed-json', 'wrong-secret'],
  'hmac': ['tampered-body', 'stale', 'future', 'malformed-json', 'wrong-secret'],
  'api-key': ['malformed-json', 'wrong-secret'],
};

const almostRight = () => fc.constantFrom(...pipeline.providers).chain((config) => fc.record({
  kind: fc.constant('almost-right' as const),
  provider: fc.constant(config.name),
  defect: fc.constantFrom(...DEFECTS[config.scheme]),
  id: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
  skewSeconds: fc.integer({ min: 10, max: 100_000 }),
}));

// ---- events ----

const ROUTE = [{ httpMethod: 'POST', resourcePath: '/webhook/{provider}', resourceLogicalId: 'Fuzz', authorizationType: 'NONE', functionLogicalId: 'Ingest' }];

function proxyEvent(httpMethod: string, providerName: string, headers: Array<[string, string]>, bodyBytes: Buffer): APIGatewayProxyEvent {
  const match = { ...matchRoute(ROUTE, 'POST', '/webhook/x')!, pathParameters: { provider: providerName } };
  return toProxyEvent(
    { method: httpMethod, url: `/webhook/${providerName}`, rawHeaders: headers.flat(), body: bodyBytes, sourceIp: '203.0.113.9' },
    { match, stage: 'v1', binaryMediaTypes: ['*/*'], accountId: '123456789012', apiId: 'fuzz' },
  );
}

function hostileEvent(r: HostileRequest): APIGatewayProxyEvent {
  const headers: Array<[string, string]> = [...r.headers, ...(r.contentType !== undefined ? [['Content-Type', r.contentType] as [string, string]] : [])];
  const event = proxyEvent(r.method, r.provider, headers, r.body.buffer) as unknown as Record<string, unknown>;
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

function almostRightEvent(r: AlmostRight): APIGatewayProxyEvent {
  const config = pipeline.providers.find((p) => p.name === r.provider)!;
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

test(`${RUNS} malformed or hostile requests: each a JSON 4xx with an error, no crash, nothing enqueued`, async () => {
  const statuses = new Map<string, number>();
  const started = Date.now();
  const ingest = pipeline.functions.ingest;
  await fc.assert(fc.asyncProperty(
    fc.oneof({ weight: 4, arbitrary: hostile() }, { weight: 1, arbitrary: almostRight() }),
    async (request) => {
      const event = request.kind === 'hostile' ? hostileEvent(request) : almostRightEvent(request);
      const result = await ingest.invoke(event);
      if (!result.ok) throw new Error(`the function failed: ${result.error.errorType}: ${result.error.errorMessage}`);
      const response = result.value as { statusCode: number; headers?: Record<string, string>; body?: string };
      const json = JSON.parse(response.body ?? '');
      const key = `${response.statusCode} ${json.error}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.headers?.['content-type']).toBe('application/json');
      expect(typeof json.error).toBe('string');
    },
  ), { numRuns: RUNS, seed: SEED, endOnFailure: true });
  const seconds = (Date.now() - started) / 1000;
  say(`  fuzz: ${RUNS} requests in ${seconds.toFixed(1)} s (${(RUNS / seconds).toFixed(0)}/s), seed ${SEED}; answers: `
    + [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ×${n}`).join(', '));

  expect(ingest.stats.crashes).toBe(0);
  expect(ingest.stats.timeouts).toBe(0);
  expect(ingest.stats.errors).toBe(0);
});

test('nothing reached the queue or the oversize prefix', async () => {
  expect(await queueDepth(pipeline, pipeline.resources.queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  const listed = await pipeline.clients.s3.send(new ListObjectsV2Command({ Bucket: pipeline.resources.bucketName, Prefix: 'oversize/' }));
  expect(listed.KeyCount ?? 0).toBe(0);
});

test('the same function accepts a correct delivery, so the refusals were not a broken setup', async () => {
  const config: ProviderRuntimeConfig = pipeline.providers.find((p) => p.name === 'github')!;
  const good = sampleDelivery(config, pipeline.secretsOf('github')[0], { deliveryId: 'fuzz-control-1' });
  const result = await pipeline.functions.ingest.invoke(proxyEvent('POST', 'github', Object.entries(good.headers), good.body));
  expect(result.ok && (result.value as { statusCode: number }).statusCode).toBe(202);
});

test('signed deliveries with 64-bit and larger integer ids keep the literal id', async () => {
  const fromBody = pipeline.providers.filter((p) => p.eventId?.jsonPath !== undefined && p.eventId.header === undefined);
  expect(fromBody.map((p) => p.name).sort()).toEqual(['partner', 'slack', 'stripe']);
  const literal = fc.oneof(
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String),
    fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n }).map(String),
    fc.constantFrom('-0', '0', '9007199254740993', '18446744073709551615', '18446744073709551616', '1e3', '1.50', '-1.0E-7'),
  );
  const seen = new Set<string>();
  await fc.assert(fc.asyncProperty(fc.constantFrom(...fromBody), literal, async (config, id) => {
    const path = config.eventId!.jsonPath!.split('.');
    const signed = Buffer.from(path.reduceRight((inner, key) => `{"type":"event_callback","event":{"type":"x"},${JSON.stringify(key)}:${inner}}`, id));
    const delivery = sampleDelivery(config, pipeline.secretsOf(config.name)[0], { deliveryId: 'unused', body: signed });
    const result = await pipeline.functions.ingest.invoke(proxyEvent('POST', config.name, Object.entries(delivery.headers), signed));
    const response = result.ok ? result.value as { statusCode: number; body: string } : undefined;
    const webhookId = `${config.name}:${id}`;
    expect([response?.statusCode, JSON.parse(response?.body ?? '{}').id]).toEqual([202, webhookId]);
    seen.add(webhookId);
  }), { numRuns: 300, seed: SEED });
  say(`  fuzz: ${seen.size} distinct integer ids, each kept literally`);
});
