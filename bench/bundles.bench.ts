/**
 * What the handler bundles cost: size on disk, gzipped size (what Lambda downloads) and module
 * initialisation time (the part of a cold start the code controls), measured side by side in one
 * run for:
 *   - the shipped bundles in assets/ (AWS SDK v3 and Powertools bundled, minified);
 *   - the same handlers with `@aws-sdk/*` left external, as if loaded from the runtime's copy;
 *   - Powertools logger + metrics alone, and an empty module, to show what Powertools adds.
 *
 *   npx projen bundle && npx ts-node --project tsconfig.dev.json bench/bundles.bench.ts
 *
 * Init time is measured in fresh `node` processes (median of ROUNDS, variants interleaved).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';

const ROUNDS = 15;
const HANDLERS = ['ingest', 'processor', 'status'] as const;
const ENV = {
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/q',
  ARCHIVE_BUCKET: 'b',
  ARCHIVE_PREFIX: 'raw/',
  OVERSIZE_PREFIX: 'oversize/',
  TABLE_NAME: 't',
  WEBHOOK_PROVIDERS: '[]',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  // The SDK-external variants resolve @aws-sdk/* from the repo's node_modules.
  NODE_PATH: join(process.cwd(), 'node_modules'),
};

interface Variant {
  readonly label: string;
  readonly file: string;
}

const BUILD = { bundle: true, minify: true, keepNames: true, platform: 'node', target: 'node22', logLevel: 'silent' } as const;

function bundle(dir: string, name: string, entry: string, external: string[]): string {
  const outfile = join(dir, `${name}.js`);
  buildSync({ ...BUILD, entryPoints: [entry], outfile, external });
  return outfile;
}

function bundleSource(dir: string, name: string, contents: string): string {
  const outfile = join(dir, `${name}.js`);
  buildSync({ ...BUILD, stdin: { contents, resolveDir: process.cwd(), loader: 'ts' }, outfile });
  return outfile;
}

function initMillis(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...ENV }, cwd: process.cwd() }).toString());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'bundles-bench-'));
  try {
    const variants: Variant[] = [];
    for (const name of HANDLERS) {
      variants.push({ label: `${name} (shipped)`, file: join(process.cwd(), `assets/lambdas/${name}/${name}.lambda/index.js`) });
      variants.push({ label: `${name} (SDK external)`, file: bundle(dir, `${name}-sdk-external`, `src/lambdas/${name}/${name}.lambda.ts`, ['@aws-sdk/*']) });
    }
    const powertools = [
      "import { Logger } from '@aws-lambda-powertools/logger';",
      "import { Metrics } from '@aws-lambda-powertools/metrics';",
      'export const logger = new Logger();',
      'export const metrics = new Metrics();',
    ].join('\n');
    variants.push({ label: 'Powertools logger+metrics only', file: bundleSource(dir, 'powertools', powertools) });
    const emptyFile = join(dir, 'empty.js');
    writeFileSync(emptyFile, '');
    variants.push({ label: 'empty module', file: emptyFile });

    const samples = new Map<string, number[]>(variants.map((v) => [v.label, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        samples.get(v.label)!.push(initMillis(v.file));
      }
    }

    const baseline = median(samples.get('empty module')!);
    console.log(`Handler bundles: size and module init time (median of ${ROUNDS} fresh node processes, ${process.version}, ${process.arch})\n`);
    console.log(`${'variant'.padEnd(34)}${'size KiB'.padStart(10)}${'gzip KiB'.padStart(10)}${'init ms'.padStart(10)}${'init − empty'.padStart(14)}`);
    for (const v of variants) {
      const bytes = readFileSync(v.file);
      const init = median(samples.get(v.label)!);
      console.log(`${v.label.padEnd(34)}${(statSync(v.file).size / 1024).toFixed(0).padStart(10)}${(gzipSync(bytes).length / 1024).toFixed(0).padStart(10)}${init.toFixed(1).padStart(10)}${(init - baseline).toFixed(1).padStart(14)}`);
    }
    console.log('\nSDK external: the runtime would load @aws-sdk/* from its own (unminified) copy; here it loads from node_modules.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
