/**
 * Dead letters with ordering, through the shipped bundles on moto's FIFO queues: every write of
 * the processor fails until the webhooks of a Stripe customer and a Shopify order (one oversized)
 * reach the FIFO dead-letter queue; the archiver saves each with its message group; once the
 * fault is fixed, the redrive function sends them back from the archive, and then (the archiver
 * paused) from the dead-letter queue, each to its own group with a deduplication id of its own:
 * each ends as exactly one processed record with its exact bytes.
 */
import { ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import type { Message } from '@aws-sdk/client-sqs';
import { Duration } from 'aws-cdk-lib';
import { archiveMismatch, binaryBody, say, until } from './support';
import { destroyHttpAgent, postDelivery, queueDepth, scanRecords, webhookIdOf, type WebhookRecord } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, type Delivery } from '../../local-pipeline/signing';
import { LOCAL_ORDERING } from '../../local-pipeline/template/app';
import type { DeadLetterObject } from '../../src/runtime/dead-letter';

const MAX_RECEIVE_COUNT = 2;

let pipeline: Pipeline;
const sent = new Map<string, Delivery>();
const groupOf = new Map<string, string>();
/** Every message the processor's event source received, in order. */
const received: Message[] = [];

beforeAll(async () => {
  pipeline = await startPipeline({
    props: {
      ordering: LOCAL_ORDERING,
      processing: { timeout: Duration.seconds(2), maxReceiveCount: MAX_RECEIVE_COUNT },
      concurrency: { processorMaxConcurrency: 2 },
    },
    faults: { rate: 1, seed: 21, functions: ['processor'] },
    extraFunctionEnvironment: { AWS_MAX_ATTEMPTS: '1' },
    onReceive: (messages) => received.push(...messages),
    progress: (line) => say(`  ${line}`),
  });
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

/** Sends `count` deliveries of one Stripe customer and one of a Shopify order (oversized when asked). */
async function sendWebhooks(label: string, count: number, oversized: boolean): Promise<string[]> {
  const stripe = pipeline.providers.find((p) => p.name === 'stripe')!;
  const shopify = pipeline.providers.find((p) => p.name === 'shopify')!;
  const deliveries: Array<[Delivery, string]> = Array.from({ length: count }, (_, seq) => [
    sampleDelivery(stripe, pipeline.secretsOf('stripe')[0], { deliveryId: `evt_${label}_${seq}`, data: { data: { object: { customer: `cus_${label}`, seq } } } }),
    `stripe:cus_${label}`,
  ]);
  const order = sampleDelivery(shopify, pipeline.secretsOf('shopify')[0], oversized
    ? { deliveryId: `wh_${label}`, body: binaryBody(300 * 1024), contentType: 'application/octet-stream' }
    : { deliveryId: `wh_${label}`, data: { label } });
  deliveries.push([{ ...order, headers: { ...order.headers, 'X-Shopify-Order-Id': `order-${label}` } }, `shopify:order-${label}`]);
  const ids: string[] = [];
  for (const [delivery, group] of deliveries) {
    const response = await postDelivery(pipeline.url, delivery);
    if (response.status !== 202) throw new Error(`${delivery.provider}: ${response.status} ${response.body.toString()}`);
    const id = response.json?.id as string;
    ids.push(id);
    sent.set(id, delivery);
    groupOf.set(id, group);
  }
  return ids;
}

async function recordsOf(ids: readonly string[]): Promise<WebhookRecord[]> {
  return (await scanRecords(pipeline)).filter((r) => ids.includes(r.id));
}

/** Every record of `ids` processed, each once, with the exact bytes sent. */
async function expectProcessedOnce(ids: readonly string[]): Promise<void> {
  const records = await until('the redriven webhooks to be processed', 90_000, async () => {
    const found = await recordsOf(ids);
    return found.length === ids.length && found.every((r) => r.status === 'processed') ? found : undefined;
  });
  for (const record of records) {
    expect([record.id, await archiveMismatch(pipeline, record, sent.get(record.id)!.body)]).toEqual([record.id, undefined]);
  }
}

/** The redriven messages of `ids` the event source received: each in its own group, with a deduplication id of its own. */
function expectRedrivenToTheirGroups(ids: readonly string[]): void {
  for (const id of ids) {
    const redriven = received.filter((m) => webhookIdOf(m.Body) === id && m.Attributes?.MessageDeduplicationId?.startsWith('redrive:'));
    expect([id, redriven.length > 0, redriven[0]?.Attributes?.MessageGroupId]).toEqual([id, true, groupOf.get(id)]);
  }
}

test('dead letters of a FIFO queue are archived with their group, then redriven from the archive to their groups', async () => {
  const ids = await sendWebhooks('a', 3, true);
  const keys = await until('every webhook to be archived as a dead letter', 150_000, async () => {
    const { Contents = [] } = await pipeline.clients.s3.send(new ListObjectsV2Command({ Bucket: pipeline.resources.bucketName, Prefix: 'dead-letters/' }));
    const found = Contents.map((o) => o.Key!).filter((k) => k.endsWith('.json'));
    const records = await recordsOf(ids);
    return found.length >= ids.length && records.filter((r) => r.status === 'dead_lettered').length === ids.length ? found : undefined;
  });
  for (const key of keys) {
    const object = await pipeline.clients.s3.send(new GetObjectCommand({ Bucket: pipeline.resources.bucketName, Key: key }));
    const deadLetter = JSON.parse(await object.Body!.transformToString('utf8')) as DeadLetterObject;
    expect([deadLetter.webhookId, deadLetter.attributes.MessageGroupId]).toEqual([deadLetter.webhookId, groupOf.get(deadLetter.webhookId!)]);
  }
  await until('the archiver to delete what it archived', 30_000, async () => {
    const depth = await queueDepth(pipeline, pipeline.resources.deadLetterQueue.url);
    return depth.visible + depth.inFlight + depth.delayed === 0 ? depth : undefined;
  });
  pipeline.faultProxies.forEach((p) => p.disable());

  const result = await pipeline.functions.redrive.invoke({ source: 'archive' });
  expect((result as { value: unknown }).value).toMatchObject({ redriven: ids.length, failed: [] });
  await expectProcessedOnce(ids);
  expectRedrivenToTheirGroups(ids);
});

test('dead letters left in the FIFO dead-letter queue are redriven to their groups', async () => {
  await pipeline.deadLetterEventSource!.stop();
  pipeline.faultProxies.forEach((p) => p.enable());
  const ids = await sendWebhooks('b', 2, false);
  await until('the webhooks to reach the dead-letter queue', 150_000, async () => {
    const depth = await queueDepth(pipeline, pipeline.resources.deadLetterQueue.url);
    return depth.visible >= ids.length ? depth : undefined;
  });
  pipeline.faultProxies.forEach((p) => p.disable());

  const result = await pipeline.functions.redrive.invoke({ source: 'dead-letter-queue' });
  expect((result as { value: unknown }).value).toMatchObject({ redriven: ids.length, failed: [] });
  await expectProcessedOnce(ids);
  expectRedrivenToTheirGroups(ids);
});
