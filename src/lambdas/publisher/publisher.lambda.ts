/**
 * Table stream → EventBridge: one `Webhook Received` event per newly recorded webhook. The event
 * source mapping passes only inserts of processed records, so a duplicate or a conflicting
 * delivery never makes an event. Bodies are read back from the archive, one ranged GET per
 * archive object of the batch. Entries EventBridge refuses are retried here a few times; what
 * still fails is reported back by sequence number, so the mapping retries from there (bisecting
 * the batch, at most `maxRetryAttempts` times) and then sends it to its failure queue.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { parseArchiveLine } from '../../runtime/archive';
import { archiveRanges, recordedWebhook, toEventEntry, toRequests, type EventEntry, type RecordedWebhook } from '../../runtime/event';
import { logger, metrics, requiredEnv } from '../shared/powertools';

const s3 = new S3Client({});
const eventBridge = new EventBridgeClient({});

const bucketName = requiredEnv('ARCHIVE_BUCKET');
const eventBusName = requiredEnv('EVENT_BUS_NAME');
const processorName = requiredEnv('PROCESSOR_NAME');
/** Attempts at the entries PutEvents refused, before the batch is handed back to the mapping. */
const PUT_ATTEMPTS = 3;

interface Pending {
  readonly sequenceNumber: string;
  readonly entry: EventEntry;
  readonly id: string;
}

export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  logger.resetKeys();
  if (context) logger.addContext(context);
  try {
    const webhooks = event.Records.flatMap((record) => {
      const webhook = toWebhook(record);
      if (webhook === undefined) {
        logger.warn('stream record is not a recorded webhook; skipped', { eventID: record.eventID });
        return [];
      }
      return [{ record, webhook }];
    });
    let bodies: Map<string, Buffer>;
    try {
      bodies = await readBodies(webhooks.map((w) => w.webhook));
    } catch (error) {
      logger.error('archive read failed; the batch will be retried', { error: describe(error) });
      return failFrom(event.Records[0]);
    }
    const pending: Pending[] = webhooks.map(({ record, webhook }) => ({
      sequenceNumber: record.dynamodb!.SequenceNumber!,
      id: webhook.id,
      entry: toEventEntry(webhook, bodies.get(webhook.id), { processor: processorName, bucket: bucketName, eventBusName }),
    }));
    const failed = await putAll(pending);
    if (failed.length > 0) {
      // Stream batches are ordered: report the earliest failure, and the mapping resumes there.
      const first = event.Records.find((r) => failed.some((f) => f.sequenceNumber === r.dynamodb?.SequenceNumber));
      return failFrom(first);
    }
    return { batchItemFailures: [] };
  } finally {
    metrics.publishStoredMetrics();
  }
}

function toWebhook(record: DynamoDBRecord): RecordedWebhook | undefined {
  const image = record.dynamodb?.NewImage;
  if (image === undefined) return undefined;
  return recordedWebhook(unmarshall(image as Record<string, AttributeValue> as never));
}

/** Reads each webhook's raw body from the archive: one ranged GET per archive object. */
async function readBodies(webhooks: readonly RecordedWebhook[]): Promise<Map<string, Buffer>> {
  const bodies = new Map<string, Buffer>();
  await Promise.all(archiveRanges(webhooks.map((w) => w.archive)).map(async (range) => {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: range.key, Range: `bytes=${range.start}-${range.end}` }));
    const bytes = Buffer.from(await response.Body!.transformToByteArray());
    for (const webhook of webhooks.filter((w) => w.archive.key === range.key)) {
      const start = webhook.archive.offset - range.start;
      const line = bytes.subarray(start, start + webhook.archive.length);
      bodies.set(webhook.id, Buffer.from(parseArchiveLine(line).body, 'base64'));
    }
  }));
  return bodies;
}

/** Puts every entry, retrying the ones EventBridge refuses; returns those that still failed. */
async function putAll(pending: readonly Pending[]): Promise<Pending[]> {
  let remaining = [...pending];
  for (let attempt = 1; attempt <= PUT_ATTEMPTS && remaining.length > 0; attempt++) {
    const failed: Pending[] = [];
    for (const request of toRequests(remaining.map((p) => ({ ...p.entry, pending: p })))) {
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
  if (remaining.length > 0) {
    metrics.addMetric('EventsFailed', MetricUnit.Count, remaining.length);
    logger.error('events not published; the batch will be retried from the first', { ids: remaining.map((p) => p.id) });
  }
  return remaining;
}

function failFrom(record: DynamoDBRecord | undefined): DynamoDBBatchResponse {
  const sequenceNumber = record?.dynamodb?.SequenceNumber;
  return { batchItemFailures: sequenceNumber ? [{ itemIdentifier: sequenceNumber }] : [] };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  return `${e.name}: ${e.message}`;
}
