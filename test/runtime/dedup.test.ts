import { classifyRepeat, conflictUpdate, existingItem, MAX_LISTED_CONFLICTS, replayGuardKey, replayGuardPut } from '../../src/runtime/dedup';
import { isValidWebhookId } from '../../src/runtime/ids';
import { newMessage } from '../../src/runtime/message';

const receivedAt = new Date('2026-11-23T10:00:00Z');
const message = (id: string, body: string, replayWindowSeconds?: number) =>
  newMessage({ id, provider: 'github', receivedAt, headers: {}, rawBody: Buffer.from(body), replayWindowSeconds });
const pointer = { key: 'raw/x.ndjson', offset: 10, length: 20 };

describe('replay guard', () => {
  test('claims the body digest of a provider for the window, from the receive time', () => {
    const m = message('github:d-1', '{"a":1}', 3600);
    expect(replayGuardPut(m)).toEqual({
      Item: { id: `replay#github#${m.bodySha256}`, webhookId: 'github:d-1', expiresAt: receivedAt.getTime() / 1000 + 3600 },
      ConditionExpression: 'attribute_not_exists(id) OR webhookId = :webhookId OR expiresAt <= :receivedAt',
      ExpressionAttributeValues: { ':webhookId': 'github:d-1', ':receivedAt': receivedAt.getTime() / 1000 },
    });
  });

  test('is not written without a replay window', () => {
    expect(replayGuardPut(message('github:d-1', 'x'))).toBeUndefined();
  });

  test('the same bytes under another id claim the same key; other bytes another key', () => {
    const first = replayGuardPut(message('github:d-1', 'same', 60))!;
    expect(replayGuardPut(message('github:d-2', 'same', 60))!.Item.id).toBe(first.Item.id);
    expect(replayGuardPut(message('github:d-1', 'other', 60))!.Item.id).not.toBe(first.Item.id);
  });

  test('guard keys can never be webhook ids', () => {
    expect(isValidWebhookId(replayGuardKey('github', 'ab'))).toBe(false);
  });
});

describe('a delivery whose id is recorded', () => {
  test('is a retry when the bytes are the same', () => {
    expect(classifyRepeat({ bodySha256: 'aa', conflictDigests: [] }, 'aa')).toBe('duplicate');
  });

  test('is a conflict when the body differs', () => {
    expect(classifyRepeat({ bodySha256: 'aa', conflictDigests: [] }, 'bb')).toBe('conflict');
  });

  test('is a retry of a conflict when that body is already listed', () => {
    expect(classifyRepeat({ bodySha256: 'aa', conflictDigests: ['bb'] }, 'bb')).toBe('known-conflict');
  });

  test('the existing item is read in the typed form a failed condition returns, or plain', () => {
    expect(existingItem({ id: { S: 'p:1' }, bodySha256: { S: 'aa' }, conflictDigests: { SS: ['bb'] }, webhookId: { S: 'p:0' } }))
      .toEqual({ bodySha256: 'aa', conflictDigests: ['bb'], webhookId: 'p:0' });
    expect(existingItem({ bodySha256: 'aa', conflictDigests: new Set(['bb']) })).toEqual({ bodySha256: 'aa', conflictDigests: ['bb'] });
    expect(existingItem(undefined)).toBeUndefined();
  });
});

describe('listing a conflict on the record', () => {
  const m = message('github:d-1', 'second body');
  const update = conflictUpdate(m, pointer);

  test('appends the delivery (digest, size, receive time, archive pointer) and adds its digest', () => {
    expect(update.Key).toEqual({ id: 'github:d-1' });
    expect(update.UpdateExpression).toBe('SET conflicts = list_append(if_not_exists(conflicts, :none), :entry) ADD conflictDigests :digest');
    expect(update.ExpressionAttributeValues[':entry']).toEqual([{ bodySha256: m.bodySha256, bodyBytes: 11, receivedAt: m.receivedAt, archive: pointer }]);
    expect(update.ExpressionAttributeValues[':digest']).toEqual(new Set([m.bodySha256]));
  });

  test('is idempotent and bounded: a listed digest or a full list fails the condition', () => {
    expect(update.ConditionExpression).toContain('NOT contains(conflictDigests, :sha)');
    expect(update.ConditionExpression).toContain('size(conflictDigests) < :max');
    expect(update.ExpressionAttributeValues[':max']).toBe(MAX_LISTED_CONFLICTS);
  });
});
