/**
 * Events end to end through the shipped bundles: signed deliveries of every provider → API →
 * ingest → SQS → processor → DynamoDB record → table stream (stand-in, with the mapping's filter)
 * → publisher → local EventBridge (Event Ruler) → the routes' targets: SQS queues in moto, the
 * local recorder function, and an SNS topic the bus records. Each recorded webhook makes exactly
 * one event, which reaches exactly the targets its routes name, once; duplicates, conflicts and
 * refused deliveries make none.
 */
import { Duration } from 'aws-cdk-lib';
import { binaryBody, say, UNICODE_TEXT } from './support';
import { matchRules } from '../../local-pipeline/event-ruler/ruler';
import {
  destroyHttpAgent, postDelivery, readQueue, scanRecords, waitForEvents, type WebhookRecord,
} from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, withBadSignature, type Delivery } from '../../local-pipeline/signing';
import { LOCAL_ROUTES } from '../../local-pipeline/template/app';

interface Sent {
  readonly label: string;
  readonly delivery: Delivery;
  readonly id?: string;
  readonly status: number;
}

let pipeline: Pipeline;
const sent: Sent[] = [];
let records: WebhookRecord[] = [];
/** Queue messages by route, each parsed. */
const atQueue: Record<string, Array<Record<string, unknown>>> = {};
let failureRecords: unknown[] = [];
let deadLetters: unknown[] = [];
let took = 0;

const provider = (name: string) => pipeline.providers.find((p) => p.name === name)!;
const secret = (name: string) => pipeline.secretsOf(name)[0];
const queueUrl = (prefix: string) => pipeline.provisioned.queues.find((q) => q.logicalId.startsWith(prefix))!.url;
const payment = (deliveryId: string, amount: unknown) => sampleDelivery(provider('stripe'), secret('stripe'), {
  deliveryId, eventType: 'payment_intent.succeeded', data: { object: 'event', data: { object: { id: `pi_${deliveryId}`, amount, currency: 'eur' } } },
});

async function send(label: string, delivery: Delivery, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    const response = await postDelivery(pipeline.url, delivery);
    sent.push({ label, delivery, status: response.status, ...(typeof response.json?.id === 'string' ? { id: response.json.id } : {}) });
  }
}

/** Webhook id of an event (the `detail.id`). */
const webhookIdOf = (event: Record<string, unknown>) => (event.detail as { id: string }).id;

beforeAll(async () => {
  pipeline = await startPipeline({
    props: {
      processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) },
      concurrency: { processorMaxConcurrency: 4 },
    },
    progress: (line) => say(`  ${line}`),
  });
  const started = Date.now();
  for (const config of pipeline.providers) {
    const name = config.name;
    await send(`${name} JSON`, sampleDelivery(config, secret(name), { deliveryId: `ev-${name}-1`, eventType: 'order.created', data: { note: UNICODE_TEXT, amount: 4200, big: 12345678901234 } }));
    await send(`${name} binary`, sampleDelivery(config, secret(name), { deliveryId: `ev-bin-${name}-1`, body: binaryBody(512), contentType: 'application/octet-stream' }));
    await send(`${name} bad signature`, withBadSignature(config, sampleDelivery(config, secret(name), { deliveryId: `ev-bad-${name}-1` })));
  }
  await send('stripe payment of 5 000', payment('evt_pay_5000', 5000));
  await send('stripe payment of exactly 1 000', payment('evt_pay_1000', 1000));
  await send('stripe payment of 999.99', payment('evt_pay_999', 999.99));
  await send('stripe payment with the amount as a string', payment('evt_pay_string', '5000'));
  await send('github push', sampleDelivery(provider('github'), secret('github'), { deliveryId: 'ev-push-1', eventType: 'push', data: { ref: 'refs/heads/main' } }));
  await send('shopify order', sampleDelivery(provider('shopify'), secret('shopify'), { deliveryId: 'ev-order-1', eventType: 'orders/create', data: { total_price: '12.00' } }));
  await send('github delivered twice', sampleDelivery(provider('github'), secret('github'), { deliveryId: 'ev-dup-1', eventType: 'issues' }), 2);
  await send('stripe conflict (first body)', payment('evt_conflict_1', 100));
  // Which body is "first" is the one recorded first: wait for it, or the queue's order decides.
  for (let waited = 0; !(await scanRecords(pipeline)).some((r) => r.id === 'stripe:evt_conflict_1'); waited += 250) {
    if (waited > 60_000) throw new Error('the first body of evt_conflict_1 was not recorded within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await send('stripe conflict (another body, same id)', payment('evt_conflict_1', 2000));

  await waitForEvents(pipeline, 120_000);
  took = Date.now() - started;
  records = await scanRecords(pipeline);
  for (const [route, prefix] of [[LOCAL_ROUTES.Payments, 'PaymentsQueue'], [LOCAL_ROUTES.Everything, 'AllWebhooksQueue'], [LOCAL_ROUTES.Refunds, 'RefundsQueue']]) {
    atQueue[route] = (await readQueue(pipeline, queueUrl(prefix))).map((m) => m.json!);
  }
  deadLetters = await readQueue(pipeline, queueUrl('RouteDeadLetters'));
  failureRecords = await readQueue(pipeline, queueUrl('WebhooksEventsFailureQueue'));
  say(`  events: ${pipeline.bus!.events().size} accepted, ${pipeline.bus!.deliveries().length} delivery log lines, `
    + `stream ${JSON.stringify(pipeline.streamSource!.stats)}; from the first POST to the last delivery ${(took / 1000).toFixed(1)} s`);
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

/** Routes that received each webhook id, counting every arrival, from the queues and the bus's log. */
function arrivals(): Map<string, string[]> {
  const byId = new Map<string, string[]>();
  const add = (id: string, route: string) => byId.set(id, [...(byId.get(id) ?? []), route]);
  for (const [route, messages] of Object.entries(atQueue)) messages.forEach((m) => add(webhookIdOf(m), route));
  for (const d of pipeline.bus!.deliveries()) {
    if ((d.kind === 'lambda' && d.outcome === 'invoked') || d.kind === 'recorded') add(d.webhookId!, d.rule);
  }
  for (const routes of byId.values()) routes.sort();
  return byId;
}

describe('one event per recorded webhook', () => {
  test('the processed records are the accepted deliveries (duplicates and conflicts once, refusals never)', () => {
    const accepted = new Set(sent.filter((s) => s.status === 202).map((s) => s.id!));
    expect(new Set(records.map((r) => r.id))).toEqual(accepted);
    expect(sent.filter((s) => s.label.endsWith('bad signature')).every((s) => s.status === 401)).toBe(true);
  });

  test('the bus accepted exactly one event per record, and none for anything else', () => {
    const ids = [...pipeline.bus!.events().values()].map(webhookIdOf).sort();
    expect(ids).toEqual(records.map((r) => r.id).sort());
    expect(pipeline.bus!.stats.refused).toEqual({});
  });

  test('the stream mapping\'s filter passed inserts of processed records only; nothing went to its failure queue', () => {
    const stats = pipeline.streamSource!.stats;
    // The publisher saw exactly the records' inserts; the updates (a duplicate, a conflict) were dropped.
    expect(stats.recordsRead - stats.recordsFilteredOut).toBe(records.length);
    expect(stats.recordsFilteredOut).toBeGreaterThan(0);
    expect(stats.onFailureBatches).toBe(0);
    expect(failureRecords).toEqual([]);
  });
});

describe('routing', () => {
  test('each event reached exactly the targets its routes name (Event Ruler on the template\'s patterns), once each', () => {
    const events = [...pipeline.bus!.events().values()];
    const patterns = Object.fromEntries(pipeline.busRules.map((r) => [r.name, r.eventPattern]));
    const expected = new Map(matchRules(patterns, events).map((names, i) => [webhookIdOf(events[i]), names]));
    const actual = arrivals();
    for (const record of records) {
      expect({ id: record.id, routes: actual.get(record.id) ?? [] }).toEqual({ id: record.id, routes: expected.get(record.id) });
    }
    expect([...actual.keys()].filter((id) => !expected.has(id))).toEqual([]);
  });

  test('hand-written expectations: payments of at least 1 000, pushes, orders; the refund route receives nothing', () => {
    const actual = arrivals();
    const routesOf = (id: string) => actual.get(id);
    const { Payments, GithubPushes, ShopifyOrders, Everything } = LOCAL_ROUTES;
    expect(routesOf('stripe:evt_pay_5000')).toEqual([Everything, Payments]);
    expect(routesOf('stripe:evt_pay_1000')).toEqual([Everything, Payments]);
    expect(routesOf('stripe:evt_pay_999')).toEqual([Everything]);
    // A numeric filter never matches a string.
    expect(routesOf('stripe:evt_pay_string')).toEqual([Everything]);
    // The conflicting body (2 000) makes no event: the first body (100) is the record's.
    expect(routesOf('stripe:evt_conflict_1')).toEqual([Everything]);
    expect(routesOf('github:ev-push-1')).toEqual([Everything, GithubPushes]);
    expect(routesOf('shopify:ev-order-1')).toEqual([Everything, ShopifyOrders]);
    expect(routesOf('github:ev-dup-1')).toEqual([Everything]);
    expect(atQueue[LOCAL_ROUTES.Refunds]).toEqual([]);
    expect(deadLetters).toEqual([]);
  });

  test('the Lambda target ran once per push event, the SNS topic was recorded (not executed)', () => {
    const log = pipeline.bus!.deliveries();
    const lambda = log.filter((d) => d.kind === 'lambda');
    expect(lambda.filter((d) => d.outcome === 'invocation-failed')).toEqual([]);
    expect(lambda.filter((d) => d.outcome === 'invoked').map((d) => d.webhookId)).toEqual(['github:ev-push-1']);
    expect(pipeline.functions.recorder.stats.errors).toBe(0);
    const recorded = log.filter((d) => d.kind === 'recorded');
    expect(recorded.map((d) => [d.rule, d.webhookId, d.targetArn.split(':')[2]])).toEqual([[LOCAL_ROUTES.ShopifyOrders, 'shopify:ev-order-1', 'sns']]);
  });
});

describe('what the events carry', () => {
  test('the envelope EventBridge adds: id, source, detail-type, account, region, time', () => {
    for (const event of atQueue[LOCAL_ROUTES.Everything]) {
      expect(event).toMatchObject({ 'version': '0', 'source': 'cdk-webhook-processor', 'detail-type': 'Webhook Received', 'account': '123456789012', 'region': 'us-east-1', 'resources': [] });
      expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  test('JSON bodies ride as parsed payloads (numbers as numbers, unicode intact) with the webhook id; binary bodies by reference', () => {
    const byId = new Map(atQueue[LOCAL_ROUTES.Everything].map((e) => [webhookIdOf(e), e.detail as Record<string, unknown>]));
    for (const s of sent.filter((x) => x.status === 202 && !x.label.includes('another body'))) {
      const detail = byId.get(s.id!)!;
      expect(detail.id).toBe(s.id);
      if (s.label.endsWith('binary')) {
        expect({ label: s.label, payloadIncluded: detail.payloadIncluded, payloadOmitted: detail.payloadOmitted }).toEqual({ label: s.label, payloadIncluded: false, payloadOmitted: 'not_json' });
      } else {
        expect({ label: s.label, payload: detail.payload }).toEqual({ label: s.label, payload: JSON.parse(s.delivery.body.toString('utf8')) });
      }
    }
    const paid = byId.get('stripe:evt_pay_5000')!.payload as { data: { object: { amount: unknown } } };
    expect(typeof paid.data.object.amount).toBe('number');
    expect((byId.get('stripe:ev-stripe-1')!.payload as { note: string; big: number })).toMatchObject({ note: UNICODE_TEXT, big: 12345678901234 });
  });

  test('the payments queue received the event itself (no InputPath or Input)', () => {
    expect(atQueue[LOCAL_ROUTES.Payments].map((e) => e['detail-type'])).toEqual(['Webhook Received', 'Webhook Received']);
  });
});
