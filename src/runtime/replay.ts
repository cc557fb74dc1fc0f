/**
 * Replay of events: which webhooks a request selects (by ids, or by provider and time range and
 * optionally type), the opaque cursor that continues a replay where an invocation stopped, and
 * the pacing that keeps it under a rate. Pure: no AWS clients.
 */
import { isValidWebhookId } from './ids';
import { decodeShardStates, encodeShardStates, providerDayKeys, type ShardState } from './index-shards';
import { MAX_RANGE_DAYS } from './listing';

/** Ids one request may name: one BatchGetItem reads them all. */
export const MAX_REPLAY_IDS = 100;
/** The most events one invocation may be asked for (`maxEvents`). */
export const MAX_EVENTS_LIMIT = 100_000;
/** Records one page reads from the index (and then from the table, with one BatchGetItem). */
export const REPLAY_PAGE_SIZE = 100;
const DAY_MS = 86_400_000;

/** Why a selected webhook was not replayed. */
export enum SkipReason {
  /** No record has this id (never received, expired, or not processed yet). */
  NOT_FOUND = 'not_found',
  /** The record made no event (e.g. a provider replay, status `replay`), so it makes no replay either. */
  NOT_PROCESSED = 'not_processed',
}

export interface SkippedWebhook {
  readonly id: string;
  readonly reason: SkipReason;
  /** The record's status, when it has one. */
  readonly status?: string;
}

export type ReplaySelection =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'range'; readonly provider: string; readonly from: string; readonly to: string; readonly type?: string };

/** Where a replay stands: its identity, and where the next invocation resumes. */
export interface ReplayPosition {
  readonly replayId: string;
  readonly requestedAt: string;
  /** With ids: how many of them are done. */
  readonly offset: number;
  /** With a range: the index partition (`replayPartitions()`), and each of its keys' positions. */
  readonly partition: number;
  readonly shards?: readonly ShardState[];
}

export interface ReplayRequest {
  readonly selection: ReplaySelection;
  /** The most events this invocation puts, if the caller set it. */
  readonly maxEvents?: number;
}

export type ReplayParseResult =
  | { readonly ok: true; readonly request: ReplayRequest; readonly position: ReplayPosition }
  | { readonly ok: false; readonly error: string; readonly message: string };

const FIELDS = new Set(['ids', 'provider', 'from', 'to', 'type', 'cursor', 'maxEvents']);

/**
 * Reads an invocation's input: `{ ids: [...] }` or `{ provider, from, to, type? }`, with an
 * optional `cursor` (from the previous invocation's `nextCursor`, with the same selection) and
 * `maxEvents`. A new replay gets `newReplayId` and `now` as its identity; a continued one keeps
 * the identity its cursor carries.
 */
export function parseReplayRequest(input: unknown, providers: readonly string[], now: Date, newReplayId: string): ReplayParseResult {
  const fail = (error: string, message: string): ReplayParseResult => ({ ok: false, error, message });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail('malformed_request', 'The input must be a JSON object: { "ids": [...] } or { "provider", "from", "to", "type"? }.');
  }
  const p = input as Record<string, unknown>;
  const unknown = Object.keys(p).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) return fail('malformed_request', `Unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}. Fields: ${[...FIELDS].join(', ')}.`);
  const byIds = p.ids !== undefined;
  const byRange = p.provider !== undefined || p.from !== undefined || p.to !== undefined || p.type !== undefined;
  if (byIds === byRange) {
    return fail('malformed_request', "Give either 'ids', or 'provider', 'from' and 'to' (and optionally 'type'), not both.");
  }
  let selection: ReplaySelection;
  if (byIds) {
    if (!Array.isArray(p.ids) || p.ids.length === 0 || p.ids.length > MAX_REPLAY_IDS) {
      return fail('malformed_ids', `'ids' must be a list of 1 to ${MAX_REPLAY_IDS} webhook ids.`);
    }
    const malformed = p.ids.filter((id) => typeof id !== 'string' || !isValidWebhookId(id));
    if (malformed.length > 0) {
      return fail('malformed_ids', `Not webhook ids ('<provider>:<delivery id>'): ${malformed.slice(0, 5).map((m) => JSON.stringify(m)).join(', ')}.`);
    }
    selection = { kind: 'ids', ids: [...new Set(p.ids as string[])] };
  } else {
    if (typeof p.provider !== 'string' || !providers.includes(p.provider)) {
      return fail('unknown_provider', `'provider' must name a provider: ${providers.join(', ')}.`);
    }
    if (typeof p.from !== 'string' || typeof p.to !== 'string' || !isIsoTime(p.from) || !isIsoTime(p.to)) {
      return fail('malformed_range', "'from' and 'to' are required ISO-8601 times, e.g. 2026-11-24T10:00:00Z.");
    }
    const fromMs = Date.parse(p.from);
    const toMs = Date.parse(p.to);
    if (fromMs > toMs) return fail('malformed_range', "'from' must not be after 'to'.");
    if (toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) return fail('range_too_long', `A replay covers at most ${MAX_RANGE_DAYS} days; split it.`);
    if (p.type !== undefined && (typeof p.type !== 'string' || p.type === '')) return fail('malformed_type', "'type' must be a non-empty string.");
    selection = {
      kind: 'range',
      provider: p.provider,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      ...(p.type !== undefined ? { type: p.type as string } : {}),
    };
  }
  const maxEvents = p.maxEvents;
  if (maxEvents !== undefined && (typeof maxEvents !== 'number' || !Number.isInteger(maxEvents) || maxEvents < 1 || maxEvents > MAX_EVENTS_LIMIT)) {
    return fail('malformed_max_events', `'maxEvents' must be a whole number from 1 to ${MAX_EVENTS_LIMIT}.`);
  }
  const request: ReplayRequest = { selection, ...(maxEvents !== undefined ? { maxEvents: maxEvents as number } : {}) };
  if (p.cursor === undefined) {
    return { ok: true, request, position: { replayId: newReplayId, requestedAt: now.toISOString(), offset: 0, partition: 0 } };
  }
  const position = typeof p.cursor === 'string' ? decodeReplayCursor(p.cursor, selection) : undefined;
  return position
    ? { ok: true, request, position }
    : fail('malformed_cursor', "'cursor' is not a nextCursor of a replay with this selection; send the same ids or range with it, or start again without it.");
}

/** The index partitions of a range, oldest day first: each the keys of the provider's day. */
export function replayPartitions(selection: Extract<ReplaySelection, { kind: 'range' }>): string[][] {
  const keys: string[][] = [];
  for (let day = Date.parse(selection.from.slice(0, 10)); day <= Date.parse(selection.to.slice(0, 10)); day += DAY_MS) {
    keys.push(providerDayKeys(selection.provider, new Date(day).toISOString().slice(0, 10)));
  }
  return keys;
}

/** Whether a position is past the end of its selection. */
export function isFinished(selection: ReplaySelection, position: ReplayPosition): boolean {
  return selection.kind === 'ids' ? position.offset >= selection.ids.length : position.partition >= replayPartitions(selection).length;
}

/** An opaque cursor: the position, bound to the selection it belongs to. */
export function encodeReplayCursor(position: ReplayPosition, selection: ReplaySelection): string {
  return Buffer.from(JSON.stringify({
    q: fingerprint(selection),
    r: position.replayId,
    t: position.requestedAt,
    o: position.offset,
    p: position.partition,
    ...(position.shards ? { s: encodeShardStates(position.shards) } : {}),
  })).toString('base64url');
}

export function decodeReplayCursor(cursor: string, selection: ReplaySelection): ReplayPosition | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const count = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;
    // `k`: a cursor from before the index was sharded, whose one key no longer says where each shard stands.
    if (v.k !== undefined) return undefined;
    if (v.q !== fingerprint(selection) || typeof v.r !== 'string' || typeof v.t !== 'string' || !isIsoTime(v.t) || !count(v.o) || !count(v.p)) return undefined;
    let shards: ShardState[] | undefined;
    if (v.s !== undefined) {
      const all = selection.kind === 'range' ? replayPartitions(selection) : [];
      shards = (v.p as number) < all.length ? decodeShardStates(v.s, all[v.p as number].length) : undefined;
      if (!shards) return undefined;
    }
    return {
      replayId: v.r,
      requestedAt: v.t,
      offset: v.o as number,
      partition: v.p as number,
      ...(shards ? { shards } : {}),
    };
  } catch {
    return undefined;
  }
}

function fingerprint(selection: ReplaySelection): string {
  return selection.kind === 'ids'
    ? `ids|${selection.ids.join(',')}`
    : `range|${selection.provider}|${selection.from}|${selection.to}|${selection.type ?? ''}`;
}

/**
 * When the request that starts with the `sent`-th event of a replay may go: `sent / rate`
 * seconds after the start. Requests carry up to 10 entries, so over any stretch the replay puts
 * at most `rate` events a second on average, plus one request's worth.
 */
export function sendTime(startMs: number, sent: number, ratePerSecond: number): number {
  return startMs + (sent * 1000) / ratePerSecond;
}

/**
 * How many records the next page may take so that its events still go out before `budgetEndMs`
 * at the paced rate, and within what is left of `maxEvents`; 0 means stop here (and continue
 * with a cursor).
 */
export function pageLimit(options: {
  readonly nowMs: number;
  readonly nextSendMs: number;
  readonly budgetEndMs: number;
  readonly ratePerSecond: number;
  readonly eventsLeft: number;
}): number {
  const start = Math.max(options.nowMs, options.nextSendMs);
  const fits = Math.floor(((options.budgetEndMs - start) * options.ratePerSecond) / 1000);
  return Math.max(0, Math.min(REPLAY_PAGE_SIZE, options.eventsLeft, fits));
}

function isIsoTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
}
