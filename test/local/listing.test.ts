/**
 * GET /webhooks through the shipped bundles: deliveries of two providers and several types, then
 * listings by provider, type and time range, paged with the cursor until the end.
 */
import { randomUUID } from 'node:crypto';
import { Duration } from 'aws-cdk-lib';
import { say } from './support';
import { destroyHttpAgent, listWebhooks, postDelivery, scanRecords, waitForRecordCount, type HttpResult } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery } from '../../local-pipeline/signing';

let pipeline: Pipeline;
let from: string;
let to: string;
const sent: Array<{ provider: string; type: string; id: string }> = [];

interface Listed { readonly id: string; readonly provider: string; readonly type?: string; readonly status: string; readonly receivedAt: string }

/** Every item of a listing, following its cursor; the pages' sizes too. */
async function listAll(params: Record<string, string>): Promise<{ items: Listed[]; pages: number[] }> {
  const items: Listed[] = [];
  const pages: number[] = [];
  let cursor: string | undefined;
  do {
    const page: HttpResult = await listWebhooks(pipeline.url, { ...params, ...(cursor ? { cursor } : {}) });
    if (page.status !== 200) throw new Error(`listing answered ${page.status}: ${page.body.toString()}`);
    const json = page.json as { items: Listed[]; cursor?: string };
    items.push(...json.items);
    pages.push(json.items.length);
    cursor = json.cursor;
  } while (cursor !== undefined && pages.length < 50);
  return { items, pages };
}

beforeAll(async () => {
  pipeline = await startPipeline({
    props: { processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) } },
    progress: (line) => say(`  ${line}`),
  });
  from = new Date(Date.now() - 60_000).toISOString();
  const plan = [['stripe', 'charge.succeeded'], ['stripe', 'charge.refunded'], ['github', 'push'], ['stripe', 'charge.succeeded'], ['github', 'issues'], ['stripe', 'charge.succeeded']];
  for (const [provider, type] of plan) {
    const config = pipeline.providers.find((p) => p.name === provider)!;
    const delivery = sampleDelivery(config, pipeline.secretsOf(provider)[0], { eventType: type, deliveryId: `d${sent.length}_${randomUUID().slice(0, 8)}` });
    const response = await postDelivery(pipeline.url, delivery);
    expect(response.status).toBe(202);
    sent.push({ provider, type, id: response.json?.id as string });
  }
  await waitForRecordCount(pipeline, sent.length, 60_000);
  to = new Date(Date.now() + 60_000).toISOString();
}, 240_000);

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

test('a provider\'s listing holds exactly its webhooks, newest first', async () => {
  const { items } = await listAll({ provider: 'stripe', from, to });
  const expected = sent.filter((s) => s.provider === 'stripe').map((s) => s.id);
  expect(items.map((i) => i.id).sort()).toEqual([...expected].sort());
  const times = items.map((i) => i.receivedAt);
  expect(times).toEqual([...times].sort().reverse());
  expect(items.every((i) => i.status === 'processed' && i.provider === 'stripe')).toBe(true);
});

test('a listing pages with its cursor, one item a page, and ends', async () => {
  const { items, pages } = await listAll({ from, to, limit: '1' });
  expect(items.map((i) => i.id).sort()).toEqual(sent.map((s) => s.id).sort());
  expect(pages.filter((n) => n > 1)).toEqual([]);
});

test('type and status filter the listing', async () => {
  const { items } = await listAll({ provider: 'stripe', type: 'charge.succeeded', status: 'processed', from, to });
  expect(items.map((i) => i.id).sort()).toEqual(sent.filter((s) => s.type === 'charge.succeeded').map((s) => s.id).sort());
  expect((await listAll({ from, to, status: 'dead_lettered' })).items).toEqual([]);
});

test('a time range before the deliveries lists nothing', async () => {
  const { items } = await listAll({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' });
  expect(items).toEqual([]);
});

test('the listing needs SigV4, and a malformed query is a JSON 400', async () => {
  expect((await listWebhooks(pipeline.url, { from, to }, false)).status).toBe(403);
  const bad = await listWebhooks(pipeline.url, { provider: 'nope' });
  expect(bad.status).toBe(400);
  expect(bad.json).toMatchObject({ error: 'unknown_provider' });
  expect((await scanRecords(pipeline)).length).toBe(sent.length);
});
