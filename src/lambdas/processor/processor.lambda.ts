/**
 * SQS → DynamoDB record + S3 raw archive. One archive object per batch (one S3 PUT), then one
 * conditional write per message, all concurrently; on a standard queue the replay guard claims
 * (providers with a replay window) run at the same time as the archive PUT. Exactly the messages that failed are
 * reported in `batchItemFailures`; SQS redelivers them and, after `maxReceiveCount`, moves them
 * to the dead-letter queue. Every delivery stays in the archive; when its id is already
 * recorded it is a retry (same bytes: counted, not written twice) or a conflict (a different
 * body: listed on the record and counted). With a replay window, the same bytes under a new id
 * are recorded as a replay of the first id (see src/runtime/dedup.ts). With payload schemas, a
 * body that fails them is recorded with status `invalid` and the reason, and counted; the
 * publisher's event source filter passes `processed` records only, so it is never routed.
 * A redriven dead letter replaces its `dead_lettered` record with the normal one (see
 * replaceDeadLettered).
 * On a FIFO queue (ordering) each message group is processed in order (processInGroupOrder).
 */
import { randomUUID } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { BodyReadError, decodeRecords, type DecodeResult, type DecodedRecord } from './batch';
import { loadPayloadValidator } from './payloads';
import { DeliveryOutcome, outcomeFields, type OutcomeFields } from '../../core/delivery-telemetry';
import { archiveKey, buildArchiveObject, type ArchivePointer } from '../../runtime/archive';
import { classifyRepeat, conflictUpdate, existingItem, replayGuardPut } from '../../runtime/dedup';
import type { WebhookMessage } from '../../runtime/message';
import { inGroupOrder } from '../../runtime/ordering';
import { STATUS_DEAD_LETTERED, toRecord, type WebhookRecord } from '../../runtime/record';
import { logger, metrics, requiredEnv } from '../shared/powertools';

const s3 = new S3Client({});
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

const tableName = requiredEnv('TABLE_NAME');
const bucketName = requiredEnv('ARCHIVE_BUCKET');
const archivePrefix = requiredEnv('ARCHIVE_PREFIX');
const recordTtlSeconds = process.env.RECORD_TTL_SECONDS ? Number(process.env.RECORD_TTL_SECONDS) : undefined;
/** Compiled once, at init; undefined (and the validator never loaded) when no provider has schemas. */
const payloads = loadPayloadValidator(process.env.PAYLOAD_SCHEMAS_FILE);

const processor = new BatchProcessor(EventType.SQS);

interface PreparedBatch {
  readonly decoded: Map<string, DecodeResult>;
  readonly pointers: Map<string, ArchivePointer>;
  readonly archiveError?: Error;
  readonly processedAt: Date;
  /**
   * Replay guard claims started with the archive write (standard queues), by SQS messageId:
   * they do not depend on the archive, so their round trip overlaps its PUT.
   */
  readonly claims?: ReadonlyMap<string, Promise<Claim>>;
}

/** A replay guard claim's outcome, settled so that no rejection goes unobserved. */
type Claim = { readonly ok: true; readonly replayOf: string | undefined } | { readonly ok: false; readonly error: unknown };

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.resetKeys();
  if (context) logger.addContext(context);
  try {
    const fifo = isFifoBatch(event.Records);
    // In a FIFO batch each group's claims follow its order, so they are made record by record.
    const batch = await prepare(event.Records, !fifo);
    if (fifo) {
      return await processInGroupOrder(batch, event.Records);
    }
    return await processPartialResponse(event, (record: SQSRecord) => writeRecord(batch, record), processor, {
      ...(context ? { context } : {}),
      processInParallel: true,
      throwOnFullBatchFailure: false,
    });
  } finally {
    metrics.publishStoredMetrics();
  }
}

/** Records of a FIFO queue (ordering) carry their message group. */
function isFifoBatch(records: readonly SQSRecord[]): boolean {
  return records.length > 0 && records.every((r) => typeof r.attributes?.MessageGroupId === 'string');
}

/**
 * A FIFO batch: each group's records one after another, groups concurrently; once a record
 * fails, the later records of its group are not written and are reported failed with it, so
 * that SQS delivers them again in order after it (runtime/ordering.ts).
 */
async function processInGroupOrder(batch: PreparedBatch, records: readonly SQSRecord[]): Promise<SQSBatchResponse> {
  const { failed, skipped } = await inGroupOrder(records, (r) => r.attributes.MessageGroupId!, async (r) => {
    try {
      await writeRecord(batch, r);
    } catch (error) {
      logger.warn('message failed; the later messages of its group in this batch wait for it', {
        messageId: r.messageId, messageGroupId: r.attributes.MessageGroupId, error: describe(error),
      });
      throw error;
    }
  });
  if (skipped.length > 0) {
    metrics.addMetric('MessagesHeldForOrder', MetricUnit.Count, skipped.length);
  }
  const unfinished = new Set([...failed, ...skipped].map((r) => r.messageId));
  // In batch order, which is each group's order.
  return { batchItemFailures: records.filter((r) => unfinished.has(r.messageId)).map((r) => ({ itemIdentifier: r.messageId })) };
}

/**
 * Decodes the batch and archives every decodable delivery in one object; with `claimEarly`, the
 * replay guard claims run at the same time as the archive PUT. A claim is idempotent for its
 * webhook id (runtime/dedup.ts), so a claim made before an archive write that fails is made
 * again, unchanged, when SQS redelivers the message.
 */
async function prepare(records: readonly SQSRecord[], claimEarly: boolean): Promise<PreparedBatch> {
  const processedAt = new Date();
  const decoded = await decodeRecords(records, readObject);
  const good = [...decoded.values()].flatMap((r) => (r.ok ? [r.record] : []));
  const pointers = new Map<string, ArchivePointer>();
  if (good.length === 0) {
    return { decoded, pointers, processedAt };
  }
  const claims = claimEarly ? new Map(good.map((r) => [r.messageId, settle(claimBody(r.message))])) : undefined;
  const archive = buildArchiveObject(archiveKey(archivePrefix, processedAt, randomUUID()), good.map((r) => r.entry));
  try {
    await s3.send(new PutObjectCommand({
      Bucket: bucketName,
      Key: archive.key,
      Body: archive.body,
      ContentType: 'application/x-ndjson',
    }));
  } catch (error) {
    logger.error('archive write failed; the whole batch will be retried', { error: describe(error), records: good.length });
    return { decoded, pointers, processedAt, archiveError: asError(error), ...(claims ? { claims } : {}) };
  }
  good.forEach((r, i) => pointers.set(r.messageId, archive.pointers[i]));
  metrics.addMetric('ArchiveObjectsWritten', MetricUnit.Count, 1);
  return { decoded, pointers, processedAt, ...(claims ? { claims } : {}) };
}

async function writeRecord(batch: PreparedBatch, sqsRecord: SQSRecord): Promise<void> {
  const decoded = batch.decoded.get(sqsRecord.messageId);
  if (!decoded?.ok) {
    const error = decoded?.error ?? new Error('record missing from batch');
    if (error instanceof BodyReadError) {
      logger.warn('oversized body could not be read; the message will be retried', { messageId: sqsRecord.messageId, error: error.message });
      metrics.addMetric('OversizeBodyReadFailed', MetricUnit.Count, 1);
    } else {
      logger.error('undecodable message; it will reach the dead-letter queue', { messageId: sqsRecord.messageId, error: error.message });
      metrics.addMetric('MessagesUndecodable', MetricUnit.Count, 1);
    }
    throw error;
  }
  const { message } = decoded.record;
  const invalidReason = invalidReasonOf(decoded.record);
  const pointer = batch.pointers.get(sqsRecord.messageId);
  if (batch.archiveError || pointer === undefined) {
    throw batch.archiveError ?? new Error('not archived');
  }
  const replayOf = await claimedBody(batch, sqsRecord.messageId, message);
  const record = toRecord(message, pointer, batch.processedAt, { ttlSeconds: recordTtlSeconds, replayOf, invalidReason });
  let outcome = await putNewRecord(record);
  if (!outcome.written && existingItem(outcome.existing as Record<string, unknown> | undefined)?.status === STATUS_DEAD_LETTERED) {
    outcome = await replaceDeadLettered(record);
  }
  if (!outcome.written) {
    await handleRepeat(message, pointer, outcome.existing);
    return;
  }
  if (replayOf !== undefined) {
    metrics.addMetric('ReplaysRejected', MetricUnit.Count, 1);
    logger.warn('replay: the same bytes as an earlier webhook under a new id; recorded with status replay, not processed', { correlation_id: message.id, ...outcomeOf(message, DeliveryOutcome.REPLAY), replayOf });
    return;
  }
  if (invalidReason !== undefined) {
    metrics.addMetric('WebhooksInvalid', MetricUnit.Count, 1);
    logger.warn('invalid payload: recorded with status invalid, not routed', { correlation_id: message.id, ...outcomeOf(message, DeliveryOutcome.INVALID), invalidReason });
    return;
  }
  metrics.addMetric('WebhooksProcessed', MetricUnit.Count, 1);
}

/** Why the delivery's body fails its provider's payload schemas; undefined when it passes or none apply. */
function invalidReasonOf({ message, body }: DecodedRecord): string | undefined {
  const verdict = payloads?.validate(message.provider, message.eventType, body);
  return verdict === undefined || verdict.valid ? undefined : verdict.reason;
}

/** Written, or the id is recorded already: then the existing item (ALL_OLD), if returned. */
type PutOutcome = { readonly written: true } | { readonly written: false; readonly existing: unknown };

/** Writes a record where none exists. */
async function putNewRecord(record: WebhookRecord): Promise<PutOutcome> {
  try {
    await dynamo.send(new PutCommand({
      TableName: tableName,
      Item: record,
      ConditionExpression: 'attribute_not_exists(id)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }));
    return { written: true };
  } catch (error) {
    if (isConditionalCheckFailed(error)) {
      return { written: false, existing: error.Item };
    }
    logger.error('record write failed; the message will be retried', { correlation_id: record.id, error: describe(error) });
    throw error;
  }
}

/**
 * A redriven dead letter: its `dead_lettered` record is deleted (only while it is one) and the
 * normal record written in its place. Delete then insert, not an overwrite, because the event
 * publisher's stream filter passes inserts of processed records only: an overwrite would be a
 * MODIFY and the redriven webhook would never make its event. Should the insert fail, the
 * message is retried and finds no record, so it is written then; meanwhile `/status` answers 404
 * for a moment. Not written when another delivery recorded the id first.
 */
async function replaceDeadLettered(record: WebhookRecord): Promise<PutOutcome> {
  try {
    await dynamo.send(new DeleteCommand({
      TableName: tableName,
      Key: { id: record.id },
      ConditionExpression: '#status = :deadLettered',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':deadLettered': STATUS_DEAD_LETTERED },
    }));
  } catch (error) {
    // Replaced meanwhile by a concurrent delivery of the same id: the insert below tells.
    if (!isConditionalCheckFailed(error)) {
      logger.error('dead-lettered record could not be replaced; the message will be retried', { correlation_id: record.id, error: describe(error) });
      throw error;
    }
  }
  logger.info('redriven dead letter: its dead_lettered record is replaced', { correlation_id: record.id });
  metrics.addMetric('DeadLettersRedriven', MetricUnit.Count, 1);
  return putNewRecord(record);
}

/** The replay guard's answer: the claim started with the archive write, or one made now. */
async function claimedBody(batch: PreparedBatch, messageId: string, message: WebhookMessage): Promise<string | undefined> {
  const early = batch.claims?.get(messageId);
  if (early === undefined) {
    return claimBody(message);
  }
  const claim = await early;
  if (!claim.ok) {
    throw claim.error;
  }
  return claim.replayOf;
}

function settle(claim: Promise<string | undefined>): Promise<Claim> {
  return claim.then((replayOf) => ({ ok: true as const, replayOf }), (error: unknown) => ({ ok: false as const, error }));
}

/**
 * Claims the body's digest for this webhook id for the provider's replay window. Returns the
 * id that claimed it first when that is another id (this delivery is then a replay).
 */
async function claimBody(message: WebhookMessage): Promise<string | undefined> {
  const guard = replayGuardPut(message);
  if (guard === undefined) {
    return undefined;
  }
  try {
    await dynamo.send(new PutCommand({ TableName: tableName, ...guard, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
    return undefined;
  } catch (error) {
    const first = isConditionalCheckFailed(error) ? existingItem(error.Item)?.webhookId : undefined;
    if (first === undefined) {
      logger.error('replay guard write failed; the message will be retried', { correlation_id: message.id, error: describe(error) });
      throw error;
    }
    return first;
  }
}

/** The id is recorded already: a retry of the same bytes, or a conflicting body to list. */
async function handleRepeat(message: WebhookMessage, pointer: ArchivePointer, item: unknown): Promise<void> {
  const existing = existingItem(item as Record<string, unknown> | undefined);
  if (existing === undefined) {
    throw new Error(`the record of ${message.id} exists but was not returned`);
  }
  const repeat = classifyRepeat(existing, message.bodySha256);
  if (repeat === 'conflict') {
    await recordConflict(message, pointer);
    return;
  }
  metrics.addMetric('DuplicateDeliveries', MetricUnit.Count, 1);
  logger.info(repeat === 'duplicate' ? 'duplicate delivery acknowledged' : 'retry of a listed conflicting delivery acknowledged', {
    correlation_id: message.id, ...outcomeOf(message, DeliveryOutcome.DUPLICATE),
  });
}

async function recordConflict(message: WebhookMessage, pointer: ArchivePointer): Promise<void> {
  const log = { correlation_id: message.id, bodySha256: message.bodySha256, archive: pointer };
  const conflict = { ...log, ...outcomeOf(message, DeliveryOutcome.CONFLICT) };
  try {
    await dynamo.send(new UpdateCommand({ TableName: tableName, ...conflictUpdate(message, pointer), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
  } catch (error) {
    if (!isConditionalCheckFailed(error)) {
      logger.error('conflict could not be listed; the message will be retried', { ...log, error: describe(error) });
      throw error;
    }
    const existing = existingItem(error.Item);
    if (existing === undefined) {
      throw new Error(`the record of ${message.id} disappeared while a conflict was listed`);
    }
    if (existing.conflictDigests.includes(message.bodySha256)) {
      metrics.addMetric('DuplicateDeliveries', MetricUnit.Count, 1);
      logger.info('retry of a listed conflicting delivery acknowledged', { ...log, ...outcomeOf(message, DeliveryOutcome.DUPLICATE) });
      return;
    }
    metrics.addMetric('DeliveryConflicts', MetricUnit.Count, 1);
    logger.warn('conflict: a different body under a recorded id; archived and counted, not listed (the record lists the most it may)', conflict);
    return;
  }
  metrics.addMetric('DeliveryConflicts', MetricUnit.Count, 1);
  logger.warn('conflict: a different body under a recorded id; archived and listed on the record', conflict);
}

/** The outcome fields of a delivery's log line, which the dashboard's table counts by provider and type. */
function outcomeOf(message: WebhookMessage, outcome: DeliveryOutcome): OutcomeFields {
  return outcomeFields(outcome, message.provider, message.eventType);
}

function isConditionalCheckFailed(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException || (error as Error)?.name === 'ConditionalCheckFailedException';
}

async function readObject(key: string): Promise<Buffer> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: key }));
  if (!response.Body) throw new Error(`object ${key} has no body`);
  return Buffer.from(await response.Body.transformToByteArray());
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function describe(error: unknown): string {
  const e = asError(error);
  return `${e.name}: ${e.message}`;
}
