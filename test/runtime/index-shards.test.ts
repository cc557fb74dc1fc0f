import * as fc from 'fast-check';
import {
  INDEX_SHARDS, decodeShardStates, encodeShardStates, indexShard, providerDateOf, providerDayKeys, readMerged,
  type MergedPosition, type ShardPage, type ShardState,
} from '../../src/runtime/index-shards';

interface Item { readonly id: string; readonly providerDate: string; readonly receivedAt: string; readonly keep: boolean }

/**
 * An index as DynamoDB answers a Query: items of a key in sort-key order (ties by table key),
 * `Limit` items evaluated, the filter applied after, and a LastEvaluatedKey whenever the limit
 * was reached (even with nothing left, as DynamoDB does).
 */
function fakeIndex(items: readonly Item[], descending: boolean) {
  const calls: Array<{ key: string; limit: number }> = [];
  const order = (a: Item, b: Item) => (a.receivedAt === b.receivedAt ? a.id.localeCompare(b.id) : a.receivedAt < b.receivedAt ? -1 : 1);
  const query = async (key: string, startKey: Readonly<Record<string, unknown>> | undefined, limit: number): Promise<ShardPage> => {
    calls.push({ key, limit });
    const sorted = items.filter((i) => i.providerDate === key).sort(order);
    if (descending) sorted.reverse();
    const start = startKey ? sorted.findIndex((i) => i.id === startKey.id && i.receivedAt === startKey.receivedAt) + 1 : 0;
    if (startKey && start === 0) throw new Error(`start key ${JSON.stringify(startKey)} is not in ${key}`);
    const evaluated = sorted.slice(start, start + limit);
    const last = evaluated[evaluated.length - 1];
    return {
      items: evaluated.filter((i) => i.keep).map((i) => ({ ...i })),
      ...(evaluated.length === limit ? { lastKey: { id: last.id, providerDate: last.providerDate, receivedAt: last.receivedAt } } : {}),
    };
  };
  return { query, calls };
}

/** Every page of a read, the position passing through a cursor's encoding between pages. */
async function readAll(partitions: string[][], items: readonly Item[], limits: readonly number[], descending: boolean, maxQueries: number) {
  const { query } = fakeIndex(items, descending);
  const pages: Array<ReadonlyArray<Readonly<Record<string, unknown>>>> = [];
  let position: MergedPosition = { partition: 0 };
  for (let page = 0; position.partition < partitions.length; page++) {
    if (page > 10_000) throw new Error('no progress');
    const read = await readMerged({ partitions, position, limit: limits[page % limits.length], descending, maxQueries, query });
    pages.push(read.items);
    const shards = read.position.shards;
    const wire = JSON.parse(JSON.stringify(shards ? encodeShardStates(shards) : null));
    const decoded = shards ? decodeShardStates(wire, partitions[read.position.partition].length) : undefined;
    position = { partition: read.position.partition, ...(decoded ? { shards: decoded } : {}) };
  }
  return pages;
}

const TIMES = ['2026-11-24T10:00:00.000Z', '2026-11-24T10:00:00.001Z', '2026-11-24T10:00:01.000Z', '2026-11-24T11:00:00.000Z', '2026-11-24T23:59:59.999Z'];
const KEYS = [['p#d#0', 'p#d#1', 'p#d#2', 'p#d'], ['p#e#0', 'p#e#1', 'p#e#2', 'p#e']];

const itemsArb = fc.uniqueArray(
  fc.record({ n: fc.nat(10_000), partition: fc.nat(1), shard: fc.nat(3), time: fc.constantFrom(...TIMES), keep: fc.boolean() }),
  { selector: (r) => r.n, maxLength: 60 },
).map((rows) => rows.map((r): Item => ({ id: `p:${r.n}`, providerDate: KEYS[r.partition][r.shard], receivedAt: r.time, keep: r.keep })));

test('a webhook\'s shard is a fixed function of its id, within 0 to INDEX_SHARDS - 1', () => {
  fc.assert(fc.property(fc.string(), (id) => {
    const shard = indexShard(id);
    return Number.isInteger(shard) && shard >= 0 && shard < INDEX_SHARDS && indexShard(id) === shard;
  }));
  expect(indexShard('stripe:evt_1')).toBe(indexShard('stripe:evt_1'));
});

test('ids spread evenly over the shards (each within 15 % of its share of 32,000 ids)', () => {
  const counts = new Array(INDEX_SHARDS).fill(0);
  for (let i = 0; i < 32_000; i++) counts[indexShard(`stripe:evt_${i}`)]++;
  const share = 32_000 / INDEX_SHARDS;
  expect(counts.filter((c) => Math.abs(c - share) > share * 0.15)).toEqual([]);
});

test('a record\'s providerDate is <provider>#<day of receipt>#<shard of id>, one of the keys readers read', () => {
  const value = providerDateOf('stripe', '2026-11-24T23:59:59.999Z', 'stripe:evt_1');
  expect(value).toBe(`stripe#2026-11-24#${indexShard('stripe:evt_1')}`);
  expect(providerDayKeys('stripe', '2026-11-24')).toContain(value);
  expect(providerDayKeys('stripe', '2026-11-24')).toHaveLength(INDEX_SHARDS + 1);
  expect(providerDayKeys('stripe', '2026-11-24')[INDEX_SHARDS]).toBe('stripe#2026-11-24');
});

test('shard states round-trip through a cursor\'s JSON', () => {
  const stateArb: fc.Arbitrary<ShardState> = fc.oneof(
    fc.constant({ kind: 'start' as const }),
    fc.constant({ kind: 'done' as const }),
    fc.record({ kind: fc.constant('after' as const), receivedAt: fc.string(), id: fc.string() }),
  );
  fc.assert(fc.property(fc.array(stateArb, { maxLength: 20 }), (states) => {
    expect(decodeShardStates(JSON.parse(JSON.stringify(encodeShardStates(states))), states.length)).toEqual(states);
  }));
});

test.each([
  ['not an array', { 0: 0 }, 1],
  ['the wrong length', [0, 1], 3],
  ['an unknown state', [2], 1],
  ['a key that is not two strings', [['2026-11-24T10:00:00Z', 5]], 1],
])('shard states that are %s are refused', (_, value, count) => {
  expect(decodeShardStates(value, count)).toBeUndefined();
});

describe.each([[true], [false]])('read in pages (descending: %s)', (descending) => {
  test('every kept record once, none lost or repeated, in receivedAt order across pages, whatever the page sizes', async () => {
    await fc.assert(fc.asyncProperty(
      itemsArb, fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 9 }),
      async (items, limits, maxQueries) => {
        const pages = await readAll(KEYS, items, limits, descending, maxQueries);
        const read = pages.flat();
        expect(read.map((i) => i.id).sort()).toEqual(items.filter((i) => i.keep).map((i) => i.id).sort());
        pages.forEach((page, p) => expect(page.length).toBeLessThanOrEqual(limits[p % limits.length]));
        // Partition after partition; within one, merged by time.
        const rank = (i: Readonly<Record<string, unknown>>) => KEYS.findIndex((keys) => keys.includes(String(i.providerDate)));
        for (let k = 1; k < read.length; k++) {
          const [a, b] = [read[k - 1], read[k]];
          expect(rank(a)).toBeLessThanOrEqual(rank(b));
          if (rank(a) === rank(b)) expect(descending ? a.receivedAt! >= b.receivedAt! : a.receivedAt! <= b.receivedAt!).toBe(true);
        }
      },
    ), { numRuns: 300 });
  });
});

test('a partition\'s keys are queried in parallel, one round, when each page holds the answer', async () => {
  const items: Item[] = KEYS[0].map((key, i) => ({ id: `p:${i}`, providerDate: key, receivedAt: TIMES[i], keep: true }));
  const { query, calls } = fakeIndex(items, true);
  const read = await readMerged({ partitions: [KEYS[0]], position: { partition: 0 }, limit: 10, descending: true, maxQueries: 100, query });
  expect(read.items.map((i) => i.id)).toEqual(['p:3', 'p:2', 'p:1', 'p:0']);
  expect(calls).toEqual(KEYS[0].map((key) => ({ key, limit: 10 })));
  expect(read.position).toEqual({ partition: 1 });
});

test('a full page stops inside a partition with each key\'s position, and the next page resumes there', async () => {
  const items: Item[] = [0, 1, 2, 3].map((i) => ({ id: `p:${i}`, providerDate: KEYS[0][i % 2], receivedAt: TIMES[i], keep: true }));
  const { query } = fakeIndex(items, true);
  const first = await readMerged({ partitions: [KEYS[0]], position: { partition: 0 }, limit: 2, descending: true, maxQueries: 100, query });
  expect(first.items.map((i) => i.id)).toEqual(['p:3', 'p:2']);
  expect(first.position).toEqual({
    partition: 0,
    shards: [{ kind: 'after', receivedAt: TIMES[2], id: 'p:2' }, { kind: 'after', receivedAt: TIMES[3], id: 'p:3' }, { kind: 'done' }, { kind: 'done' }],
  });
  const second = await readMerged({ partitions: [KEYS[0]], position: first.position, limit: 2, descending: true, maxQueries: 100, query });
  expect(second.items.map((i) => i.id)).toEqual(['p:1', 'p:0']);
});

test('an item waits while another key may still hold an earlier one', async () => {
  // Key 1's first page is all filtered out up to 11:00, so key 0's 10:00:01 item may not go before key 1 is read further.
  const items: Item[] = [
    { id: 'p:a', providerDate: KEYS[0][0], receivedAt: TIMES[2], keep: true },
    { id: 'p:b', providerDate: KEYS[0][1], receivedAt: TIMES[4], keep: false },
    { id: 'p:c', providerDate: KEYS[0][1], receivedAt: TIMES[3], keep: true },
  ];
  const { query } = fakeIndex(items, true);
  const read = await readMerged({ partitions: [KEYS[0]], position: { partition: 0 }, limit: 1, descending: true, maxQueries: 100, query });
  expect(read.items.map((i) => i.id)).toEqual(['p:c']);
});
