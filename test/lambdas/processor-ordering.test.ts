import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { sqsRecord } from './events';
import { processorUnderTest } from './handlers-under-test';
import { encodeMessage, newMessage } from '../../src/runtime/message';

const { handler, s3, dynamo } = processorUnderTest();

/** A record of a FIFO queue: Lambda adds MessageGroupId (and SequenceNumber, MessageDeduplicationId). */
function fifoRecord(id: string, group: string): SQSRecord {
  const message = newMessage({ id: `stripe:${id}`, provider: 'stripe', receivedAt: new Date('2026-11-23T10:00:00Z'), headers: {}, rawBody: Buffer.from(`{"id":"${id}"}`) });
  const record = sqsRecord(`m-${id}`, encodeMessage(message));
  return { ...record, attributes: { ...record.attributes, MessageGroupId: group, SequenceNumber: '1', MessageDeduplicationId: id } };
}

const batch = [fifoRecord('a1', 'stripe:cus_A'), fifoRecord('b1', 'stripe:cus_B'), fifoRecord('a2', 'stripe:cus_A'), fifoRecord('b2', 'stripe:cus_B'), fifoRecord('a3', 'stripe:cus_A')];
const written = () => dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.id as string);

beforeEach(() => {
  s3.reset();
  dynamo.reset();
  s3.on(PutObjectCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
});

test('a FIFO batch writes each group\'s records in order', async () => {
  const result = await handler({ Records: batch });
  expect(result.batchItemFailures).toEqual([]);
  expect(written().filter((id) => id.includes(':a'))).toEqual(['stripe:a1', 'stripe:a2', 'stripe:a3']);
  expect(written().filter((id) => id.includes(':b'))).toEqual(['stripe:b1', 'stripe:b2']);
});

test('a failure reports it and every later record of its group, unwritten; the other group is written', async () => {
  dynamo.on(PutCommand).callsFake(async (input) => {
    if (input.Item.id === 'stripe:a2') throw new Error('ProvisionedThroughputExceeded');
    return {};
  });
  const result = await handler({ Records: batch });
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-a2' }, { itemIdentifier: 'm-a3' }]);
  expect(written()).not.toContain('stripe:a3');
  expect(written()).toEqual(expect.arrayContaining(['stripe:a1', 'stripe:b1', 'stripe:b2']));
});

test('a standard-queue batch (no MessageGroupId) still writes every record, whatever fails', async () => {
  dynamo.on(PutCommand).callsFake(async (input) => {
    if (input.Item.id === 'stripe:a2') throw new Error('ProvisionedThroughputExceeded');
    return {};
  });
  const standard = batch.map((r) => ({ ...r, attributes: {} as SQSRecord['attributes'] }));
  const result = await handler({ Records: standard });
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-a2' }]);
  expect(written()).toContain('stripe:a3');
});

test('an archive failure reports the whole FIFO batch, in order', async () => {
  s3.on(PutObjectCommand).rejects(new Error('SlowDown'));
  const result = await handler({ Records: batch });
  expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(batch.map((r) => r.messageId));
  expect(written()).toEqual([]);
});
