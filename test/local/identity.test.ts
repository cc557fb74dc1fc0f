/**
 * Which deliveries are one webhook, through the shipped bundles: numeric ids above 2^53, Svix's
 * own headers, hashed ids against look-alike literal ids, a different body under a known id (a
 * conflict), and a captured delivery replayed under a new id (a replay).
 */
import { Duration } from 'aws-cdk-lib';
import { Webhook as SvixWebhook } from 'svix';
import { archiveMismatch, say } from './support';
import {
  archivedDelivery, destroyHttpAgent, getStatus, postDelivery, scanItems, scanRecords, waitForDrain, type HttpResult, type WebhookRecord,
} from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, type Delivery } from '../../local-pipeline/signing';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';

let pipeline: Pipeline;
/** Every processed webhook message, by webhook id. */
const received = new Map<string, number>();

const provider = (name: string): ProviderRuntimeConfig => pipeline.providers.find((p) => p.name === name)!;
const secret = (name: string) => pipeline.secretsOf(name)[0];
const post = (delivery: Delivery): Promise<HttpResult> => postDelivery(pipeline.url, delivery);
const ids = (responses: HttpResult[]) => responses.map((r) => [r.status, r.json?.id]);

async function records(): Promise<Map<string, WebhookRecord>> {
  await waitForDrain(pipeline, 120_000);
  return new Map((await scanRecords(pipeline)).map((r) => [r.id, r]));
}

beforeAll(async () => {
  pipeline = await startPipeline({
    props: { processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) }, concurrency: { processorMaxConcurrency: 4 } },
    onReceive: (messages) => messages.forEach((m) => {
      const id = JSON.parse(m.Body ?? '{}').id as string;
      received.set(id, (received.get(id) ?? 0) + 1);
    }),
    progress: (line) => say(`  ${line}`),
  });
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

test('numeric ids above 2^53 keep their literal text: no collision, no silent drop; -0 is not 0', async () => {
  const literals = ['12345678901234567890', '12345678901234567891', '-0', '0'];
  const responses = [];
  for (const literal of literals) {
    const body = Buffer.from(`{"id":${literal},"event":"order.paid"}`);
    responses.push(await post(sampleDelivery(provider('partner'), secret('partner'), { deliveryId: 'unused', body })));
  }
  expect(ids(responses)).toEqual(literals.map((l) => [202, `partner:${l}`]));
  const byId = await records();
  for (const literal of literals) expect(byId.get(`partner:${literal}`)?.status).toBe('processed');
});

test('Svix deliveries (svix-id, svix-timestamp, svix-signature only) are verified and deduplicated by svix-id', async () => {
  const payload = '{"type":"invoice.paid","data":{"n":1}}';
  const sign = () => {
    const at = new Date();
    return {
      'Content-Type': 'application/json',
      'svix-id': 'msg_2svixLocal1',
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      // Svix's own library signs, as Svix does.
      'svix-signature': new SvixWebhook(secret('standard-webhooks')).sign('msg_2svixLocal1', at, payload),
    };
  };
  const responses = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    responses.push(await post({ provider: 'standard-webhooks', headers: sign(), body: Buffer.from(payload) }));
  }
  expect(ids(responses)).toEqual([[202, 'standard-webhooks:msg_2svixLocal1'], [202, 'standard-webhooks:msg_2svixLocal1']]);
  const byId = await records();
  expect([...byId.keys()].filter((id) => id.startsWith('standard-webhooks:'))).toEqual(['standard-webhooks:msg_2svixLocal1']);
  expect(received.get('standard-webhooks:msg_2svixLocal1')).toBe(2);
});

test('a literal delivery id that looks hashed cannot take a hashed id: two deliveries, two records', async () => {
  const hashed = await post(sampleDelivery(provider('github'), secret('github'), { deliveryId: 'a b/c', data: { n: 'hashed' } }));
  const lookalike = (hashed.json?.id as string).slice('github:'.length);
  expect(lookalike).toMatch(/^h-[0-9a-f]{40}$/);
  const literal = await post(sampleDelivery(provider('github'), secret('github'), { deliveryId: lookalike, data: { n: 'literal' } }));
  expect([hashed.status, literal.status]).toEqual([202, 202]);
  expect(literal.json?.id).not.toBe(hashed.json?.id);
  const byId = await records();
  expect([byId.get(hashed.json?.id as string)?.status, byId.get(literal.json?.id as string)?.status]).toEqual(['processed', 'processed']);
});

describe('a different body under a known id', () => {
  const first = () => sampleDelivery(provider('stripe'), secret('stripe'), { deliveryId: 'evt_conflict_1', data: { amount: 100 } });
  const second = () => sampleDelivery(provider('stripe'), secret('stripe'), { deliveryId: 'evt_conflict_1', data: { amount: 999 } });
  let record: WebhookRecord;

  beforeAll(async () => {
    expect((await post(first())).status).toBe(202);
    await records();
    // The conflicting body, a retry of the first (re-signed, same bytes) and a retry of the conflict.
    for (const delivery of [second(), first(), second()]) expect((await post(delivery)).json?.id).toBe('stripe:evt_conflict_1');
    record = (await records()).get('stripe:evt_conflict_1')!;
  });

  test('the first body stays the record; the conflict is listed once, with its archived bytes', async () => {
    expect(await archiveMismatch(pipeline, record, first().body)).toBeUndefined();
    expect(record.conflicts).toHaveLength(1);
    const conflict = record.conflicts![0];
    expect(conflict.bodyBytes).toBe(second().body.length);
    expect((await archivedDelivery(pipeline, conflict)).body).toEqual(second().body);
    expect(received.get('stripe:evt_conflict_1')).toBe(4);
  });

  test('GET /status/{id} shows the conflict', async () => {
    expect((await getStatus(pipeline.url, 'stripe:evt_conflict_1')).json).toMatchObject({ status: 'processed', conflicts: 1 });
  });
});

describe('a captured delivery replayed under a new id', () => {
  const replays: Array<{ name: string; original: string; replay: string }> = [];

  beforeAll(async () => {
    for (const [name, header] of [['github', 'X-GitHub-Delivery'], ['shopify', 'X-Shopify-Webhook-Id']]) {
      const captured = sampleDelivery(provider(name), secret(name), { deliveryId: `${name}-orig-1`, data: { order: 42 } });
      const original = await post(captured);
      await records();
      // Same bytes and signature; only the (unsigned) delivery id header is new.
      const replay = await post({ ...captured, headers: { ...captured.headers, [header]: `${name}-replay-1` } });
      const retry = await post(captured);
      expect([original.status, replay.status, retry.status]).toEqual([202, 202, 202]);
      replays.push({ name, original: original.json?.id as string, replay: replay.json?.id as string });
    }
    await records();
  });

  test('is recorded with status replay and the id it replays, not as a new webhook; a retry stays a duplicate', async () => {
    const byId = await records();
    for (const { original, replay } of replays) {
      expect(byId.get(original)).toMatchObject({ status: 'processed' });
      expect(byId.get(replay)).toMatchObject({ status: 'replay', replayOf: original });
      expect(received.get(original)).toBe(2);
    }
  });

  test('GET /status/{id} of the replay says so', async () => {
    for (const { original, replay } of replays) {
      expect((await getStatus(pipeline.url, replay)).json).toMatchObject({ id: replay, status: 'replay', replayOf: original });
    }
  });

  test('each replay guard expires with the window (7 days by default)', async () => {
    const guards = (await scanItems(pipeline)).filter((item) => String(item.id).startsWith('replay#'));
    const replayed = replays.map(({ name }) => guards.find((g) => String(g.id).startsWith(`replay#${name}#`) && g.webhookId === `${name}:${name}-orig-1`));
    for (const guard of replayed) {
      expect(Number(guard?.expiresAt) - Date.now() / 1000).toBeGreaterThan(7 * 86400 - 600);
    }
  });
});
