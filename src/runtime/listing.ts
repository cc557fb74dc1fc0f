/**
 * `GET /webhooks`: which index partitions to read, in which order, and the opaque cursor that
 * resumes a listing. The `byProviderDate` index has one partition (INDEX_SHARDS keys, plus the
 * unsharded key of older records, see index-shards.ts) per provider and day, so a listing walks
 * the days from the newest back, and each day's providers in turn, newest first within a
 * partition, its keys merged. Pure: no AWS clients.
 */
import { decodeShardStates, encodeShardStates, providerDayKeys, type MergedPosition } from './index-shards';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
/** The longest span one listing may cover: it bounds the partitions a request may have to read. */
export const MAX_RANGE_DAYS = 31;
const DAY_MS = 86_400_000;

export interface ListingQuery {
  readonly providers: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly type?: string;
  readonly status?: string;
  readonly limit: number;
}

/** Where a listing resumes: the partition, and each of its keys' positions. */
export type ListingPosition = MergedPosition;

export type ParseResult =
  | { readonly ok: true; readonly query: ListingQuery; readonly position: ListingPosition }
  | { readonly ok: false; readonly error: string; readonly message: string };

/** Reads the query string against the configured providers; `now` bounds the default range. */
export function parseListingRequest(
  params: Readonly<Record<string, string | undefined>> | null, providers: readonly string[], now: Date,
): ParseResult {
  const p = params ?? {};
  const fail = (error: string, message: string): ParseResult => ({ ok: false, error, message });
  if (p.provider !== undefined && !providers.includes(p.provider)) {
    return fail('unknown_provider', `No provider is named '${p.provider}'. Providers: ${providers.join(', ')}.`);
  }
  const to = p.to ?? now.toISOString();
  const from = p.from ?? new Date(Date.parse(to) - DAY_MS).toISOString();
  if (!isIsoTime(from) || !isIsoTime(to)) {
    return fail('malformed_range', "'from' and 'to' must be ISO-8601 UTC times, e.g. 2026-11-24T10:00:00Z.");
  }
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  if (fromMs > toMs) return fail('malformed_range', "'from' must not be after 'to'.");
  if (toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) return fail('range_too_long', `A listing covers at most ${MAX_RANGE_DAYS} days; narrow 'from' and 'to'.`);
  const limit = p.limit === undefined ? DEFAULT_LIMIT : Number(p.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return fail('malformed_limit', `'limit' must be a whole number from 1 to ${MAX_LIMIT}.`);
  const query: ListingQuery = {
    providers: p.provider !== undefined ? [p.provider] : [...providers],
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    ...(p.type !== undefined ? { type: p.type } : {}),
    ...(p.status !== undefined ? { status: p.status } : {}),
    limit,
  };
  if (p.cursor === undefined) return { ok: true, query, position: { partition: 0 } };
  const position = decodeCursor(p.cursor, query);
  return position ? { ok: true, query, position } : fail('malformed_cursor', "'cursor' is not one this listing returned; start again without it.");
}

/** The index partitions of a listing, newest day first: each the keys of one provider and day. */
export function partitions(query: ListingQuery): string[][] {
  const keys: string[][] = [];
  for (let day = Date.parse(query.to.slice(0, 10)); day >= Date.parse(query.from.slice(0, 10)); day -= DAY_MS) {
    const date = new Date(day).toISOString().slice(0, 10);
    for (const provider of query.providers) keys.push(providerDayKeys(provider, date));
  }
  return keys;
}

/** An opaque cursor: the position, bound to the query it belongs to. */
export function encodeCursor(position: ListingPosition, query: ListingQuery): string {
  return Buffer.from(JSON.stringify({
    q: fingerprint(query), p: position.partition, ...(position.shards ? { s: encodeShardStates(position.shards) } : {}),
  })).toString('base64url');
}

function decodeCursor(cursor: string, query: ListingQuery): ListingPosition | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { q?: string; p?: unknown; s?: unknown; k?: unknown };
    // `k`: a cursor from before the index was sharded, whose one key no longer says where each shard stands.
    if (value.k !== undefined) return undefined;
    const all = partitions(query);
    const partition = value.p as number;
    if (value.q !== fingerprint(query) || !Number.isInteger(partition) || partition < 0 || partition >= all.length) return undefined;
    if (value.s === undefined) return { partition: value.p as number };
    const shards = decodeShardStates(value.s, all[value.p as number].length);
    return shards ? { partition: value.p as number, shards } : undefined;
  } catch {
    return undefined;
  }
}

function fingerprint(query: ListingQuery): string {
  return [query.providers.join(','), query.from, query.to, query.type ?? '', query.status ?? ''].join('|');
}

function isIsoTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
}
