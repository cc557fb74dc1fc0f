/**
 * Dead letters through the shipped bundles. The processor's writes fail (every S3 PutObject and
 * DynamoDB PutItem it makes, through the fault proxy) until webhooks reach the dead-letter
 * queue; the archiver saves each one to `dead-letters/` byte for byte and marks its record
 * `dead_lettered`. The dead-letter queue is then emptied as if its retention had run out, the
 * `oversize/` body as if its lifecycle rule had run, the fault is fixed, and the redrive
 * function sends every dead letter back from the archive: each ends as exactly one processed
 * record with its exact bytes. Then the same from the queue, with the archiver paused.
 */
import { GetObjectCommand, DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { PurgeQueueCommand, SetQueueAttributesCommand, type Message } from '@aws-sdk/client-sqs';
import { Duration } from 'aws-cdk-lib';
import { archiveMismatch, binaryBody, OVERSIZE_BODY_BYTES, say, UNICODE_TEXT, until } from './support';
import {
  destroyHttpAgent, getStatus, listWebhooks, postDelivery, queueDepth, scanRecords, webhookIdOf, type WebhookRecord,
} from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, type Delivery } from '../../local-pipeline/signing';
import type { DeadLetterObject } from '../../src/runtime/dead-letter';

const MAX_RECEIVE_COUNT = 2;
const DEAD_LETTERS = 'dead-letters/';
const REDRIVEN = 'dead-letters-redriven/';

let pipeline: Pipeline;
/** The first queue message of each webhook id, as the ingest sent it. */
const queued = new Map<string, Message>();
const sent = new Map<string, Delivery>();
const started = Date.now();

beforeAll(async () => {
  pipeline = await startPipeline({
    props: {
      // Visibility = 6 × 2 s + 1 s window = 13 s: a webhook dead-letters within about half a minute.
      processing: { timeout: Duration.seconds(2), maxBatchingWindow: Duration.seconds(1), maxReceiveCount: MAX_RECEIVE_COUNT },
      concurrency: { processorMaxConcurrency: 2 },
    },
    // Every write of the processor fails; the archiver and the redrive function write directly.
    faults: { rate: 1, seed: 15, functions: ['processor'] },
    extraFunctionEnvironment: { AWS_MAX_ATTEMPTS: '1' },
    onReceive: (messages) => messages.forEach((m) => {
      const id = webhookIdOf(m.Body);
      if (id !== undefined && !queued.has(id)) queued.set(id, m);
    }),
    progress: (line) => say(`  ${line}`),
  });
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

/** Sends one signed delivery per provider with an event id header (one of them oversized); returns the webhook ids. */
async function sendWebhooks(label: string, count: number, oversized: boolean): Promise<string[]> {
  const ids: string[] = [];
  const providers = pipeline.providers.filter((p) => p.eventId?.header !== undefined);
  for (let i = 0; i < count; i++) {
    const config = providers[i % providers.length];
    const delivery = oversized && i === 0
      ? sampleDelivery(config, pipeline.secretsOf(config.name)[0], { deliveryId: `${label}-${i}`, body: binaryBody(OVERSIZE_BODY_BYTES), contentType: 'application/octet-stream' })
      : sampleDelivery(config, pipeline.secretsOf(config.name)[0], { deliveryId: `${label}-${i}`, data: { label, n: i, note: UNICODE_TEXT } });
    const response = await postDelivery(pipeline.url, delivery);
    if (response.status !== 202 && response.status !== 200) throw new Error(`${config.name}: ${response.status} ${response.body.toString()}`);
    const id = response.json?.id as string;
    ids.push(id);
    sent.set(id, delivery);
  }
  return ids;
}

async function keysUnder(prefix: string): Promise<string[]> {
  const { Contents = [] } = await pipeline.clients.s3.send(new ListObjectsV2Command({ Bucket: pipeline.resources.bucketName, Prefix: prefix }));
  return Contents.map((o) => o.Key!);
}

async function readObject(key: string): Promise<Buffer> {
  const object = await pipeline.clients.s3.send(new GetObjectCommand({ Bucket: pipeline.resources.bucketName, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

async function recordsOf(ids: readonly string[]): Promise<WebhookRecord[]> {
  return (await scanRecords(pipeline)).filter((r) => ids.includes(r.id));
}

/** Every record of `ids` processed, each once, with the exact bytes sent. */
async function expectProcessedOnce(ids: readonly string[]): Promise<void> {
  const records = await until('the redriven webhooks to be processed', 60_000, async () => {
    const found = await recordsOf(ids);
    return found.length === ids.length && found.every((r) => r.status === 'processed') ? found : undefined;
  });
  expect(records.map((r) => r.id).sort()).toEqual([...ids].sort());
  for (const record of records) {
    expect(await archiveMismatch(pipeline, record, sent.get(record.id)!.body)).toBeUndefined();
  }
}

describe('from the dead-letter archive', () => {
  let ids: string[];
  let deadLetters: Map<string, { key: string; object: DeadLetterObject }>;

  beforeAll(async () => {
    ids = await sendWebhooks('dl', 5, true);
    const keys = await until('every webhook to be archived as a dead letter', 120_000, async () => {
      const found = (await keysUnder(DEAD_LETTERS)).filter((k) => k.endsWith('.json'));
      const records = await recordsOf(ids);
      return found.length >= ids.length && records.filter((r) => r.status === 'dead_lettered').length === ids.length ? found : undefined;
    });
    deadLetters = new Map();
    for (const key of keys) {
      const object = JSON.parse((await readObject(key)).toString('utf8')) as DeadLetterObject;
      deadLetters.set(object.webhookId!, { key, object });
    }
    say(`  ${ids.length} webhooks dead-lettered and archived after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('each dead letter holds the exact message the ingest queued, its attributes and its failure count', () => {
    expect([...deadLetters.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const { key, object } = deadLetters.get(id)!;
      const message = queued.get(id)!;
      expect(object.body).toBe(message.Body);
      expect(Buffer.from(object.body, 'utf8').equals(Buffer.from(message.Body!, 'utf8'))).toBe(true);
      expect(object.md5OfBody).toBe(message.MD5OfBody);
      expect(object.attributes.SentTimestamp).toBe(message.Attributes?.SentTimestamp);
      expect(object.maxReceiveCount).toBe(MAX_RECEIVE_COUNT);
      expect(object.receiveCount).toBeGreaterThan(MAX_RECEIVE_COUNT);
      expect(key).toMatch(new RegExp(`^${DEAD_LETTERS}\\d{4}/\\d{2}/\\d{2}/${encodeURIComponent(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f-]+\\.json$`));
    }
  });

  test('the oversized body is copied next to its dead letter', async () => {
    const withBody = [...deadLetters.values()].filter((d) => d.object.oversizeBody !== undefined);
    expect(withBody).toHaveLength(1);
    const { object } = withBody[0];
    expect((await readObject(object.oversizeBody!.key!)).equals(sent.get(object.webhookId!)!.body)).toBe(true);
  });

  test('/status and the listing say dead_lettered, with the time', async () => {
    for (const id of ids) {
      const status = await getStatus(pipeline.url, id);
      expect(status.status).toBe(200);
      expect(status.json).toMatchObject({ id, status: 'dead_lettered', deadLetteredAt: expect.any(String) });
    }
    const listing = await listWebhooks(pipeline.url, { from: new Date(started - 60_000).toISOString(), to: new Date().toISOString(), limit: '100' });
    const listed = (listing.json as { items: Array<{ id: string; status: string }> }).items.filter((i) => ids.includes(i.id));
    expect(listed.map((i) => i.status)).toEqual(ids.map(() => 'dead_lettered'));
  });

  test('after the queue and oversize/ have expired and the fault is fixed, a redrive from the archive makes exactly one record each', async () => {
    // The archiver already took every dead letter off the queue; the retention is shortened
    // to SQS's minimum and the queue purged anyway, as if 14 days had passed.
    const dlq = pipeline.resources.deadLetterQueue.url;
    // (The archive object and the record are written before the archiver's batch returns and the
    // mapping deletes the messages: wait for the deletes.)
    await until('the archiver to delete what it archived from the dead-letter queue', 30_000, async () => {
      const depth = await queueDepth(pipeline, dlq);
      return depth.visible + depth.inFlight + depth.delayed === 0 ? depth : undefined;
    });
    await pipeline.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlq, Attributes: { MessageRetentionPeriod: '60' } }));
    await pipeline.clients.sqs.send(new PurgeQueueCommand({ QueueUrl: dlq }));
    const oversized = [...deadLetters.values()].find((d) => d.object.oversizeBody !== undefined)!.object.oversizeBody!;
    await pipeline.clients.s3.send(new DeleteObjectCommand({ Bucket: pipeline.resources.bucketName, Key: oversized.sourceKey }));
    pipeline.faultProxies.forEach((p) => p.disable());

    // Two invocations: the first stops after 3 and hands back where to continue.
    const first = await pipeline.functions.redrive.invoke({ source: 'archive', maxMessages: 3 });
    expect(first.ok).toBe(true);
    const firstResult = (first as { value: { redriven: number; failed: unknown[]; continuationToken?: string } }).value;
    expect(firstResult).toMatchObject({ redriven: 3, failed: [] });
    expect(firstResult.continuationToken).toEqual(expect.any(String));
    const second = await pipeline.functions.redrive.invoke({ source: 'archive', continuationToken: firstResult.continuationToken });
    expect((second as { value: unknown }).value).toMatchObject({ redriven: ids.length - 3, failed: [] });
    expect((second as { value: { continuationToken?: string } }).value.continuationToken).toBeUndefined();

    await expectProcessedOnce(ids);
    say(`  redriven from the archive and processed after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('redriven dead letters move to dead-letters-redriven/, so a second redrive finds nothing', async () => {
    expect((await keysUnder(DEAD_LETTERS)).filter((k) => k.endsWith('.json'))).toEqual([]);
    const moved = (await keysUnder(REDRIVEN)).filter((k) => k.endsWith('.json'));
    expect(moved).toHaveLength(ids.length);
    expect((await keysUnder(REDRIVEN)).filter((k) => k.endsWith('.body'))).toHaveLength(1);
    const again = await pipeline.functions.redrive.invoke({ source: 'archive' });
    expect((again as { value: unknown }).value).toMatchObject({ redriven: 0, skipped: 0, failed: [] });
  });
});

describe('from the dead-letter queue, with the archiver paused', () => {
  test('webhooks left in the dead-letter queue are redriven to exactly one record each', async () => {
    await pipeline.deadLetterEventSource!.stop();
    pipeline.faultProxies.forEach((p) => p.enable());
    const ids = await sendWebhooks('dlq', 3, false);
    const dlq = pipeline.resources.deadLetterQueue.url;
    await until('the webhooks to reach the dead-letter queue', 120_000, async () => {
      const depth = await queueDepth(pipeline, dlq);
      return depth.visible >= ids.length ? depth : undefined;
    });
    expect(await recordsOf(ids)).toEqual([]);
    pipeline.faultProxies.forEach((p) => p.disable());

    const result = await pipeline.functions.redrive.invoke({ source: 'dead-letter-queue' });
    expect((result as { value: unknown }).value).toMatchObject({ redriven: ids.length, skipped: 0, failed: [] });
    await expectProcessedOnce(ids);
    // (The archive object and the record are written before the archiver's batch returns and the
    // mapping deletes the messages: wait for the deletes.)
    await until('the archiver to delete what it archived from the dead-letter queue', 30_000, async () => {
      const depth = await queueDepth(pipeline, dlq);
      return depth.visible + depth.inFlight + depth.delayed === 0 ? depth : undefined;
    });
    say(`  redriven from the dead-letter queue and processed after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('a bad request is answered with a reason, not run', async () => {
    const result = await pipeline.functions.redrive.invoke({ source: 'elsewhere' });
    expect((result as { value: unknown }).value).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/'source' must be one of/) });
  });
});
