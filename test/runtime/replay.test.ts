import { INDEX_SHARDS } from '../../src/runtime/index-shards';
import {
  decodeReplayCursor, encodeReplayCursor, isFinished, MAX_REPLAY_IDS, pageLimit, parseReplayRequest, replayPartitions, sendTime,
  type ReplayPosition, type ReplaySelection,
} from '../../src/runtime/replay';

const NOW = new Date('2026-11-24T12:00:00Z');
const parse = (input: unknown) => parseReplayRequest(input, ['stripe', 'github'], NOW, 'replay-1');
const errorOf = (input: unknown) => {
  const result = parse(input);
  return result.ok ? undefined : result.error;
};

describe('replay requests', () => {
  test('ids: deduplicated, a new replay starts at the first with a new identity', () => {
    const result = parse({ ids: ['stripe:evt_1', 'github:d2', 'stripe:evt_1'] });
    expect(result).toEqual({
      ok: true,
      request: { selection: { kind: 'ids', ids: ['stripe:evt_1', 'github:d2'] } },
      position: { replayId: 'replay-1', requestedAt: '2026-11-24T12:00:00.000Z', offset: 0, partition: 0 },
    });
  });

  test('a range: provider, times normalised to UTC, optional type and maxEvents', () => {
    const result = parse({ provider: 'stripe', from: '2026-11-24T10:00:00+01:00', to: '2026-11-24T11:00:00Z', type: 'charge.succeeded', maxEvents: 10 });
    expect(result.ok && result.request).toEqual({
      selection: { kind: 'range', provider: 'stripe', from: '2026-11-24T09:00:00.000Z', to: '2026-11-24T11:00:00.000Z', type: 'charge.succeeded' },
      maxEvents: 10,
    });
  });

  test.each([
    [null, 'malformed_request'],
    ['ids', 'malformed_request'],
    [{}, 'malformed_request'],
    [{ ids: ['stripe:a'], provider: 'stripe' }, 'malformed_request'],
    [{ ids: ['stripe:a'], limit: 3 }, 'malformed_request'],
    [{ ids: [] }, 'malformed_ids'],
    [{ ids: 'stripe:a' }, 'malformed_ids'],
    [{ ids: Array.from({ length: MAX_REPLAY_IDS + 1 }, (_, i) => `stripe:e${i}`) }, 'malformed_ids'],
    [{ ids: ['not an id'] }, 'malformed_ids'],
    [{ ids: [42] }, 'malformed_ids'],
    [{ provider: 'shopify', from: '2026-11-24T00:00:00Z', to: '2026-11-24T01:00:00Z' }, 'unknown_provider'],
    [{ provider: 'stripe', from: '2026-11-24T00:00:00Z' }, 'malformed_range'],
    [{ provider: 'stripe', from: 'yesterday', to: '2026-11-24T01:00:00Z' }, 'malformed_range'],
    [{ provider: 'stripe', from: '2026-11-24T02:00:00Z', to: '2026-11-24T01:00:00Z' }, 'malformed_range'],
    [{ provider: 'stripe', from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'range_too_long'],
    [{ provider: 'stripe', from: '2026-11-24T00:00:00Z', to: '2026-11-24T01:00:00Z', type: '' }, 'malformed_type'],
    [{ ids: ['stripe:a'], maxEvents: 0 }, 'malformed_max_events'],
    [{ ids: ['stripe:a'], maxEvents: '5' }, 'malformed_max_events'],
    [{ ids: ['stripe:a'], cursor: 'garbage' }, 'malformed_cursor'],
  ])('%j is refused with %s', (input, error) => {
    expect(errorOf(input)).toBe(error);
  });

  test('every refusal has a message that says what to send', () => {
    const result = parse({ ids: ['stripe:a'], provider: 'stripe' });
    expect(result.ok ? '' : result.message).toMatch(/either 'ids', or 'provider', 'from' and 'to'/);
  });
});

describe('replay cursors', () => {
  const range: ReplaySelection = { kind: 'range', provider: 'stripe', from: '2026-11-23T22:00:00.000Z', to: '2026-11-25T01:00:00.000Z' };
  const position: ReplayPosition = {
    replayId: 'r-1',
    requestedAt: '2026-11-24T12:00:00.000Z',
    offset: 0,
    partition: 1,
    shards: [...Array.from({ length: INDEX_SHARDS - 1 }, () => ({ kind: 'done' as const })), { kind: 'after', receivedAt: 'x', id: 'stripe:e' }, { kind: 'start' }],
  };

  test('a cursor round-trips and keeps the replay\'s identity', () => {
    const cursor = encodeReplayCursor(position, range);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeReplayCursor(cursor, range)).toEqual(position);
    const continued = parseReplayRequest({ provider: 'stripe', from: range.from, to: range.to, cursor }, ['stripe'], new Date(), 'another-id');
    expect(continued.ok && continued.position.replayId).toBe('r-1');
  });

  test('a cursor belongs to its selection: another range, type or id list refuses it', () => {
    const cursor = encodeReplayCursor(position, range);
    expect(decodeReplayCursor(cursor, { ...range, type: 'charge.succeeded' })).toBeUndefined();
    expect(decodeReplayCursor(cursor, { ...range, to: '2026-11-25T02:00:00.000Z' })).toBeUndefined();
    const ids: ReplaySelection = { kind: 'ids', ids: ['stripe:a', 'stripe:b'] };
    const idsCursor = encodeReplayCursor({ ...position, offset: 1, partition: 0, shards: undefined }, ids);
    expect(decodeReplayCursor(idsCursor, ids)?.offset).toBe(1);
    expect(decodeReplayCursor(idsCursor, { kind: 'ids', ids: ['stripe:a'] })).toBeUndefined();
  });

  test('a cursor from before the index was sharded (one DynamoDB key) is refused, so that no partition is replayed twice', () => {
    const fingerprint = `range|stripe|${range.kind === 'range' ? `${range.from}|${range.to}` : ''}|`;
    const fields = { q: fingerprint, r: 'r-1', t: '2026-11-24T12:00:00.000Z', o: 0, p: 1 };
    const old = Buffer.from(JSON.stringify({ ...fields, k: { id: 'stripe:e', providerDate: 'stripe#2026-11-24', receivedAt: 'x' } })).toString('base64url');
    expect(decodeReplayCursor(old, range)).toBeUndefined();
    expect(decodeReplayCursor(Buffer.from(JSON.stringify(fields)).toString('base64url'), range)).toMatchObject({ partition: 1 });
  });

  test('a cursor whose shard states do not fit its partition is refused', () => {
    const short = encodeReplayCursor({ ...position, shards: position.shards!.slice(1) }, range);
    expect(decodeReplayCursor(short, range)).toBeUndefined();
  });

  test('a range reads one partition per day, oldest first, each the day\'s shards and its unsharded key; finished past the last', () => {
    expect(replayPartitions(range).map((keys) => keys[keys.length - 1])).toEqual(['stripe#2026-11-23', 'stripe#2026-11-24', 'stripe#2026-11-25']);
    expect(replayPartitions(range)[1].slice(0, 2)).toEqual(['stripe#2026-11-24#0', 'stripe#2026-11-24#1']);
    expect(isFinished(range, { ...position, partition: 2 })).toBe(false);
    expect(isFinished(range, { ...position, partition: 3 })).toBe(true);
    expect(isFinished({ kind: 'ids', ids: ['stripe:a'] }, { ...position, offset: 1 })).toBe(true);
  });
});

describe('replay pacing', () => {
  test('requests go out at `rate` events a second: the n-th event at n / rate seconds', () => {
    expect([0, 10, 20, 50, 100].map((sent) => sendTime(1000, sent, 50))).toEqual([1000, 1200, 1400, 2000, 3000]);
  });

  test('a page takes at most 100 records, what is left of maxEvents, and what fits before the budget ends', () => {
    const base = { nowMs: 0, nextSendMs: 0, budgetEndMs: 40_000, ratePerSecond: 50, eventsLeft: 1_000_000 };
    expect(pageLimit(base)).toBe(100);
    expect(pageLimit({ ...base, eventsLeft: 7 })).toBe(7);
    expect(pageLimit({ ...base, nextSendMs: 39_000 })).toBe(50);
    expect(pageLimit({ ...base, nowMs: 39_990 })).toBe(0);
    expect(pageLimit({ ...base, nowMs: 41_000 })).toBe(0);
  });

  test('at the default rate, one invocation of 40 s replays at most 2 000 events', () => {
    let sent = 0;
    let now = 0;
    for (;;) {
      const limit = pageLimit({ nowMs: now, nextSendMs: sendTime(0, sent, 50), budgetEndMs: 40_000, ratePerSecond: 50, eventsLeft: Infinity });
      if (limit === 0) break;
      sent += limit;
      now = sendTime(0, sent - 10, 50);
    }
    expect(sent).toBe(2000);
  });
});
