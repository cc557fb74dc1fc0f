/**
 * The `byProviderDate` index, sharded: each record's `providerDate` is
 * `<provider>#<YYYY-MM-DD>#<shard>`, the shard (0 to INDEX_SHARDS - 1) derived from the webhook id,
 * so one provider's day is spread over INDEX_SHARDS partition keys instead of one. DynamoDB gives a
 * partition key at most 1,000 write units a second, and a time-ordered sort key defeats its split
 * for heat, so one key per provider and day capped a provider near 1,000 webhooks a second, and a
 * throttled index holds back the table's own writes.
 *
 * Readers fan out over a provider-day's keys (the shards, plus the unsharded key that records
 * written before sharding carry) in parallel and merge the pages by `receivedAt`. Where a read
 * stops, each key's position is kept: nothing is read twice or skipped, whatever the page sizes.
 * Pure: no AWS clients (the query is passed in).
 */
import { createHash } from 'node:crypto';

/**
 * Index partition keys per provider and day. At one index write of one unit per webhook,
 * 10,000 webhooks a second from one provider is 625 write units a second per key, under
 * DynamoDB's 1,000 per partition. Raising it later keeps every record readable (readers query
 * keys 0 to INDEX_SHARDS - 1, a superset of the old ones); lowering it would hide records.
 */
export const INDEX_SHARDS = 16;

/** The shard of a webhook id: the first four bytes of its SHA-256, modulo `shards`. */
export function indexShard(id: string, shards: number = INDEX_SHARDS): number {
  return createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0) % shards;
}

/** A record's `providerDate`: `<provider>#<YYYY-MM-DD of receivedAt>#<shard of id>`. */
export function providerDateOf(provider: string, receivedAt: string, id: string): string {
  return `${provider}#${receivedAt.slice(0, 10)}#${indexShard(id)}`;
}

/**
 * The keys to read for one provider and day: the shards, then the unsharded `<provider>#<day>`
 * that records written before sharding carry (kept until they have all expired, see README).
 */
export function providerDayKeys(provider: string, date: string): string[] {
  return [...Array.from({ length: INDEX_SHARDS }, (_, shard) => `${provider}#${date}#${shard}`), `${provider}#${date}`];
}

/** Where one key's reading stands: not started, finished, or after this index key. */
export type ShardState =
  | { readonly kind: 'start' }
  | { readonly kind: 'done' }
  | { readonly kind: 'after'; readonly receivedAt: string; readonly id: string };

/** One page of a Query on one key: items in the index's order, and DynamoDB's LastEvaluatedKey. */
export interface ShardPage {
  readonly items: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly lastKey?: Readonly<Record<string, unknown>>;
}

/** Reads up to `limit` items of one key from `startKey` (DynamoDB's ExclusiveStartKey) on. */
export type ShardQuery = (key: string, startKey: Readonly<Record<string, unknown>> | undefined, limit: number) => Promise<ShardPage>;

/** Where a read over a list of partitions (each a list of keys) stands. */
export interface MergedPosition {
  /** The partition (provider-day) being read. */
  readonly partition: number;
  /** Each of its keys' states, when it has been started. */
  readonly shards?: readonly ShardState[];
}

export interface MergedRead {
  readonly items: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Where the next read resumes; `partition` equals the number of partitions when all is read. */
  readonly position: MergedPosition;
  /** Queries sent. */
  readonly queries: number;
}

export interface MergedReadOptions {
  /** Each partition's keys, in the order partitions are read (within one, items are merged). */
  readonly partitions: ReadonlyArray<readonly string[]>;
  readonly position: MergedPosition;
  readonly limit: number;
  /** Newest first (`ScanIndexForward: false`) or oldest first. */
  readonly descending: boolean;
  /** Queries one read may send before it answers with what it has; at least one round is sent. */
  readonly maxQueries: number;
  readonly query: ShardQuery;
}

/** The ExclusiveStartKey of a state. */
export function startKeyOf(key: string, state: ShardState): Record<string, unknown> | undefined {
  return state.kind === 'after' ? { id: state.id, providerDate: key, receivedAt: state.receivedAt } : undefined;
}

/**
 * Up to `limit` items, partition after partition, each partition's keys merged by `receivedAt`
 * (ties by key order). The keys of a partition are queried in parallel, then again only those
 * whose page is used up; an item is taken only once every unfinished key's next items are known
 * to come after it, so the order holds across pages too.
 */
export async function readMerged(options: MergedReadOptions): Promise<MergedRead> {
  const { partitions, limit, descending, query } = options;
  const items: Array<Readonly<Record<string, unknown>>> = [];
  let position = options.position;
  let queries = 0;
  while (position.partition < partitions.length && items.length < limit && queries < options.maxQueries) {
    const keys = partitions[position.partition];
    const merger = new Merger(keys, position.shards ?? keys.map(() => ({ kind: 'start' as const })), descending);
    while (!merger.finished() && items.length < limit && queries < options.maxQueries) {
      const wanted = merger.wanted();
      const want = limit - items.length;
      const pages = await Promise.all(wanted.map((shard) => query(keys[shard], merger.startKey(shard), want)));
      queries += wanted.length;
      wanted.forEach((shard, i) => merger.add(shard, pages[i]));
      items.push(...merger.take(want));
    }
    position = merger.finished() ? { partition: position.partition + 1 } : { partition: position.partition, shards: merger.states() };
  }
  return { items, position, queries };
}

interface Buffered {
  state: ShardState;
  items: Array<Readonly<Record<string, unknown>>>;
  /** The LastEvaluatedKey's `receivedAt` of the page in `items`: unread items of the key come after it. */
  frontier?: string;
  lastKey?: Readonly<Record<string, unknown>>;
  /** Whether a page has been read in this merge (the frontier is known). */
  read: boolean;
}

/** The k-way merge of one partition's keys. */
class Merger {
  private readonly shards: Buffered[];

  constructor(private readonly keys: readonly string[], states: readonly ShardState[], private readonly descending: boolean) {
    if (states.length !== keys.length) throw new Error(`expected ${keys.length} shard states, got ${states.length}`);
    this.shards = states.map((state) => ({ state, items: [], read: false }));
  }

  finished(): boolean {
    return this.shards.every((s) => s.state.kind === 'done');
  }

  /** Keys to query: unfinished, with nothing buffered. */
  wanted(): number[] {
    return this.shards.flatMap((s, i) => (s.state.kind !== 'done' && s.items.length === 0 ? [i] : []));
  }

  startKey(shard: number): Record<string, unknown> | undefined {
    return startKeyOf(this.keys[shard], this.shards[shard].state);
  }

  add(shard: number, page: ShardPage): void {
    const s = this.shards[shard];
    s.items = [...page.items];
    s.lastKey = page.lastKey;
    s.frontier = page.lastKey ? String(page.lastKey.receivedAt) : undefined;
    s.read = true;
    if (s.items.length === 0) s.state = afterPage(page);
  }

  /** Takes items in order while each is known to precede every unread item. */
  take(max: number): Array<Readonly<Record<string, unknown>>> {
    const taken: Array<Readonly<Record<string, unknown>>> = [];
    while (taken.length < max) {
      let best = -1;
      for (let i = 0; i < this.shards.length; i++) {
        const head = this.shards[i].items[0];
        if (head !== undefined && (best < 0 || this.before(String(head.receivedAt), String(this.shards[best].items[0].receivedAt)))) best = i;
      }
      if (best < 0) break;
      const receivedAt = String(this.shards[best].items[0].receivedAt);
      const blocked = this.shards.some((s, i) => i !== best && s.state.kind !== 'done' && s.items.length === 0
        && (!s.read || s.frontier === undefined || this.before(s.frontier, receivedAt)));
      if (blocked) break;
      const s = this.shards[best];
      const item = s.items.shift()!;
      taken.push(item);
      s.state = s.items.length > 0 ? { kind: 'after', receivedAt, id: String(item.id) } : afterPage({ items: [], lastKey: s.lastKey });
    }
    return taken;
  }

  states(): ShardState[] {
    return this.shards.map((s) => s.state);
  }

  /** Whether a time comes strictly before another in the read's order. */
  private before(a: string, b: string): boolean {
    return this.descending ? a > b : a < b;
  }
}

function afterPage(page: ShardPage): ShardState {
  return page.lastKey
    ? { kind: 'after', receivedAt: String(page.lastKey.receivedAt), id: String(page.lastKey.id) }
    : { kind: 'done' };
}

/** The states as a cursor carries them: 0 not started, 1 done, [receivedAt, id] after that key. */
export function encodeShardStates(states: readonly ShardState[]): unknown[] {
  return states.map((s) => (s.kind === 'start' ? 0 : s.kind === 'done' ? 1 : [s.receivedAt, s.id]));
}

/** The states of a cursor, or undefined when it is not `count` well-formed states. */
export function decodeShardStates(value: unknown, count: number): ShardState[] | undefined {
  if (!Array.isArray(value) || value.length !== count) return undefined;
  const states: ShardState[] = [];
  for (const v of value) {
    if (v === 0) states.push({ kind: 'start' });
    else if (v === 1) states.push({ kind: 'done' });
    else if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') states.push({ kind: 'after', receivedAt: v[0], id: v[1] });
    else return undefined;
  }
  return states;
}
