/**
 * Cost per million webhooks, counted: the local pipeline (the shipped bundles, unchanged) takes a
 * fixed mix of deliveries, and everything the handlers ask of AWS goes through counting proxies
 * (bench/counting-proxy.ts) in front of the emulators and the local event bus: SQS requests in
 * 64 KB chunks, S3 requests and bytes stored, DynamoDB request units (DynamoDB Local's
 * ConsumedCapacity, asked for by the proxy), EventBridge entries in 64 KB chunks, Secrets Manager
 * calls. The event source's receives and deletes (billed to the account too) are counted from its
 * hooks; invocations and durations (local ms, an estimate) from the Lambda stand-in, memory and
 * architecture from the template; log bytes from each function's log. Multiplied by
 * bench/prices.json. Seed 000's design (bench/seed/) is counted the same way on the same
 * emulators: its ingest behind a REST API, its sequential processor on batches of 10.
 *
 *   npx projen bench:cost            (rows in .bench/cost.json)
 *
 * Rows: default (REST API), HTTP API, function URL (the same handlers and counts; only the front
 * door's price differs), routes on (events to EventBridge), all options (routes and ordering
 * counted on the local pipeline's FIFO variant; the managed web ACL's price per request and the
 * interface endpoints' per GB on the counted requests and bytes; their fixed monthly prices from
 * the configuration's synthesized template), seed 000, and hosted gateways' list prices. Goals:
 * default ≤ 50 % of seed 000; the cheapest front door ≤ 25 %.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  billableLogBytes, claimCheckCosts, costPerMillion, dominant, fixedMonthly, fixedResourcesOf, PRICE_TABLE, total,
  type FrontDoor, type FunctionUsage, type LineItem, type Measured, type TemplateResources,
} from './cost-model';
import { CHUNK, emptyCounts, startCountingProxy, type CountingProxy } from './counting-proxy';
import { row, writeRows, type BenchRow } from './results';
import { SEED_MEMORY_MB, seedApiEvent, startSeedPipeline } from './seed/seed-pipeline';
import { LOCAL_REGION } from '../local-pipeline/emulators/aws';
import { REPO_ROOT } from '../local-pipeline/emulators/emulators';
import { countRecords, destroyHttpAgent, mapConcurrently, postDelivery, waitForDrain, waitForEvents } from '../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../local-pipeline/pipeline';
import { sampleDelivery, type Delivery } from '../local-pipeline/signing';
import { toSqsEvent } from '../local-pipeline/stand-ins/event-source';
import { LOCAL_ORDERING, LOCAL_TARGETS_DIR, STACK_NAME, type AssetManifest, type CfnTemplate, type LocalProcessorProps } from '../local-pipeline/template/app';
import { localTargetDirs, matchShippedBundles } from '../local-pipeline/template/bundles';
import { functionSpecs } from '../local-pipeline/template/template';
import { WebhookProcessor, WebhookProvider, WebhookVpcEndpoints, WebhookWebAcl } from '../src';

/** The fixed mix, repeated: body sizes of typical provider events (most small, a few large). */
const MIX_BYTES = [1_000, 1_000, 1_000, 1_000, 1_000, 2_000, 2_000, 4_000, 8_000, 32_000];
const PROVIDERS = ['stripe', 'github', 'shopify'];
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 60);
/** Enough to start every environment and fill its secrets cache for each provider: the steady state. */
const WARM_UP = 30;
/**
 * Environments per function and event-source pollers. Few, so that the batching window fills
 * batches as it does under steady traffic in AWS, and the environments stay warm.
 */
const LOCAL_CONCURRENCY = 2;

/** Distinct bodies (the same bytes under a new id would be a replay, which makes no event). */
function deliveries(pipeline: Pipeline, prefix: string, count: number): Delivery[] {
  return Array.from({ length: count }, (_, i) => {
    const name = PROVIDERS[i % PROVIDERS.length];
    const config = pipeline.providers.find((p) => p.name === name)!;
    const size = MIX_BYTES[i % MIX_BYTES.length];
    return sampleDelivery(config, pipeline.secretsOf(name)[0], {
      deliveryId: `${prefix}-${name}-${i}`, eventType: 'order.updated', data: { object: { id: `${prefix}_obj_${i}`, notes: 'n'.repeat(Math.max(0, size - 200)) } },
    });
  });
}

/** SQS bills a receive by the 64 KB chunks of the messages it returns. */
const receiveChunks = (messages: readonly Message[]) => Math.max(1, Math.ceil(messages.reduce((sum, m) => sum + Buffer.byteLength(m.Body ?? ''), 0) / CHUNK));

/** A message's size as SQS bills its send: body and attributes, in 64 KB chunks. */
const chunksOf = (m: Message) => Math.max(1, Math.ceil((Buffer.byteLength(m.Body ?? '')
  + Object.entries(m.MessageAttributes ?? {}).reduce((sum, [k, a]) => sum + k.length + (a.DataType?.length ?? 0) + Buffer.byteLength(a.StringValue ?? ''), 0)) / CHUNK));

const fileSize = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);

/** What CloudWatch Logs would ingest of what a function logged since `from` (bench/cost-model.ts: billableLogBytes). */
const loggedSince = (file: string, from: number) => (fs.existsSync(file) ? billableLogBytes(fs.readFileSync(file).subarray(from).toString('utf8')) : 0);

/** Memory and architecture of each function, by bundle name, from the synthesized template. */
function functionShapes(runDir: string): Map<string, { memoryMb: number; arm64: boolean }> {
  const outdir = path.join(runDir, 'cdk.out');
  const template = JSON.parse(fs.readFileSync(path.join(outdir, `${STACK_NAME}.template.json`), 'utf8')) as CfnTemplate;
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, `${STACK_NAME}.assets.json`), 'utf8')) as AssetManifest;
  const specs = functionSpecs(template);
  const bundles = matchShippedBundles(specs, manifest, outdir, REPO_ROOT, localTargetDirs(LOCAL_TARGETS_DIR));
  const shapes = new Map<string, { memoryMb: number; arm64: boolean }>();
  for (const spec of specs) {
    const architectures = (template.Resources[spec.logicalId].Properties?.Architectures as string[] | undefined) ?? ['x86_64'];
    shapes.set(bundles.get(spec.logicalId)!.name, { memoryMb: spec.memoryMb, arm64: architectures.includes('arm64') });
  }
  return shapes;
}

interface Run {
  readonly ours: Measured;
  /** Bytes the functions sent to SQS and EventBridge (what interface endpoints would process). */
  readonly endpointBytes: number;
  readonly seed?: Measured;
  readonly avgBatch: number;
  readonly dynamoUnmetered: number;
}

async function measure(routes: boolean, withSeed: boolean, props: LocalProcessorProps = {}): Promise<Run> {
  const counts = emptyCounts();
  const proxies: CountingProxy[] = [await startCountingProxy(counts), await startCountingProxy(counts), await startCountingProxy(counts)];
  const [motoProxy, dynamoProxy, busProxy] = proxies;
  let measuring = false;
  let sqsRequests = 0;
  let batches = 0;
  let batchedMessages = 0;
  let sqsBytesSent = 0;
  const pipeline = await startPipeline({
    props,
    routes,
    maxLocalConcurrency: LOCAL_CONCURRENCY,
    extraFunctionEnvironment: {
      AWS_ENDPOINT_URL_SQS: motoProxy.endpoint,
      AWS_ENDPOINT_URL_S3: motoProxy.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: motoProxy.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoProxy.endpoint,
      ...(routes ? { AWS_ENDPOINT_URL_EVENTBRIDGE: busProxy.endpoint } : {}),
    },
    onReceive: (messages) => {
      if (!measuring) return;
      // Each message was sent once (SendMessage, in 64 KB chunks) and is received here.
      sqsRequests += messages.reduce((sum, m) => sum + chunksOf(m), 0) + receiveChunks(messages);
      sqsBytesSent += messages.reduce((sum, m) => sum + Buffer.byteLength(m.Body ?? ''), 0);
      batches++;
      batchedMessages += messages.length;
    },
    // One DeleteMessageBatch per batch the function handled.
    onBatch: () => { if (measuring) sqsRequests++; },
    progress: (line) => console.log(`  ${line}`),
  });
  motoProxy.setTarget(pipeline.emulators.moto.endpoint);
  dynamoProxy.setTarget(pipeline.emulators.dynamodb.endpoint);
  if (pipeline.bus) busProxy.setTarget(pipeline.bus.endpoint);
  const logDir = path.join(pipeline.runDir, 'logs');
  const shapes = functionShapes(pipeline.runDir);
  try {
    const usage: Record<string, FunctionUsage> = {};
    const track = (name: string, fn: { invoke(e: unknown): Promise<{ durationMs: number }> }, memoryMb: number, arm64: boolean) => {
      const original = fn.invoke.bind(fn);
      usage[name] = { invocations: 0, totalMs: 0, memoryMb, arm64, logBytes: 0 };
      fn.invoke = async (event: unknown) => {
        const result = await original(event);
        if (measuring) {
          usage[name].invocations++;
          // Lambda bills duration rounded up to the nearest 1 ms, per invocation.
          usage[name].totalMs += Math.ceil(result.durationMs);
        }
        return result;
      };
    };
    for (const [name, fn] of Object.entries(pipeline.functions)) track(name, fn, shapes.get(name)?.memoryMb ?? 128, shapes.get(name)?.arm64 ?? false);

    const settle = async (expected: number) => {
      const deadline = Date.now() + 120_000;
      while (await countRecords(pipeline) < expected) {
        if (Date.now() > deadline) throw new Error(`only ${await countRecords(pipeline)} of ${expected} records`);
        await new Promise((r) => setTimeout(r, 300));
      }
      if (routes) {
        await waitForEvents(pipeline, 120_000);
        // The publisher's PutEvents may still be on their way through the counting proxy.
        const quiet = Date.now() + 15_000;
        while (measuring && counts.eventBridgeChunks < expected - WARM_UP && Date.now() < quiet) await new Promise((r) => setTimeout(r, 300));
      } else {
        await waitForDrain(pipeline, 120_000);
      }
      await new Promise((r) => setTimeout(r, 1500));
    };
    const post = async (list: Delivery[]) => mapConcurrently(list, LOCAL_CONCURRENCY, async (d) => {
      const response = await postDelivery(pipeline.url, d);
      if (response.status >= 300) throw new Error(`ingest answered ${response.status}: ${response.body.toString('utf8')}`);
      return response;
    });

    await post(deliveries(pipeline, 'warm', WARM_UP));
    await settle(WARM_UP);
    Object.assign(counts, emptyCounts());
    const busEventsBefore = pipeline.bus?.events().size ?? 0;
    const logsBefore = Object.fromEntries(Object.keys(usage).map((name) => [name, fileSize(path.join(logDir, `${name}.log`))]));
    const mix = deliveries(pipeline, 'mix', WEBHOOKS);
    measuring = true;
    await post(mix);
    await settle(WARM_UP + WEBHOOKS);
    measuring = false;
    for (const name of Object.keys(usage)) usage[name].logBytes = loggedSince(path.join(logDir, `${name}.log`), logsBefore[name]);
    const ours: Measured = {
      webhooks: WEBHOOKS,
      counts: { ...counts, byOperation: { ...counts.byOperation } },
      sqsRequests,
      functions: Object.fromEntries(Object.entries(usage).filter(([, u]) => u.invocations > 0)),
      requestBytes: mix.map((d) => d.body.length),
    };
    if (routes) console.log(`  EventBridge: ${counts.eventBridgeChunks} entries (64 KB chunks) through the counting proxy; the local bus matched ${(pipeline.bus?.events().size ?? 0) - busEventsBefore} new events`);
    console.log(`  counted (${routes ? 'routes on' : 'default'}): ${JSON.stringify(ours.counts.byOperation)}; SQS ${sqsRequests}; batches ${batches}, avg ${(batchedMessages / Math.max(1, batches)).toFixed(1)}`);
    const seed = withSeed ? await measureSeed(pipeline, mix) : undefined;
    return {
      ours,
      seed,
      endpointBytes: sqsBytesSent + counts.eventBridgeBytes,
      avgBatch: batchedMessages / Math.max(1, batches),
      dynamoUnmetered: counts.dynamoUnmetered,
    };
  } finally {
    destroyHttpAgent();
    await pipeline.stop();
    for (const p of proxies) await p.stop();
  }
}

/** Seed 000 on the same emulators, behind its own counting proxies, with the same deliveries. */
async function measureSeed(pipeline: Pipeline, mix: readonly Delivery[]): Promise<Measured> {
  const counts = emptyCounts();
  const motoProxy = await startCountingProxy(counts);
  const dynamoProxy = await startCountingProxy(counts);
  motoProxy.setTarget(pipeline.emulators.moto.endpoint);
  dynamoProxy.setTarget(pipeline.emulators.dynamodb.endpoint);
  const logDir = path.join(pipeline.runDir, 'logs');
  const seed = await startSeedPipeline(pipeline.clients, { sqs: motoProxy.endpoint, s3: motoProxy.endpoint, dynamodb: dynamoProxy.endpoint }, logDir, 'cost', LOCAL_CONCURRENCY);
  const usage: Record<string, FunctionUsage> = {
    'seed ingest': { invocations: 0, totalMs: 0, memoryMb: SEED_MEMORY_MB.ingest, arm64: false, logBytes: 0 },
    'seed processor': { invocations: 0, totalMs: 0, memoryMb: SEED_MEMORY_MB.processor, arm64: false, logBytes: 0 },
  };
  let sqsRequests = 0;
  let measuring = false;
  const ingestOne = async (d: Delivery) => {
    const result = await seed.ingest.invoke(seedApiEvent(d.provider, d.headers, d.body));
    if (!result.ok) throw new Error(`seed ingest failed: ${JSON.stringify(result.error)}`);
    if (measuring) {
      usage['seed ingest'].invocations++;
      usage['seed ingest'].totalMs += Math.ceil(result.durationMs);
    }
  };
  /** Seed 000's event source: batches of up to 10, no window, as the Lambda service polls. */
  const drain = async (expected: number) => {
    let processed = 0;
    while (processed < expected) {
      const out = await pipeline.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: seed.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, AttributeNames: ['All'], MessageAttributeNames: ['All'] }));
      const messages = out.Messages ?? [];
      if (messages.length === 0) continue;
      const result = await seed.processor.invoke(toSqsEvent(messages, seed.queueArn, LOCAL_REGION));
      if (!result.ok) throw new Error(`seed processor failed: ${JSON.stringify(result.error)}`);
      const entries = messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! }));
      await pipeline.clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: seed.queueUrl, Entries: entries }));
      if (measuring) {
        sqsRequests += messages.reduce((sum, m) => sum + chunksOf(m), 0) + receiveChunks(messages) + 1;
        usage['seed processor'].invocations++;
        usage['seed processor'].totalMs += Math.ceil(result.durationMs);
      }
      processed += messages.length;
    }
  };
  try {
    const warm = mix.slice(0, Math.min(WARM_UP, mix.length));
    await mapConcurrently(warm, LOCAL_CONCURRENCY, ingestOne);
    await drain(warm.length);
    Object.assign(counts, emptyCounts());
    const logsBefore = Object.fromEntries(['ingest', 'processor'].map((n) => [n, fileSize(path.join(logDir, `seed-${n}.log`))]));
    measuring = true;
    // Ingested first, then drained: full batches of 10, as under steady traffic.
    await mapConcurrently(mix, LOCAL_CONCURRENCY, ingestOne);
    await drain(mix.length);
    measuring = false;
    await new Promise((r) => setTimeout(r, 500));
    usage['seed ingest'].logBytes = loggedSince(path.join(logDir, 'seed-ingest.log'), logsBefore.ingest);
    usage['seed processor'].logBytes = loggedSince(path.join(logDir, 'seed-processor.log'), logsBefore.processor);
    console.log(`  counted (seed 000): ${JSON.stringify(counts.byOperation)}; SQS ${sqsRequests}`);
    const snapshot = { ...counts, byOperation: { ...counts.byOperation } };
    return { webhooks: mix.length, counts: snapshot, sqsRequests, functions: usage, requestBytes: mix.map((d) => d.body.length) };
  } finally {
    await seed.stop();
    await motoProxy.stop();
    await dynamoProxy.stop();
  }
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/**
 * The all-options configuration as a user would deploy it, synthesized: what it costs a month
 * whatever its traffic (the managed web ACL and its rules, the interface endpoints in each
 * Availability Zone of a two-AZ VPC).
 */
function allOptionsTemplate(): TemplateResources {
  const app = new App();
  const stack = new Stack(app, 'CostAllOptions', { env: { account: '123456789012', region: PRICE_TABLE.region } });
  const secret = (id: string) => [new secretsmanager.Secret(stack, id)];
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  new WebhookProcessor(stack, 'Webhooks', {
    providers: [
      WebhookProvider.stripe({ secrets: secret('Stripe') }),
      WebhookProvider.github({ secrets: secret('GitHub') }),
      WebhookProvider.shopify({ secrets: secret('Shopify') }),
    ],
    api: { webAcl: WebhookWebAcl.managed() },
    ordering: LOCAL_ORDERING,
    eventBus: new events.EventBus(stack, 'Events'),
    vpc,
    vpcEndpoints: WebhookVpcEndpoints.create(),
  });
  return app.synth().getStackByName(stack.stackName).template as TemplateResources;
}

function printItems(label: string, items: readonly LineItem[]): void {
  console.log(`\n${label}: ${usd(total(items))} per million webhooks`);
  for (const i of [...items].sort((a, b) => b.usdPerMillion - a.usdPerMillion)) {
    if (i.usdPerMillion >= 0.005) console.log(`  ${i.name.padEnd(52)}${usd(i.usdPerMillion).padStart(10)}`);
  }
}

async function main(): Promise<void> {
  const withoutRoutes = await measure(false, true);
  const withRoutes = await measure(true, false);
  const allOptions = await measure(true, false, { ordering: LOCAL_ORDERING });
  const seedItems = costPerMillion(withoutRoutes.seed!, 'REST API');
  const seedTotal = total(seedItems);
  printItems('seed 000 (REST API, SDK v2, one S3 object per webhook, pretty-printed event logs, sequential processing)', seedItems);

  const rows: BenchRow[] = [];
  const add = (item: string, items: LineItem[], goal?: { max: number; words: string }, extraNote = '') => {
    const sum = total(items);
    const ratio = sum / seedTotal;
    const top = dominant(items);
    printItems(item, items);
    const met = goal === undefined ? null : ratio <= goal.max;
    rows.push(row('cost', item, `${usd(sum)} / million`, {
      ratio,
      goal: goal?.words ?? null,
      met,
      note: met === false
        ? `held back by ${top.name} (${usd(top.usdPerMillion)} of ${usd(sum)})`
        : `dominant: ${top.name} ${usd(top.usdPerMillion)}${extraNote}`,
    }));
  };
  const doors: FrontDoor[] = ['REST API', 'HTTP API', 'function URL'];
  const byDoor = doors.map((door) => ({ door, items: costPerMillion(withoutRoutes.ours, door) }));
  const cheapest = [...byDoor].sort((a, b) => total(a.items) - total(b.items))[0];
  for (const { door, items } of byDoor) {
    const label = door === 'REST API' ? 'default (REST API)' : door;
    const goals = [];
    if (door === 'REST API') goals.push({ max: 0.5, words: '≤ 0.50× seed 000' });
    if (door === cheapest.door) goals.push({ max: 0.25, words: '≤ 0.25× seed 000 (cheapest front door)' });
    add(label, items, goals.length === 0 ? undefined : goals.sort((a, b) => a.max - b.max)[0]);
  }
  add('routes on (REST API, events to EventBridge)', costPerMillion(withRoutes.ours, 'REST API'));
  const fixed = fixedMonthly(fixedResourcesOf(allOptionsTemplate()));
  const fixedTotal = fixed.reduce((sum, f) => sum + f.usdPerMonth, 0);
  add(
    'all options (REST API, routes, ordering on FIFO queues, managed WAF, VPC endpoints)',
    costPerMillion(allOptions.ours, 'REST API', { fifo: true, waf: true, interfaceEndpointBytes: allOptions.endpointBytes }),
    undefined,
    `; plus ${usd(fixedTotal)} a month whatever the traffic (${fixed.map((f) => `${f.name} ${usd(f.usdPerMonth)}`).join(', ')}); `
      + 'routes and ordering counted on the local pipeline\'s FIFO variant',
  );
  rows.push(row('cost', 'seed 000 equivalent (REST API)', `${usd(seedTotal)} / million`, { ratio: 1, note: `dominant: ${dominant(seedItems).name} ${usd(dominant(seedItems).usdPerMillion)}` }));
  for (const g of PRICE_TABLE.hostedGateways) {
    rows.push(row('cost', `hosted: ${g.name}`, g.usdPerMillion === null ? 'n/a' : `$${g.usdPerMillion.toFixed(2)} / million`, {
      ratio: g.usdPerMillion === null ? null : g.usdPerMillion / seedTotal, note: `${g.unit} (${g.source}); list price, for scale`,
    }));
  }
  rows.push(row('cost', 'counting', `${WEBHOOKS} webhooks, bodies ${Math.min(...MIX_BYTES) / 1000}–${Math.max(...MIX_BYTES) / 1000} kB`, {
    note: `DynamoDB units: DynamoDB Local's ConsumedCapacity (${withoutRoutes.dynamoUnmetered + withRoutes.dynamoUnmetered} unmetered responses); `
      + `processor batches averaged ${withoutRoutes.avgBatch.toFixed(1)} messages; durations are local ms (an estimate); prices ${PRICE_TABLE.region}, checked ${PRICE_TABLE.checked}`,
  }));

  // Claim check: inline against S3 at the sizes around the threshold (src/runtime/message.ts).
  const storageDays = 57;
  for (const kib of [64, 256, 512, 1008]) {
    const bytes = kib * 1024;
    const { inline, claimCheck } = claimCheckCosts(bytes, Math.round(bytes * 0.75), storageDays);
    rows.push(row('claim-check', `${kib} KiB message`, `inline ${usd(inline)} vs S3 ${usd(claimCheck)} / million`, {
      ratio: inline / claimCheck, note: inline <= claimCheck ? 'inline is cheaper' : 'the claim check is cheaper',
    }));
  }
  rows.push(row('claim-check', 'threshold', '1,032,192 B (1 MiB − 16 KiB)', {
    note: `inline costs 2 × ⌈size / 64 KiB⌉ SQS requests (send, receive); a claim check costs an S3 PUT + GET, two 1-chunk SQS requests and the body's storage under oversize/ for ${storageDays} days (its lifecycle rule); inline is cheaper at every size SQS accepts`,
  }));
  const file = writeRows('cost', rows.filter((r) => r.bench === 'cost'));
  writeRows('claim-check', rows.filter((r) => r.bench === 'claim-check'));
  console.log(`\nRows: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
