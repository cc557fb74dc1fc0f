/**
 * Warm time to acknowledge a signed webhook through the local pipeline, per front door, in one
 * run: the REST API stand-in (payload format 1.0), the HTTP API and the function URL stand-ins
 * (2.0), each in front of the shipped ingest bundle sending to SQS (moto). The processor is off
 * (`eventSource: false`), so what is timed is the ingest path only: HTTP in, event built,
 * signature verified, SendMessage, 202 out. Each front door gets WARMUP requests first (its
 * function warm), then ROUNDS timed ones, one at a time, with the same signed Stripe delivery
 * shape (a fresh id each).
 *
 *   npx projen bundle && npx ts-node --project tsconfig.dev.json bench/latency.bench.ts
 *
 * Prints a table (p50, p99, ratio to the REST API) and writes the rows to .bench/latency.json for
 * bench/summary.ts. Local figures: a profile of the front door's share of the path, not AWS's.
 */
import { performance } from 'node:perf_hooks';
import { destroyHttpAgent, postDelivery } from '../local-pipeline/inspect';
import { startPipeline } from '../local-pipeline/pipeline';
import { sampleDelivery } from '../local-pipeline/signing';
import { WebhookFrontDoor } from '../src';
import { row, writeRows, type BenchRow } from './results';

const WARMUP = 30;
const ROUNDS = Number(process.env.LATENCY_ROUNDS ?? 300);
const DOORS: ReadonlyArray<readonly [string, WebhookFrontDoor]> = [
  ['REST API', WebhookFrontDoor.REST_API],
  ['HTTP API', WebhookFrontDoor.HTTP_API],
  ['function URL', WebhookFrontDoor.FUNCTION_URL],
];

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(frontDoor: WebhookFrontDoor): Promise<number[]> {
  const pipeline = await startPipeline({ eventSource: false, props: { frontDoor } });
  try {
    const stripe = pipeline.providers.find((p) => p.name === 'stripe')!;
    const secret = pipeline.secretsOf('stripe')[0];
    const times: number[] = [];
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const delivery = sampleDelivery(stripe, secret, { deliveryId: `evt_latency_${frontDoor}_${i}`, data: { amount: 1000 + i } });
      const started = performance.now();
      const result = await postDelivery(pipeline.url, delivery);
      const ms = performance.now() - started;
      if (result.status !== 202) throw new Error(`${frontDoor}: HTTP ${result.status} ${result.body.toString()}`);
      if (i >= WARMUP) times.push(ms);
    }
    return times.sort((a, b) => a - b);
  } finally {
    await pipeline.stop();
  }
}

async function main(): Promise<void> {
  const results: Array<{ label: string; p50: number; p99: number }> = [];
  for (const [label, door] of DOORS) {
    const times = await measure(door);
    results.push({ label, p50: percentile(times, 50), p99: percentile(times, 99) });
  }
  destroyHttpAgent();
  const rest = results[0];
  const rows: BenchRow[] = results.flatMap((r) => (['p50', 'p99'] as const).map((p) => row('latency', `${r.label} ${p}`, `${r[p].toFixed(1)} ms`, {
    ratio: Number((r[p] / rest[p]).toFixed(2)),
    note: `warm, ${ROUNDS} sequential signed Stripe deliveries to 202 through the local ${r.label} stand-in and the shipped ingest bundle; ratio to the REST API`,
  })));
  console.log(`\nWarm time to acknowledge (202), local pipeline, ${ROUNDS} requests per front door after ${WARMUP} warm-up, Node ${process.version}\n`);
  console.log('| Front door | p50 | p99 | p50 / REST | p99 / REST |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.label} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${(r.p50 / rest.p50).toFixed(2)}× | ${(r.p99 / rest.p99).toFixed(2)}× |`);
  }
  console.log(`\nrows written to ${writeRows('latency', rows)}`);
}

main().then(() => process.exit(0), (error: Error) => {
  console.error(error);
  process.exit(1);
});
