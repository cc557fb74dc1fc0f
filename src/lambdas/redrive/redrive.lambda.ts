/**
 * Redrive (invoked directly, e.g. `aws lambda invoke`): sends dead letters back to the webhook
 * queue once the fault that made them fail is fixed, and answers with counts.
 *
 * - `archive` (default): each dead letter under `dead-letters/<prefix>` is sent again with its
 *   exact body and attributes (an oversized body is first copied back to the `oversize/` key the
 *   message names, a fresh object the lifecycle rule counts from now), then moved to
 *   `dead-letters-redriven/`. At most `maxMessages` per invocation; `continuationToken` in the
 *   answer resumes after the last one looked at.
 * - `dead-letter-queue`, `archive-failure-queue`: messages are received from that queue, sent to
 *   the webhook queue with the same body and attributes, then deleted.
 *
 * To a FIFO queue (ordering) a dead letter goes back to its message group, at the end of it, with
 * a deduplication id of its own (runtime/ordering.ts): the order it had is lost once it failed.
 *
 * A message is sent before its dead letter is moved or deleted, so a failure in between sends it
 * twice at worst; the processor records a webhook id once, and replaces its `dead_lettered`
 * record, so each redriven webhook ends as exactly one record.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message,
} from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { parseRedriveRequest, RedriveSource, type RedriveRequest } from './request';
import { movedKey, parseDeadLetter, sendableAttributes, webhookMessageOf } from '../../runtime/dead-letter';
import { redriveFifoParams } from '../../runtime/ordering';
import { logger, metrics, requiredEnv } from '../shared/powertools';

const s3 = new S3Client({});
const sqs = new SQSClient({});

const bucketName = requiredEnv('ARCHIVE_BUCKET');
const queueUrl = requiredEnv('QUEUE_URL');
const deadLetterPrefix = requiredEnv('DEAD_LETTER_PREFIX');
const redrivenPrefix = requiredEnv('REDRIVEN_PREFIX');
const sourceQueues: Readonly<Record<string, string>> = {
  [RedriveSource.DEAD_LETTER_QUEUE]: requiredEnv('DEAD_LETTER_QUEUE_URL'),
  [RedriveSource.ARCHIVE_FAILURE_QUEUE]: requiredEnv('ARCHIVE_FAILURE_QUEUE_URL'),
};
/** Keeps a received message hidden from other consumers while it is resent. */
const RECEIVE_VISIBILITY_SECONDS = 120;

export interface RedriveResult {
  readonly source?: string;
  /** Messages sent back to the webhook queue. */
  readonly redriven: number;
  /** Messages left where they are (not in `webhookIds`). */
  readonly skipped: number;
  /** Messages that could not be redriven, with why; they stay where they were. */
  readonly failed: ReadonlyArray<{ readonly item: string; readonly error: string }>;
  /** Pass back to continue after the last dead letter looked at (archive only; absent when done). */
  readonly continuationToken?: string;
  /** Set instead of the counts when the request was invalid. */
  readonly error?: string;
  readonly message?: string;
}

export async function handler(event: unknown, context?: Context): Promise<RedriveResult> {
  logger.resetKeys();
  if (context) logger.addContext(context);
  const parsed = parseRedriveRequest(event);
  if (!parsed.ok) {
    logger.warn('invalid redrive request', { reason: parsed.message });
    return { error: 'invalid_request', message: parsed.message, redriven: 0, skipped: 0, failed: [] };
  }
  const { request } = parsed;
  try {
    const result = request.source === RedriveSource.ARCHIVE ? await fromArchive(request) : await fromQueue(request, sourceQueues[request.source]);
    logger.info('redrive done', { ...result, failed: result.failed.length });
    metrics.addMetric('WebhooksRedriven', MetricUnit.Count, result.redriven);
    return result;
  } finally {
    metrics.publishStoredMetrics();
  }
}

async function fromArchive(request: RedriveRequest): Promise<RedriveResult> {
  let redriven = 0;
  let skipped = 0;
  const failed: Array<{ item: string; error: string }> = [];
  let startAfter = request.continuationToken;
  let last: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({
      Bucket: bucketName, Prefix: `${deadLetterPrefix}${request.prefix}`, StartAfter: startAfter, MaxKeys: 1000,
    }));
    for (const key of (page.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith('.json'))) {
      if (redriven + skipped + failed.length >= request.maxMessages) {
        return { source: request.source, redriven, skipped, failed, continuationToken: last };
      }
      last = key;
      try {
        if (await redriveArchived(key, request.webhookIds)) redriven++;
        else skipped++;
      } catch (error) {
        logger.error('dead letter could not be redriven; it stays in the archive', { key, error: describe(error) });
        failed.push({ item: key, error: describe(error) });
      }
    }
    if (!page.IsTruncated) return { source: request.source, redriven, skipped, failed };
    startAfter = (page.Contents ?? []).map((o) => o.Key!).pop();
  }
}

/** Sends one archived dead letter again and moves it to the redriven prefix; false when filtered out. */
async function redriveArchived(key: string, webhookIds: ReadonlySet<string> | undefined): Promise<boolean> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: key }));
  const deadLetter = parseDeadLetter(await object.Body!.transformToString('utf8'));
  if (webhookIds !== undefined && !webhookIds.has(deadLetter.webhookId ?? '')) return false;
  const body = deadLetter.oversizeBody;
  if (body !== undefined) {
    if (body.key === undefined) throw new Error(`its oversized body ${body.sourceKey} was already gone when it was archived`);
    await s3.send(new CopyObjectCommand({ Bucket: bucketName, Key: body.sourceKey, CopySource: copySource(body.key) }));
  }
  await sqs.send(new SendMessageCommand({
    QueueUrl: queueUrl,
    MessageBody: deadLetter.body,
    ...redriveFifoParams(queueUrl, {
      messageId: deadLetter.messageId, messageGroupId: deadLetter.attributes.MessageGroupId, provider: deadLetter.provider,
    }),
    ...(Object.keys(deadLetter.messageAttributes ?? {}).length > 0 ? { MessageAttributes: sendableAttributes(deadLetter.messageAttributes) } : {}),
  }));
  logger.info('dead letter redriven from the archive', { correlation_id: deadLetter.webhookId, key });
  for (const from of [key, ...(body?.key !== undefined ? [body.key] : [])]) {
    await s3.send(new CopyObjectCommand({ Bucket: bucketName, Key: movedKey(from, deadLetterPrefix, redrivenPrefix), CopySource: copySource(from) }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucketName, Key: from }));
  }
  return true;
}

async function fromQueue(request: RedriveRequest, sourceUrl: string): Promise<RedriveResult> {
  let redriven = 0;
  let skipped = 0;
  const failed: Array<{ item: string; error: string }> = [];
  const seen = new Set<string>();
  while (redriven + skipped + failed.length < request.maxMessages) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: sourceUrl,
      MaxNumberOfMessages: Math.min(10, request.maxMessages - redriven - skipped - failed.length),
      VisibilityTimeout: RECEIVE_VISIBILITY_SECONDS,
      WaitTimeSeconds: 1,
      MessageAttributeNames: ['All'],
      // The message group, to redrive to a FIFO queue (ordering) in the same group.
      MessageSystemAttributeNames: ['MessageGroupId'],
    }));
    const fresh = Messages.filter((m) => !seen.has(m.MessageId!));
    if (fresh.length === 0) break;
    for (const m of fresh) {
      seen.add(m.MessageId!);
      try {
        if (await redriveQueued(m, sourceUrl, request.webhookIds)) redriven++;
        else skipped++;
      } catch (error) {
        logger.error('queued dead letter could not be redriven; it stays in its queue', { messageId: m.MessageId, error: describe(error) });
        failed.push({ item: m.MessageId!, error: describe(error) });
      }
    }
  }
  return { source: request.source, redriven, skipped, failed };
}

async function redriveQueued(m: Message, sourceUrl: string, webhookIds: ReadonlySet<string> | undefined): Promise<boolean> {
  const webhookId = webhookMessageOf(m.Body ?? '')?.id;
  if (webhookIds !== undefined && !webhookIds.has(webhookId ?? '')) {
    // Visible again at once for the archiver or a later redrive.
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: sourceUrl, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
    return false;
  }
  await sqs.send(new SendMessageCommand({
    QueueUrl: queueUrl,
    MessageBody: m.Body!,
    ...redriveFifoParams(queueUrl, { messageId: m.MessageId!, messageGroupId: m.Attributes?.MessageGroupId, provider: webhookMessageOf(m.Body ?? '')?.provider }),
    ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0 ? { MessageAttributes: m.MessageAttributes } : {}),
  }));
  await sqs.send(new DeleteMessageCommand({ QueueUrl: sourceUrl, ReceiptHandle: m.ReceiptHandle! }));
  logger.info('dead letter redriven from its queue', { correlation_id: webhookId, messageId: m.MessageId });
  return true;
}

function copySource(key: string): string {
  return `${bucketName}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function describe(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  return `${e.name}: ${e.message}`;
}
