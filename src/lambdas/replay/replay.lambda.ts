/**
 * Replay of events (invoked, IAM-authorised by lambda:InvokeFunction): puts the `Webhook
 * Received` events of the selected webhooks on the bus again, built exactly as the publisher
 * builds them (same toEventEntry, same archive read) plus a `replay` marker. Selects by ids
 * (BatchGetItem) or by provider, time range and type (the `byProviderDate` index, its shards
 * read in parallel and merged oldest first, then BatchGetItem for the archive pointers). Only processed records made an event, so only they are
 * replayed; the others are reported as skipped. Paced to REPLAY_RATE_PER_SECOND events a second,
 * it stops well within the AWS CLI's 60-second read timeout and returns a `nextCursor` to
 * continue. Bad input is answered with `{ error, message }`; failures of AWS calls are thrown.
 */
import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { recordedWebhook, toEventEntry, type RecordedWebhook, type ReplayMarker } from '../../runtime/event';
import { readMerged } from '../../runtime/index-shards';
import { STATUS_PROCESSED } from '../../runtime/record';
import {
  encodeReplayCursor, isFinished, pageLimit, parseReplayRequest, replayPartitions, sendTime, SkipReason,
  type ReplayPosition, type ReplaySelection, type SkippedWebhook,
} from '../../runtime/replay';
import { putAll, readBodies, sleep } from '../shared/events-out';
import { logger, metrics, requiredEnv } from '../shared/powertools';

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const s3 = new S3Client({});
const eventBridge = new EventBridgeClient({});

const tableName = requiredEnv('TABLE_NAME');
const indexName = requiredEnv('INDEX_NAME');
const bucketName = requiredEnv('ARCHIVE_BUCKET');
const eventBusName = requiredEnv('EVENT_BUS_NAME');
const processorName = requiredEnv('PROCESSOR_NAME');
const providers = requiredEnv('PROVIDER_NAMES').split(',');
const ratePerSecond = Number(requiredEnv('REPLAY_RATE_PER_SECOND'));

/**
 * How long one invocation replays before it answers with a cursor: under the AWS CLI's default
 * read timeout of 60 seconds, after which the CLI gives up on the call and retries it
 * (`--cli-read-timeout`: "The maximum socket read time in seconds. If the value is set to 0, the socket
 * read will be blocking and not timeout. The default value is 60 seconds.",
 * https://docs.aws.amazon.com/cli/latest/reference/index.html), which
 * would replay the same events twice.
 */
export const WORK_MS = 40_000;
/** Kept free before the function's own timeout. */
const MARGIN_MS = 10_000;
/** Attempts at keys BatchGetItem returns unprocessed (throttling) before the invocation fails. */
const BATCH_GET_ATTEMPTS = 5;
/** Index queries one page may send (a provider-day is INDEX_SHARDS + 1 keys, read in parallel). */
const MAX_PAGE_QUERIES = 60;

export interface ReplayResult {
  readonly replayId: string;
  readonly requestedAt: string;
  /** Events put on the bus by this invocation. */
  readonly replayed: number;
  /** Selected webhooks that have no event to replay. */
  readonly skipped: readonly SkippedWebhook[];
  /** Webhooks whose replayed event EventBridge refused after retries: replay them by id. */
  readonly failed: readonly string[];
  /** Present while the selection is not finished: send it with the same input to continue. */
  readonly nextCursor?: string;
}

export interface ReplayError {
  readonly error: string;
  readonly message: string;
}

interface Page {
  readonly webhooks: readonly RecordedWebhook[];
  readonly skipped: readonly SkippedWebhook[];
  readonly next: ReplayPosition;
}

export async function handler(event: unknown, context?: Context): Promise<ReplayResult | ReplayError> {
  logger.resetKeys();
  if (context) logger.addContext(context);
  const startMs = Date.now();
  const budgetEndMs = startMs + Math.min(WORK_MS, (context?.getRemainingTimeInMillis() ?? WORK_MS + MARGIN_MS) - MARGIN_MS);
  const parsed = parseReplayRequest(event, providers, new Date(startMs), randomUUID());
  if (!parsed.ok) {
    logger.warn('replay request refused', { error: parsed.error });
    return { error: parsed.error, message: parsed.message };
  }
  const { request } = parsed;
  const selection = request.selection;
  let position = parsed.position;
  const marker: ReplayMarker = { id: position.replayId, requestedAt: position.requestedAt };
  logger.appendKeys({ replay_id: marker.id });

  let paced = 0;
  const pace = async (entries: number) => {
    const wait = sendTime(startMs, paced, ratePerSecond) - Date.now();
    paced += entries;
    if (wait > 0) await sleep(wait);
  };
  let replayed = 0;
  const skipped: SkippedWebhook[] = [];
  const failed: string[] = [];
  try {
    while (!isFinished(selection, position)) {
      const limit = pageLimit({
        nowMs: Date.now(),
        nextSendMs: sendTime(startMs, paced, ratePerSecond),
        budgetEndMs,
        ratePerSecond,
        eventsLeft: (request.maxEvents ?? Number.MAX_SAFE_INTEGER) - replayed - failed.length,
      });
      if (limit === 0) break;
      const page = selection.kind === 'ids' ? await idsPage(selection, position, limit) : await rangePage(selection, position, limit);
      skipped.push(...page.skipped);
      if (page.webhooks.length > 0) {
        const bodies = await readBodies(s3, bucketName, page.webhooks);
        const pending = page.webhooks.map((webhook) => ({
          id: webhook.id,
          entry: toEventEntry(webhook, bodies.get(webhook.id), { processor: processorName, bucket: bucketName, eventBusName, replay: marker }),
        }));
        const refused = await putAll(eventBridge, pending, pace);
        replayed += pending.length - refused.length;
        failed.push(...refused.map((r) => r.id));
      }
      position = page.next;
    }
  } finally {
    metrics.addMetric('EventsReplayed', MetricUnit.Count, replayed);
    metrics.publishStoredMetrics();
  }
  const finished = isFinished(selection, position);
  logger.info('replay invocation done', { replayed, skipped: skipped.length, failed: failed.length, finished });
  return {
    replayId: marker.id,
    requestedAt: marker.requestedAt,
    replayed,
    skipped,
    failed,
    ...(finished ? {} : { nextCursor: encodeReplayCursor(position, selection) }),
  };
}

/** The next `limit` ids of the request, read with one BatchGetItem. */
async function idsPage(selection: Extract<ReplaySelection, { kind: 'ids' }>, position: ReplayPosition, limit: number): Promise<Page> {
  const ids = selection.ids.slice(position.offset, position.offset + limit);
  const items = await getRecords(ids);
  const webhooks: RecordedWebhook[] = [];
  const skipped: SkippedWebhook[] = [];
  for (const id of ids) {
    const item = items.get(id);
    const webhook = item && item.status === STATUS_PROCESSED ? recordedWebhook(item) : undefined;
    if (webhook) webhooks.push(webhook);
    else skipped.push(skipOf(id, item));
  }
  return { webhooks, skipped, next: { ...position, offset: position.offset + ids.length } };
}

/**
 * Up to `limit` records of the range from the index, oldest first (a provider-day's shards
 * merged; a page may span days), then their full records.
 */
async function rangePage(selection: Extract<ReplaySelection, { kind: 'range' }>, position: ReplayPosition, limit: number): Promise<Page> {
  const read = await readMerged({
    partitions: replayPartitions(selection),
    position,
    limit,
    descending: false,
    maxQueries: MAX_PAGE_QUERIES,
    query: async (providerDate, startKey, want) => {
      const response = await dynamo.send(new QueryCommand({
        TableName: tableName,
        IndexName: indexName,
        KeyConditionExpression: 'providerDate = :pd AND receivedAt BETWEEN :from AND :to',
        ...(selection.type !== undefined ? { FilterExpression: 'eventType = :type' } : {}),
        ExpressionAttributeValues: {
          ':pd': providerDate,
          ':from': selection.from,
          ':to': selection.to,
          ...(selection.type !== undefined ? { ':type': selection.type } : {}),
        },
        ScanIndexForward: true,
        Limit: want,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }));
      return { items: response.Items ?? [], ...(response.LastEvaluatedKey ? { lastKey: response.LastEvaluatedKey } : {}) };
    },
  });
  const listed = read.items;
  const skipped: SkippedWebhook[] = listed.filter((i) => i.status !== STATUS_PROCESSED).map((i) => skipOf(String(i.id), i));
  const processedIds = listed.filter((i) => i.status === STATUS_PROCESSED).map((i) => String(i.id));
  const items = await getRecords(processedIds);
  const webhooks: RecordedWebhook[] = [];
  for (const id of processedIds) {
    const webhook = items.has(id) ? recordedWebhook(items.get(id)!) : undefined;
    if (webhook) webhooks.push(webhook);
    else skipped.push(skipOf(id, items.get(id)));
  }
  const next: ReplayPosition = {
    replayId: position.replayId,
    requestedAt: position.requestedAt,
    offset: 0,
    partition: read.position.partition,
    ...(read.position.shards ? { shards: read.position.shards } : {}),
  };
  return { webhooks, skipped, next };
}

/** The records of up to 100 ids, by id (BatchGetItem's limit), with unprocessed keys retried. */
async function getRecords(ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  let keys = ids.map((id) => ({ id }));
  for (let attempt = 1; keys.length > 0; attempt++) {
    if (attempt > BATCH_GET_ATTEMPTS) throw new Error(`BatchGetItem left ${keys.length} keys unprocessed after ${BATCH_GET_ATTEMPTS} attempts`);
    if (attempt > 1) await sleep(100 * 2 ** attempt);
    const response = await dynamo.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
    for (const item of response.Responses?.[tableName] ?? []) found.set(String(item.id), item);
    keys = (response.UnprocessedKeys?.[tableName]?.Keys ?? []) as Array<{ id: string }>;
  }
  return found;
}

function skipOf(id: string, item: Readonly<Record<string, unknown>> | undefined): SkippedWebhook {
  return item === undefined
    ? { id, reason: SkipReason.NOT_FOUND }
    : { id, reason: SkipReason.NOT_PROCESSED, ...(typeof item.status === 'string' ? { status: item.status } : {}) };
}
