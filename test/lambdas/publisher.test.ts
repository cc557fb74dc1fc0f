import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { archiveOf, serveRanges } from './archived';
import { newMessage } from '../../src/runtime/message';
import { toRecord } from '../../src/runtime/record';

process.env.ARCHIVE_BUCKET = 'archive';
process.env.EVENT_BUS_NAME = 'bus';
process.env.PROCESSOR_NAME = 'Test-Webhooks';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'Test';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const s3 = mockClient(S3Client);
const eventBridge = mockClient(EventBridgeClient);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../src/lambdas/publisher/publisher.lambda') as typeof import('../../src/lambdas/publisher/publisher.lambda');

/** Three webhooks archived in one object, and their stream records. */
function fixture(bodies: string[]) {
  const messages = bodies.map((body, i) => newMessage({
    id: `stripe:evt_${i}`,
    provider: 'stripe',
    receivedAt: new Date('2026-11-24T10:00:00Z'),
    eventType: 'charge.succeeded',
    headers: {},
    rawBody: Buffer.from(body),
  }));
  const archive = archiveOf(messages);
  const records: DynamoDBRecord[] = messages.map((m, i) => ({
    eventID: `e${i}`,
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: String(100 + i), NewImage: marshall(toRecord(m, archive.pointers[i], new Date('2026-11-24T10:00:01Z'))) as never },
  }));
  return { archive, records };
}

beforeEach(() => {
  s3.reset();
  eventBridge.reset();
});

test('one event per recorded webhook, with its payload, from one ranged GET of the archive object', async () => {
  const { archive, records } = fixture(['{"amount":1}', '{"amount":2}', 'not json']);
  serveRanges(s3, archive.body);
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{}, {}, {}] });
  expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
  expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
  const details = entries.map((e) => JSON.parse(e.Detail!));
  expect(details.map((d) => [d.id, d.payloadIncluded, d.payload])).toEqual([
    ['stripe:evt_0', true, { amount: 1 }], ['stripe:evt_1', true, { amount: 2 }], ['stripe:evt_2', false, undefined],
  ]);
  expect(entries.every((e) => e.EventBusName === 'bus' && e.Source === 'cdk-webhook-processor')).toBe(true);
});

test('entries EventBridge refuses are retried, and only they', async () => {
  const { archive, records } = fixture(['{}', '{}']);
  serveRanges(s3, archive.body);
  eventBridge.on(PutEventsCommand)
    .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure' }] })
    .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
  expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
  const calls = eventBridge.commandCalls(PutEventsCommand).map((c) => (c.args[0].input.Entries ?? []).map((e) => JSON.parse(e.Detail!).id));
  expect(calls).toEqual([['stripe:evt_0', 'stripe:evt_1'], ['stripe:evt_1']]);
});

test('entries that keep failing hand the batch back from the first of them, by sequence number', async () => {
  const { archive, records } = fixture(['{}', '{}', '{}']);
  serveRanges(s3, archive.body);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: input.Entries.length - (input.Entries.length === 3 ? 1 : 0),
    Entries: input.Entries.map((_, i) => (input.Entries.length === 3 && i === 0 ? { EventId: 'ok' } : { ErrorCode: 'ThrottlingException' })),
  }));
  expect(await handler({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: '101' }] });
}, 10_000);

test('an archive that cannot be read hands the whole batch back', async () => {
  const { records } = fixture(['{}']);
  s3.on(GetObjectCommand).rejects(new Error('SlowDown'));
  expect(await handler({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
  expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
});
