/**
 * What a redrive invocation asks for, checked. Pure: no AWS clients.
 *
 * ```json
 * { "source": "archive", "prefix": "2025/01/31/", "webhookIds": ["stripe:evt_1"], "maxMessages": 100, "continuationToken": "…" }
 * { "source": "dead-letter-queue", "maxMessages": 100 }
 * { "source": "archive-failure-queue" }
 * ```
 */

export enum RedriveSource {
  /** Archived dead letters under `dead-letters/` (the default). */
  ARCHIVE = 'archive',
  /** Messages still in the dead-letter queue (the archiver paused, or not yet run). */
  DEAD_LETTER_QUEUE = 'dead-letter-queue',
  /** Messages the archiver could not save. */
  ARCHIVE_FAILURE_QUEUE = 'archive-failure-queue',
}

/** Messages one invocation redrives unless told otherwise, and at most. */
export const DEFAULT_MAX_MESSAGES = 100;
export const MAX_MESSAGES = 1000;

export interface RedriveRequest {
  readonly source: RedriveSource;
  /** Under `dead-letters/`, e.g. `2025/01/31/` (archive only). */
  readonly prefix: string;
  /** Only these webhooks; the others are left where they are. */
  readonly webhookIds?: ReadonlySet<string>;
  readonly maxMessages: number;
  /** Where the previous invocation stopped (archive only). */
  readonly continuationToken?: string;
}

export type ParsedRequest = { readonly ok: true; readonly request: RedriveRequest } | { readonly ok: false; readonly message: string };

const SOURCES = Object.values(RedriveSource) as string[];

export function parseRedriveRequest(event: unknown): ParsedRequest {
  const input = (event ?? {}) as Record<string, unknown>;
  if (typeof input !== 'object' || Array.isArray(input)) return fail('the request must be a JSON object');
  const unknown = Object.keys(input).filter((k) => !['source', 'prefix', 'webhookIds', 'maxMessages', 'continuationToken'].includes(k));
  if (unknown.length > 0) return fail(`unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}`);
  const source = input.source ?? RedriveSource.ARCHIVE;
  if (typeof source !== 'string' || !SOURCES.includes(source)) return fail(`'source' must be one of ${SOURCES.join(', ')}`);
  const prefix = input.prefix ?? '';
  if (typeof prefix !== 'string' || prefix.length > 256 || prefix.startsWith('/') || prefix.includes('..')) {
    return fail("'prefix' must be a key prefix under dead-letters/, e.g. '2025/01/31/'");
  }
  if (prefix !== '' && source !== RedriveSource.ARCHIVE) return fail("'prefix' applies to the archive source only");
  const ids = input.webhookIds;
  if (ids !== undefined && (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && id !== ''))) {
    return fail("'webhookIds' must be a non-empty list of webhook ids");
  }
  const max = input.maxMessages ?? DEFAULT_MAX_MESSAGES;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_MESSAGES) {
    return fail(`'maxMessages' must be a whole number from 1 to ${MAX_MESSAGES}`);
  }
  const token = input.continuationToken;
  if (token !== undefined && (typeof token !== 'string' || token === '')) return fail("'continuationToken' must be the string a previous redrive returned");
  if (token !== undefined && source !== RedriveSource.ARCHIVE) return fail("'continuationToken' applies to the archive source only");
  return {
    ok: true,
    request: {
      source: source as RedriveSource,
      prefix,
      ...(ids !== undefined ? { webhookIds: new Set(ids as string[]) } : {}),
      maxMessages: max,
      ...(token !== undefined ? { continuationToken: token as string } : {}),
    },
  };
}

function fail(message: string): ParsedRequest {
  return { ok: false, message };
}
