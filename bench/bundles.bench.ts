/**
 * What the handler bundles cost at a cold start: size on disk, gzipped size (what Lambda
 * downloads) and module initialisation time (the part of a cold start the code controls), in one
 * run, for:
 *   - every shipped bundle in assets/lambdas/ (AWS SDK v3 and Powertools bundled, minified, built
 *     with `mainFields: ['module', 'main']`, see .projenrc.ts);
 *   - the same handlers built with the SDK's default credential chain instead of
 *     src/lambdas/shared/env-credentials.ts ("before"), to show what it is worth;
 *   - seed 000's ingest handler (bench/seed/ingest.js: `require('aws-sdk')` + `new AWS.SQS()`) as
 *     the nodejs16.x runtime loaded it (unbundled, AWS SDK v2 from node_modules as from the
 *     runtime's /var/runtime/node_modules) and bundled + minified (what a newer runtime needs:
 *     nodejs18.x and later have no SDK v2); the goal is held against the faster of the two;
 *   - each AWS SDK v3 client the handlers use, alone (`new XClient({})` and one command, bundled
 *     as shipped): the floor of any handler that needs that client on every invocation, which the
 *     note of a missed goal quotes;
 *   - Powertools logger + metrics alone, and an empty module (the baseline subtracted).
 *
 * Modules a handler loads only on first use (`lazy/*.js` beside its bundle, see .projenrc.ts) are
 * not part of its init; their sizes are reported with the bundle's.
 *
 *   npx projen bench:bundles        (bundles first; rows in .bench/bundles.json)
 *
 * Init time: median of ROUNDS fresh `node` processes per variant, variants interleaved, minus the
 * empty module's median (bare `node` start-up). Every process runs with `--no-warnings`: on the
 * Node.js 20 of this machine the SDK v3 prints a warning about Node.js versions that Lambda's
 * nodejs22.x and nodejs24.x runtimes do not print (SDK v2's own notice is silenced by ENV below).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import { firstRequestMillis, type FirstRequestVariant } from './first-request';
import { median, row, writeRows, type BenchRow } from './results';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const INIT_GOAL = 0.25;
const SIZE_GUIDE_BYTES = 300_000;
const ENV: Record<string, string> = {
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/q',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
  ARCHIVE_FAILURE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/afq',
  ARCHIVE_BUCKET: 'b',
  ARCHIVE_PREFIX: 'raw/',
  OVERSIZE_PREFIX: 'oversize/',
  DEAD_LETTER_PREFIX: 'dead-letters/',
  REDRIVEN_PREFIX: 'dead-letters-redriven/',
  TABLE_NAME: 't',
  INDEX_NAME: 'i',
  EVENT_BUS_NAME: 'bus',
  PROCESSOR_NAME: 'p',
  PROVIDER_NAMES: '[]',
  MAX_RECEIVE_COUNT: '5',
  REPLAY_RATE_PER_SECOND: '10',
  WEBHOOK_PROVIDERS: '{"t":300,"p":[]}',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
  // The unbundled seed handler resolves aws-sdk from the repo's node_modules.
  NODE_PATH: join(process.cwd(), 'node_modules'),
};

/** esbuild options of .projenrc.ts's bundlingOptions (the shipped ones), for the rebuilt variants. */
const SHIPPED_BUILD: BuildOptions = {
  bundle: true,
  minify: true,
  keepNames: true,
  platform: 'node',
  target: 'node22',
  logLevel: 'silent',
  mainFields: ['module', 'main'],
  alias: { '@aws-sdk/credential-provider-node': './src/lambdas/shared/env-credentials.ts' },
  external: ['./lazy/*'],
};
/**
 * The same with the SDK's default credential chain (as shipped before env-credentials.ts; what
 * `mainFields` was worth is in bench/README.md).
 */
const BEFORE_BUILD: BuildOptions = { ...SHIPPED_BUILD, alias: undefined };

interface Variant {
  readonly label: string;
  readonly file: string;
}

function initMillis(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(execFileSync(process.execPath, ['--no-warnings', '-e', script], { env: { ...process.env, ...ENV }, cwd: process.cwd(), stdio: ['ignore', 'pipe', 'ignore'] }).toString());
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(0)} kB`;

/** The AWS SDK v3 clients the handlers use, each with one command they send. */
const CLIENTS: Readonly<Record<string, { readonly client: string; readonly command: string; readonly label: string }>> = {
  '@aws-sdk/client-dynamodb': { client: 'DynamoDBClient', command: 'PutItemCommand', label: 'DynamoDB' },
  '@aws-sdk/client-s3': { client: 'S3Client', command: 'PutObjectCommand', label: 'S3' },
  '@aws-sdk/client-sqs': { client: 'SQSClient', command: 'SendMessageCommand', label: 'SQS' },
  '@aws-sdk/client-secrets-manager': { client: 'SecretsManagerClient', command: 'GetSecretValueCommand', label: 'Secrets Manager' },
  '@aws-sdk/client-eventbridge': { client: 'EventBridgeClient', command: 'PutEventsCommand', label: 'EventBridge' },
};
const clientLabel = (pkg: string) => `${CLIENTS[pkg].label} client alone`;

/** The SDK clients a bundle contains (from its metafile). */
function clientsIn(metafile: Metafile): string[] {
  const inputs = Object.keys(Object.values(metafile.outputs)[0].inputs);
  return Object.keys(CLIENTS).filter((pkg) => inputs.some((input) => input.includes(`node_modules/${pkg}/`)));
}

/** The modules a handler requires on first use, beside its bundle (`lazy/*.js`), with their sizes. */
function lazyModules(name: string): string {
  const dir = `assets/lambdas/${name}/${name}.lambda/lazy`;
  if (!existsSync(dir)) return '';
  const files = readdirSync(dir).filter((f) => f.endsWith('.js')).sort();
  return files.map((f) => `; + lazy/${f} ${kb(statSync(join(dir, f)).size)} on first use`).join('');
}

/** The three packages (or source folders) that put the most bytes in a bundle. */
function heaviestInputs(metafile: Metafile): string {
  const output = Object.values(metafile.outputs)[0];
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = match ? match[1] : input.split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${kb(v)}`).join(', ');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bundles-bench-'));
  try {
    const handlers = readdirSync('assets/lambdas').sort();
    if (handlers.length === 0) throw new Error('no bundles in assets/lambdas: run `npx projen bundle` first');
    const variants: Variant[] = [];
    const heaviest = new Map<string, string>();
    const clientsOf = new Map<string, string[]>();
    for (const name of handlers) {
      const entry = `src/lambdas/${name}/${name}.lambda.ts`;
      variants.push({ label: `${name}`, file: join(process.cwd(), `assets/lambdas/${name}/${name}.lambda/index.js`) });
      const before = join(dir, `${name}-before.js`);
      buildSync({ ...BEFORE_BUILD, entryPoints: [entry], outfile: before });
      variants.push({ label: `${name} (before)`, file: before });
      const meta = buildSync({ ...SHIPPED_BUILD, entryPoints: [entry], outfile: join(dir, `${name}-meta.js`), metafile: true }).metafile!;
      heaviest.set(name, heaviestInputs(meta));
      clientsOf.set(name, clientsIn(meta));
    }
    for (const [pkg, { client, command }] of Object.entries(CLIENTS)) {
      const file = join(dir, `${CLIENTS[pkg].label.replace(/ /g, '-')}.js`);
      buildSync({
        ...SHIPPED_BUILD,
        stdin: { contents: `import { ${client}, ${command} } from '${pkg}'; export const c = new ${client}({}); export const k = ${command};`, resolveDir: process.cwd(), loader: 'ts' },
        outfile: file,
      });
      variants.push({ label: clientLabel(pkg), file });
    }
    const seedBundled = join(dir, 'seed-ingest-bundled.js');
    buildSync({ ...SHIPPED_BUILD, mainFields: undefined, entryPoints: ['bench/seed/ingest.js'], outfile: seedBundled });
    variants.push({ label: 'seed ingest, SDK v2 from the runtime', file: join(process.cwd(), 'bench/seed/ingest.js') });
    variants.push({ label: 'seed ingest, SDK v2 bundled', file: seedBundled });
    const powertools = join(dir, 'powertools.js');
    buildSync({
      ...SHIPPED_BUILD,
      stdin: {
        contents: "import { Logger } from '@aws-lambda-powertools/logger'; import { Metrics } from '@aws-lambda-powertools/metrics'; export const l = new Logger(); export const m = new Metrics();",
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      outfile: powertools,
    });
    variants.push({ label: 'Powertools logger+metrics only', file: powertools });
    const emptyFile = join(dir, 'empty.js');
    writeFileSync(emptyFile, '');
    variants.push({ label: 'empty module', file: emptyFile });

    const samples = new Map<string, number[]>(variants.map((v) => [v.label, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) samples.get(v.label)!.push(initMillis(v.file));
    }
    const baseline = median(samples.get('empty module')!);
    const init = (label: string) => median(samples.get(label)!) - baseline;
    const size = (label: string) => statSync(variants.find((v) => v.label === label)!.file).size;
    const gzip = (label: string) => gzipSync(readFileSync(variants.find((v) => v.label === label)!.file)).length;

    console.log(`Handler bundles: size and module init (median of ${ROUNDS} fresh node processes minus bare node ${baseline.toFixed(1)} ms; ${process.version}, ${process.arch})\n`);
    console.log(`${'variant'.padEnd(38)}${'size'.padStart(9)}${'gzip'.padStart(9)}${'init ms'.padStart(10)}`);
    for (const v of variants) {
      console.log(`${v.label.padEnd(38)}${kb(size(v.label)).padStart(9)}${kb(gzip(v.label)).padStart(9)}${init(v.label).toFixed(1).padStart(10)}`);
    }

    const seedRuntime = init('seed ingest, SDK v2 from the runtime');
    const seedBundledInit = init('seed ingest, SDK v2 bundled');
    const seedRef = Math.min(seedRuntime, seedBundledInit);
    const seedRefLabel = seedRef === seedRuntime ? 'seed ingest (SDK v2 from the runtime)' : 'seed ingest (SDK v2 bundled)';
    const rows: BenchRow[] = [
      row('bundles', 'seed ingest, SDK v2 from the runtime (nodejs16.x style)', `${seedRuntime.toFixed(1)} ms init, ${kb(size('seed ingest, SDK v2 from the runtime'))} + aws-sdk`, { note: seedRef === seedRuntime ? 'the reference for the init goal (the faster seed variant)' : null }),
      row('bundles', 'seed ingest, SDK v2 bundled (minified)', `${seedBundledInit.toFixed(1)} ms init, ${kb(size('seed ingest, SDK v2 bundled'))}`, { note: seedRef === seedBundledInit ? 'the reference for the init goal (the faster seed variant)' : null }),
    ];
    for (const pkg of Object.keys(CLIENTS)) {
      const ms = init(clientLabel(pkg));
      rows.push(row('bundles', `floor: ${clientLabel(pkg)}`, `${ms.toFixed(1)} ms init, ${kb(size(clientLabel(pkg)))}`, {
        ratio: ms / seedRef,
        note: `new ${CLIENTS[pkg].client}({}) and ${CLIENTS[pkg].command}, bundled as shipped: the least a handler that needs it on every invocation can take`,
      }));
    }
    for (const name of handlers) {
      const ms = init(name);
      const ratio = ms / seedRef;
      const met = ratio <= INIT_GOAL;
      const floors = (clientsOf.get(name) ?? []).map((pkg) => ({ pkg, ratio: init(clientLabel(pkg)) / seedRef })).sort((a, b) => b.ratio - a.ratio);
      const floorNote = floors.map((f) => `${CLIENTS[f.pkg].label} ${f.ratio.toFixed(2)}×`).join(', ');
      rows.push(row('bundles', `${name} init`, `${ms.toFixed(1)} ms (before ${init(`${name} (before)`).toFixed(1)} ms)`, {
        ratio,
        goal: `≤ ${INIT_GOAL}× ${seedRefLabel}`,
        met,
        note: met ? null : `held back by the SDK clients its bundle loads at init, each alone (floor rows): ${floorNote}; `
          + `heaviest inputs: ${heaviest.get(name)}`,
      }));
      const bytes = size(name);
      rows.push(row('bundles', `${name} bundle`, `${kb(bytes)} (gzip ${kb(gzip(name))}; before ${kb(size(`${name} (before)`))}${lazyModules(name)})`, {
        goal: `< ${kb(SIZE_GUIDE_BYTES)} (a guide)`,
        met: bytes < SIZE_GUIDE_BYTES,
        note: bytes < SIZE_GUIDE_BYTES ? null : `heaviest inputs: ${heaviest.get(name)}`,
      }));
    }
    // Cold start as a whole: init + the first request, for the ingest and status handlers as
    // shipped and as before, and the seed (bench/first-request.ts).
    const firstVariants: FirstRequestVariant[] = [
      ...['ingest', 'status'].filter((name) => handlers.includes(name)).flatMap((name) => [
        { label: name, file: variants.find((v) => v.label === name)!.file, kind: name as 'ingest' | 'status' },
        { label: `${name} (before)`, file: variants.find((v) => v.label === `${name} (before)`)!.file, kind: name as 'ingest' | 'status' },
      ]),
      { label: 'seed ingest', file: join(process.cwd(), 'bench/seed/ingest.js'), kind: 'seed-ingest' },
    ];
    const first = await firstRequestMillis(firstVariants, ROUNDS, ENV);
    const firstMs = (label: string) => median(first.get(label)!) - baseline;
    const seedFirst = firstMs('seed ingest');
    console.log(`\nInit + first request (median of ${ROUNDS}, minus bare node):`);
    for (const v of firstVariants) console.log(`${v.label.padEnd(38)}${firstMs(v.label).toFixed(1).padStart(10)} ms`);
    rows.push(row('bundles', 'seed ingest, init + first delivery', `${seedFirst.toFixed(1)} ms`, { note: 'SDK v2 from the runtime; one SQS send to a local stub' }));
    for (const v of firstVariants.filter((f) => f.kind !== 'seed-ingest' && !f.label.endsWith('(before)'))) {
      rows.push(row('bundles', `${v.label} init + first ${v.kind === 'ingest' ? 'delivery' : 'read'}`, `${firstMs(v.label).toFixed(1)} ms (before ${firstMs(`${v.label} (before)`).toFixed(1)} ms)`, {
        ratio: firstMs(v.label) / seedFirst,
        note: v.kind === 'ingest'
          ? 'one signed Stripe delivery: Secrets Manager read + SQS send to a local stub; ratio to the seed\'s init + first delivery'
          : 'one GET /status/{id}: a DynamoDB read from a local stub; ratio to the seed ingest\'s init + first delivery',
      }));
    }
    rows.push(row('bundles', 'Powertools logger+metrics alone', `${init('Powertools logger+metrics only').toFixed(1)} ms init, ${kb(size('Powertools logger+metrics only'))}`));
    const file = writeRows('bundles', rows);
    console.log(`\nReference for the init goal: ${seedRefLabel}, ${seedRef.toFixed(1)} ms. Rows: ${file}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
