/**
 * Replay through the shipped bundles: webhooks recorded by the real ingest and processor, their
 * events as the real publisher puts them, then the real replay function, invoked by ids and by
 * provider, time range and type, against DynamoDB Local and moto S3, with EventBridge pointed at
 * a capture server. Replays carry exactly the published detail plus the marker.
 */
import { Duration } from 'aws-cdk-lib';
import { startCaptureServer, publishedEvents, replayAll, withoutMarker, type CaptureServer, type CapturedEvent } from './replay-support';
import { say } from './support';
import { destroyHttpAgent, postDelivery, scanRecords, waitForRecordCount, type WebhookRecord } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery } from '../../local-pipeline/signing';

let capture: CaptureServer;
let pipeline: Pipeline;
let records: WebhookRecord[];
/** The publisher's event detail for each processed record, by webhook id. */
const published = new Map<string, CapturedEvent>();
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

beforeAll(async () => {
  capture = await startCaptureServer();
  pipeline = await startPipeline({
    events: true,
    props: { processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) } },
    extraFunctionEnvironment: { AWS_ENDPOINT_URL_EVENTBRIDGE: capture.endpoint },
    progress: (line) => say(`  ${line}`),
  });
  const types = ['charge.succeeded', 'charge.refunded', 'charge.succeeded', 'charge.succeeded', 'charge.refunded'];
  for (const [i, type] of types.entries()) {
    stripeIds.push(await deliver('stripe', type, `evt_${run}_${i}`, { amount: 100 * i }));
    await new Promise((resolve) => setTimeout(resolve, 20)); // distinct receive times, for the sub-range
  }
  // The same bytes under a second delivery id within GitHub's replay window: recorded as `replay`, no event.
  githubFirst = await deliver('github', 'push', `g1-${run}`, { ref: `refs/heads/${run}` });
  githubReplay = await deliver('github', 'push', `g2-${run}`, { ref: `refs/heads/${run}` });
  await waitForRecordCount(pipeline, 7, 60_000);
  records = await scanRecords(pipeline);
  expect(recordOf(githubReplay).status).toBe('replay');
  for (const event of await publishedEvents(pipeline, capture, records.filter((r) => r.status === 'processed'))) {
    published.set(event.detail.id as string, event);
  }
  expect(published.size).toBe(6);
  capture.clear();
}, 240_000);

afterEach(() => capture.clear());

afterAll(async () => {
  await pipeline?.stop();
  await capture?.stop();
  destroyHttpAgent();
});

/** Every replayed event is its published event plus one marker; returns the replayed ids in order. */
function expectExactReplays(replayId: string): string[] {
  for (const event of capture.events) {
    const first = published.get(event.detail.id as string)!;
    expect(withoutMarker(event.detail)).toEqual(first.detail);
    expect({ ...event, detail: undefined }).toEqual({ ...first, detail: undefined });
    expect(event.detail.replay).toEqual({ id: replayId, requestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  }
  return capture.events.map((e) => e.detail.id as string);
}

test('by ids: exactly the processed ones are replayed, identical to what the publisher put; the others are reported', async () => {
  const ids = [stripeIds[1], stripeIds[3], githubFirst, githubReplay, 'stripe:never-received'];
  const { invocations, replayed, skipped } = await replayAll(pipeline, { ids });
  expect(invocations).toHaveLength(1);
  expect(replayed).toBe(3);
  expect(skipped).toEqual([
    { id: githubReplay, reason: 'not_processed', status: 'replay' },
    { id: 'stripe:never-received', reason: 'not_found' },
  ]);
  expect(expectExactReplays(invocations[0].replayId as string)).toEqual([stripeIds[1], stripeIds[3], githubFirst]);
  expect((published.get(stripeIds[3])!.detail.payload as { amount: number }).amount).toBe(300);
});

test('by provider, range and type: exactly the webhooks of that type received in the range', async () => {
  const from = recordOf(stripeIds[1]).receivedAt;
  const to = recordOf(stripeIds[4]).receivedAt;
  const { invocations } = await replayAll(pipeline, { provider: 'stripe', from, to, type: 'charge.succeeded' });
  expect(expectExactReplays(invocations[0].replayId as string)).toEqual([stripeIds[2], stripeIds[3]]);
  capture.clear();
  const all = await replayAll(pipeline, { provider: 'stripe', from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() });
  expect(expectExactReplays(all.invocations[0].replayId as string)).toEqual(stripeIds);
});

test('a provider range reports the records that made no event', async () => {
  const { replayed, skipped } = await replayAll(pipeline, { provider: 'github', from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() });
  expect(replayed).toBe(1);
  expect(skipped).toEqual([{ id: githubReplay, reason: 'not_processed', status: 'replay' }]);
  expect(capture.events.map((e) => e.detail.id)).toEqual([githubFirst]);
});

test('with a small maxEvents, the cursor continues the same replay and covers every webhook exactly once', async () => {
  const { invocations } = await replayAll(pipeline, {
    provider: 'stripe', from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString(), maxEvents: 2,
  });
  expect(invocations.map((i) => i.replayed)).toEqual([2, 2, 1]);
  expect(invocations.slice(0, -1).every((i) => typeof i.nextCursor === 'string')).toBe(true);
  expect(invocations[invocations.length - 1].nextCursor).toBeUndefined();
  expect(new Set(invocations.map((i) => i.replayId)).size).toBe(1);
  expect(expectExactReplays(invocations[0].replayId as string)).toEqual(stripeIds);
});

test('bad input is answered with an error and a message, and puts nothing', async () => {
  const { invocations } = await replayAll(pipeline, { provider: 'stripe', from: 'yesterday', to: 'today' });
  expect(invocations).toEqual([{ error: 'malformed_range', message: expect.stringContaining("'from' and 'to'") }]);
  const wrongCursor = await replayAll(pipeline, { ids: [stripeIds[0]], cursor: 'bm90IGEgY3Vyc29y' });
  expect(wrongCursor.invocations[0]).toMatchObject({ error: 'malformed_cursor' });
  expect(capture.events).toEqual([]);
});
