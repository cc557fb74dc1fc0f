import { INDEX_SHARDS, type ShardState } from '../../src/runtime/index-shards';
import { DEFAULT_LIMIT, MAX_LIMIT, encodeCursor, parseListingRequest, partitions, type ListingQuery } from '../../src/runtime/listing';

const providers = ['stripe', 'github'];
const now = new Date('2026-11-24T10:00:00Z');
const parse = (params: Record<string, string> | null) => parseListingRequest(params, providers, now);
const query = (params: Record<string, string>): ListingQuery => {
  const result = parse(params);
  if (!result.ok) throw new Error(result.message);
  return result.query;
};

test('by default: every provider, the last 24 hours, 50 items, from the start', () => {
  expect(parse(null)).toEqual({
    ok: true,
    query: { providers: ['stripe', 'github'], from: '2026-11-23T10:00:00.000Z', to: '2026-11-24T10:00:00.000Z', limit: DEFAULT_LIMIT },
    position: { partition: 0 },
  });
});

test('partitions run from the newest day back, each day provider by provider', () => {
  const unsharded = (keys: string[][]) => keys.map((k) => k[k.length - 1]);
  expect(unsharded(partitions(query({ from: '2026-11-22T23:00:00Z', to: '2026-11-24T01:00:00Z' })))).toEqual([
    'stripe#2026-11-24', 'github#2026-11-24', 'stripe#2026-11-23', 'github#2026-11-23', 'stripe#2026-11-22', 'github#2026-11-22',
  ]);
  expect(unsharded(partitions(query({ provider: 'github', from: '2026-11-24T00:00:00Z', to: '2026-11-24T01:00:00Z' })))).toEqual(['github#2026-11-24']);
});

test('a partition is the provider-day\'s shards, then its unsharded key (records written before sharding)', () => {
  const [keys] = partitions(query({ provider: 'github', from: '2026-11-24T00:00:00Z', to: '2026-11-24T01:00:00Z' }));
  expect(keys).toHaveLength(INDEX_SHARDS + 1);
  expect(keys.slice(0, 2)).toEqual(['github#2026-11-24#0', 'github#2026-11-24#1']);
  expect(keys[INDEX_SHARDS - 1]).toBe(`github#2026-11-24#${INDEX_SHARDS - 1}`);
});

test('type and status are carried as filters', () => {
  expect(query({ type: 'push', status: 'processed' })).toMatchObject({ type: 'push', status: 'processed' });
});

test.each([
  [{ provider: 'gitlab' }, 'unknown_provider'],
  [{ from: 'yesterday' }, 'malformed_range'],
  [{ from: '2026-11-24T10:00:00Z', to: '2026-11-23T10:00:00Z' }, 'malformed_range'],
  [{ from: '2026-09-01T00:00:00Z', to: '2026-11-24T00:00:00Z' }, 'range_too_long'],
  [{ limit: '0' }, 'malformed_limit'],
  [{ limit: String(MAX_LIMIT + 1) }, 'malformed_limit'],
  [{ limit: '2.5' }, 'malformed_limit'],
  [{ cursor: 'bm90IGEgY3Vyc29y' }, 'malformed_cursor'],
])('%j is refused as %s', (params, error) => {
  expect(parse(params)).toMatchObject({ ok: false, error });
});

test('a cursor resumes where the listing stopped, and only the listing it came from', () => {
  const params = { provider: 'stripe', from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' };
  const shards: ShardState[] = partitions(query(params))[1].map((_, i) => (i === 3
    ? { kind: 'after', receivedAt: '2026-11-23T05:00:00.000Z', id: 'stripe:evt_9' } : { kind: i < 3 ? 'done' : 'start' }));
  const cursor = encodeCursor({ partition: 1, shards }, query(params));
  expect(parse({ ...params, cursor })).toEqual({ ok: true, query: query(params), position: { partition: 1, shards } });
  expect(parse({ ...params, type: 'charge.succeeded', cursor })).toMatchObject({ ok: false, error: 'malformed_cursor' });
});

test('a cursor past the listing\'s partitions, or with the wrong number of shard states, is refused', () => {
  const params = { provider: 'stripe', from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' };
  expect(parse({ ...params, cursor: encodeCursor({ partition: 2 }, query(params)) })).toMatchObject({ ok: false, error: 'malformed_cursor' });
  expect(parse({ ...params, cursor: encodeCursor({ partition: 0, shards: [{ kind: 'done' }] }, query(params)) })).toMatchObject({ ok: false, error: 'malformed_cursor' });
});

test('a cursor from before the index was sharded (one DynamoDB key) is refused, so that the listing starts again', () => {
  const params = { provider: 'stripe', from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' };
  const fingerprint = ['stripe', query(params).from, query(params).to, '', ''].join('|');
  const old = Buffer.from(JSON.stringify({ q: fingerprint, p: 0, k: { id: 'stripe:evt_9', providerDate: 'stripe#2026-11-24', receivedAt: '2026-11-24T05:00:00.000Z' } })).toString('base64url');
  expect(parse({ ...params, cursor: old })).toMatchObject({ ok: false, error: 'malformed_cursor' });
  expect(parse({ ...params, cursor: Buffer.from(JSON.stringify({ q: fingerprint, p: 0 })).toString('base64url') })).toMatchObject({ ok: true });
});
