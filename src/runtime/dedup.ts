/**
 * What the processor writes to tell retries, conflicts and replays apart, as plain DynamoDB
 * request parameters (document client form). Pure: no AWS clients.
 *
 * - Retry: the id is recorded with the same body digest. Acknowledged, not written again.
 * - Conflict: the id is recorded with a different body digest. The body stays in the archive,
 *   and the record lists it (digest, size, receive time, archive pointer).
 * - Replay: the body digest was seen under another id of the same provider within the
 *   provider's replay window. Recorded under its own id with status `replay`, not processed.
 */
import type { ArchivePointer } from './archive';
import type { WebhookMessage } from './message';
import type { ConflictEntry } from './record';

/** Conflicts listed on one record; more are still counted (conflictDigests), archived and logged. */
export const MAX_LISTED_CONFLICTS = 100;

/**
 * Key of the replay guard of a body: never a webhook id, which has exactly one `:` and no `#`.
 * Guards have no `providerDate`, so the by-provider index does not list them.
 */
export function replayGuardKey(provider: string, bodySha256: string): string {
  return `replay#${provider}#${bodySha256}`;
}

export interface ReplayGuardPut {
  readonly Item: { readonly id: string; readonly webhookId: string; readonly expiresAt: number };
  readonly ConditionExpression: string;
  readonly ExpressionAttributeValues: Readonly<Record<string, string | number>>;
}

/**
 * The conditional write that claims a body for a webhook id for the replay window. It succeeds
 * for the first id, again for the same id (a retry), and once an earlier claim has expired
 * (DynamoDB's TTL deletes expired items late, so expiry is checked here too). Undefined when
 * the provider has no replay window.
 */
export function replayGuardPut(message: WebhookMessage): ReplayGuardPut | undefined {
  const window = message.replayWindowSeconds;
  if (window === undefined || window <= 0) {
    return undefined;
  }
  const receivedAt = Math.floor(Date.parse(message.receivedAt) / 1000);
  return {
    Item: { id: replayGuardKey(message.provider, message.bodySha256), webhookId: message.id, expiresAt: receivedAt + window },
    ConditionExpression: 'attribute_not_exists(id) OR webhookId = :webhookId OR expiresAt <= :receivedAt',
    ExpressionAttributeValues: { ':webhookId': message.id, ':receivedAt': receivedAt },
  };
}

/** The parts of an existing item that a failed conditional write returns (ALL_OLD). */
export interface ExistingItem {
  readonly webhookId?: string;
  readonly status?: string;
  readonly bodySha256?: string;
  readonly conflictDigests: readonly string[];
}

/**
 * Reads an item returned with a ConditionalCheckFailedException. The exception carries it in
 * DynamoDB's typed form (`{ S: … }`, `{ SS: […] }`); plain values are accepted as well.
 */
export function existingItem(item: Readonly<Record<string, unknown>> | undefined): ExistingItem | undefined {
  if (item === undefined || item === null || typeof item !== 'object') {
    return undefined;
  }
  const webhookId = stringOf(item.webhookId);
  const bodySha256 = stringOf(item.bodySha256);
  const status = stringOf(item.status);
  return {
    ...(webhookId !== undefined ? { webhookId } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(bodySha256 !== undefined ? { bodySha256 } : {}),
    conflictDigests: stringsOf(item.conflictDigests),
  };
}

export type Repeat = 'duplicate' | 'known-conflict' | 'conflict';

/**
 * What a delivery is whose id is already recorded: the same bytes (a retry), a different body
 * that is already listed (a retry of a conflicting delivery), or a new conflict.
 */
export function classifyRepeat(existing: ExistingItem, bodySha256: string): Repeat {
  if (existing.bodySha256 === bodySha256) {
    return 'duplicate';
  }
  return existing.conflictDigests.includes(bodySha256) ? 'known-conflict' : 'conflict';
}

export interface ConflictUpdate {
  readonly Key: { readonly id: string };
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeValues: Readonly<Record<string, unknown>>;
}

/**
 * Lists a conflicting delivery on the record of its id. Idempotent: a digest already listed
 * fails the condition, and so does a record that lists MAX_LISTED_CONFLICTS already (a record
 * holds at most 400 KB).
 */
export function conflictUpdate(message: WebhookMessage, archive: ArchivePointer): ConflictUpdate {
  const entry: ConflictEntry = { bodySha256: message.bodySha256, bodyBytes: message.bodyBytes, receivedAt: message.receivedAt, archive };
  return {
    Key: { id: message.id },
    UpdateExpression: 'SET conflicts = list_append(if_not_exists(conflicts, :none), :entry) ADD conflictDigests :digest',
    ConditionExpression: 'attribute_exists(id) AND NOT contains(conflictDigests, :sha) '
      + 'AND (attribute_not_exists(conflictDigests) OR size(conflictDigests) < :max)',
    ExpressionAttributeValues: {
      ':none': [],
      ':entry': [entry],
      ':digest': new Set([message.bodySha256]),
      ':sha': message.bodySha256,
      ':max': MAX_LISTED_CONFLICTS,
    },
  };
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const typed = (value as { S?: unknown } | undefined)?.S;
  return typeof typed === 'string' ? typed : undefined;
}

function stringsOf(value: unknown): string[] {
  if (value instanceof Set) return [...value].filter((v): v is string => typeof v === 'string');
  const typed = (value as { SS?: unknown } | undefined)?.SS;
  return Array.isArray(typed) ? typed.filter((v): v is string => typeof v === 'string') : [];
}
