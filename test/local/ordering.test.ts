/**
 * Ordering (the `ordering` prop) through the shipped bundles on FIFO queues in moto: Stripe
 * deliveries keyed by `data.object.customer` (a few without one), Shopify ones by the
 * `X-Shopify-Order-Id` header, each entity's deliveries sent one after another and the entities
 * concurrently, one of them oversized (claim check), while 15 % of the processor's DynamoDB
 * PutItem and S3 PutObject requests fail. Once the queue has drained every delivery must be
 * exactly one record, each group's deliveries must have been processed in the order they were
 * sent, and other groups must have been processed while a group waited for its failed message.
 * The processing order is read from the event source's log of batch outcomes (which messages
 * were deleted, i.e. processed, when), and checked again against the records' processedAt.
 */
import { Duration } from 'aws-cdk-lib';
import { archiveMismatch, say } from './support';
import {
  destroyHttpAgent, mapConcurrently, postDelivery, readArchivedDeadLetters, readDeadLetters, scanRecords, waitForDrain,
  webhookIdOf, type WebhookRecord,
} from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, type Delivery } from '../../local-pipeline/signing';
import { outOfOrderDeletes } from '../../local-pipeline/stand-ins/event-source';
import { LOCAL_ORDERING } from '../../local-pipeline/template/app';

const SEED = Number(process.env.FAULT_SEED ?? 1403);
const FAULT_RATE = 0.15;
const CUSTOMERS = 6;
const ORDERS = 3;
const EVENTS_PER_ENTITY = 6;
const KEYLESS = 4;
/**
 * High enough that no delivery dead-letters (a dead letter leaves its group, breaking its order by
 * design): a message is received again each time an earlier one of its group fails in its batch.
 */
const MAX_RECEIVE_COUNT = 100;

interface Sent {
  readonly delivery: Delivery;
  /** The group the delivery must be in, and its place in it. */
  readonly group: string;
  readonly seq: number;
  readonly webhookId: string;
}

interface Processed {
  readonly webhookId: string;
  readonly group: string;
  readonly at: number;
}

let pipeline: Pipeline;
const sent: Sent[] = [];
const groupOfMessage = new Map<string, string>();
const webhookOfMessage = new Map<string, string>();
/** Successful (deleted) messages in the order their invocations finished. */
const processed: Processed[] = [];
/** Failed messages with when their invocation finished. */
const failures: Processed[] = [];
/** Failed messages of a batch that came after a failed message of their own group (held for order). */
let heldForOrder = 0;
let records: WebhookRecord[] = [];

beforeAll(async () => {
  pipeline = await startPipeline({
    props: {
      // Stripe by `data.object.customer`, Shopify by `X-Shopify-Order-Id`.
      ordering: LOCAL_ORDERING,
      // Visibility = 6 × 2 s = 12 s: a failed message holds its group that long.
      processing: { timeout: Duration.seconds(2), maxReceiveCount: MAX_RECEIVE_COUNT },
      concurrency: { processorMaxConcurrency: 4 },
    },
    faults: { rate: FAULT_RATE, seed: SEED, functions: ['processor'] },
    extraFunctionEnvironment: { AWS_MAX_ATTEMPTS: '1' },
    onReceive: (messages) => messages.forEach((m) => {
      groupOfMessage.set(m.MessageId!, m.Attributes?.MessageGroupId ?? '');
      webhookOfMessage.set(m.MessageId!, webhookIdOf(m.Body) ?? '?');
    }),
    onBatch: (outcome) => {
      const at = Date.now();
      const failed = new Set(outcome.failed);
      const stopped = new Set<string>();
      for (const id of outcome.messageIds) {
        const entry = { webhookId: webhookOfMessage.get(id)!, group: groupOfMessage.get(id)!, at };
        if (!failed.has(id)) {
          processed.push(entry);
          continue;
        }
        failures.push(entry);
        if (stopped.has(entry.group)) heldForOrder++;
        stopped.add(entry.group);
      }
    },
    progress: (line) => say(`  ${line}`),
  });

  const stripe = pipeline.providers.find((p) => p.name === 'stripe')!;
  const shopify = pipeline.providers.find((p) => p.name === 'shopify')!;
  const entities: Sent[][] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    entities.push(Array.from({ length: EVENTS_PER_ENTITY }, (_, seq) => {
      // One delivery is too large for SQS: it goes through the claim check, in its group.
      const pad = c === 0 && seq === 3 ? 'x'.repeat(300 * 1024) : undefined;
      const delivery = sampleDelivery(stripe, pipeline.secretsOf('stripe')[0], {
        deliveryId: `evt_c${c}_${seq}`, eventType: 'invoice.updated', data: { data: { object: { customer: `cus_${c}`, seq, ...(pad ? { pad } : {}) } } },
      });
      return { delivery, group: `stripe:cus_${c}`, seq, webhookId: `stripe:evt_c${c}_${seq}` };
    }));
  }
  for (let o = 0; o < ORDERS; o++) {
    entities.push(Array.from({ length: EVENTS_PER_ENTITY }, (_, seq) => {
      const signed = sampleDelivery(shopify, pipeline.secretsOf('shopify')[0], { deliveryId: `wh_o${o}_${seq}`, eventType: 'orders/updated', data: { id: 45078946 + o, seq } });
      // Shopify signs the body only: the order id header is added as Shopify sends it.
      const delivery = { ...signed, headers: { ...signed.headers, 'X-Shopify-Order-Id': `45078946${o}` } };
      return { delivery, group: `shopify:45078946${o}`, seq, webhookId: `shopify:wh_o${o}_${seq}` };
    }));
  }
  // Deliveries without the key share their provider's group.
  entities.push(Array.from({ length: KEYLESS }, (_, seq) => ({
    delivery: sampleDelivery(stripe, pipeline.secretsOf('stripe')[0], { deliveryId: `evt_balance_${seq}`, eventType: 'balance.available', data: { data: { object: { seq } } } }),
    group: 'stripe',
    seq,
    webhookId: `stripe:evt_balance_${seq}`,
  })));

  const started = Date.now();
  // Each entity's deliveries one after another (so that they arrive in order); entities concurrently.
  await mapConcurrently(entities, entities.length, async (chain) => {
    for (const item of chain) {
      const response = await postDelivery(pipeline.url, item.delivery);
      if (response.status !== 202) throw new Error(`${item.webhookId}: ${response.status} ${response.body.toString()}`);
      sent.push(item);
    }
  });
  say(`  sent ${sent.length} deliveries in ${entities.length} groups in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for the queue to drain…`);
  let lastReport = Date.now();
  await waitForDrain(pipeline, 330_000, (depth) => {
    if (Date.now() - lastReport < 30_000) return;
    lastReport = Date.now();
    const source = pipeline.eventSource!.stats;
    say(`  … ${depth.visible} visible, ${depth.inFlight} in flight; ${source.messagesDeleted} deleted, ${source.itemFailures} failed, ${source.groupsHeldBack} held back`);
  });
  say(`  drained after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  records = await scanRecords(pipeline);
  const source = pipeline.eventSource!.stats;
  say(`  event source: ${source.invocations} invocations, ${source.itemFailures} items reported failed (${heldForOrder} held for order), `
    + `${source.messagesDeleted} deleted, ${source.groupsHeldBack} held back, ${source.orderViolations} order violations; `
    + `faults injected ${pipeline.faultProxies.reduce((n, p) => n + p.stats.total(), 0)}`);
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

test('the faults really happened, and failed messages held later messages of their group', () => {
  expect(pipeline.faultProxies.reduce((n, p) => n + p.stats.total(), 0)).toBeGreaterThan(0);
  expect(failures.length).toBeGreaterThan(0);
  expect(heldForOrder).toBeGreaterThan(0);
});

test('the queue is FIFO and each delivery was in its entity\'s group (the provider\'s without a key)', () => {
  expect(pipeline.resources.queue.url).toMatch(/\.fifo$/);
  const groupOfWebhook = new Map([...webhookOfMessage].map(([messageId, webhookId]) => [webhookId, groupOfMessage.get(messageId)]));
  for (const item of sent) expect([item.webhookId, groupOfWebhook.get(item.webhookId)]).toEqual([item.webhookId, item.group]);
});

test('every delivery is exactly one processed record with its exact bytes; nothing dead-lettered', async () => {
  expect(records.map((r) => r.id).sort()).toEqual(sent.map((s) => s.webhookId).sort());
  for (const item of sent) {
    const record = records.find((r) => r.id === item.webhookId)!;
    expect([item.webhookId, await archiveMismatch(pipeline, record, item.delivery.body)]).toEqual([item.webhookId, undefined]);
  }
  expect([...await readDeadLetters(pipeline), ...await readArchivedDeadLetters(pipeline)]).toEqual([]);
});

test('each group was processed in the order its deliveries were sent', () => {
  const firstProcessed = processed.filter((p, i) => processed.findIndex((q) => q.webhookId === p.webhookId) === i);
  for (const group of new Set(sent.map((s) => s.group))) {
    const expected = sent.filter((s) => s.group === group).sort((a, b) => a.seq - b.seq).map((s) => s.webhookId);
    expect([group, firstProcessed.filter((p) => p.group === group).map((p) => p.webhookId)]).toEqual([group, expected]);
  }
});

test('the records agree: within a group, processedAt never goes back', () => {
  for (const group of new Set(sent.map((s) => s.group))) {
    const times = sent.filter((s) => s.group === group).sort((a, b) => a.seq - b.seq)
      .map((s) => Date.parse(records.find((r) => r.id === s.webhookId)!.processedAt));
    expect([group, times]).toEqual([group, [...times].sort((a, b) => a - b)]);
  }
});

test('other groups were processed while a group waited for its failed message', () => {
  // For each failure: the messages of other groups processed before the failed one was processed.
  const processedWhileWaiting = failures.map((f) => {
    const retriedAt = processed.find((p) => p.webhookId === f.webhookId)!.at;
    return processed.filter((p) => p.group !== f.group && p.at > f.at && p.at < retriedAt).length;
  });
  expect(Math.max(...processedWhileWaiting)).toBeGreaterThan(0);
});

test('the processor never let the event source delete a message after a failed one of its group', () => {
  expect(pipeline.eventSource!.stats.orderViolations).toBe(0);
});

test('the order check of the event source counts a delete after a failure of the same group', () => {
  const m = (id: string, group: string) => ({ MessageId: id, Attributes: { MessageGroupId: group } });
  expect(outOfOrderDeletes([m('1', 'a'), m('2', 'b'), m('3', 'a')], new Set(['1']))).toBe(1);
  expect(outOfOrderDeletes([m('1', 'a'), m('2', 'b'), m('3', 'a')], new Set(['1', '3']))).toBe(0);
});
