/**
 * Fault injection: over a thousand webhooks while a fifth of the handlers' DynamoDB PutItem and
 * S3 PutObject requests fail (5xx, or the connection dropped before or after the write), a
 * tenth of the deliveries arrive twice, and the processor is SIGKILLed mid-batch. Once the
 * queue has drained, every acknowledged webhook must be exactly one record whose archive
 * pointer yields its exact bytes, or be a dead letter (archived under `dead-letters/` with a
 * `dead_lettered` record, or still in the dead-letter queue); nothing else may exist.
 * Meanwhile the local bus refuses a fifth of the publisher's event entries (InternalFailure):
 * every record must still reach each target its routes name, any repeat at a target being a
 * whole re-published event with the same webhook id (at least once, detectable by that id).
 */
import { Duration } from 'aws-cdk-lib';
import { archiveMismatch, binaryBody, OVERSIZE_BODY_BYTES, say, UNICODE_TEXT } from './support';
import { matchRules } from '../../local-pipeline/event-ruler/ruler';
import { seededRandom } from '../../local-pipeline/fault-proxy';
import {
  destroyHttpAgent, mapConcurrently, postDelivery, queueDepth, readArchivedDeadLetters, readDeadLetters, readQueue, scanRecords,
  waitForDrain, waitForEvents, webhookIdOf,
  type DeadLetter, type HttpResult, type WebhookRecord,
} from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, type Delivery } from '../../local-pipeline/signing';

const WEBHOOKS = 1_000;
const DUPLICATE_SHARE = 0.1;
const OVERSIZE_EVERY = 100;
const FAULT_RATE = 0.2;
const SEED = Number(process.env.FAULT_SEED ?? 4242);
const CLIENTS = 8;
/** A provider retries a delivery that failed (5xx or no answer); this many attempts at most. */
const MAX_ATTEMPTS = 6;
const KILL_INTERVAL_MS = 1_500;
/** Mid-batch crashes to cause; a kill that lands after a batch finished does not count. */
const CRASHES_WANTED = 5;
const MAX_KILLS = 3 * CRASHES_WANTED;
const MAX_RECEIVE_COUNT = 3;
/** Share of PutEvents entries the local bus refuses. */
const BUS_FAULT_RATE = 0.2;

interface Outcome {
  readonly delivery: Delivery;
  readonly attempts: number;
  /** The id of the first 2xx answer, if any. */
  readonly ackedId?: string;
}

let pipeline: Pipeline;
let outcomes: Outcome[] = [];
let records: WebhookRecord[] = [];
let deadLetters: DeadLetter[] = [];
/** Ids whose record says `dead_lettered`. */
let deadLettered: string[] = [];
let kills = 0;
let duplicatesSent = 0;
const receivesById = new Map<string, number>();
/** Events the bus sent to the catch-all queue (its log), the queue's depth, the stream mapping's failure records. */
let everything: Array<Record<string, unknown>> = [];
let everythingDepth = 0;
let streamFailures: unknown[] = [];

/** Sends like a provider: retries on 5xx and on a dropped connection, with a short backoff. */
async function deliver(delivery: Delivery): Promise<Outcome> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let response: HttpResult | undefined;
    try {
      response = await postDelivery(pipeline.url, delivery);
    } catch {
      response = undefined;
    }
    if (response !== undefined && response.status >= 200 && response.status < 300) {
      return { delivery, attempts: attempt, ackedId: response.json?.id as string };
    }
    if (response !== undefined && response.status < 500) {
      throw new Error(`unexpected ${response.status} ${response.body.toString()} for ${delivery.provider}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
  }
  return { delivery, attempts: MAX_ATTEMPTS };
}

/**
 * SIGKILLs the processor while it runs a batch: at most every KILL_INTERVAL_MS, as soon as an
 * invocation is in flight (checked every 10 ms), until CRASHES_WANTED invocations were cut
 * short, MAX_KILLS, or stopped.
 */
function startKilling(): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped && kills < MAX_KILLS && pipeline.functions.processor.stats.crashes < CRASHES_WANTED) {
      await new Promise((resolve) => setTimeout(resolve, KILL_INTERVAL_MS));
      while (!stopped && !pipeline.functions.processor.killInFlight()) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      if (!stopped) kills++;
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

beforeAll(async () => {
  pipeline = await startPipeline({
    props: {
      // Short timeouts so redeliveries come quickly: visibility = 6 × 2 s + 1 s window = 13 s.
      processing: { timeout: Duration.seconds(2), maxBatchingWindow: Duration.seconds(1), maxReceiveCount: MAX_RECEIVE_COUNT },
      concurrency: { processorMaxConcurrency: 4 },
    },
    // Every function but the dead-letter archiver: an archiving attempt that fails leaves its
    // message invisible in the dead-letter queue for the queue's visibility timeout (6 minutes),
    // longer than this test waits. The archiver's failure path has its own tests.
    faults: { rate: FAULT_RATE, seed: SEED, functions: ['ingest', 'processor', 'status', 'list', 'redrive'] },
    busFaults: { rate: BUS_FAULT_RATE, seed: SEED + 2 },
    // One attempt per SDK call, so the injected faults reach the handlers instead of being retried away.
    extraFunctionEnvironment: { AWS_MAX_ATTEMPTS: '1' },
    onReceive: (messages) => messages.forEach((m) => {
      const id = webhookIdOf(m.Body) ?? '?';
      receivesById.set(id, (receivesById.get(id) ?? 0) + 1);
    }),
    progress: (line) => say(`  ${line}`),
  });

  const random = seededRandom(SEED);
  const unique = Array.from({ length: WEBHOOKS }, (_, i) => {
    const config = pipeline.providers[i % pipeline.providers.length];
    const secret = pipeline.secretsOf(config.name)[0];
    if (i % OVERSIZE_EVERY === 0 && config.eventId?.header !== undefined) {
      return sampleDelivery(config, secret, { deliveryId: `fault-${i}`, body: binaryBody(OVERSIZE_BODY_BYTES), contentType: 'application/octet-stream' });
    }
    return sampleDelivery(config, secret, { deliveryId: `fault-${i}`, data: { n: i, note: UNICODE_TEXT } });
  });
  const copies = unique.filter(() => random() < DUPLICATE_SHARE);
  duplicatesSent = copies.length;
  // Duplicates arrive at random later moments, as provider retries do.
  const sendOrder = [...unique, ...copies].map((d) => ({ d, key: random() })).sort((a, b) => a.key - b.key).map(({ d }) => d);

  const stopKilling = startKilling();
  const started = Date.now();
  outcomes = await mapConcurrently(sendOrder, CLIENTS, deliver);
  say(`  sent ${sendOrder.length} deliveries in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for the queue to drain…`);
  await waitForDrain(pipeline, 300_000);
  await stopKilling();
  say(`  drained after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // The archiver takes dead letters off the dead-letter queue within seconds.
  for (let waited = 0; waited < 60_000; waited += 500) {
    const depth = await queueDepth(pipeline, pipeline.resources.deadLetterQueue.url);
    if (depth.visible + depth.inFlight === 0 && (pipeline.deadLetterEventSource?.inFlight() ?? 0) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await waitForEvents(pipeline, 120_000);
  say(`  events delivered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const all = await scanRecords(pipeline);
  deadLettered = all.filter((r) => r.status === 'dead_lettered').map((r) => r.id);
  records = all.filter((r) => r.status !== 'dead_lettered');
  deadLetters = [...await readArchivedDeadLetters(pipeline), ...await readDeadLetters(pipeline)];
  const queueUrl = (prefix: string) => pipeline.provisioned.queues.find((q) => q.logicalId.startsWith(prefix))!.url;
  // Reading a thousand messages back from moto takes minutes on a small machine; the bus's log of
  // successful SendMessage calls, checked against the queue's depth, says the same (events.test.ts
  // reads the bodies back).
  const everythingArn = pipeline.provisioned.queues.find((q) => q.logicalId.startsWith('AllWebhooksQueue'))!.arn;
  everything = pipeline.bus!.deliveries()
    .filter((d) => d.targetArn === everythingArn && d.outcome === 'delivered')
    .map((d) => pipeline.bus!.events().get(d.eventId)!);
  const depth = await queueDepth(pipeline, queueUrl('AllWebhooksQueue'));
  everythingDepth = depth.visible + depth.inFlight + depth.delayed;
  streamFailures = await readQueue(pipeline, queueUrl('WebhooksEventsFailureQueue'));
  report();
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

function report(): void {
  const acked = new Set(outcomes.flatMap((o) => (o.ackedId ? [o.ackedId] : [])));
  const faults = pipeline.faultProxies.map((p) => p.stats);
  const injected = Object.assign({}, ...faults.map((f) => f.injected)) as Record<string, number>;
  const writes = Object.assign({}, ...faults.map((f) => f.writes)) as Record<string, number>;
  const source = pipeline.eventSource!.stats;
  const processor = pipeline.functions.processor.stats;
  const lines = [
    `fault injection (seed ${SEED}, ${FAULT_RATE * 100} % of writes):`,
    `  sent ${outcomes.length} deliveries of ${WEBHOOKS} webhooks (${duplicatesSent} duplicates), ${outcomes.reduce((n, o) => n + o.attempts, 0)} POSTs with retries`,
    `  acked ${acked.size} webhook ids; not acked ${outcomes.filter((o) => !o.ackedId).length}`,
    `  writes seen ${JSON.stringify(writes)}; faults injected ${faults.reduce((n, f) => n + f.total(), 0)}: ${JSON.stringify(injected)}`,
    `  processor: ${processor.invocations} invocations, ${processor.crashes} crashes (${kills} SIGKILLs mid-batch), ${processor.timeouts} timeouts, ${processor.coldStarts} cold starts`,
    `  event source: ${source.messagesReceived} receives of ${receivesById.size} webhook ids, ${source.failedInvocations} whole batches retried, `
      + `${source.itemFailures} items reported failed, ${source.messagesDeleted} deleted`,
    `  result: ${records.length} records, ${deadLetters.length} dead letters (${deadLettered.length} records dead_lettered)`,
    `  bus: ${pipeline.bus!.stats.entries} entries, ${pipeline.bus!.stats.injectedFailures} refused (InternalFailure), ${pipeline.bus!.events().size} events accepted `
      + `for ${new Set([...pipeline.bus!.events().values()].map((e) => (e.detail as { id: string }).id)).size} webhook ids; stream ${JSON.stringify(pipeline.streamSource!.stats)}; `
      + `publisher ${pipeline.functions.publisher.stats.invocations} invocations`,
  ];
  say(lines.join('\n'));
}

test('the faults really happened: writes failed, duplicates were sent and the processor was killed mid-batch', () => {
  const injected = Object.assign({}, ...pipeline.faultProxies.map((p) => p.stats.injected)) as Record<string, number>;
  expect(Object.keys(injected).some((k) => k.startsWith('dynamodb:PutItem'))).toBe(true);
  expect(Object.keys(injected).some((k) => k.startsWith('s3:PutObject'))).toBe(true);
  expect(duplicatesSent).toBeGreaterThan(WEBHOOKS * DUPLICATE_SHARE * 0.5);
  expect(kills).toBeGreaterThanOrEqual(1);
  // A kill can land just after the batch's response was sent; only the ones that cut an
  // invocation short count as crashes, and at least one must have.
  expect(pipeline.functions.processor.stats.crashes).toBeGreaterThanOrEqual(1);
  expect(pipeline.functions.processor.stats.crashes).toBeLessThanOrEqual(kills);
});

test('every webhook was acknowledged in the end (providers retry 5xx)', () => {
  expect(outcomes.filter((o) => !o.ackedId).map((o) => o.delivery.provider)).toEqual([]);
});

test('nothing lost: every acknowledged id is a record with its exact bytes, or a dead letter (archived or queued)', async () => {
  const byId = new Map(records.map((r) => [r.id, r]));
  const dead = new Set(deadLetters.map((d) => d.webhookId));
  const problems = (await mapConcurrently(outcomes.filter((o) => o.ackedId), 8, async (o) => {
    const record = byId.get(o.ackedId!);
    if (record === undefined) return dead.has(o.ackedId) ? undefined : `${o.ackedId}: lost (no record, not in the dead-letter queue)`;
    const problem = await archiveMismatch(pipeline, record, o.delivery.body);
    return problem === undefined ? undefined : `${o.ackedId}: ${problem}`;
  })).filter((p) => p !== undefined);
  expect(problems).toEqual([]);
});

test('no duplicates and nothing invented: one record per acknowledged id, each with its own archive line', () => {
  const acked = new Set(outcomes.flatMap((o) => (o.ackedId ? [o.ackedId] : [])));
  expect(records.filter((r) => !acked.has(r.id)).map((r) => r.id)).toEqual([]);
  expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  const pointers = records.map((r) => `${r.archive.key}@${r.archive.offset}`);
  expect(new Set(pointers).size).toBe(records.length);
});

test('dead letters are acknowledged webhooks that the processor received maxReceiveCount times', () => {
  const acked = new Set(outcomes.flatMap((o) => (o.ackedId ? [o.ackedId] : [])));
  for (const letter of deadLetters) {
    expect(acked.has(letter.webhookId!)).toBe(true);
    expect(receivesById.get(letter.webhookId!)).toBeGreaterThanOrEqual(MAX_RECEIVE_COUNT);
    // Reading it from the dead-letter queue counts once more.
    expect(letter.receiveCount).toBeGreaterThan(MAX_RECEIVE_COUNT);
  }
});

test('every dead_lettered record has its dead letter in the archive', () => {
  const archived = new Set(deadLetters.map((d) => d.webhookId));
  expect(deadLettered.filter((id) => !archived.has(id))).toEqual([]);
});

test('the queue is empty', async () => {
  expect(await queueDepth(pipeline, pipeline.resources.queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
});

describe('events under faults', () => {
  const idOf = (event: Record<string, unknown>) => (event.detail as { id: string }).id;

  test('the bus really refused entries, and the publisher put them again', () => {
    expect(pipeline.bus!.stats.injectedFailures).toBeGreaterThan(0);
    expect(pipeline.bus!.stats.entries).toBeGreaterThan(pipeline.bus!.stats.accepted);
  });

  test('every record produced its event, none for anything else, none given up on', () => {
    const published = new Set([...pipeline.bus!.events().values()].map(idOf));
    expect(records.filter((r) => !published.has(r.id)).map((r) => r.id)).toEqual([]);
    expect([...published].filter((id) => !records.some((r) => r.id === id))).toEqual([]);
    expect(streamFailures).toEqual([]);
  });

  test('each record reached exactly its routes\' targets; deduplicated by webhook id, nothing lost and nothing extra', () => {
    // One event per webhook id for the oracle: they differ only in the envelope's id and time.
    const firstEvents = new Map<string, Record<string, unknown>>();
    for (const event of pipeline.bus!.events().values()) if (!firstEvents.has(idOf(event))) firstEvents.set(idOf(event), event);
    const events = [...firstEvents.values()];
    const patterns = Object.fromEntries(pipeline.busRules.map((r) => [r.name, r.eventPattern]));
    const expected = new Map(matchRules(patterns, events).map((names, i) => [idOf(events[i]), names]));
    const arrived = new Map<string, Set<string>>();
    const add = (id: string, route: string) => arrived.set(id, (arrived.get(id) ?? new Set()).add(route));
    expect(everythingDepth).toBe(everything.length);
    for (const d of pipeline.bus!.deliveries()) {
      if (d.outcome === 'delivered' || d.outcome === 'recorded') add(d.webhookId!, d.rule);
    }
    const problems = records.flatMap((r) => {
      const got = [...(arrived.get(r.id) ?? [])].sort();
      const want = expected.get(r.id) ?? [];
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [`${r.id}: reached ${got.join(', ') || 'nothing'}, expected ${want.join(', ')}`];
    });
    expect(problems).toEqual([]);
  });

  test('repeats at a target are whole events put again by the publisher (at least once), never one event delivered twice', () => {
    const accepted = new Map<string, number>();
    for (const event of pipeline.bus!.events().values()) accepted.set(idOf(event), (accepted.get(idOf(event)) ?? 0) + 1);
    const eventIds = everything.map((e) => e.id as string);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    const perWebhook = new Map<string, number>();
    everything.forEach((e) => perWebhook.set(idOf(e), (perWebhook.get(idOf(e)) ?? 0) + 1));
    expect([...perWebhook].filter(([id, n]) => n !== accepted.get(id))).toEqual([]);
    say(`  at the catch-all queue: ${everything.length} events for ${perWebhook.size} webhook ids (${everything.length - perWebhook.size} repeats, detectable by id)`);
  });
});
