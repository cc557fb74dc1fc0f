import { binding, LIMITS, scaleRows, type MeasuredCounts, type ScaleSettings } from '../../bench/scale-model';

const measured: MeasuredCounts = {
  webhooks: 100, tableWriteUnits: 1, indexWriteUnits: 1, hottestShardShare: 1.25 / 16, sqsSends: 1, eventEntries: 1,
};
const defaults: ScaleSettings = {
  ratePerSecond: 10_000,
  stageRateLimit: 1_000,
  processorBatchSize: 10,
  processorMaxConcurrency: 10,
  indexShards: 16,
  ingestSeconds: 0.03,
  processorBatchSeconds: 0.25,
  secretCacheSeconds: 300,
  secretsPerProvider: 2,
  putEventsQuota: 10_000,
};
const ratioOf = (rows: ReturnType<typeof scaleRows>, prefix: string) => rows.find((r) => r.item.startsWith(prefix))!.ratio;

test('sharded, the busiest index key takes 10,000/s × 1 WCU × its share, under 1,000 WCU; unsharded it took ten partitions\' worth', () => {
  const rows = scaleRows(measured, defaults);
  expect(ratioOf(rows, 'DynamoDB: busiest index partition key')).toBeCloseTo(10_000 * 1.25 / 16 / 1000);
  expect(ratioOf(rows, 'DynamoDB: index partition key before sharding')).toBe(10);
});

test('with the defaults the processor\'s maximum concurrency binds: 1,000 batches/s × 0.25 s against 10', () => {
  const b = binding(scaleRows(measured, defaults));
  expect(b.item).toMatch(/processor maximum concurrency/);
  expect(b.ratio).toBe(25);
});

test('the comparison row never binds, and with the props and quota raises every row is within its limit', () => {
  const rows = scaleRows(measured, { ...defaults, stageRateLimit: 12_000, processorMaxConcurrency: 300 },
    { ...LIMITS, apiGatewayAccountRps: 12_000, lambdaAccountConcurrency: 2_000, onDemandInitialWriteUnits: 12_000 });
  expect(binding(rows).comparison).toBeUndefined();
  expect(rows.filter((r) => !r.comparison && r.ratio !== null && r.ratio > 1)).toEqual([]);
});
