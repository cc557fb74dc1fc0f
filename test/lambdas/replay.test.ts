import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { archiveOf, serveRanges } from './archived';
import { recordedWebhook, toEventEntry } from '../../src/runtime/event';
import { INDEX_SHARDS, providerDayKeys } from '../../src/runtime/index-shards';
import { newMessage } from '../../src/runtime/message';
import { toRecord, type WebhookRecord } from '../../src/runtime/record';

process.env.TABLE_NAME = 'table';
process.env.INDEX_NAME = 'byProviderDate';
process.env.ARCHIVE_BUCKET = 'archive';
process.env.EVENT_BUS_NAME = 'bus';
process.env.PROCESSOR_NAME = 'Test-Webhooks';
process.env.PROVIDER_NAMES = 'stripe,github';
process.env.REPLAY_RATE_PER_SECOND = '1000';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'Test';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const dynamo = mockClient(DynamoDBDocumentClient);
mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const eventBridge = mockClient(EventBridgeClient);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../src/lambdas/replay/replay.lambda') as typeof import('../../src/lambdas/replay/replay.lambda');

/** Webhooks archived in one object, and their records (the DocumentClient's view). */
function fixture(count: number) {
  const messages = Array.from({ length: count }, (_, i) => newMessage({
    id: `stripe:evt_${i}`,
    provider: 'stripe',
    receivedAt: new Date(Date.parse('2026-11-24T10:00:00Z') + i * 1000),
    eventType: i % 2 === 0 ? 'charge.succeeded' : 'charge.refunded',
    headers: {},
    rawBody: Buffer.from(JSON.stringify({ id: `evt_${i}`, amount: i })),
  }));
  const archive = archiveOf(messages);
  const records = messages.map((m, i) => toRecord(m, archive.pointers[i], new Date('2026-11-24T10:00:05Z')));
  serveRanges(s3, archive.body);
  return { records, bodies: messages.map((m) => Buffer.from(m.body!, 'base64')) };
}

function serveRecords(records: readonly WebhookRecord[]) {
  dynamo.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Array<{ id: string }> }> }) => ({
    Responses: { table: input.RequestItems.table.Keys.map((k) => records.find((r) => r.id === k.id)).filter((r) => r !== undefined) },
  }));
}

/** The details of every event put, in order. */
function putDetails(): Array<Record<string, unknown>> {
  return eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!)));
}

beforeEach(() => {
  dynamo.reset();
  s3.reset();
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'e' })) }));
});

test('by ids: the processed ones are put again, exactly as published plus the replay marker; the rest are reported', async () => {
  const { records, bodies } = fixture(3);
  const replay: WebhookRecord = { ...records[2], status: 'replay', replayOf: 'stripe:evt_0' };
  serveRecords([records[0], records[1], replay]);
  const result = await handler({ ids: ['stripe:evt_1', 'stripe:evt_0', 'stripe:evt_2', 'stripe:missing'] });
  expect(result).toEqual({
    replayId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    requestedAt: expect.any(String),
    replayed: 2,
    skipped: [{ id: 'stripe:evt_2', reason: 'not_processed', status: 'replay' }, { id: 'stripe:missing', reason: 'not_found' }],
    failed: [],
  });
  const details = putDetails();
  const marker = { id: (result as { replayId: string }).replayId, requestedAt: (result as { requestedAt: string }).requestedAt };
  const published = [1, 0].map((i) => JSON.parse(toEventEntry(recordedWebhook(records[i] as never)!, bodies[i], { processor: 'Test-Webhooks', bucket: 'archive', eventBusName: 'bus' }).Detail));
  expect(details).toEqual(published.map((d) => ({ ...d, replay: marker })));
  expect(details[0].payload).toEqual({ id: 'evt_1', amount: 1 });
  // One ranged GET of the archive object for the page.
  expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  const entry = eventBridge.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0];
  expect(entry).toMatchObject({ Source: 'cdk-webhook-processor', DetailType: 'Webhook Received', EventBusName: 'bus' });
});

test('a range: reads the day\'s index shards in parallel, merged oldest first, then the records, and pages with a cursor', async () => {
  const { records } = fixture(6);
  serveRecords(records);
  const all = records.map((r) => ({ id: r.id, providerDate: r.providerDate, receivedAt: r.receivedAt, status: r.status, eventType: r.eventType }));
  expect(new Set(all.map((i) => i.providerDate)).size).toBeGreaterThan(1); // spread over shards
  dynamo.on(QueryCommand).callsFake((input: { Limit: number; ExclusiveStartKey?: { id: string }; ExpressionAttributeValues: { ':pd': string } }) => {
    const index = all.filter((i) => i.providerDate === input.ExpressionAttributeValues[':pd']);
    const start = input.ExclusiveStartKey ? index.findIndex((i) => i.id === input.ExclusiveStartKey!.id) + 1 : 0;
    const page = index.slice(start, start + input.Limit);
    return { Items: page, ...(start + input.Limit < index.length ? { LastEvaluatedKey: page[page.length - 1] } : {}) };
  });
  const input = { provider: 'stripe', from: '2026-11-24T09:00:00Z', to: '2026-11-24T11:00:00Z', maxEvents: 4 };
  const first = await handler(input) as { replayId: string; replayed: number; nextCursor?: string };
  expect(first.replayed).toBe(4);
  expect(first.nextCursor).toBeDefined();
  const query = dynamo.commandCalls(QueryCommand)[0].args[0].input;
  expect(query).toMatchObject({
    IndexName: 'byProviderDate',
    ScanIndexForward: true,
    Limit: 4,
    KeyConditionExpression: 'providerDate = :pd AND receivedAt BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pd': 'stripe#2026-11-24#0', ':from': '2026-11-24T09:00:00.000Z', ':to': '2026-11-24T11:00:00.000Z' },
  });
  expect(dynamo.commandCalls(QueryCommand).slice(0, INDEX_SHARDS + 1).map((c) => c.args[0].input.ExpressionAttributeValues![':pd']))
    .toEqual(providerDayKeys('stripe', '2026-11-24'));
  const second = await handler({ ...input, cursor: first.nextCursor }) as { replayId: string; replayed: number; nextCursor?: string };
  expect(second.replayed).toBe(2);
  expect(second.nextCursor).toBeUndefined();
  expect(second.replayId).toBe(first.replayId);
  expect(putDetails().map((d) => d.id)).toEqual(records.map((r) => r.id));
});

test('a type filter is passed to the index query', async () => {
  fixture(1);
  dynamo.on(QueryCommand).resolves({ Items: [] });
  await handler({ provider: 'stripe', from: '2026-11-24T09:00:00Z', to: '2026-11-24T11:00:00Z', type: 'charge.refunded' });
  expect(dynamo.commandCalls(QueryCommand)[0].args[0].input).toMatchObject({
    FilterExpression: 'eventType = :type', ExpressionAttributeValues: expect.objectContaining({ ':type': 'charge.refunded' }),
  });
});

test('bad input is answered with an error and a message, and nothing is read or put', async () => {
  expect(await handler({ ids: ['nope'] })).toEqual({ error: 'malformed_ids', message: expect.stringContaining('"nope"') });
  expect(await handler({ provider: 'shopify', from: '2026-11-24T09:00:00Z', to: '2026-11-24T11:00:00Z' })).toMatchObject({ error: 'unknown_provider' });
  expect(dynamo.calls()).toHaveLength(0);
  expect(eventBridge.calls()).toHaveLength(0);
});

test('entries EventBridge keeps refusing are reported as failed; the others count as replayed', async () => {
  const { records } = fixture(2);
  serveRecords(records);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: Array<{ Detail: string }> }) => ({
    FailedEntryCount: 1,
    Entries: input.Entries.map((e) => (JSON.parse(e.Detail).id === 'stripe:evt_1' ? { ErrorCode: 'InternalFailure' } : { EventId: 'e' })),
  }));
  const result = await handler({ ids: ['stripe:evt_0', 'stripe:evt_1'] });
  expect(result).toMatchObject({ replayed: 1, failed: ['stripe:evt_1'] });
});

test('unprocessed BatchGetItem keys are read again', async () => {
  const { records } = fixture(2);
  dynamo.on(BatchGetCommand)
    .resolvesOnce({ Responses: { table: [records[0]] }, UnprocessedKeys: { table: { Keys: [{ id: 'stripe:evt_1' }] } } })
    .resolves({ Responses: { table: [records[1]] } });
  expect(await handler({ ids: ['stripe:evt_0', 'stripe:evt_1'] })).toMatchObject({ replayed: 2, skipped: [] });
});

test('an archive that cannot be read fails the invocation as what it is', async () => {
  const { records } = fixture(1);
  serveRecords(records);
  s3.on(GetObjectCommand).rejects(new Error('AccessDenied'));
  await expect(handler({ ids: ['stripe:evt_0'] })).rejects.toThrow('AccessDenied');
});
