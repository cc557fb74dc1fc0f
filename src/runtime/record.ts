/**
 * The DynamoDB record of a processed webhook and the public view `/status/{id}` returns.
 * Pure: no AWS clients.
 */
import type { ArchivePointer } from './archive';
import { providerDateOf } from './index-shards';
import type { WebhookMessage } from './message';

/** A webhook recorded for the first time: consumers act on it. */
export const STATUS_PROCESSED = 'processed';
/**
 * The same bytes as an earlier webhook, under another delivery id, within the provider's replay
 * window: kept (archived, recorded) but not processed; `replayOf` names the earlier webhook.
 */
export const STATUS_REPLAY = 'replay';
/**
 * A verified delivery whose JSON body fails its provider's payload schema (or is not JSON while
 * a schema applies): kept (archived, recorded) but never routed; `invalidReason` says why.
 */
export const STATUS_INVALID = 'invalid';
/**
 * Failed processing `maxReceiveCount` times: archived under `dead-letters/` until redriven, when
 * the processor replaces this record with the webhook's normal one.
 */
export const STATUS_DEAD_LETTERED = 'dead_lettered';

/** A different body that arrived under a recorded webhook's id. */
export interface ConflictEntry {
  readonly bodySha256: string;
  readonly bodyBytes: number;
  readonly receivedAt: string;
  readonly archive: ArchivePointer;
}

export interface WebhookRecord {
  readonly id: string;
  readonly provider: string;
  /** `<provider>#<YYYY-MM-DD>#<shard>` of receipt (see index-shards.ts): the partition key of the by-provider index. */
  readonly providerDate: string;
  readonly eventType?: string;
  readonly status: string;
  readonly receivedAt: string;
  readonly processedAt: string;
  readonly bodyBytes: number;
  readonly bodySha256: string;
  readonly archive: ArchivePointer;
  /** With status `replay`: the webhook whose bytes these are. */
  readonly replayOf?: string;
  /** With status `invalid`: which schema the body fails, and where (bounded, see payload-validation.ts). */
  readonly invalidReason?: string;
  /** Epoch seconds after which DynamoDB may delete the record (only when a TTL is configured). */
  readonly expiresAt?: number;
  /** Digests of the different bodies received under this id (see `conflicts`), once there is one. */
  readonly conflictDigests?: ReadonlySet<string>;
  /** Each different body received under this id, oldest first, up to MAX_LISTED_CONFLICTS. */
  readonly conflicts?: readonly ConflictEntry[];
}

export interface PublicStatus {
  readonly id: string;
  readonly status: string;
  readonly provider: string;
  readonly type?: string;
  readonly receivedAt: string;
  readonly processedAt?: string;
  readonly replayOf?: string;
  readonly invalidReason?: string;
  /** With status `dead_lettered`: when the dead letter was archived. */
  readonly deadLetteredAt?: string;
  /** How many different bodies arrived under this id after the recorded one (absent when none). */
  readonly conflicts?: number;
}

/** Attributes `/status` reads, so nothing else leaves the table. */
export const PUBLIC_ATTRIBUTES = ['id', '#status', 'provider', 'eventType', 'receivedAt', 'processedAt', 'replayOf', 'invalidReason', 'deadLetteredAt', 'conflictDigests'] as const;
export const PUBLIC_ATTRIBUTE_NAMES = { '#status': 'status' } as const;

export interface RecordOptions {
  readonly ttlSeconds?: number;
  /** Records the webhook as a replay of this webhook id instead of as processed. */
  readonly replayOf?: string;
  /**
   * Records the webhook as invalid, with this reason, instead of as processed (a replay is
   * recorded as a replay all the same: its bytes were judged under the first id).
   */
  readonly invalidReason?: string;
}

export function toRecord(message: WebhookMessage, archive: ArchivePointer, processedAt: Date, options: RecordOptions = {}): WebhookRecord {
  return {
    id: message.id,
    provider: message.provider,
    providerDate: providerDateOf(message.provider, message.receivedAt, message.id),
    ...(message.eventType !== undefined ? { eventType: message.eventType } : {}),
    status: statusOf(options),
    receivedAt: message.receivedAt,
    processedAt: processedAt.toISOString(),
    bodyBytes: message.bodyBytes,
    bodySha256: message.bodySha256,
    archive,
    ...(options.replayOf !== undefined ? { replayOf: options.replayOf } : {}),
    ...(options.replayOf === undefined && options.invalidReason !== undefined ? { invalidReason: options.invalidReason } : {}),
    ...(options.ttlSeconds !== undefined ? { expiresAt: Math.floor(processedAt.getTime() / 1000) + options.ttlSeconds } : {}),
  };
}

export function toPublicStatus(item: Readonly<Record<string, unknown>>): PublicStatus {
  const conflicts = setSize(item.conflictDigests);
  return {
    id: String(item.id),
    status: String(item.status),
    provider: String(item.provider),
    ...(typeof item.eventType === 'string' ? { type: item.eventType } : {}),
    receivedAt: String(item.receivedAt),
    ...(typeof item.processedAt === 'string' ? { processedAt: item.processedAt } : {}),
    ...(typeof item.replayOf === 'string' ? { replayOf: item.replayOf } : {}),
    ...(typeof item.invalidReason === 'string' ? { invalidReason: item.invalidReason } : {}),
    ...(typeof item.deadLetteredAt === 'string' ? { deadLetteredAt: item.deadLetteredAt } : {}),
    ...(conflicts > 0 ? { conflicts } : {}),
  };
}

function statusOf(options: RecordOptions): string {
  if (options.replayOf !== undefined) return STATUS_REPLAY;
  return options.invalidReason !== undefined ? STATUS_INVALID : STATUS_PROCESSED;
}

/** The document client reads a string set as a Set; anything else counts as empty. */
function setSize(value: unknown): number {
  return value instanceof Set ? value.size : 0;
}
