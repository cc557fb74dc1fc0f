import { indexShard } from '../../src/runtime/index-shards';
import { newMessage } from '../../src/runtime/message';
import { PUBLIC_ATTRIBUTES, STATUS_INVALID, STATUS_PROCESSED, STATUS_REPLAY, toPublicStatus, toRecord } from '../../src/runtime/record';

const message = newMessage({ id: 'github:d-2', provider: 'github', receivedAt: new Date('2026-11-23T10:00:00Z'), headers: {}, rawBody: Buffer.from('x') });
const pointer = { key: 'k', offset: 0, length: 1 };
const processedAt = new Date('2026-11-23T10:00:01Z');

test('a webhook is recorded as processed, without TTL unless configured', () => {
  const record = toRecord(message, pointer, processedAt);
  expect(record.status).toBe(STATUS_PROCESSED);
  expect(record.replayOf).toBeUndefined();
  expect(record.expiresAt).toBeUndefined();
  expect(toRecord(message, pointer, processedAt, { ttlSeconds: 60 }).expiresAt).toBe(processedAt.getTime() / 1000 + 60);
});

test('a replay is recorded with its own id, status replay and the id it replays', () => {
  const record = toRecord(message, pointer, processedAt, { replayOf: 'github:d-1' });
  expect(record).toMatchObject({ id: 'github:d-2', status: STATUS_REPLAY, replayOf: 'github:d-1', providerDate: `github#2026-11-23#${indexShard('github:d-2')}` });
});

test('/status shows a replay and the number of conflicting bodies', () => {
  const item = { id: 'github:d-2', status: 'replay', provider: 'github', receivedAt: 'r', replayOf: 'github:d-1', conflictDigests: new Set(['a', 'b']) };
  expect(toPublicStatus(item)).toEqual({ id: 'github:d-2', status: 'replay', provider: 'github', receivedAt: 'r', replayOf: 'github:d-1', conflicts: 2 });
});

test('/status shows no conflicts field when there is none', () => {
  expect(toPublicStatus({ id: 'p:1', status: 'processed', provider: 'p', receivedAt: 'r' })).not.toHaveProperty('conflicts');
});

test('a delivery failing its payload schema is recorded with status invalid and the reason', () => {
  const record = toRecord(message, pointer, processedAt, { invalidReason: 'schema: /id must be string' });
  expect(record).toMatchObject({ status: STATUS_INVALID, invalidReason: 'schema: /id must be string' });
});

test('a replay stays a replay whatever its validity (its bytes were judged under the first id)', () => {
  const record = toRecord(message, pointer, processedAt, { replayOf: 'github:d-1', invalidReason: 'x' });
  expect(record.status).toBe(STATUS_REPLAY);
  expect(record).not.toHaveProperty('invalidReason');
});

test('/status reads and shows the reason of an invalid webhook', () => {
  expect(PUBLIC_ATTRIBUTES).toContain('invalidReason');
  const item = { id: 'p:1', status: 'invalid', provider: 'p', receivedAt: 'r', invalidReason: 'the body is not JSON, and schema applies to it.' };
  expect(toPublicStatus(item)).toEqual(item);
});
