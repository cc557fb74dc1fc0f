/**
 * A local DynamoDB stream event source mapping with the template's settings, reading DynamoDB
 * Local's Streams API (DescribeStream, GetShardIterator, GetRecords): per shard, in order, it
 * gathers up to BatchSize records within MaximumBatchingWindowInSeconds, drops the records that
 * match none of the FilterCriteria patterns (matched with AWS Event Ruler, the pattern syntax
 * Lambda filtering shares with EventBridge), and invokes the function. A failure is retried from
 * the first failed record (ReportBatchItemFailures), bisecting the batch on a function error
 * (BisectBatchOnFunctionError), until MaximumRetryAttempts or MaximumRecordAgeInSeconds; then an
 * invocation record goes to the on-failure SQS queue and the shard moves on, as Lambda does.
 *
 * Lambda's rules, quoted from https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html:
 * "If the batchItemFailures array contains multiple items, Lambda uses the record with the lowest
 * sequence number as the checkpoint. Lambda then retries all records starting from that
 * checkpoint." "If the invocation fails and BisectBatchOnFunctionError is turned on, the batch is
 * bisected regardless of your ReportBatchItemFailures setting. When a partial batch success
 * response is received and both BisectBatchOnFunctionError and ReportBatchItemFailures are turned
 * on, the batch is bisected at the returned sequence number and Lambda retries only the remaining
 * records." and from https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html:
 * "Splitting a batch does not count towards the retry quota."
 *
 * Not emulated: ParallelizationFactor (each shard is read by one sequential consumer here, which
 * keeps the per-key order that Lambda guarantees either way) and the stream's 24-hour trim.
 * The Streams API is spoken over HTTP directly (JSON 1.0, SigV4-signed), as the SDK would.
 */
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { LocalFunction } from './functions';
import { signRequest, type Credentials } from './sigv4';
import type { AwsClients } from '../emulators/provision';
import { startRuleMatcher, type RuleMatcherProcess } from '../event-ruler/ruler';
import type { StreamEventSource } from '../template/template';

/** Lambda polls each shard of a DynamoDB stream four times a second. */
const POLL_INTERVAL_MS = 250;
const DESCRIBE_INTERVAL_MS = 2_000;
/** Pause between retries of a failed batch (Lambda backs off too; locally it stays short). */
const RETRY_PAUSE_MS = 100;

export interface StreamSourceStats {
  recordsRead: number;
  /** Records dropped because no filter matched them (Lambda discards them). */
  recordsFilteredOut: number;
  invocations: number;
  failedInvocations: number;
  /** Invocations answered with batchItemFailures. */
  partialFailures: number;
  bisections: number;
  retries: number;
  /** Batches sent to the on-failure destination, and the records in them. */
  onFailureBatches: number;
  onFailureRecords: number;
}

/** What Lambda sends to an SQS on-failure destination for a DynamoDB stream batch it gave up on. */
export interface StreamFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    /** RetryAttemptsExhausted or RecordAgeExceeded. */
    readonly condition: string;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: { readonly statusCode: number; readonly executedVersion: string; readonly functionError?: string };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

export interface StreamSourceOptions {
  readonly clients: AwsClients;
  /** DynamoDB Local's endpoint (the Streams API is served there too). */
  readonly endpoint: string;
  readonly credentials: Credentials;
  readonly region: string;
  readonly tableName: string;
  readonly mapping: StreamEventSource;
  readonly fn: LocalFunction;
  readonly functionArn: string;
  /** The on-failure SQS queue's URL, when the mapping has one. */
  readonly onFailureQueueUrl?: string;
}

export interface StreamSourceHandle {
  readonly stats: Readonly<StreamSourceStats>;
  readonly streamArn: string;
  /** True while every shard is caught up (its last read was empty) and no batch is being handled. */
  idle(): boolean;
  stop(): Promise<void>;
}

interface Shard {
  readonly shardId: string;
  readonly parentShardId?: string;
}

interface StreamRecord extends DynamoDBRecord {
  readonly dynamodb: NonNullable<DynamoDBRecord['dynamodb']> & { readonly SequenceNumber: string; readonly ApproximateCreationDateTime?: number };
}

export async function startStreamSource(options: StreamSourceOptions): Promise<StreamSourceHandle> {
  const { mapping } = options;
  const { Table } = await options.clients.dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (streamArn === undefined) throw new Error(`table ${options.tableName} has no stream`);
  if (mapping.onFailureDestination !== undefined && options.onFailureQueueUrl === undefined) {
    throw new Error('the stream mapping\'s on-failure destination is not an SQS queue of the template; only SQS is emulated');
  }
  const call = streamsClient(options.endpoint, options.credentials, options.region);
  const filters: RuleMatcherProcess | undefined = mapping.filterPatterns.length === 0
    ? undefined
    : await startRuleMatcher(Object.fromEntries(mapping.filterPatterns.map((p, i) => [`filter${i}`, p])));

  const stats: StreamSourceStats = {
    recordsRead: 0,
    recordsFilteredOut: 0,
    invocations: 0,
    failedInvocations: 0,
    partialFailures: 0,
    bisections: 0,
    retries: 0,
    onFailureBatches: 0,
    onFailureRecords: 0,
  };
  let stopped = false;
  const started = new Set<string>();
  const finished = new Set<string>();
  /** Shards whose last GetRecords returned nothing and that hold no unhandled record. */
  const caughtUp = new Set<string>();
  let busy = 0;
  const readers: Promise<void>[] = [];

  const invoke = async (records: readonly StreamRecord[]) => {
    stats.invocations++;
    const event: DynamoDBStreamEvent = { Records: records.map((r) => ({ ...r, eventSourceARN: streamArn })) };
    return options.fn.invoke(event);
  };

  const sendToOnFailure = async (
    shardId: string, records: readonly StreamRecord[], condition: string, invokeCount: number, functionError?: string,
  ): Promise<void> => {
    stats.onFailureBatches++;
    stats.onFailureRecords += records.length;
    if (options.onFailureQueueUrl === undefined) return;
    const arrival = (r: StreamRecord) => new Date((r.dynamodb.ApproximateCreationDateTime ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const record: StreamFailureRecord = {
      requestContext: { requestId: randomUUID(), functionArn: options.functionArn, condition, approximateInvokeCount: invokeCount },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(functionError ? { functionError } : {}) },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: records[0].dynamodb.SequenceNumber,
        endSequenceNumber: records[records.length - 1].dynamodb.SequenceNumber,
        approximateArrivalOfFirstRecord: arrival(records[0]),
        approximateArrivalOfLastRecord: arrival(records[records.length - 1]),
        batchSize: records.length,
        streamArn,
      },
    };
    await options.clients.sqs.send(new SendMessageCommand({ QueueUrl: options.onFailureQueueUrl, MessageBody: JSON.stringify(record) }));
  };

  /** Handles a batch until each record succeeded or went to the on-failure destination. */
  const handle = async (shardId: string, batch: readonly StreamRecord[], retriesSoFar: number): Promise<void> => {
    let pending = [...batch];
    let retries = retriesSoFar;
    let invokeCount = 0;
    while (pending.length > 0 && !stopped) {
      if (mapping.maximumRecordAgeSeconds >= 0) {
        const now = Date.now() / 1000;
        const expired = pending.filter((r) => now - (r.dynamodb.ApproximateCreationDateTime ?? now) > mapping.maximumRecordAgeSeconds);
        if (expired.length > 0) {
          await sendToOnFailure(shardId, expired, 'RecordAgeExceeded', invokeCount);
          pending = pending.filter((r) => !expired.includes(r));
          if (pending.length === 0) return;
        }
      }
      invokeCount++;
      const result = await invoke(pending);
      const failedFrom = result.ok ? firstFailure(result.value, pending, mapping.reportBatchItemFailures) : 0;
      if (failedFrom === undefined) return;
      if (!result.ok) stats.failedInvocations++;
      else stats.partialFailures++;
      if (!result.ok && mapping.bisectBatchOnFunctionError && pending.length > 1) {
        stats.bisections++;
        const half = Math.ceil(pending.length / 2);
        await handle(shardId, pending.slice(0, half), retries);
        await handle(shardId, pending.slice(half), retries);
        return;
      }
      pending = pending.slice(failedFrom);
      retries++;
      if (mapping.maximumRetryAttempts >= 0 && retries > mapping.maximumRetryAttempts) {
        await sendToOnFailure(shardId, pending, 'RetryAttemptsExhausted', invokeCount, result.ok ? undefined : 'Unhandled');
        return;
      }
      stats.retries++;
      await pause(RETRY_PAUSE_MS);
    }
  };

  const matchesFilters = async (record: StreamRecord): Promise<boolean> => {
    if (filters === undefined) return true;
    return (await filters.match({ ...record, eventSourceARN: streamArn })).length > 0;
  };

  const readShard = async (shard: Shard, iteratorType: 'TRIM_HORIZON' | 'LATEST'): Promise<void> => {
    let iterator: string | undefined = (await call('GetShardIterator', { StreamArn: streamArn, ShardId: shard.shardId, ShardIteratorType: iteratorType })).ShardIterator as string;
    const buffer: StreamRecord[] = [];
    const read = async (): Promise<number> => {
      if (iterator === undefined) return 0;
      const response = await call('GetRecords', { ShardIterator: iterator, Limit: 1000 });
      iterator = (response.NextShardIterator as string | undefined) ?? undefined;
      const records = (response.Records ?? []) as StreamRecord[];
      stats.recordsRead += records.length;
      buffer.push(...records);
      return records.length;
    };
    while (!stopped && (iterator !== undefined || buffer.length > 0)) {
      if (buffer.length === 0 && (await read()) === 0) {
        caughtUp.add(shard.shardId);
        await pause(POLL_INTERVAL_MS);
        continue;
      }
      caughtUp.delete(shard.shardId);
      busy++;
      try {
        // The batching window starts with the first record that passes the filters.
        const batch: StreamRecord[] = [];
        let deadline: number | undefined;
        while (!stopped && batch.length < mapping.batchSize) {
          if (buffer.length === 0) {
            if (deadline === undefined || Date.now() >= deadline || iterator === undefined) break;
            if ((await read()) === 0) await pause(Math.min(POLL_INTERVAL_MS, Math.max(0, deadline - Date.now())));
            continue;
          }
          const record = buffer.shift()!;
          if (!(await matchesFilters(record))) {
            stats.recordsFilteredOut++;
            continue;
          }
          batch.push(record);
          deadline ??= Date.now() + mapping.maximumBatchingWindowSeconds * 1000;
        }
        if (batch.length > 0) await handle(shard.shardId, batch, 0);
      } finally {
        busy--;
      }
    }
    finished.add(shard.shardId);
    caughtUp.delete(shard.shardId);
  };

  /** Starts a reader for every shard not yet read whose parent is done (or unknown), oldest first. */
  const discover = async (initial: boolean): Promise<void> => {
    const description = (await call('DescribeStream', { StreamArn: streamArn })).StreamDescription as { Shards?: Array<{ ShardId: string; ParentShardId?: string; SequenceNumberRange?: { EndingSequenceNumber?: string } }> };
    const shards = description.Shards ?? [];
    const known = new Set(shards.map((s) => s.ShardId));
    for (const shard of shards) {
      if (started.has(shard.ShardId)) continue;
      const parent = shard.ParentShardId;
      if (parent !== undefined && known.has(parent) && !finished.has(parent)) continue;
      const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
      // LATEST: at start, only the open shards, from their end; shards that appear later are read whole.
      if (initial && mapping.startingPosition === 'LATEST' && !open) {
        started.add(shard.ShardId);
        finished.add(shard.ShardId);
        continue;
      }
      started.add(shard.ShardId);
      readers.push(readShard({ shardId: shard.ShardId, parentShardId: parent }, initial ? mapping.startingPosition : 'TRIM_HORIZON').catch(() => {
        // A reader that failed (e.g. an expired iterator) is started again from the shard's start at the next describe.
        started.delete(shard.ShardId);
      }));
    }
  };

  await discover(true);
  const discovering = (async () => {
    while (!stopped) {
      await pause(DESCRIBE_INTERVAL_MS);
      if (!stopped) await discover(false).catch(() => undefined);
    }
  })();

  return {
    stats,
    streamArn,
    idle: () => busy === 0 && [...started].every((id) => caughtUp.has(id) || finished.has(id)),
    async stop(): Promise<void> {
      stopped = true;
      await discovering;
      await Promise.allSettled(readers);
      await filters?.stop();
    },
  };
}

/**
 * The index of the first record to retry, by Lambda's rules for ReportBatchItemFailures, or
 * undefined when the batch succeeded: an empty or null response or list is success; an entry
 * with an empty, null or unknown itemIdentifier fails the whole batch; several entries resume
 * from the lowest sequence number. Without the setting, a successful invocation is success.
 */
export function firstFailure(
  response: unknown, batch: readonly { readonly dynamodb: { readonly SequenceNumber: string } }[], reportBatchItemFailures: boolean,
): number | undefined {
  if (!reportBatchItemFailures || response === null || response === undefined) return undefined;
  if (typeof response !== 'object' || Array.isArray(response)) return 0;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return undefined;
  if (!Array.isArray(failures)) return 0;
  if (failures.length === 0) return undefined;
  let lowest: number | undefined;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id !== '' ? batch.findIndex((r) => r.dynamodb.SequenceNumber === id) : -1;
    if (index === -1) return 0;
    lowest = lowest === undefined ? index : Math.min(lowest, index);
  }
  return lowest;
}

/** A minimal DynamoDB Streams client: JSON 1.0 requests signed with SigV4. */
function streamsClient(endpoint: string, credentials: Credentials, region: string) {
  const url = new URL(endpoint);
  return async (action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const payload = Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = {
      'host': url.host,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${action}`,
    };
    const signed = signRequest({ method: 'POST', url: '/', headers, body: payload }, credentials, region, 'dynamodb');
    const { host: _, ...sent } = { ...headers, ...signed };
    const response = await fetch(new URL('/', url), { method: 'POST', headers: sent, body: payload });
    const text = await response.text();
    if (!response.ok) throw new Error(`DynamoDB Streams ${action}: HTTP ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
