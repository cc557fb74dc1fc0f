/**
 * The scale model: what one provider's webhooks a second ask of each resource on the path,
 * against the AWS limit (sources in the README's "Scale" section), from per-webhook operation
 * counts measured on the local pipeline (bench/scale.bench.ts) and the construct's defaults.
 * Pure: no AWS clients, no I/O.
 */

/** What the local pipeline measured per webhook of one provider. */
export interface MeasuredCounts {
  readonly webhooks: number;
  /** DynamoDB write units of the table per webhook (record, plus replay guard where the provider has a window). */
  readonly tableWriteUnits: number;
  /** Write units of the `byProviderDate` index per webhook (1 KB units of key + projected attributes). */
  readonly indexWriteUnits: number;
  /** The busiest index key's share of one second of webhooks (1 / INDEX_SHARDS when even). */
  readonly hottestShardShare: number;
  /** SQS SendMessage calls per webhook (ingest; bodies over the inline threshold add an S3 PUT). */
  readonly sqsSends: number;
  /** EventBridge entries per webhook (publisher, with an event bus; PutEvents carries up to 10). */
  readonly eventEntries: number;
}

/** What the model assumes: the construct's defaults (or props) and durations AWS would show. */
export interface ScaleSettings {
  readonly ratePerSecond: number;
  readonly stageRateLimit: number;
  readonly processorBatchSize: number;
  readonly processorMaxConcurrency: number;
  readonly indexShards: number;
  /** Seconds one ingest invocation takes (warm). */
  readonly ingestSeconds: number;
  /** Seconds one processor invocation takes for a full batch. */
  readonly processorBatchSeconds: number;
  /** Seconds an ingest instance caches a secret (SECRETS_MAX_AGE_SECONDS). */
  readonly secretCacheSeconds: number;
  /** Secrets per provider (a rotation adds one while both are live). */
  readonly secretsPerProvider: number;
  /** PutEvents quota of the Region, entries or requests a second (us-east-1: 10,000). */
  readonly putEventsQuota: number;
}

export interface Limits {
  readonly apiGatewayAccountRps: number;
  readonly lambdaAccountConcurrency: number;
  readonly lambdaScalingPer10s: number;
  readonly esmMaxConcurrency: number;
  readonly sqsInFlight: number;
  readonly partitionWriteUnits: number;
  readonly onDemandInitialWriteUnits: number;
  readonly s3PrefixPutsPerSecond: number;
  readonly secretsManagerGetPerSecond: number;
}

/** The default limits the model compares with, each from the AWS page the README quotes. */
export const LIMITS: Limits = {
  apiGatewayAccountRps: 10_000,
  lambdaAccountConcurrency: 1_000,
  lambdaScalingPer10s: 1_000,
  esmMaxConcurrency: 1_000,
  sqsInFlight: 120_000,
  partitionWriteUnits: 1_000,
  onDemandInitialWriteUnits: 4_000,
  s3PrefixPutsPerSecond: 3_500,
  secretsManagerGetPerSecond: 10_000,
};


export interface ScaleRow {
  readonly item: string;
  /** Required / limit (null when the limit is not a number, e.g. "nearly unlimited"). */
  readonly ratio: number | null;
  readonly figure: string;
  /** What raises it when the ratio is above 1, or why it holds. */
  readonly note: string;
  /** A comparison (what the design before this one asked), not a requirement. */
  readonly comparison?: boolean;
}

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 }));

/** One row per resource on the path at `settings.ratePerSecond` webhooks a second from one provider. */
export function scaleRows(m: MeasuredCounts, s: ScaleSettings, limits: Limits = LIMITS): ScaleRow[] {
  const rate = s.ratePerSecond;
  const ingestConcurrency = Math.ceil(rate * s.ingestSeconds);
  const batchesPerSecond = rate / s.processorBatchSize;
  const processorConcurrency = Math.ceil(batchesPerSecond * s.processorBatchSeconds);
  const row = (item: string, required: number, limit: number | null, unit: string, note: string): ScaleRow => ({
    item,
    ratio: limit === null ? null : required / limit,
    figure: `${fmt(required)} ${unit} of ${limit === null ? 'nearly unlimited' : fmt(limit)}`,
    note,
  });
  const indexPerKey = rate * m.indexWriteUnits * m.hottestShardShare;
  return [
    row('API Gateway: account throttle (Region)', rate, limits.apiGatewayAccountRps, 'rps', 'At the default quota with no headroom: request an increase of "Throttle rate" (L-8A5B8E43); burst 5,000 is set by AWS from it.'),
    row('API Gateway: stage throttle (construct default)', rate, s.stageRateLimit, 'rps', `api.throttlingRateLimit (default 1,000) and api.throttlingBurstLimit: set to ${fmt(rate)} and a burst for the peaks.`),
    row('Lambda: account concurrency (ingest + processor)', ingestConcurrency + processorConcurrency, limits.lambdaAccountConcurrency, 'executions',
      `ingest ${fmt(ingestConcurrency)} (${s.ingestSeconds * 1000} ms each) + processor ${fmt(processorConcurrency)}; request "Concurrent executions" above the total plus your other functions.`),
    row('Lambda: ingest scaling rate (per 10 s)', ingestConcurrency, limits.lambdaScalingPer10s, 'new environments',
      'Reached within one 10-second step; concurrency.ingestProvisionedConcurrency keeps instances warm for a sudden jump.'),
    row('SQS event source: processor maximum concurrency', processorConcurrency, s.processorMaxConcurrency, 'concurrent batches',
      `concurrency.processorMaxConcurrency (default 10, at most ${fmt(limits.esmMaxConcurrency)}): ${fmt(batchesPerSecond)} batches/s × ${s.processorBatchSeconds} s. The mapping adds up to 300 instances a minute; the queue holds the rest meanwhile.`),
    row('SQS: standard queue API calls', rate * m.sqsSends, null, 'SendMessage/s', 'Standard queues: nearly unlimited calls per action.'),
    row('SQS: in-flight messages', processorConcurrency * s.processorBatchSize, limits.sqsInFlight, 'messages', 'About 120,000 in flight per standard queue.'),
    row('DynamoDB: table warm throughput (new on-demand table)', rate * m.tableWriteUnits, limits.onDemandInitialWriteUnits, 'WCU/s',
      'A new on-demand table starts at 4,000 writes/s, then up to twice its previous peak: tableWarmThroughput.writeUnitsPerSecond pre-warms it, or ramp up while the queue absorbs throttled batches.'),
    row('DynamoDB: index warm throughput (new on-demand index)', rate * m.indexWriteUnits, limits.onDemandInitialWriteUnits, 'WCU/s', 'The index has its own warm throughput (tableWarmThroughput sets both); throttled index writes throttle the table\'s.'),
    row(`DynamoDB: busiest index partition key (${s.indexShards} shards)`, indexPerKey, limits.partitionWriteUnits, 'WCU/s',
      `${fmt(rate)} × ${fmt(m.indexWriteUnits)} WCU × busiest shard's share ${(m.hottestShardShare * 100).toFixed(1)} %.`),
    {
      ...row('DynamoDB: index partition key before sharding (one per provider-day)', rate * m.indexWriteUnits, limits.partitionWriteUnits, 'WCU/s',
        'For comparison: what the unsharded key asked of one partition.'),
      comparison: true,
    },
    row('DynamoDB: table partitions (key = webhook id)', rate * m.tableWriteUnits / 1000, null, 'WCU/s per 1,000 ids', 'Keyed by webhook id: spread over partitions.'),
    row('S3: archive PUTs under one hour\'s prefix', batchesPerSecond, limits.s3PrefixPutsPerSecond, 'PUT/s',
      `One object per batch of ${s.processorBatchSize} under raw/dt=…/hr=…/; S3 partitions a busy prefix further by itself.`),
    row('EventBridge: PutEvents (entries, conservative)', rate * m.eventEntries, s.putEventsQuota, 'entries/s',
      `us-east-1's default; ${fmt(Math.ceil(rate * m.eventEntries / 10))} requests/s if the quota counts requests of 10. Other Regions lower: request an increase.`),
    row('Secrets Manager: GetSecretValue', (ingestConcurrency * s.secretsPerProvider) / s.secretCacheSeconds, limits.secretsManagerGetPerSecond, 'calls/s',
      `Each ingest instance reads a secret once per ${s.secretCacheSeconds} s (SECRETS_MAX_AGE_SECONDS), plus once per cold start.`),
  ];
}

/** The row with the highest ratio: what holds the pipeline back first. */
export function binding(rows: readonly ScaleRow[]): ScaleRow {
  return rows.filter((r) => r.ratio !== null && !r.comparison).reduce((a, b) => ((b.ratio as number) > (a.ratio as number) ? b : a));
}
