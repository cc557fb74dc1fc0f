/**
 * The modules a handler loads only on first use (`src/lambdas/<name>/lazy/`, see .projenrc.ts)
 * stay out of the bundle Lambda parses at a cold start, and ship beside it, where the handler's
 * `require('./lazy/<module>')` finds them. The local pipeline runs both paths through the real
 * bundles (test/local/e2e.test.ts: oversize deliveries; test/local/validation.test.ts: schemas).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { PayloadSchema, WebhookProcessor, WebhookProvider } from '../../src';

const bundleDir = (handler: string) => path.join('assets', 'lambdas', handler, `${handler}.lambda`);

test('every lazy module in src/lambdas/<name>/lazy/ is bundled beside its handler\'s bundle', () => {
  const sources = fs.readdirSync(path.join('src', 'lambdas')).flatMap((handler) => {
    const dir = path.join('src', 'lambdas', handler, 'lazy');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => ({ handler, module: f.replace(/\.ts$/, '') })) : [];
  });
  expect(sources.length).toBeGreaterThan(0);
  const missing = sources.filter(({ handler, module }) => !fs.existsSync(path.join(bundleDir(handler), 'lazy', `${module}.js`)));
  expect(missing).toEqual([]);
});

test.each([
  // The S3 client: the ingest needs it only for deliveries too large for an SQS message.
  ['ingest', 'oversize-store', 'PutObjectCommand'],
  // Ajv: the processor needs it only when the construct ships payload schemas.
  ['processor', 'payload-validator', 'ajv/dist/runtime/equal'],
])('%s requires lazy/%s.js, which holds what its bundle leaves out (%s)', (handler, module, marker) => {
  const bundle = fs.readFileSync(path.join(bundleDir(handler), 'index.js'), 'utf8');
  const lazy = fs.readFileSync(path.join(bundleDir(handler), 'lazy', `${module}.js`), 'utf8');
  expect(bundle).toContain(`require("./lazy/${module}")`);
  expect(lazy).toContain(marker);
  expect(bundle).not.toContain(marker);
});

test('the synthesized code asset of each function with lazy modules holds them beside index.js, as Lambda would unpack it', () => {
  const app = new App();
  const stack = new Stack(app, 'Lazy');
  new WebhookProcessor(stack, 'Webhooks', {
    providers: [WebhookProvider.stripe({
      secrets: [new secretsmanager.Secret(stack, 'Secret')],
      schema: PayloadSchema.fromObject({ type: 'object' }),
    })],
  });
  const assembly = app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'Lazy.assets.json'), 'utf8')) as { files: Record<string, { source: { path: string } }> };
  const assetFiles = Object.values(manifest.files).map((f) => path.join(assembly.directory, f.source.path))
    .filter((dir) => fs.existsSync(path.join(dir, 'index.js')))
    .map((dir) => ({ index: fs.readFileSync(path.join(dir, 'index.js')), lazy: fs.existsSync(path.join(dir, 'lazy')) ? fs.readdirSync(path.join(dir, 'lazy')) : [] }));
  for (const [handler, module] of [['ingest', 'oversize-store'], ['processor', 'payload-validator']]) {
    const shipped = fs.readFileSync(path.join(bundleDir(handler), 'index.js'));
    const asset = assetFiles.find((a) => a.index.equals(shipped));
    expect(asset?.lazy).toEqual([`${module}.js`]);
  }
});
