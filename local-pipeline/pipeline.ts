// Over 400 lines: startPipeline() wires every stand-in from the template in one readable order
// (emulators, resources, functions, front door, event sources, stream, bus); each stand-in is its
// own module under stand-ins/.
/**
 * The whole local pipeline, built from the synthesized construct: emulators, resources created
 * from the template, the shipped handler bundles in child processes with the environment the
 * construct sets, the API in front of them and the SQS event source behind them. Optionally, a
 * faulty proxy between the handlers and the emulators.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { onCleanup } from './cleanup';
import {
  CALLER_CREDENTIALS, clientsFor, destroyClients, endpointEnvironment, FUNCTION_CREDENTIALS, LOCAL_ACCOUNT_ID, LOCAL_REGION,
  type ServiceEndpoints,
} from './emulators/aws';
import { REPO_ROOT, startEmulators, type Emulators } from './emulators/emulators';
import { functionName, provisionFromTemplate, type AwsClients, type Provisioned, type ProvisionedQueue } from './emulators/provision';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { startApiServer, type ApiServer } from './stand-ins/api-gateway';
import { startEventBus, type BusRule, type EventBus } from './stand-ins/event-bus';
import { startSqsEventSource, type EventSourceHandle, type EventSourceOptions } from './stand-ins/event-source';
import { createLocalFunction, lambdaReservedEnvironment, type LocalFunction } from './stand-ins/functions';
import { startV2Server, type V2Server } from './stand-ins/payload-v2';
import { startStreamSource, type StreamSourceHandle } from './stand-ins/stream-source';
import { LOCAL_HANDSHAKE_PROVIDERS, LOCAL_SECRET_VALUES, LOCAL_TARGETS_DIR, STACK_NAME, synthesizeLocalApp, type LocalProcessorProps } from './template/app';
import { localTargetDirs, matchShippedBundles, type ShippedBundle } from './template/bundles';
import {
  type LocalFrontDoor, apiRoutes, apiSettings, eventRules, frontDoorOf, functionUrlsOf, httpApiRoutes, functionSpecs, propertiesOf,
  resolve, resolveString, sqsEventSources, streamEventSources,
  type ApiRoute, type FunctionSpec, type SqsEventSource, type StreamEventSource,
} from './template/template';
import type { ProviderRuntimeConfig } from '../src/providers/provider-config';
import { decodeProviders } from '../src/providers/provider-encoding';

const RUNS_DIR = path.join(REPO_ROOT, '.emulators', 'runs');
const KEPT_RUNS = 10;

export interface PipelineOptions {
  /** WebhookProcessor props (everything but the providers), e.g. a short `processing.timeout`. */
  readonly props?: LocalProcessorProps;
  /** Add a provider of each remaining signature scheme family (LOCAL_SCHEME_FAMILIES in template/app.ts). @default false */
  readonly everySchemeFamily?: boolean;
  /** Whether the app has the local routes (and so the event bus and the publisher); bench/cost.bench.ts compares both. @default true */
  readonly routes?: boolean;
  /** Port of the API on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly apiPort?: number;
  /**
   * Fail this share of the handlers' DynamoDB PutItem and S3 PutObject requests: of every
   * function's, or only of the functions named (bundle names, e.g. `['processor']`).
   */
  readonly faults?: { readonly rate: number; readonly seed: number; readonly functions?: readonly string[] };
  /** Extra environment of every function (e.g. AWS_MAX_ATTEMPTS), on top of what the construct sets. */
  readonly extraFunctionEnvironment?: Readonly<Record<string, string>>;
  /** Refuse this share of PutEvents entries at the local bus (ErrorCode InternalFailure). */
  readonly busFaults?: { readonly rate: number; readonly seed: number };
  /** Whether to run the SQS event source (the fuzz test invokes ingest alone). @default true */
  readonly eventSource?: boolean;
  /** Whether to run the dead-letter queue's event source (the archiver), with `eventSource`. @default true */
  readonly deadLetterArchiver?: boolean;
  /** Caps concurrent environments per function and SQS pollers, for a small machine. */
  readonly maxLocalConcurrency?: number;
  /** Sees every message the event source receives. */
  readonly onReceive?: EventSourceOptions['onReceive'];
  readonly onBatch?: EventSourceOptions['onBatch'];
  /** The value of a provider's first secret, by provider name, instead of the app's test value (e.g. the `stripe listen` secret). */
  readonly secretOverrides?: Readonly<Record<string, string>>;
  /** Sees every API request (an access log). */
  readonly onApiRequest?: (entry: { method: string; path: string; status: number; ms: number }) => void;
  /** Progress lines. @default none */
  readonly progress?: (line: string) => void;
  /** Where logs and the cloud assembly go. @default .emulators/runs/<time>-<pid> */
  readonly runDir?: string;
}

export interface LocalResources {
  readonly queue: ProvisionedQueue;
  readonly deadLetterQueue: ProvisionedQueue;
  /** Where the dead-letter queue's redrive policy sends what the archiver could not save. */
  readonly archiveFailureQueue: ProvisionedQueue;
  readonly tableName: string;
  readonly bucketName: string;
}

export interface Pipeline {
  /** `http://127.0.0.1:<port>` of the API (or of the function URLs, which share it). */
  readonly url: string;
  /** The front door the template has, which the stand-in emulates. */
  readonly frontDoor: LocalFrontDoor;
  /** The SigV4 service of the IAM routes: `execute-api`, or `lambda` for function URLs. */
  readonly iamService: string;
  readonly apiPort: number;
  readonly runDir: string;
  /**
   * The providers the sample deliveries are for: those of the ingest function's resolved
   * WEBHOOK_PROVIDERS but the ones with handshakes (LOCAL_HANDSHAKE_PROVIDERS), which
   * test/local/handshakes.test.ts exercises.
   */
  readonly providers: readonly ProviderRuntimeConfig[];
  /** Every provider as the ingest function reads them (its resolved WEBHOOK_PROVIDERS). */
  readonly allProviders: readonly ProviderRuntimeConfig[];
  /** The Lambda runtime the functions declare in the template (one for all), e.g. `nodejs24.x`. */
  readonly runtime: string;
  /** The live secret values of each provider, in the order of its secretArns. */
  readonly secretsOf: (provider: string) => readonly string[];
  readonly functions: Readonly<Record<string, LocalFunction>>;
  readonly bundles: readonly ShippedBundle[];
  /** The environment each function runs with, as the construct set it (resolved), by bundle name. */
  readonly constructEnvironments: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly resources: LocalResources;
  readonly routes: readonly ApiRoute[];
  readonly mapping: SqsEventSource;
  /** The table stream → publisher mapping, as the template declares it. */
  readonly streamMapping?: StreamEventSource;
  /** The stream stand-in feeding the publisher (only while the SQS event source runs). */
  readonly streamSource?: StreamSourceHandle;
  /** The local EventBridge with the template's rules, and its delivery log. */
  readonly bus?: EventBus;
  /** The rules on the bus. */
  readonly busRules: readonly BusRule[];
  /** Clients straight to the emulators (never through the fault proxy). */
  readonly clients: AwsClients;
  readonly emulators: Emulators;
  readonly eventSource?: EventSourceHandle;
  /** The dead-letter queue's event source (the archiver), when running. */
  readonly deadLetterEventSource?: EventSourceHandle;
  readonly faultProxies: readonly FaultProxy[];
  readonly provisioned: Provisioned;
  stop(): Promise<void>;
}

export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const progress = options.progress ?? (() => undefined);
  const runDir = options.runDir ?? path.join(RUNS_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  pruneOldRuns();
  fs.mkdirSync(runDir, { recursive: true });
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = onCleanup(async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
  });
  try {
    return await build(options, runDir, progress, stoppers, stopAll);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function build(
  options: PipelineOptions, runDir: string, progress: (line: string) => void,
  stoppers: Array<() => Promise<void>>, stopAll: () => Promise<void>,
): Promise<Pipeline> {
  let t = Date.now();
  const step = (line: string) => {
    progress(`${line} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    t = Date.now();
  };

  const synth = synthesizeLocalApp(path.join(runDir, 'cdk.out'), options.props, { everySchemeFamily: options.everySchemeFamily, routes: options.routes });
  const template = synth.template;
  const specs = functionSpecs(template);
  const bundleByFunction = matchShippedBundles(specs, synth.assetManifest, synth.outdir, REPO_ROOT, localTargetDirs(LOCAL_TARGETS_DIR));
  step(`synthesized ${STACK_NAME}: ${Object.keys(template.Resources).length} resources; each function's asset is byte-identical, file for file, to ${[...bundleByFunction.values()].map((b) => `${path.relative(REPO_ROOT, path.dirname(b.file))}/`).join(', ')}`);

  const emulators = await startEmulators(path.join(runDir, 'logs'));
  stoppers.push(emulators.stop);
  step(`emulators up on 127.0.0.1: moto (SQS, S3, Secrets Manager) :${emulators.moto.port}, DynamoDB Local :${emulators.dynamodb.port}`);

  const direct: ServiceEndpoints = {
    sqs: emulators.moto.endpoint, s3: emulators.moto.endpoint, secretsManager: emulators.moto.endpoint, dynamodb: emulators.dynamodb.endpoint,
  };
  const clients = clientsFor(direct);
  stoppers.push(async () => destroyClients(clients));
  const provisioned = await provisionFromTemplate(template, clients, {
    stackName: STACK_NAME, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, secretValues: LOCAL_SECRET_VALUES,
  });
  step(`created from the template: ${provisioned.queues.length} queues, ${provisioned.tables.length} table, ${provisioned.buckets.length} bucket, ${provisioned.secrets.length} secrets`);

  const ingestSpec = specs.find((s) => s.environment.WEBHOOK_PROVIDERS !== undefined);
  const providers: ProviderRuntimeConfig[] = ingestSpec
    ? decodeProviders(resolveString(ingestSpec.environment.WEBHOOK_PROVIDERS, provisioned.context))
    : [];
  const secretValueByArn = new Map(provisioned.secrets.map((s) => [s.arn, s.value]));
  for (const [name, value] of Object.entries(options.secretOverrides ?? {})) {
    const arn = providers.find((p) => p.name === name)?.secretArns[0];
    if (arn === undefined) throw new Error(`no provider named '${name}' has a secret to override`);
    await clients.secretsManager.send(new PutSecretValueCommand({ SecretId: arn, SecretString: value }));
    secretValueByArn.set(arn, value);
  }

  let functionsByArn: Map<string, LocalFunction> | undefined;
  const faultProxies: FaultProxy[] = [];
  let handlerEndpoints = direct;
  /** The endpoints of functions the fault proxies leave alone: the emulators, and the bus. */
  let unfaultedEndpoints = direct;
  if (options.faults) {
    const [motoProxy, dynamoProxy] = await Promise.all([
      startFaultProxy({ target: emulators.moto.endpoint, ...options.faults }),
      startFaultProxy({ target: emulators.dynamodb.endpoint, ...options.faults, seed: options.faults.seed + 1 }),
    ]);
    faultProxies.push(motoProxy, dynamoProxy);
    stoppers.push(motoProxy.stop, dynamoProxy.stop);
    handlerEndpoints = { sqs: motoProxy.endpoint, s3: motoProxy.endpoint, secretsManager: motoProxy.endpoint, dynamodb: dynamoProxy.endpoint };
    step(`fault proxies in front of the emulators: ${Math.round(options.faults.rate * 100)} % of PutItem and PutObject fail`
      + (options.faults.functions ? ` (of ${options.faults.functions.join(', ')} only)` : ''));
  }

  const functions: Record<string, LocalFunction> = {};
  const byLogicalId = new Map<string, LocalFunction>();

  const busRules = eventRules(template).map((rule): BusRule => {
    const bus = provisioned.buses.find((b) => b.logicalId === rule.busLogicalId);
    const busName = bus?.name ?? 'default';
    return {
      name: rule.constructId,
      arn: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/${busName}/${STACK_NAME}-${rule.logicalId}`,
      busName,
      eventPattern: rule.eventPattern,
      enabled: rule.enabled,
      targets: rule.targets.map(({ deadLetterArn, ...target }) => ({
        ...target,
        arn: resolveString(target.arn, provisioned.context),
        ...(deadLetterArn !== undefined ? { deadLetterArn: resolveString(deadLetterArn, provisioned.context) } : {}),
      })),
    };
  });
  let bus: EventBus | undefined;
  if (provisioned.buses.length > 0) {
    const functionByArn = new Map<string, LocalFunction>();
    bus = await startEventBus({
      rules: busRules,
      busNames: provisioned.buses.map((b) => b.name),
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      sqs: clients.sqs,
      queueUrlByArn: new Map(provisioned.queues.map((q) => [q.arn, q.url])),
      functionByArn: (arn) => functionByArn.get(arn),
      faults: options.busFaults,
    });
    stoppers.push(bus.stop);
    handlerEndpoints = { ...handlerEndpoints, eventBridge: bus.endpoint };
    unfaultedEndpoints = { ...direct, eventBridge: bus.endpoint };
    // Filled in below, once the functions exist.
    functionsByArn = functionByArn;
    step(`event bus on ${bus.endpoint} (Event Ruler): ${busRules.map((r) => `${r.name} → ${r.targets.map((target) => target.arn.split(':')[2]).join(', ')}`).join('; ')}`
      + `${options.busFaults ? `; refuses ${Math.round(options.busFaults.rate * 100)} % of entries (InternalFailure)` : ''}`);
  }
  const constructEnvironments: Record<string, Record<string, string>> = {};
  for (const spec of specs) {
    const bundle = bundleByFunction.get(spec.logicalId)!;
    const constructEnvironment = Object.fromEntries(Object.entries(spec.environment).map(([k, v]) => [k, resolveString(v, provisioned.context)]));
    constructEnvironments[bundle.name] = constructEnvironment;
    const faulty = options.faults?.functions === undefined || options.faults.functions.includes(bundle.name);
    const endpoints = faulty ? handlerEndpoints : unfaultedEndpoints;
    const fn = createFunction(spec, bundle, constructEnvironment, endpoints, options, runDir, template.Resources[spec.logicalId].Properties);
    functions[bundle.name] = fn;
    byLogicalId.set(spec.logicalId, fn);
    functionsByArn?.set(provisioned.context.attributes[`${spec.logicalId}.Arn`], fn);
    stoppers.push(fn.stop);
  }
  const runtime = declaredRuntime(specs);
  step(`functions declare ${runtime}; they run here on Node.js ${process.versions.node}${localNodeMajor() < nodeMajor(runtime) ? ', which is older' : ''}`);

  const frontDoor = frontDoorOf(template);
  let api: ApiServer | V2Server;
  let routes: ApiRoute[];
  if (frontDoor === 'rest-api') {
    routes = apiRoutes(template);
    const settings = apiSettings(template);
    api = await startApiServer({
      routes,
      functions: byLogicalId,
      stage: settings.stageName,
      binaryMediaTypes: settings.binaryMediaTypes,
      gatewayResponses: settings.gatewayResponses,
      accountId: LOCAL_ACCOUNT_ID,
      region: LOCAL_REGION,
      queueUrls: new Map(provisioned.queues.map((q) => [q.logicalId, q.url])),
      callers: [CALLER_CREDENTIALS],
      port: options.apiPort ?? 0,
      onRequest: options.onApiRequest,
    });
  } else if (frontDoor === 'http-api') {
    routes = httpApiRoutes(template);
    api = await startV2Server({
      routes,
      functions: byLogicalId,
      accountId: LOCAL_ACCOUNT_ID,
      region: LOCAL_REGION,
      callers: [CALLER_CREDENTIALS],
      port: options.apiPort ?? 0,
      onRequest: options.onApiRequest,
    });
  } else {
    const firstSegments: Readonly<Record<string, string>> = { ingest: 'webhook', status: 'status', list: 'webhooks' };
    const functionUrls = functionUrlsOf(template)
      .map((u) => ({ ...u, firstSegment: firstSegments[bundleByFunction.get(u.functionLogicalId)!.name] }));
    // As routes, for the progress line and the tests: every method of every path reaches the function.
    routes = functionUrls.map((u) => ({
      httpMethod: 'ANY',
      resourcePath: `/${u.firstSegment}/*`,
      resourceLogicalId: u.functionLogicalId,
      authorizationType: u.authType,
      functionLogicalId: u.functionLogicalId,
    }));
    api = await startV2Server({
      functionUrls,
      functions: byLogicalId,
      accountId: LOCAL_ACCOUNT_ID,
      region: LOCAL_REGION,
      callers: [CALLER_CREDENTIALS],
      port: options.apiPort ?? 0,
      onRequest: options.onApiRequest,
    });
  }
  stoppers.push(api.stop);
  step(`${frontDoor} on ${api.url}: ${routes.map((r) => `${r.httpMethod} ${r.resourcePath}${r.authorizationType === 'AWS_IAM' ? ' (IAM)' : ''} → ${r.sqs ? 'SQS' : bundleByFunction.get(r.functionLogicalId)!.name}`).join(', ')}`);

  const { mapping, deadLetterMapping } = webhookMappings(sqsEventSources(template), provisioned);
  const resources = localResources(provisioned, mapping);
  let eventSource: EventSourceHandle | undefined;
  let deadLetterEventSource: EventSourceHandle | undefined;
  if (options.eventSource ?? true) {
    eventSource = startSqsEventSource({
      sqs: clients.sqs,
      queueUrl: resources.queue.url,
      queueArn: resources.queue.arn,
      region: LOCAL_REGION,
      mapping,
      fn: byLogicalId.get(mapping.functionLogicalId)!,
      maxLocalConcurrency: options.maxLocalConcurrency,
      maxReceiveCount: JSON.parse(resources.queue.attributes.RedrivePolicy).maxReceiveCount,
      onReceive: options.onReceive,
      onBatch: options.onBatch,
    });
    // Stopped before the functions (registered later, so it runs earlier).
    stoppers.push(eventSource.stop);
    step(`SQS event source → ${bundleByFunction.get(mapping.functionLogicalId)!.name}: batch ${mapping.batchSize}, window ${mapping.maximumBatchingWindowSeconds} s, `
      + `max concurrency ${mapping.maximumConcurrency ?? 'default'}, ReportBatchItemFailures ${mapping.reportBatchItemFailures}; `
      + `queue visibility ${resources.queue.attributes.VisibilityTimeout} s, redrive after ${JSON.parse(resources.queue.attributes.RedrivePolicy).maxReceiveCount} receives`);
    if (options.deadLetterArchiver ?? true) {
      deadLetterEventSource = startSqsEventSource({
        sqs: clients.sqs,
        queueUrl: resources.deadLetterQueue.url,
        queueArn: resources.deadLetterQueue.arn,
        region: LOCAL_REGION,
        mapping: deadLetterMapping,
        fn: byLogicalId.get(deadLetterMapping.functionLogicalId)!,
        maxLocalConcurrency: options.maxLocalConcurrency,
        maxReceiveCount: JSON.parse(resources.deadLetterQueue.attributes.RedrivePolicy).maxReceiveCount,
      });
      stoppers.push(deadLetterEventSource.stop);
      step(`SQS event source on the dead-letter queue → ${bundleByFunction.get(deadLetterMapping.functionLogicalId)!.name}: batch ${deadLetterMapping.batchSize}, `
        + `visibility ${resources.deadLetterQueue.attributes.VisibilityTimeout} s, on to the archive-failure queue after ${JSON.parse(resources.deadLetterQueue.attributes.RedrivePolicy).maxReceiveCount} receives`);
    }
  }

  const [streamMapping, ...otherStreamMappings] = streamEventSources(template);
  if (otherStreamMappings.length > 0) throw new Error('expected at most one stream event source mapping');
  let streamSource: StreamSourceHandle | undefined;
  if (streamMapping !== undefined && eventSource !== undefined) {
    const failureArn = streamMapping.onFailureDestination === undefined
      ? undefined
      : String(resolve(streamMapping.onFailureDestination, provisioned.context));
    streamSource = await startStreamSource({
      clients,
      endpoint: emulators.dynamodb.endpoint,
      credentials: FUNCTION_CREDENTIALS,
      region: LOCAL_REGION,
      tableName: provisioned.context.refs[streamMapping.tableLogicalId],
      mapping: streamMapping,
      fn: byLogicalId.get(streamMapping.functionLogicalId)!,
      functionArn: provisioned.context.attributes[`${streamMapping.functionLogicalId}.Arn`],
      ...(failureArn !== undefined ? { onFailureQueueUrl: provisioned.queues.find((q) => q.arn === failureArn)?.url } : {}),
    });
    stoppers.push(streamSource.stop);
    step(`table stream → ${bundleByFunction.get(streamMapping.functionLogicalId)!.name}: ${streamMapping.startingPosition}, batch ${streamMapping.batchSize}, `
      + `window ${streamMapping.maximumBatchingWindowSeconds} s, ${streamMapping.filterPatterns.length} filter(s) (Event Ruler), `
      + `ReportBatchItemFailures ${streamMapping.reportBatchItemFailures}, bisect ${streamMapping.bisectBatchOnFunctionError}, `
      + `${streamMapping.maximumRetryAttempts} retries, max age ${streamMapping.maximumRecordAgeSeconds} s, on failure → ${failureArn?.split(':').pop() ?? 'nowhere'}`);
  }

  return {
    url: api.url,
    apiPort: api.port,
    frontDoor,
    iamService: frontDoor === 'function-url' ? 'lambda' : 'execute-api',
    runDir,
    providers: providers.filter((p) => !LOCAL_HANDSHAKE_PROVIDERS.includes(p.name)),
    allProviders: providers,
    runtime,
    secretsOf: (name) => (providers.find((p) => p.name === name)?.secretArns ?? []).map((arn) => secretValueByArn.get(arn)!),
    functions,
    bundles: [...bundleByFunction.values()],
    constructEnvironments,
    resources,
    routes,
    mapping,
    ...(streamMapping !== undefined ? { streamMapping } : {}),
    ...(streamSource !== undefined ? { streamSource } : {}),
    ...(bus !== undefined ? { bus } : {}),
    busRules,
    clients,
    emulators,
    eventSource,
    deadLetterEventSource,
    faultProxies,
    provisioned,
    stop: stopAll,
  };
}

/**
 * The environment with paths under /opt pointing into the staged layer instead, which is what
 * Lambda extracts there ("Lambda loads the layer content into the /opt directory",
 * https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html).
 */
function onLayer(environment: Record<string, string>, layerDir: string | undefined): Record<string, string> {
  if (layerDir === undefined) return environment;
  return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, v.startsWith('/opt/') ? path.join(layerDir, v.slice('/opt/'.length)) : v]));
}

function createFunction(
  spec: FunctionSpec, bundle: ShippedBundle, constructEnvironment: Record<string, string>, endpoints: ServiceEndpoints,
  options: PipelineOptions, runDir: string, properties: Record<string, unknown> | undefined,
): LocalFunction {
  const name = functionName(STACK_NAME, spec.logicalId);
  const logFormat = (propertiesOf({ Type: '', Properties: properties }).LoggingConfig as { LogFormat?: string } | undefined)?.LogFormat;
  const environment = {
    ...lambdaReservedEnvironment({
      functionName: name,
      memoryMb: spec.memoryMb,
      region: LOCAL_REGION,
      handler: spec.handler,
      runtime: spec.runtime,
      logFormat,
      credentials: FUNCTION_CREDENTIALS,
    }),
    ...onLayer(constructEnvironment, bundle.layerDir),
    ...endpointEnvironment(endpoints),
    ...options.extraFunctionEnvironment,
  };
  const cap = options.maxLocalConcurrency ?? 10;
  return createLocalFunction({
    name: bundle.name,
    functionName: name,
    bundleFile: bundle.file,
    exportName: bundle.exportName,
    timeoutSeconds: spec.timeoutSeconds,
    memoryMb: spec.memoryMb,
    maxInstances: Math.min(spec.reservedConcurrency ?? cap, cap),
    environment,
    logFile: path.join(runDir, 'logs', `${bundle.name}.log`),
  });
}

/**
 * The two SQS mappings of the template: the webhook queue's (its queue is no other queue's
 * dead-letter queue) and the dead-letter queue's (the archiver's).
 */
function webhookMappings(
  mappings: readonly SqsEventSource[], provisioned: Provisioned,
): { mapping: SqsEventSource; deadLetterMapping: SqsEventSource } {
  const queueOf = (m: SqsEventSource) => provisioned.queues.find((q) => q.logicalId === m.queueLogicalId)!;
  const deadLetterArns = new Set(provisioned.queues.map((q) => deadLetterTargetOf(q)).filter((arn) => arn !== undefined));
  const main = mappings.filter((m) => !deadLetterArns.has(queueOf(m).arn));
  if (mappings.length !== 2 || main.length !== 1) throw new Error('expected two SQS event source mappings: the webhook queue\'s and its dead-letter queue\'s');
  const deadLetterMapping = mappings.find((m) => queueOf(m).arn === deadLetterTargetOf(queueOf(main[0])));
  if (deadLetterMapping === undefined) throw new Error('no event source mapping consumes the webhook queue\'s dead-letter queue');
  return { mapping: main[0], deadLetterMapping };
}

function deadLetterTargetOf(queue: ProvisionedQueue): string | undefined {
  return JSON.parse(queue.attributes.RedrivePolicy ?? '{}').deadLetterTargetArn;
}

/** The mapping's queue, the dead-letter queues down its redrive policies, the table and the bucket. */
function localResources(provisioned: Provisioned, mapping: SqsEventSource): LocalResources {
  const queue = provisioned.queues.find((q) => q.logicalId === mapping.queueLogicalId)!;
  const deadLetterQueue = provisioned.queues.find((q) => q.arn === deadLetterTargetOf(queue));
  if (deadLetterQueue === undefined) throw new Error(`queue ${queue.logicalId} has no dead-letter queue`);
  const archiveFailureQueue = provisioned.queues.find((q) => q.arn === deadLetterTargetOf(deadLetterQueue));
  if (archiveFailureQueue === undefined) throw new Error(`dead-letter queue ${deadLetterQueue.logicalId} has no archive-failure queue`);
  if (provisioned.tables.length !== 1 || provisioned.buckets.length !== 1) throw new Error('expected one table and one bucket');
  return { queue, deadLetterQueue, archiveFailureQueue, tableName: provisioned.tables[0].name, bucketName: provisioned.buckets[0].name };
}

/** The logs of the last KEPT_RUNS runs are kept for debugging; older ones are removed. */
function pruneOldRuns(): void {
  if (!fs.existsSync(RUNS_DIR)) return;
  const runs = fs.readdirSync(RUNS_DIR).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - KEPT_RUNS + 1))) {
    fs.rmSync(path.join(RUNS_DIR, old), { recursive: true, force: true });
  }
}

/** The one runtime every function declares (the construct gives all three the same). */
function declaredRuntime(specs: readonly FunctionSpec[]): string {
  const runtimes = [...new Set(specs.map((s) => s.runtime))];
  if (runtimes.length !== 1) throw new Error(`expected the functions to declare one runtime, found ${runtimes.join(', ')}`);
  return runtimes[0];
}

const nodeMajor = (runtime: string) => Number(/^nodejs(\d+)/.exec(runtime)?.[1] ?? 0);
const localNodeMajor = () => Number(process.versions.node.split('.')[0]);
