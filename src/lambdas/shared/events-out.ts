/**
 * What the publisher and the replay function share to put a recorded webhook's event on the bus:
 * its body read back from the archive (one ranged GET per archive object), and PutEvents with
 * the refused entries retried. Both build the entries with the same `toEventEntry()`, so a
 * replayed event is the published one plus its `replay` marker.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { logger, metrics } from './powertools';
import { parseArchiveLine } from '../../runtime/archive';
import { archiveRanges, toRequests, type EventEntry, type RecordedWebhook } from '../../runtime/event';

/** Attempts at the entries PutEvents refused before they count as failed. */
export const PUT_ATTEMPTS = 3;

/** An entry to put, and what it stands for (a stream record, a webhook id…). */
export interface PendingEvent {
  readonly id: string;
  readonly entry: EventEntry;
}

/** Reads each webhook's raw body from the archive: one ranged GET per archive object. */
export async function readBodies(s3: S3Client, bucket: string, webhooks: readonly RecordedWebhook[]): Promise<Map<string, Buffer>> {
  const bodies = new Map<string, Buffer>();
  await Promise.all(archiveRanges(webhooks.map((w) => w.archive)).map(async (range) => {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: range.key, Range: `bytes=${range.start}-${range.end}` }));
    const bytes = Buffer.from(await response.Body!.transformToByteArray());
    for (const webhook of webhooks.filter((w) => w.archive.key === range.key)) {
      const start = webhook.archive.offset - range.start;
      const line = bytes.subarray(start, start + webhook.archive.length);
      bodies.set(webhook.id, Buffer.from(parseArchiveLine(line).body, 'base64'));
    }
  }));
  return bodies;
}

/**
 * Puts every entry (10 a request, within the request size limit), retrying the ones EventBridge
 * refuses with a growing pause; returns those that still failed. `beforeRequest` runs before
 * each request with its entry count (the replay paces itself there).
 */
export async function putAll<T extends PendingEvent>(
  eventBridge: EventBridgeClient, pending: readonly T[], beforeRequest?: (entries: number) => Promise<void>,
): Promise<T[]> {
  let remaining = [...pending];
  for (let attempt = 1; attempt <= PUT_ATTEMPTS && remaining.length > 0; attempt++) {
    const failed: T[] = [];
    for (const request of toRequests(remaining.map((p) => ({ ...p.entry, pending: p })))) {
      await beforeRequest?.(request.length);
      try {
        const entries = request.map(({ pending: _, ...entry }) => entry as PutEventsRequestEntry);
        const response = await eventBridge.send(new PutEventsCommand({ Entries: entries }));
        response.Entries?.forEach((result, i) => {
          if (result.ErrorCode) {
            logger.warn('event refused', { correlation_id: request[i].pending.id, errorCode: result.ErrorCode, attempt });
            failed.push(request[i].pending);
          }
        });
        metrics.addMetric('EventsPublished', MetricUnit.Count, request.length - (response.FailedEntryCount ?? 0));
      } catch (error) {
        logger.warn('PutEvents failed', { error: describe(error), entries: request.length, attempt });
        failed.push(...request.map((r) => r.pending));
      }
    }
    remaining = failed;
    if (remaining.length > 0 && attempt < PUT_ATTEMPTS) await sleep(100 * 2 ** attempt);
  }
  if (remaining.length > 0) metrics.addMetric('EventsFailed', MetricUnit.Count, remaining.length);
  return remaining;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function describe(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  return `${e.name}: ${e.message}`;
}
