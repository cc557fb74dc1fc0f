import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sqsRecord } from './events';
import { processorUnderTest } from './handlers-under-test';
import { DeliveryOutcome, OUTCOME_FIELDS, outcomeFields } from '../../src/core/delivery-telemetry';
import { parseArchiveLine } from '../../src/runtime/archive';
import { indexShard } from '../../src/runtime/index-shards';
import { encodeMessage, newMessage, withBodyRef } from '../../src/runtime/message';

const { handler, s3, dynamo } = processorUnderTest();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { logger } = require('../../src/lambdas/shared/powertools') as typeof import('../../src/lambdas/shared/powertools');

function message(id: string, body = `{"id":"${id}"}`) {
  return newMessage({ id: `stripe:${id}`, provider: 'stripe', receivedAt: new Date('2026-11-23T10:00:00Z'), eventType: 'charge.succeeded', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(body) });
}
const record = (n: number) => sqsRecord(`m${n}`, encodeMessage(message(`evt_${n}`)));

beforeEach(() => {
  s3.reset();
  dynamo.reset();
  s3.on(PutObjectCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
});

test('a batch is archived in one S3 object and each message gets one conditional record write', async () => {
  const result = await handler({ Records: [record(1), record(2), record(3)] });
  expect(result.batchItemFailures).toEqual([]);
  expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  const puts = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input);
  expect(puts.map((p) => p.Item?.id).sort()).toEqual(['stripe:evt_1', 'stripe:evt_2', 'stripe:evt_3']);
  expect(puts.every((p) => p.ConditionExpression === 'attribute_not_exists(id)')).toBe(true);
});

test('the archive is date-partitioned NDJSON and each record points at its own line', async () => {
  await handler({ Records: [record(1), record(2)] });
  const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
  expect(put.Key).toMatch(/^raw\/dt=\d{4}-\d{2}-\d{2}\/hr=\d{2}\/.+\.ndjson$/);
  const object = put.Body as Buffer;
  for (const call of dynamo.commandCalls(PutCommand)) {
    const { archive, id } = call.args[0].input.Item as { archive: { key: string; offset: number; length: number }; id: string };
    expect(archive.key).toBe(put.Key);
    const entry = parseArchiveLine(object.subarray(archive.offset, archive.offset + archive.length));
    expect(entry.id).toBe(id);
    expect(Buffer.from(entry.body, 'base64').toString()).toBe(`{"id":"${id.split(':')[1]}"}`);
  }
});

test('the 2nd of 3 records failing reports exactly its messageId', async () => {
  dynamo.on(PutCommand).callsFake(async (input) => {
    if (input.Item.id === 'stripe:evt_2') throw new Error('ProvisionedThroughputExceeded');
    return {};
  });
  const result = await handler({ Records: [record(1), record(2), record(3)] });
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
});

test('records of a batch are written concurrently', async () => {
  let inFlight = 0;
  let peak = 0;
  dynamo.on(PutCommand).callsFake(async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 20));
    inFlight--;
    return {};
  });
  await handler({ Records: [record(1), record(2), record(3), record(4)] });
  expect(peak).toBe(4);
});

/** What DynamoDB answers a conditional write whose item exists, with ReturnValuesOnConditionCheckFailure ALL_OLD. */
const exists = (item: Record<string, unknown>) => new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: item as never });
const typedRecord = (bodySha256: string, conflictDigests?: string[]) => ({
  id: { S: 'stripe:evt_1' }, bodySha256: { S: bodySha256 }, ...(conflictDigests ? { conflictDigests: { SS: conflictDigests } } : {}),
});

/** Runs the handler and returns the metrics it published. */
async function metricsOf(records: ReturnType<typeof sqsRecord>[]) {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  // Warnings and errors go to stderr.
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
  let result;
  try {
    result = await handler({ Records: records });
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  const emf = lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const logs = lines.map((l) => l.trim()).filter((l) => l.startsWith('{') && !l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { result, logs, metric: (name: string) => emf.reduce((n, e) => n + (typeof e[name] === 'number' ? e[name] as number : 0), 0) };
}

test('duplicates and conflicts log their outcome, provider and event type, which the dashboard\'s table counts by', async () => {
  const outcomes = async (existingSha: string) => {
    dynamo.reset();
    dynamo.on(PutCommand).rejects(exists(typedRecord(existingSha)));
    dynamo.on(UpdateCommand).resolves({});
    logger.setLogLevel('INFO');
    try {
      const { logs } = await metricsOf([record(1)]);
      return logs.filter((l) => 'outcome' in l).map((l) => Object.fromEntries(OUTCOME_FIELDS.map((f) => [f, l[f]])));
    } finally {
      logger.setLogLevel('SILENT');
    }
  };
  expect(await outcomes(message('evt_1').bodySha256)).toEqual([outcomeFields(DeliveryOutcome.DUPLICATE, 'stripe', 'charge.succeeded')]);
  expect(await outcomes('0'.repeat(64))).toEqual([outcomeFields(DeliveryOutcome.CONFLICT, 'stripe', 'charge.succeeded')]);
});

test('a retry (record exists with the same bytes) is acknowledged, counted as a duplicate and not rewritten', async () => {
  dynamo.on(PutCommand).rejects(exists(typedRecord(message('evt_1').bodySha256)));
  const { result, metric } = await metricsOf([record(1)]);
  expect(result.batchItemFailures).toEqual([]);
  expect(metric('DuplicateDeliveries')).toBe(1);
  expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
});

test('a different body under a recorded id is a conflict: listed on the record with its archive pointer and counted', async () => {
  dynamo.on(PutCommand).rejects(exists(typedRecord('0'.repeat(64))));
  dynamo.on(UpdateCommand).resolves({});
  const { result, metric } = await metricsOf([record(1)]);
  expect(result.batchItemFailures).toEqual([]);
  expect(metric('DeliveryConflicts')).toBe(1);
  expect(metric('DuplicateDeliveries')).toBe(0);
  const update = dynamo.commandCalls(UpdateCommand)[0].args[0].input;
  const archiveKeyWritten = s3.commandCalls(PutObjectCommand)[0].args[0].input.Key;
  expect(update.Key).toEqual({ id: 'stripe:evt_1' });
  expect(update.ExpressionAttributeValues?.[':entry']).toEqual([expect.objectContaining({ bodySha256: message('evt_1').bodySha256, archive: expect.objectContaining({ key: archiveKeyWritten }) })]);
});

test('a retry of a listed conflict is a duplicate, not a second conflict', async () => {
  const sha = message('evt_1').bodySha256;
  dynamo.on(PutCommand).rejects(exists(typedRecord('0'.repeat(64), [sha])));
  const { metric } = await metricsOf([record(1)]);
  expect(metric('DeliveryConflicts')).toBe(0);
  expect(metric('DuplicateDeliveries')).toBe(1);
  expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
});

test('a conflict listed by an earlier attempt whose answer was lost is acknowledged as a duplicate', async () => {
  const sha = message('evt_1').bodySha256;
  dynamo.on(PutCommand).rejects(exists(typedRecord('0'.repeat(64))));
  dynamo.on(UpdateCommand).rejects(exists(typedRecord('0'.repeat(64), [sha])));
  const { result, metric } = await metricsOf([record(1)]);
  expect(result.batchItemFailures).toEqual([]);
  expect([metric('DeliveryConflicts'), metric('DuplicateDeliveries')]).toEqual([0, 1]);
});

test('beyond the listing cap a conflict is still counted and acknowledged (its bytes are archived)', async () => {
  dynamo.on(PutCommand).rejects(exists(typedRecord('0'.repeat(64))));
  dynamo.on(UpdateCommand).rejects(exists(typedRecord('0'.repeat(64), Array.from({ length: 100 }, (_, i) => String(i)))));
  const { result, metric } = await metricsOf([record(1)]);
  expect(result.batchItemFailures).toEqual([]);
  expect(metric('DeliveryConflicts')).toBe(1);
});

test('a failed conflict listing is retried', async () => {
  dynamo.on(PutCommand).rejects(exists(typedRecord('0'.repeat(64))));
  dynamo.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceeded'));
  const result = await handler({ Records: [record(1)] });
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
});

describe('replay window', () => {
  const guarded = (id: string, body: string) => newMessage({
    id: `github:${id}`, provider: 'github', receivedAt: new Date('2026-11-23T10:00:00Z'), headers: {}, rawBody: Buffer.from(body), replayWindowSeconds: 3600,
  });

  test('the first delivery of a body claims it, then is recorded as processed', async () => {
    const { metric } = await metricsOf([sqsRecord('g1', encodeMessage(guarded('d-1', '{"a":1}')))]);
    const puts = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Item?.id)).toEqual([`replay#github#${guarded('d-1', '{"a":1}').bodySha256}`, 'github:d-1']);
    expect(puts[1].Item).toMatchObject({ status: 'processed' });
    expect(puts[1].Item).not.toHaveProperty('replayOf');
    expect(metric('WebhooksProcessed')).toBe(1);
  });

  test('the same bytes under a new id are recorded as a replay of the first id, counted, not processed', async () => {
    dynamo.on(PutCommand).callsFake(async (input) => {
      if (input.Item.webhookId === 'github:d-2') throw exists({ webhookId: { S: 'github:d-1' } });
      return {};
    });
    const { result, metric } = await metricsOf([sqsRecord('g2', encodeMessage(guarded('d-2', '{"a":1}')))]);
    expect(result.batchItemFailures).toEqual([]);
    const recordPut = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input).find((p) => p.Item?.id === 'github:d-2');
    expect(recordPut?.Item).toMatchObject({ status: 'replay', replayOf: 'github:d-1' });
    expect([metric('ReplaysRejected'), metric('WebhooksProcessed')]).toEqual([1, 0]);
  });

  test('on a standard queue the guard is claimed while the archive PUT is still in flight', async () => {
    let guardsBeforeArchive = -1;
    s3.on(PutObjectCommand).callsFake(async () => {
      await new Promise((r) => setTimeout(r, 20));
      guardsBeforeArchive = dynamo.commandCalls(PutCommand).filter((c) => String(c.args[0].input.Item?.id).startsWith('replay#')).length;
      return {};
    });
    const result = await handler({ Records: [sqsRecord('g4', encodeMessage(guarded('d-4', '{"a":4}'))), sqsRecord('g5', encodeMessage(guarded('d-5', '{"a":5}')))] });
    expect(result.batchItemFailures).toEqual([]);
    expect(guardsBeforeArchive).toBe(2);
    expect(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.id).filter((id) => String(id).startsWith('github:')).sort()).toEqual(['github:d-4', 'github:d-5']);
  });

  test('when the archive write fails after an early claim, nothing is recorded and the message is retried', async () => {
    s3.on(PutObjectCommand).rejects(new Error('SlowDown'));
    const result = await handler({ Records: [sqsRecord('g6', encodeMessage(guarded('d-6', '{"a":6}')))] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'g6' }]);
    expect(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.id)).toEqual([`replay#github#${guarded('d-6', '{"a":6}').bodySha256}`]);
  });

  test('a failed guard write is retried, and nothing is recorded', async () => {
    dynamo.on(PutCommand).rejects(new Error('ThrottlingException'));
    const result = await handler({ Records: [sqsRecord('g3', encodeMessage(guarded('d-3', '{"a":3}')))] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'g3' }]);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
  });

  test('without a window no guard is written', async () => {
    await handler({ Records: [record(1)] });
    expect(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.id)).toEqual(['stripe:evt_1']);
  });
});

test('when the archive write fails, every message of the batch is reported and no record is written', async () => {
  s3.on(PutObjectCommand).rejects(new Error('SlowDown'));
  const result = await handler({ Records: [record(1), record(2)] });
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
  expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
});

test('an undecodable message is reported (it reaches the DLQ after maxReceiveCount), the others proceed', async () => {
  const result = await handler({ Records: [record(1), sqsRecord('bad', 'not json'), record(3)] });
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
  expect(dynamo.commandCalls(PutCommand)).toHaveLength(2);
});

test('a message whose body does not match its digest is reported', async () => {
  const tampered = { ...message('evt_9'), body: Buffer.from('other').toString('base64') };
  const result = await handler({ Records: [sqsRecord('t', JSON.stringify(tampered))] });
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: 't' }]);
});

test('an oversized body is read back from S3 and archived', async () => {
  const original = message('evt_big', 'x'.repeat(1000));
  s3.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(Buffer.from('x'.repeat(1000))) } as never });
  const result = await handler({ Records: [sqsRecord('big', encodeMessage(withBodyRef(original, 'oversize/2026-11-23/stripe%3Aevt_big')))] });
  expect(result.batchItemFailures).toEqual([]);
  expect(s3.commandCalls(GetObjectCommand)[0].args[0].input.Key).toBe('oversize/2026-11-23/stripe%3Aevt_big');
  const entry = parseArchiveLine(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body as Buffer);
  expect(Buffer.from(entry.body, 'base64').toString()).toBe('x'.repeat(1000));
});

test('an oversized body that cannot be read is retried, not treated as poison', async () => {
  s3.on(GetObjectCommand).rejects(new Error('SlowDown'));
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  let result;
  try {
    result = await handler({ Records: [sqsRecord('big', encodeMessage(withBodyRef(message('evt_big'), 'oversize/k'))), record(2)] });
  } finally {
    spy.mockRestore();
  }
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'big' }]);
  const emf = lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));
  expect(emf).toContainEqual(expect.objectContaining({ OversizeBodyReadFailed: 1 }));
  expect(emf.some((e) => 'MessagesUndecodable' in e)).toBe(false);
});

test('records carry the index key and no TTL unless configured', async () => {
  await handler({ Records: [record(1)] });
  const item = dynamo.commandCalls(PutCommand)[0].args[0].input.Item!;
  expect(item).toMatchObject({ providerDate: `stripe#2026-11-23#${indexShard(String(item.id))}`, receivedAt: '2026-11-23T10:00:00.000Z', status: 'processed', eventType: 'charge.succeeded' });
  expect(item.expiresAt).toBeUndefined();
});

describe('a redriven dead letter', () => {
  const deadLettered = () => exists({ id: { S: 'stripe:evt_1' }, status: { S: 'dead_lettered' }, bodySha256: { S: message('evt_1').bodySha256 } });

  test('replaces its dead_lettered record: a conditional delete, then the normal record inserted (the stream passes inserts only)', async () => {
    dynamo.on(PutCommand).rejectsOnce(deadLettered()).resolves({});
    dynamo.on(DeleteCommand).resolves({});
    const { result, metric } = await metricsOf([record(1)]);
    expect(result.batchItemFailures).toEqual([]);
    const del = dynamo.commandCalls(DeleteCommand)[0].args[0].input;
    expect(del).toMatchObject({ Key: { id: 'stripe:evt_1' }, ConditionExpression: '#status = :deadLettered', ExpressionAttributeValues: { ':deadLettered': 'dead_lettered' } });
    const puts = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(2);
    expect(puts[1]).toMatchObject({ ConditionExpression: 'attribute_not_exists(id)', Item: { id: 'stripe:evt_1', status: 'processed' } });
    expect(metric('WebhooksProcessed')).toBe(1);
    expect(metric('DeadLettersRedriven')).toBe(1);
  });

  test('recorded meanwhile by another delivery of the same bytes: a duplicate, written once', async () => {
    dynamo.on(PutCommand).rejectsOnce(deadLettered()).rejects(exists(typedRecord(message('evt_1').bodySha256)));
    dynamo.on(DeleteCommand).rejects(exists({}));
    const { result, metric } = await metricsOf([record(1)]);
    expect(result.batchItemFailures).toEqual([]);
    expect(metric('DuplicateDeliveries')).toBe(1);
    expect(metric('WebhooksProcessed')).toBe(0);
  });

  test('a failed delete is retried, and the dead_lettered record stays until then', async () => {
    dynamo.on(PutCommand).rejects(deadLettered());
    dynamo.on(DeleteCommand).rejects(new Error('throttled'));
    const { result } = await metricsOf([record(1)]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });

  test('a processed record is never replaced: a genuine duplicate stays a duplicate', async () => {
    dynamo.on(PutCommand).rejects(exists({ ...typedRecord(message('evt_1').bodySha256), status: { S: 'processed' } }));
    const { metric } = await metricsOf([record(1)]);
    expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(0);
    expect(metric('DuplicateDeliveries')).toBe(1);
  });
});
