/**
 * Table stream → EventBridge: one `Webhook Received` event per newly recorded webhook. The event
 * source mapping passes only inserts of processed records, so a duplicate or a conflicting
 * delivery never makes an event. Bodies are read back from the archive, one ranged GET per
 * archive object of the batch. Entries EventBridge refuses are retried here a few times; what
 * still fails is reported back by sequence number, so the mapping retries from there (bisecting
 * the batch, at most `maxRetryAttempts` times) and then sends it to its failure queue.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { recordedWebhook, toEventEntry, type EventEntry, type RecordedWebhook } from '../../runtime/event';
import { describe, putAll, readBodies } from '../shared/events-out';
import { logger, metrics, requiredEnv } from '../shared/powertools';

const s3 = new S3Client({});
const eventBridge = new EventBridgeClient({});

const bucketName = requiredEnv('ARCHIVE_BUCKET');
const eventBusName = requiredEnv('EVENT_BUS_NAME');
const processorName = requiredEnv('PROCESSOR_NAME');

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
      bodies = await readBodies(s3, bucketName, webhooks.map((w) => w.webhook));
    } catch (error) {
      logger.error('archive read failed; the batch will be retried', { error: describe(error) });
      return failFrom(event.Records[0]);
    }
    const pending: Pending[] = webhooks.map(({ record, webhook }) => ({
      sequenceNumber: record.dynamodb!.SequenceNumber!,
      id: webhook.id,
      entry: toEventEntry(webhook, bodies.get(webhook.id), { processor: processorName, bucket: bucketName, eventBusName }),
    }));
    const failed = await putAll(eventBridge, pending);
    if (failed.length > 0) {
      logger.error('events not published; the batch will be retried from the first', { ids: failed.map((p) => p.id) });
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

function failFrom(record: DynamoDBRecord | undefined): DynamoDBBatchResponse {
  const sequenceNumber = record?.dynamodb?.SequenceNumber;
  return { batchItemFailures: sequenceNumber ? [{ itemIdentifier: sequenceNumber }] : [] };
}
