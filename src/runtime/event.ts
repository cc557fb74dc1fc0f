/**
 * The EventBridge event each newly recorded webhook produces, and the size rules it obeys.
 * Pure: no AWS clients.
 */
import type { ArchivePointer } from './archive';
import { parseJsonBody } from './http';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../delivery/event-names';

export { EVENT_DETAIL_TYPE, EVENT_SOURCE };

/**
 * EventBridge takes event entries, and PutEvents requests, of up to 1 MB since January 2026
 * (256 KB before). The payload rides in the event only while the whole entry stays under this
 * ceiling, which leaves room for the envelope; larger payloads are read from the archive.
 */
export const MAX_ENTRY_BYTES = 1_000_000;
/** PutEvents takes at most 10 entries a request. */
export const MAX_ENTRIES_PER_REQUEST = 10;

/** Why an event carries no payload. */
export enum PayloadOmitted {
  /** The body is not JSON (e.g. form-encoded or binary). */
  NOT_JSON = 'not_json',
  /** The event would exceed the size ceiling with the payload in it. */
  TOO_LARGE = 'too_large',
}

/** What a newly recorded webhook's stream image gives the publisher. */
export interface RecordedWebhook {
  readonly id: string;
  readonly provider: string;
  readonly eventType?: string;
  readonly receivedAt: string;
  readonly processedAt: string;
  readonly bodyBytes: number;
  readonly bodySha256: string;
  readonly archive: ArchivePointer;
}

export interface WebhookEventDetail {
  /** The construct that recorded the webhook (its metric service prefix), for rules on a shared bus. */
  readonly processor: string;
  /** The webhook id: the consumer's idempotency key. */
  readonly id: string;
  readonly provider: string;
  readonly type?: string;
  readonly receivedAt: string;
  readonly processedAt: string;
  readonly bodyBytes: number;
  readonly bodySha256: string;
  readonly archive: { readonly bucket: string; readonly key: string; readonly offset: number; readonly length: number };
  readonly payloadIncluded: boolean;
  readonly payloadOmitted?: PayloadOmitted;
  readonly payload?: unknown;
  /** Only on a replayed event: which replay put it on the bus, and when it was asked for. */
  readonly replay?: ReplayMarker;
}

/**
 * What marks a replayed event: the id of the replay request and when it was made. Everything
 * else in the detail is the event the publisher put, so consumers deduplicate by `id` as ever.
 */
export interface ReplayMarker {
  readonly id: string;
  readonly requestedAt: string;
}

export interface EventEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly EventBusName: string;
}

/** Reads a stream image (already unmarshalled) as a recorded webhook; undefined if it is not one. */
export function recordedWebhook(image: Readonly<Record<string, unknown>>): RecordedWebhook | undefined {
  const archive = image.archive as Record<string, unknown> | undefined;
  if (typeof image.id !== 'string' || typeof image.provider !== 'string' || typeof archive?.key !== 'string') {
    return undefined;
  }
  return {
    id: image.id,
    provider: image.provider,
    ...(typeof image.eventType === 'string' ? { eventType: image.eventType } : {}),
    receivedAt: String(image.receivedAt),
    processedAt: String(image.processedAt),
    bodyBytes: Number(image.bodyBytes),
    bodySha256: String(image.bodySha256),
    archive: { key: archive.key, offset: Number(archive.offset), length: Number(archive.length) },
  };
}

/**
 * An entry's size as EventBridge counts it: the UTF-8 bytes of Source, DetailType and Detail
 * (plus Time and Resources, which these entries do not set).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export function entrySize(entry: EventEntry): number {
  return Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail);
}

/**
 * The event entry of a recorded webhook: with its payload when the body is JSON and the entry
 * fits under the ceiling, otherwise with the archive location only and the reason.
 */
export function toEventEntry(webhook: RecordedWebhook, body: Buffer | undefined, context: {
  readonly processor: string;
  readonly bucket: string;
  readonly eventBusName: string;
  readonly maxEntryBytes?: number;
  /** Marks the event as a replay (the publisher never sets it). */
  readonly replay?: ReplayMarker;
}): EventEntry {
  const base: WebhookEventDetail = {
    processor: context.processor,
    id: webhook.id,
    provider: webhook.provider,
    ...(webhook.eventType !== undefined ? { type: webhook.eventType } : {}),
    receivedAt: webhook.receivedAt,
    processedAt: webhook.processedAt,
    bodyBytes: webhook.bodyBytes,
    bodySha256: webhook.bodySha256,
    archive: { bucket: context.bucket, ...webhook.archive },
    payloadIncluded: false,
    // Before the size check, so that a replayed event fits exactly when it carries its payload.
    ...(context.replay !== undefined ? { replay: context.replay } : {}),
  };
  const entry = (detail: WebhookEventDetail): EventEntry => ({
    Source: EVENT_SOURCE, DetailType: EVENT_DETAIL_TYPE, Detail: JSON.stringify(detail), EventBusName: context.eventBusName,
  });
  const parsed = body === undefined ? undefined : parseJsonBody(body);
  if (!parsed?.ok) {
    return entry({ ...base, payloadOmitted: PayloadOmitted.NOT_JSON });
  }
  const full = entry({ ...base, payloadIncluded: true, payload: parsed.body.value });
  return entrySize(full) <= (context.maxEntryBytes ?? MAX_ENTRY_BYTES) ? full : entry({ ...base, payloadOmitted: PayloadOmitted.TOO_LARGE });
}

/** Splits entries into PutEvents requests of at most 10 entries and `maxRequestBytes` in all. */
export function toRequests<T extends EventEntry>(entries: readonly T[], maxRequestBytes = MAX_ENTRY_BYTES): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const entry of entries) {
    const bytes = entrySize(entry);
    if (current.length > 0 && (current.length === MAX_ENTRIES_PER_REQUEST || size + bytes > maxRequestBytes)) {
      requests.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += bytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * The byte ranges to read from the archive for a set of pointers: one range per archive object,
 * from the first entry's start to the last entry's end (one GET for a whole processor batch).
 */
export function archiveRanges(pointers: readonly ArchivePointer[]): Array<{ readonly key: string; readonly start: number; readonly end: number }> {
  const byKey = new Map<string, { start: number; end: number }>();
  for (const p of pointers) {
    const range = byKey.get(p.key);
    const end = p.offset + p.length - 1;
    byKey.set(p.key, range ? { start: Math.min(range.start, p.offset), end: Math.max(range.end, end) } : { start: p.offset, end });
  }
  return [...byKey].map(([key, r]) => ({ key, ...r }));
}
