/**
 * Replay through the shipped bundles and the local bus: webhooks recorded by the real ingest and
 * processor, published by the real publisher from the table stream, then replayed by the real
 * replay function, by ids and by provider, time range and type. Replays carry exactly the
 * published detail plus the marker, and reach the routes' targets like the originals. The
 * end-to-end case: a consumer (the GitHub route's Lambda target) is down for a while, is fixed,
 * and a replay of the outage's window delivers exactly the webhooks it missed, once each.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { publishedEvents, replayAll, replayEvents, waitForBusIdle, withoutMarker, type BusEvent } from './replay-support';
import { say } from './support';
import { destroyHttpAgent, postDelivery, scanRecords, waitForEvents, waitForRecordCount, type WebhookRecord } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery } from '../../local-pipeline/signing';
import { LOCAL_ROUTES } from '../../local-pipeline/template/app';

/** While this file exists, the GitHub route's consumer (targets/recorder) fails every invocation. */
const CONSUMER_DOWN = path.join(os.tmpdir(), `webhook-processor-consumer-down-${process.pid}`);

let pipeline: Pipeline;
let records: WebhookRecord[];
/** The publisher's event for each processed record, by webhook id. */
let published: Map<string, BusEvent>;
const run = Date.now().toString(36);
const stripeIds: string[] = [];
let githubFirst: string;
let githubReplay: string;

async function deliver(provider: string, type: string, deliveryId: string, data: Record<string, unknown>): Promise<string> {
  const config = pipeline.providers.find((p) => p.name === provider)!;
  const response = await postDelivery(pipeline.url, sampleDelivery(config, pipeline.secretsOf(provider)[0], { eventType: type, deliveryId, data }));
  expect(response.status).toBe(202);
  return response.json?.id as string;
}

const recordOf = (id: string) => records.find((r) => r.id === id)!;
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const now = () => new Date().toISOString();

beforeAll(async () => {
  pipeline = await startPipeline({
    props: { processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) } },
    extraFunctionEnvironment: { LOCAL_RECORDER_DOWN_FILE: CONSUMER_DOWN },
    progress: (line) => say(`  ${line}`),
  });
  const types = ['charge.succeeded', 'charge.refunded', 'charge.succeeded', 'charge.succeeded', 'charge.refunded'];
  for (const [i, type] of types.entries()) {
    stripeIds.push(await deliver('stripe', type, `evt_${run}_${i}`, { amount: 100 * i }));
    await new Promise((resolve) => setTimeout(resolve, 20)); // distinct receive times, for the sub-range
  }
  // The same bytes under a second delivery id within GitHub's replay window: recorded as `replay`, no event.
  githubFirst = await deliver('github', 'push', `g1-${run}`, { ref: `refs/heads/${run}` });
  await waitForRecordCount(pipeline, 6, 60_000); // the first is recorded before its copy arrives
  githubReplay = await deliver('github', 'push', `g2-${run}`, { ref: `refs/heads/${run}` });
  await waitForRecordCount(pipeline, 7, 60_000);
  await waitForEvents(pipeline, 120_000);
  records = await scanRecords(pipeline);
  expect(recordOf(githubReplay).status).toBe('replay');
  published = publishedEvents(pipeline);
  expect(published.size).toBe(6);
}, 240_000);

afterAll(async () => {
  fs.rmSync(CONSUMER_DOWN, { force: true });
  await pipeline?.stop();
  destroyHttpAgent();
});

/** Runs a replay to the end and waits for the bus; returns the run and its events. */
async function replay(input: Record<string, unknown>) {
  const result = await replayAll(pipeline, input);
  await waitForBusIdle(pipeline);
  const replayId = result.invocations[0].replayId as string;
  return { ...result, replayId, events: replayId ? replayEvents(pipeline, replayId) : [] };
}

/** Every replayed event is its published event plus one marker; returns the replayed ids in order. */
function expectExactReplays(events: readonly BusEvent[], replayId: string): string[] {
  published = publishedEvents(pipeline);
  for (const event of events) {
    const first = published.get(event.detail.id as string)!;
    expect(withoutMarker(event.detail)).toEqual(first.detail);
    expect([event.source, event['detail-type']]).toEqual([first.source, first['detail-type']]);
    expect(event.id).not.toBe(first.id);
    expect(event.detail.replay).toEqual({ id: replayId, requestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  }
  return events.map((e) => e.detail.id as string);
}

test('by ids: exactly the processed ones are replayed, identical to what the publisher put; the others are reported', async () => {
  const ids = [stripeIds[1], stripeIds[3], githubFirst, githubReplay, 'stripe:never-received'];
  const { invocations, replayed, skipped, replayId, events } = await replay({ ids });
  expect(invocations).toHaveLength(1);
  expect(replayed).toBe(3);
  expect(skipped).toEqual([
    { id: githubReplay, reason: 'not_processed', status: 'replay' },
    { id: 'stripe:never-received', reason: 'not_found' },
  ]);
  expect(expectExactReplays(events, replayId)).toEqual([stripeIds[1], stripeIds[3], githubFirst]);
  expect((published.get(stripeIds[3])!.detail.payload as { amount: number }).amount).toBe(300);
});

test('replays reach the routes\' targets like the originals (the catch-all queue got each once more)', async () => {
  const { replayId, events } = await replay({ ids: [stripeIds[0]] });
  expect(events).toHaveLength(1);
  const log = pipeline.bus!.deliveries().filter((d) => d.eventId === events[0].id && d.outcome === 'delivered');
  expect(log.map((d) => d.rule)).toEqual([LOCAL_ROUTES.Everything]);
  expect(replayId).toMatch(/./);
});

test('by provider, range and type: exactly the webhooks of that type received in the range', async () => {
  const from = recordOf(stripeIds[1]).receivedAt;
  const to = recordOf(stripeIds[4]).receivedAt;
  const typed = await replay({ provider: 'stripe', from, to, type: 'charge.succeeded' });
  expect(expectExactReplays(typed.events, typed.replayId)).toEqual([stripeIds[2], stripeIds[3]]);
  const all = await replay({ provider: 'stripe', from: hourAgo(), to: now() });
  expect(expectExactReplays(all.events, all.replayId)).toEqual(stripeIds);
});

test('a provider range reports the records that made no event', async () => {
  const { replayed, skipped, events } = await replay({ provider: 'github', from: hourAgo(), to: now() });
  expect(replayed).toBe(1);
  expect(skipped).toEqual([{ id: githubReplay, reason: 'not_processed', status: 'replay' }]);
  expect(events.map((e) => e.detail.id)).toEqual([githubFirst]);
});

test('with a small maxEvents, the cursor continues the same replay and covers every webhook exactly once', async () => {
  const { invocations, replayId, events } = await replay({ provider: 'stripe', from: hourAgo(), to: now(), maxEvents: 2 });
  expect(invocations.map((i) => i.replayed)).toEqual([2, 2, 1]);
  expect(invocations.slice(0, -1).every((i) => typeof i.nextCursor === 'string')).toBe(true);
  expect(invocations[invocations.length - 1].nextCursor).toBeUndefined();
  expect(new Set(invocations.map((i) => i.replayId)).size).toBe(1);
  expect(expectExactReplays(events, replayId)).toEqual(stripeIds);
});

test('bad input is answered with an error and a message, and puts nothing', async () => {
  const before = pipeline.bus!.events().size;
  const { invocations } = await replayAll(pipeline, { provider: 'stripe', from: 'yesterday', to: 'today' });
  expect(invocations).toEqual([{ error: 'malformed_range', message: expect.stringContaining("'from' and 'to'") }]);
  const wrongCursor = await replayAll(pipeline, { ids: [stripeIds[0]], cursor: 'bm90IGEgY3Vyc29y' });
  expect(wrongCursor.invocations[0]).toMatchObject({ error: 'malformed_cursor' });
  expect(pipeline.bus!.events().size).toBe(before);
});

test('a consumer down for a while, once fixed, gets exactly the webhooks it missed from a replay of the outage', async () => {
  /** The GitHub route's consumer runs for each webhook id: true when it succeeded, by event. */
  const consumerRuns = (ids: readonly string[]) => pipeline.bus!.deliveries()
    .filter((d) => d.rule === LOCAL_ROUTES.GithubPushes && d.webhookId !== undefined && ids.includes(d.webhookId)
      && (d.outcome === 'invoked' || d.outcome === 'invocation-failed'));

  fs.writeFileSync(CONSUMER_DOWN, 'down');
  const from = now();
  const missed: string[] = [];
  for (let i = 0; i < 4; i++) missed.push(await deliver('github', 'push', `down-${run}-${i}`, { ref: `refs/heads/down-${run}-${i}` }));
  await waitForRecordCount(pipeline, 11, 60_000);
  await waitForEvents(pipeline, 120_000);
  const to = now();
  // Each missed webhook's event reached the consumer and failed every attempt; none succeeded.
  expect(new Set(consumerRuns(missed).filter((d) => d.outcome === 'invocation-failed').map((d) => d.webhookId))).toEqual(new Set(missed));
  expect(consumerRuns(missed).filter((d) => d.outcome === 'invoked')).toEqual([]);

  fs.rmSync(CONSUMER_DOWN);
  const afterFix = [await deliver('github', 'push', `up-${run}`, { ref: `refs/heads/up-${run}` })];
  await waitForRecordCount(pipeline, 12, 60_000);
  await waitForEvents(pipeline, 120_000);
  expect(consumerRuns(afterFix).map((d) => d.outcome)).toEqual(['invoked']);

  const { replayId, events, skipped } = await replay({ provider: 'github', from, to, type: 'push' });
  expect(skipped).toEqual([]);
  expect(expectExactReplays(events, replayId).sort()).toEqual([...missed].sort());
  const replayEventIds = new Set(events.map((e) => e.id));
  const recovered = consumerRuns([...missed, ...afterFix]).filter((d) => replayEventIds.has(d.eventId));
  // Exactly the missed webhooks, each once, each a success; nothing received after the fix came again.
  expect(recovered.map((d) => d.outcome)).toEqual(missed.map(() => 'invoked'));
  expect(recovered.map((d) => d.webhookId).sort()).toEqual([...missed].sort());
}, 300_000);
