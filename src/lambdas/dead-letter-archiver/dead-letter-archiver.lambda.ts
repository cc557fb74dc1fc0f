/**
 * Dead-letter queue → archive bucket. Each message that failed processing `maxReceiveCount`
 * times is written, byte for byte with its attributes and receive count, to
 * `dead-letters/YYYY/MM/DD/<webhook id>-<message id>.json` (the oversized body it points at is
 * copied next to it, because `oversize/` expires), and its record is marked `dead_lettered`.
 * Only messages that were saved are acknowledged: a failure is reported in `batchItemFailures`,
 * SQS redelivers it, and after a bounded number of receives the dead-letter queue's own redrive
 * policy moves it to the archive-failure queue (alarmed on). Retries overwrite the same key.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  buildDeadLetter, deadLetteredPut, deadLetterKey, oversizeCopyKey, webhookMessageOf, type OversizeCopy,
} from '../../runtime/dead-letter';
import { logger, metrics, requiredEnv } from '../shared/powertools';

const s3 = new S3Client({});
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

const tableName = requiredEnv('TABLE_NAME');
const bucketName = requiredEnv('ARCHIVE_BUCKET');
const deadLetterPrefix = requiredEnv('DEAD_LETTER_PREFIX');
const maxReceiveCount = Number(requiredEnv('MAX_RECEIVE_COUNT'));
const recordTtlSeconds = process.env.RECORD_TTL_SECONDS ? Number(process.env.RECORD_TTL_SECONDS) : undefined;

const processor = new BatchProcessor(EventType.SQS);

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.resetKeys();
  if (context) logger.addContext(context);
  try {
    return await processPartialResponse(event, archive, processor, {
      ...(context ? { context } : {}),
      processInParallel: true,
      throwOnFullBatchFailure: false,
    });
  } finally {
    metrics.publishStoredMetrics();
  }
}

async function archive(record: SQSRecord): Promise<void> {
  const archivedAt = new Date();
  const message = webhookMessageOf(record.body);
  const key = deadLetterKey(deadLetterPrefix, { messageId: record.messageId, attributes: { ...record.attributes } }, message?.id);
  const log = { correlation_id: message?.id, messageId: record.messageId, key, receiveCount: record.attributes.ApproximateReceiveCount };
  try {
    const oversizeBody = message?.bodyRef !== undefined ? await copyOversizeBody(message.bodyRef, oversizeCopyKey(key)) : undefined;
    const deadLetter = buildDeadLetter({
      messageId: record.messageId,
      body: record.body,
      md5OfBody: record.md5OfBody,
      attributes: { ...record.attributes },
      messageAttributes: Object.fromEntries(Object.entries(record.messageAttributes ?? {}).map(([name, a]) => [name, {
        dataType: a.dataType,
        ...(a.stringValue !== undefined ? { stringValue: a.stringValue } : {}),
        ...(a.binaryValue !== undefined ? { binaryValue: a.binaryValue } : {}),
      }])),
      eventSourceARN: record.eventSourceARN,
    }, { maxReceiveCount, archivedAt, oversizeBody });
    await s3.send(new PutObjectCommand({
      Bucket: bucketName, Key: key, Body: JSON.stringify(deadLetter), ContentType: 'application/json',
    }));
    if (message !== undefined) {
      await markDeadLettered(message, key, archivedAt);
    } else {
      logger.error('dead letter is not a webhook message; archived without a record', log);
      metrics.addMetric('DeadLettersUndecodable', MetricUnit.Count, 1);
    }
  } catch (error) {
    logger.error('dead letter could not be archived; it will be retried', { ...log, error: describe(error) });
    throw error;
  }
  metrics.addMetric('DeadLettersArchived', MetricUnit.Count, 1);
  logger.warn('dead letter archived: the webhook failed processing and waits for a redrive', log);
}

/**
 * Copies the body a message points at next to its dead letter. A body already gone (it cannot
 * be, `oversize/` outlives every message) is recorded as missing rather than blocking the
 * message's own bytes from being saved.
 */
async function copyOversizeBody(sourceKey: string, key: string): Promise<OversizeCopy> {
  try {
    await s3.send(new CopyObjectCommand({ Bucket: bucketName, Key: key, CopySource: copySource(sourceKey) }));
    return { sourceKey, key };
  } catch (error) {
    if ((error as Error)?.name !== 'NoSuchKey') throw error;
    logger.error('the oversized body of a dead letter is gone; the message is archived without it', { sourceKey });
    metrics.addMetric('DeadLetterBodiesMissing', MetricUnit.Count, 1);
    return { sourceKey };
  }
}

/** Marks the record `dead_lettered`, unless the webhook was recorded after all. */
async function markDeadLettered(message: NonNullable<ReturnType<typeof webhookMessageOf>>, key: string, archivedAt: Date): Promise<void> {
  try {
    await dynamo.send(new PutCommand({ TableName: tableName, ...deadLetteredPut(message, key, archivedAt, recordTtlSeconds) }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException || (error as Error)?.name === 'ConditionalCheckFailedException')) throw error;
    logger.info('the dead-lettered webhook is recorded already (a write whose answer was lost); its record is kept', { correlation_id: message.id });
  }
}

/** CopySource is `<bucket>/<key>` with the key URL-encoded segment by segment. */
function copySource(key: string): string {
  return `${bucketName}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function describe(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  return `${e.name}: ${e.message}`;
}
