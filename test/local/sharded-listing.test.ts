/**
 * The sharded `byProviderDate` index over real DynamoDB Local: webhooks of one provider recorded
 * by the shipped ingest and processor land on many index shards, and records written before
 * sharding (the unsharded `<provider>#<day>` key, put here directly) are listed with them; paged
 * with small limits, every record comes exactly once, newest first across all pages.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Duration } from 'aws-cdk-lib';
import { say } from './support';
import { destroyHttpAgent, listWebhooks, mapConcurrently, postDelivery, scanRecords, waitForRecordCount } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery } from '../../local-pipeline/signing';
import { INDEX_SHARDS } from '../../src/runtime/index-shards';

const DELIVERIES = 40;
const LEGACY = 3;

let pipeline: Pipeline;
let from: string;
let to: string;
const expected: string[] = [];

interface Listed { readonly id: string; readonly receivedAt: string }

async function listPages(params: Record<string, string>): Promise<Listed[][]> {
  const pages: Listed[][] = [];
  let cursor: string | undefined;
  do {
    const page = await listWebhooks(pipeline.url, { ...params, ...(cursor ? { cursor } : {}) });
    if (page.status !== 200) throw new Error(`listing answered ${page.status}: ${page.body.toString()}`);
    const json = page.json as { items: Listed[]; cursor?: string };
    pages.push(json.items);
    cursor = json.cursor;
  } while (cursor !== undefined && pages.length < 200);
  return pages;
}

beforeAll(async () => {
  pipeline = await startPipeline({
    props: { processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) } },
    progress: (line) => say(`  ${line}`),
  });
  from = new Date(Date.now() - 60_000).toISOString();
  const config = pipeline.providers.find((p) => p.name === 'stripe')!;
  const run = randomUUID().slice(0, 8);
  const ids = await mapConcurrently(Array.from({ length: DELIVERIES }, (_, i) => i), 4, async (i) => {
    const response = await postDelivery(pipeline.url, sampleDelivery(config, pipeline.secretsOf('stripe')[0], { deliveryId: `evt_${run}_${i}` }));
    expect(response.status).toBe(202);
    return response.json?.id as string;
  });
  expected.push(...ids);
  await waitForRecordCount(pipeline, DELIVERIES, 120_000);
  // Records as the construct wrote them before sharding: the unsharded key.
  const documents = DynamoDBDocumentClient.from(pipeline.clients.dynamodb);
  for (let i = 0; i < LEGACY; i++) {
    const receivedAt = new Date(Date.now() - 30_000 + i).toISOString();
    const id = `stripe:legacy_${run}_${i}`;
    await documents.send(new PutCommand({
      TableName: pipeline.resources.tableName,
      Item: { id, provider: 'stripe', providerDate: `stripe#${receivedAt.slice(0, 10)}`, receivedAt, status: 'processed', processedAt: receivedAt },
    }));
    expected.push(id);
  }
  to = new Date(Date.now() + 60_000).toISOString();
}, 300_000);

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

test('one provider\'s records are spread over the index shards', async () => {
  const keys = new Set((await scanRecords(pipeline)).map((r) => String(r.providerDate)).filter((k) => /#\d+$/.test(k)));
  expect(keys.size).toBeGreaterThanOrEqual(Math.min(INDEX_SHARDS, DELIVERIES) / 2);
});

test.each([['1'], ['3'], ['7'], ['50']])('pages of %s list every record once, sharded and unsharded, newest first across pages', async (limit) => {
  const pages = await listPages({ provider: 'stripe', from, to, limit });
  const items = pages.flat();
  expect(items.map((i) => i.id).sort()).toEqual([...expected].sort());
  const times = items.map((i) => i.receivedAt);
  expect(times).toEqual([...times].sort().reverse());
  expect(pages.every((page) => page.length <= Number(limit))).toBe(true);
});
