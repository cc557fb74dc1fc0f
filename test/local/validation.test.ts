/**
 * Payload validation through the shipped bundles: the local app's `partner` provider has a
 * schema for `payout.created` (LOCAL_PAYOUT_SCHEMA), shipped in the processor's layer. A signed
 * delivery violating it is acknowledged (202), archived, recorded as `invalid` with the reason
 * (shown by /status, listed by ?status=invalid), and its record does not pass the publisher's
 * event source filter, so the local bus never sees it; a valid one is processed and makes one event.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { App, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { say } from './support';
import { matchRules } from '../../local-pipeline/event-ruler/ruler';
import { archivedDelivery, destroyHttpAgent, getStatus, listWebhooks, postDelivery, scanRecords, waitForEvents, waitForRecordCount } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, type Delivery } from '../../local-pipeline/signing';
import { buildLocalStack, type CfnTemplate } from '../../local-pipeline/template/app';
import { resourcesOfType } from '../../local-pipeline/template/template';

let pipeline: Pipeline;
const from = new Date(Date.now() - 60_000).toISOString();

const payout = (deliveryId: string, data: Record<string, unknown>): Delivery => {
  const config = pipeline.providers.find((p) => p.name === 'partner')!;
  return sampleDelivery(config, pipeline.secretsOf('partner')[0], { deliveryId, eventType: 'payout.created', data });
};

beforeAll(async () => {
  pipeline = await startPipeline({
    props: { processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) } },
    progress: (line) => say(`  ${line}`),
  });
}, 240_000);

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

test('a signed delivery violating its schema is acknowledged, archived and recorded as invalid with the reason', async () => {
  const invalid = payout('pay_bad', { amount: 0, currency: 'euro' });
  const valid = payout('pay_ok', { amount: 1250, currency: 'EUR' });
  expect((await postDelivery(pipeline.url, invalid)).status).toBe(202);
  expect((await postDelivery(pipeline.url, valid)).status).toBe(202);
  // A provider retry of the invalid delivery: a duplicate as usual.
  expect((await postDelivery(pipeline.url, invalid)).status).toBe(202);
  await waitForRecordCount(pipeline, 2, 60_000);

  const records = new Map((await scanRecords(pipeline)).map((r) => [r.id, r]));
  expect(records.size).toBe(2);
  const reason = "eventSchemas['payout.created']: /amount must be >= 1; eventSchemas['payout.created']: /currency must match pattern \"^[A-Z]{3}$\"";
  expect(records.get('partner:pay_bad')).toMatchObject({ status: 'invalid', invalidReason: reason });
  expect(records.get('partner:pay_ok')).toMatchObject({ status: 'processed' });
  expect(records.get('partner:pay_ok')).not.toHaveProperty('invalidReason');
  expect((await archivedDelivery(pipeline, records.get('partner:pay_bad')!)).body.equals(invalid.body)).toBe(true);

  const status = await getStatus(pipeline.url, 'partner:pay_bad');
  expect(status.status).toBe(200);
  expect(status.json).toMatchObject({ id: 'partner:pay_bad', status: 'invalid', type: 'payout.created', invalidReason: reason });
  expect((await getStatus(pipeline.url, 'partner:pay_ok')).json).toMatchObject({ status: 'processed' });

  const listed = await listWebhooks(pipeline.url, { status: 'invalid', from, to: new Date(Date.now() + 60_000).toISOString() });
  expect(listed.status).toBe(200);
  expect((listed.json as { items: Array<{ id: string }> }).items.map((i) => i.id)).toEqual(['partner:pay_bad']);
});

test('the invalid record does not pass the publisher\'s event source filter; the valid one does', async () => {
  // The local app's publisher filter (its routes turn events on), applied to the records the
  // bundle wrote as the table stream carries them (NewImage in DynamoDB JSON).
  const stack = buildLocalStack(new App());
  const eventsTemplate = Template.fromStack(stack).toJSON() as CfnTemplate;
  const filters = resourcesOfType(eventsTemplate, 'AWS::Lambda::EventSourceMapping')
    .map(([, m]) => (m.Properties?.FilterCriteria as { Filters?: Array<{ Pattern: string }> } | undefined)?.Filters?.[0]?.Pattern)
    .filter((p): p is string => p !== undefined);
  expect(filters).toHaveLength(1);
  const records = (await scanRecords(pipeline)).filter((r) => r.id.startsWith('partner:pay_'));
  const streamRecords = records.map((r) => ({ eventName: 'INSERT', dynamodb: { NewImage: marshall(r, { removeUndefinedValues: true, convertClassInstanceToMap: true }) } }));
  const matched = matchRules({ Publisher: JSON.parse(filters[0]) }, streamRecords);
  expect(Object.fromEntries(records.map((r, i) => [r.status, matched[i]]))).toEqual({ processed: ['Publisher'], invalid: [] });
});

test('through the local bus: the valid delivery made exactly one event, the invalid one none', async () => {
  await waitForEvents(pipeline, 120_000);
  const ids = [...pipeline.bus!.events().values()].map((e) => (e.detail as { id: string }).id);
  expect(ids.filter((id) => id === 'partner:pay_ok')).toHaveLength(1);
  expect(ids).not.toContain('partner:pay_bad');
});
