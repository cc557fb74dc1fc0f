/**
 * One provider of every signature scheme family through the shipped bundles (the local app with
 * `everySchemeFamily`): a delivery signed by local-pipeline/signing.ts from the provider's own
 * configuration is answered 202 and ends as a processed record; the same delivery with its
 * signature broken is answered 401 and recorded nowhere.
 */
import { Duration } from 'aws-cdk-lib';
import { say } from './support';
import { destroyHttpAgent, getStatus, postDelivery, scanRecords, waitForDrain, type HttpResult } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, withBadSignature } from '../../local-pipeline/signing';
import { LOCAL_SCHEME_FAMILIES } from '../../local-pipeline/template/app';

interface Outcome {
  readonly provider: string;
  readonly signed: HttpResult;
  readonly broken: HttpResult;
  readonly deliveryId: string;
}

let pipeline: Pipeline;
const outcomes: Outcome[] = [];

beforeAll(async () => {
  pipeline = await startPipeline({
    everySchemeFamily: true,
    props: { processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) } },
    progress: (line) => say(`  ${line}`),
  });
  for (const config of pipeline.providers) {
    const secret = pipeline.secretsOf(config.name)[0] ?? '';
    const deliveryId = `family-${config.name}-1`;
    const delivery = sampleDelivery(config, secret, { deliveryId, eventType: 'sample.event', data: { note: 'scheme family sample' } });
    const signed = await postDelivery(pipeline.url, delivery);
    const broken = await postDelivery(pipeline.url, withBadSignature(config, sampleDelivery(config, secret, { deliveryId: `broken-${config.name}-1` })));
    outcomes.push({ provider: config.name, signed, broken, deliveryId });
  }
  await waitForDrain(pipeline, 60_000);
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

test('the local app has a provider of every scheme family', () => {
  const names = pipeline.providers.map((p) => p.name);
  expect(names).toEqual(expect.arrayContaining(Object.keys(LOCAL_SCHEME_FAMILIES)));
  const families = new Set(pipeline.providers.map((p) => p.scheme));
  expect([...families].sort()).toEqual(['api-key', 'basic-auth', 'github', 'hmac', 'public-key', 'shopify', 'slack', 'standard-webhooks', 'stripe']);
});

test('a signed sample of each is answered 202 with its webhook id', () => {
  for (const o of outcomes) {
    expect({ provider: o.provider, status: o.signed.status }).toEqual({ provider: o.provider, status: 202 });
    expect(typeof o.signed.json?.id).toBe('string');
  }
});

test('each ends as a processed record', async () => {
  const records = new Map((await scanRecords(pipeline)).map((r) => [r.id, r]));
  for (const o of outcomes) {
    const id = o.signed.json?.id as string;
    expect({ provider: o.provider, status: records.get(id)?.status }).toEqual({ provider: o.provider, status: 'processed' });
    const status = await getStatus(pipeline.url, id);
    expect(status.json).toMatchObject({ id, status: 'processed', provider: o.provider });
  }
});

test('the same delivery with its signature broken is answered 401 and recorded nowhere', async () => {
  for (const o of outcomes) {
    expect({ provider: o.provider, status: o.broken.status }).toEqual({ provider: o.provider, status: 401 });
  }
  const ids = new Set((await scanRecords(pipeline)).map((r) => r.id));
  expect([...ids].filter((id) => id.includes('broken-'))).toEqual([]);
});

test('the delivery id is read where each provider puts it', () => {
  for (const o of outcomes) {
    const config = pipeline.providers.find((p) => p.name === o.provider)!;
    if (config.eventId !== undefined) expect(o.signed.json?.id).toBe(`${o.provider}:${o.deliveryId}`);
  }
});
