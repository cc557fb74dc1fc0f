/**
 * End to end through the shipped bundles: signed deliveries of every provider → API → ingest →
 * SQS → processor → DynamoDB record + S3 archive → GET /status, plus what must be refused.
 */
import type { Message } from '@aws-sdk/client-sqs';
import { Duration } from 'aws-cdk-lib';
import { archiveMismatch, binaryBody, OVERSIZE_BODY_BYTES, say, UNICODE_TEXT } from './support';
import {
  archivedDelivery, countRecords, destroyHttpAgent, getStatus, mapConcurrently, postDelivery, queueDepth, readDeadLetters, request, scanRecords,
  waitForDrain, waitForRecordCount, webhookIdOf, type HttpResult, type WebhookRecord,
} from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, withBadSignature, type Delivery } from '../../local-pipeline/signing';
import { defaultRuntime } from '../../src/core/function-base';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Sent {
  readonly label: string;
  readonly provider: string;
  readonly delivery: Delivery;
  readonly responses: HttpResult[];
  /** The id the provider's delivery carries, or undefined when the id is generated. */
  readonly deliveryId?: string;
}

let pipeline: Pipeline;
/** Every message the processor received, by webhook id. */
const received = new Map<string, Message[]>();
const accepted: Sent[] = [];
const rejected: Sent[] = [];
let duplicates: Sent[] = [];
let oversize: Sent[] = [];
let slackChallenge: HttpResult;

const provider = (name: string): ProviderRuntimeConfig => pipeline.providers.find((p) => p.name === name)!;
const secret = (name: string, index = 0) => pipeline.secretsOf(name)[index];
const acceptedId = (sent: Sent) => sent.responses[0].json?.id as string;

async function send(label: string, delivery: Delivery, times = 1, deliveryId?: string): Promise<Sent> {
  const responses: HttpResult[] = [];
  for (let i = 0; i < times; i++) responses.push(await postDelivery(pipeline.url, delivery));
  return { label, provider: delivery.provider, delivery, responses, deliveryId };
}

beforeAll(async () => {
  pipeline = await startPipeline({
    props: {
      processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) },
      concurrency: { processorMaxConcurrency: 4 },
    },
    onReceive: (messages) => messages.forEach((m) => {
      const id = webhookIdOf(m.Body) ?? '?';
      received.set(id, [...(received.get(id) ?? []), m]);
    }),
    progress: (line) => say(`  ${line}`),
  });

  for (const config of pipeline.providers) {
    const name = config.name;
    const json = sampleDelivery(config, secret(name), { deliveryId: `uni-${name}-1`, eventType: 'order.created', data: { note: UNICODE_TEXT, amount: 4200 } });
    accepted.push(await send(`${name} unicode JSON`, json, 1, `uni-${name}-1`));
    // Providers that read the id from the JSON body find none in binary bytes: the id is generated.
    const idInHeader = config.eventId?.header !== undefined;
    const binary = sampleDelivery(config, secret(name), { deliveryId: `bin-${name}-1`, body: binaryBody(2048), contentType: 'application/octet-stream' });
    accepted.push(await send(`${name} binary`, binary, 1, idInHeader ? `bin-${name}-1` : undefined));
    rejected.push(await send(`${name} bad signature`, withBadSignature(config, sampleDelivery(config, secret(name), { deliveryId: `bad-${name}-1` })), 1, `bad-${name}-1`));
  }
  accepted.push(await send('stripe signed with the previous secret (rotation)',
    sampleDelivery(provider('stripe'), secret('stripe', 1), { deliveryId: 'evt_rotated_1' }), 1, 'evt_rotated_1'));

  duplicates = [
    await send('github delivered twice', sampleDelivery(provider('github'), secret('github'), { deliveryId: 'dup-gh-1', eventType: 'push' }), 2, 'dup-gh-1'),
    await send('stripe delivered twice', sampleDelivery(provider('stripe'), secret('stripe'), { deliveryId: 'evt_dup_1' }), 2, 'evt_dup_1'),
  ];
  oversize = [
    await send('acme 800 KiB binary', sampleDelivery(provider('acme'), secret('acme'), {
      deliveryId: 'big-acme-1', body: binaryBody(OVERSIZE_BODY_BYTES), contentType: 'application/octet-stream',
    }), 1, 'big-acme-1'),
    // About 816 KB of JSON: over the inline limit once base64-encoded in the message.
    await send('stripe 800 KB JSON', sampleDelivery(provider('stripe'), secret('stripe'), {
      deliveryId: 'evt_big_1', data: { padding: UNICODE_TEXT.repeat(12000) },
    }), 1, 'evt_big_1'),
  ];

  const stale = Math.floor(Date.now() / 1000) - 3600;
  rejected.push(await send('stripe stale timestamp', sampleDelivery(provider('stripe'), secret('stripe'), { deliveryId: 'evt_stale_1', timestamp: stale }), 1, 'evt_stale_1'));
  rejected.push(await send('github malformed JSON', sampleDelivery(provider('github'), secret('github'), {
    deliveryId: 'bad-json-1', body: Buffer.from('{"id": "bad-json-1", '),
  }), 1, 'bad-json-1'));
  slackChallenge = await postDelivery(pipeline.url, sampleDelivery(provider('slack'), secret('slack'), {
    deliveryId: 'unused', body: Buffer.from(JSON.stringify({ type: 'url_verification', challenge: 'local-challenge-123', token: 't' })),
  }));

  await waitForDrain(pipeline, 60_000);
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

describe('accepted deliveries', () => {
  test('every provider answers 202 with the webhook id', () => {
    for (const sent of [...accepted, ...oversize]) {
      expect({ label: sent.label, status: sent.responses[0].status }).toEqual({ label: sent.label, status: 202 });
      const id = acceptedId(sent);
      if (sent.deliveryId !== undefined) {
        expect(id).toBe(`${sent.provider}:${sent.deliveryId}`);
      } else {
        expect(id.slice(sent.provider.length + 1)).toMatch(UUID_V7);
      }
    }
  });

  test('each ends as one processed record whose archive pointer yields the exact bytes sent', async () => {
    const records = new Map((await scanRecords(pipeline)).map((r) => [r.id, r]));
    for (const sent of [...accepted, ...oversize, ...duplicates]) {
      const record = records.get(acceptedId(sent));
      expect({ label: sent.label, found: record !== undefined }).toEqual({ label: sent.label, found: true });
      const problem = await archiveMismatch(pipeline, record!, sent.delivery.body);
      expect({ label: sent.label, problem }).toEqual({ label: sent.label, problem: undefined });
    }
  });

  test('GET /status/{id} reports processed, with IAM (SigV4) authorisation', async () => {
    for (const sent of accepted) {
      const status = await getStatus(pipeline.url, acceptedId(sent));
      expect(status.status).toBe(200);
      expect(status.json).toMatchObject({ id: acceptedId(sent), status: 'processed', provider: sent.provider });
    }
  });

  test('the event type is recorded where the provider carries it', async () => {
    const sent = accepted.find((s) => s.label === 'github unicode JSON')!;
    expect((await getStatus(pipeline.url, acceptedId(sent))).json?.type).toBe('order.created');
  });

  test('the API key header is redacted in the archive', async () => {
    const sent = accepted.find((s) => s.label === 'partner unicode JSON')!;
    const record = (await scanRecords(pipeline)).find((r) => r.id === acceptedId(sent))!;
    const archived = await archivedDelivery(pipeline, record);
    expect(archived.headers['x-partner-key']).toBe('[redacted]');
    expect(JSON.stringify(archived.headers)).not.toContain(secret('partner'));
  });

  test('a body over the inline limit travels by claim check (S3 reference), bytes intact', () => {
    for (const sent of oversize) {
      const messages = received.get(acceptedId(sent)) ?? [];
      expect(messages.length).toBeGreaterThan(0);
      const message = JSON.parse(messages[0].Body!);
      expect(message.body).toBeUndefined();
      expect(message.bodyRef).toMatch(/^oversize\//);
    }
  });
});

describe('duplicates', () => {
  test('a duplicate delivery is acknowledged twice with the same id and recorded once', async () => {
    const records = await scanRecords(pipeline);
    for (const sent of duplicates) {
      expect(sent.responses.map((r) => r.status)).toEqual([202, 202]);
      expect(sent.responses[1].json?.id).toBe(acceptedId(sent));
      expect(records.filter((r) => r.id === acceptedId(sent))).toHaveLength(1);
      // Both copies reached the processor: the second was recognised as a duplicate there.
      expect(received.get(acceptedId(sent))?.length).toBe(2);
    }
  });
});

describe('refused deliveries', () => {
  test('bad signatures and stale timestamps are 401 JSON with a reason', () => {
    for (const sent of rejected.filter((s) => s.label !== 'github malformed JSON')) {
      const [response] = sent.responses;
      expect({ label: sent.label, status: response.status }).toEqual({ label: sent.label, status: 401 });
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.json?.error).toEqual(expect.stringMatching(/^(invalid_signature|stale_timestamp)$/));
    }
  });

  test('a signed body that claims to be JSON and is not is a 400', () => {
    const sent = rejected.find((s) => s.label === 'github malformed JSON')!;
    expect(sent.responses[0].status).toBe(400);
    expect(sent.responses[0].json?.error).toBe('malformed_json');
  });

  test('nothing refused was enqueued or recorded', async () => {
    const records = new Set((await scanRecords(pipeline)).map((r) => r.id));
    for (const sent of rejected) {
      const id = `${sent.provider}:${sent.deliveryId}`;
      expect({ id, enqueued: received.has(id), recorded: records.has(id) }).toEqual({ id, enqueued: false, recorded: false });
    }
  });

  test("Slack's URL verification is answered with its challenge, not enqueued", () => {
    expect(slackChallenge.status).toBe(200);
    expect(slackChallenge.json).toEqual({ challenge: 'local-challenge-123' });
  });

  test('an unknown provider is a 404 from the function', async () => {
    const response = await postDelivery(pipeline.url, sampleDelivery(provider('github'), secret('github'), { deliveryId: 'x' }), 'gitlab');
    expect(response.status).toBe(404);
    expect(response.json?.error).toBe('unknown_provider');
  });

  // GET /webhook/{provider} exists (the local app has providers with GET handshakes): handshakes.test.ts.
  test('routes and methods the API does not have are 403 Missing Authentication Token, as API Gateway answers', async () => {
    for (const [method, path] of [['PUT', '/webhook/stripe'], ['POST', '/webhook'], ['POST', '/'], ['PUT', '/status/x'], ['POST', '/webhook/stripe/extra']]) {
      const response = await request(`${pipeline.url}${path}`, method, {}, Buffer.from('{}'));
      expect({ method, path, status: response.status, body: response.json }).toEqual({ method, path, status: 403, body: { message: 'Missing Authentication Token' } });
    }
  });

  test('GET /status needs SigV4; unknown ids are 404 and malformed ids 400', async () => {
    expect((await getStatus(pipeline.url, 'stripe:evt_none', false)).status).toBe(403);
    expect((await getStatus(pipeline.url, 'stripe:evt_none')).json?.error).toBe('not_found');
    expect((await getStatus(pipeline.url, 'not an id')).status).toBe(400);
  });
});

describe('the pipeline as a whole', () => {
  test('it runs the construct with its default runtime, nodejs24.x', () => {
    expect(pipeline.runtime).toBe(defaultRuntime().name);
    expect(pipeline.runtime).toBe('nodejs24.x');
  });

  test('records are exactly the accepted webhooks; the queues are empty; no invocation failed', async () => {
    const expected = new Set([...accepted, ...oversize, ...duplicates].map(acceptedId));
    const records = await scanRecords(pipeline);
    expect(new Set(records.map((r) => r.id))).toEqual(expected);
    expect(await queueDepth(pipeline, pipeline.resources.queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(await readDeadLetters(pipeline)).toEqual([]);
    expect(pipeline.eventSource!.stats.failedInvocations).toBe(0);
    expect(pipeline.eventSource!.stats.itemFailures).toBe(0);
    expect(pipeline.functions.processor.stats.errors).toBe(0);
    expect(pipeline.functions.ingest.stats.errors).toBe(0);
  });
});

describe('throughput', () => {
  test('end to end, from the first POST to the last record written', async () => {
    const count = 600;
    const concurrency = 16;
    const before = await countRecords(pipeline);
    const deliveries = Array.from({ length: count }, (_, i) => {
      const config = pipeline.providers[i % pipeline.providers.length];
      return sampleDelivery(config, secret(config.name), { deliveryId: `tp-${i}`, data: { n: i, note: UNICODE_TEXT } });
    });
    const started = Date.now();
    const responses = await mapConcurrently(deliveries, concurrency, (d) => postDelivery(pipeline.url, d));
    const posted = Date.now();
    expect(responses.filter((r) => r.status !== 202)).toEqual([]);
    const done = await waitForRecordCount(pipeline, before + count, 120_000);
    const seconds = (done - started) / 1000;
    const { batchSize, maximumBatchingWindowSeconds, maximumConcurrency } = pipeline.mapping;
    say(`  throughput: ${count} webhooks in ${seconds.toFixed(1)} s = ${(count / seconds).toFixed(0)} webhooks/s end to end `
      + `(ingest ${(count / ((posted - started) / 1000)).toFixed(0)}/s with ${concurrency} clients; batch ${batchSize}, window ${maximumBatchingWindowSeconds} s, `
      + `processor concurrency ${maximumConcurrency}; 2-core machine, emulators included)`);

    const records = new Map((await scanRecords(pipeline)).map((r): [string, WebhookRecord] => [r.id, r]));
    const mismatches = await mapConcurrently(deliveries, 8, async (d, i) => {
      const record = records.get(responses[i].json?.id as string);
      return record ? archiveMismatch(pipeline, record, d.body) : 'no record';
    });
    expect(mismatches.filter((m) => m !== undefined)).toEqual([]);
  });
});
