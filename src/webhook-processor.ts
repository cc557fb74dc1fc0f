// Longer than the 250-line guide (and 400 lines) for this file because most of it is the construct's public API
// (its members and its grant, metric and route methods, with their docs); the constructor only
// wires the parts of store/, pipeline/, ingress/, query/, delivery/ and monitoring/ together.
import {
  Duration, RemovalPolicy, Token,
  type aws_apigateway as apigw,
  type aws_apigatewayv2 as apigwv2,
  aws_cloudwatch as cloudwatch,
  type aws_dynamodb as dynamodb,
  type aws_ec2 as ec2,
  type aws_iam as iam,
  type aws_lambda as lambda,
  aws_logs as logs,
  aws_events as events,
  type aws_s3 as s3,
  type aws_sqs as sqs,
  type aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { UNKNOWN_PROVIDER } from './core/delivery-telemetry';
import { defaultRuntime, type FunctionSettings } from './core/function-base';
import { HandlerMetrics } from './core/handler-metrics';
import { EventPublisher } from './delivery/event-publisher';
import { DEFAULT_REPLAY_RATE, EventReplay } from './delivery/event-replay';
import { WebhookRoutes } from './delivery/webhook-routes';
import type { WebhookRuleOptions } from './delivery/webhook-rule-options';
import { WebhookFrontDoor, type FrontDoor } from './ingress/front-door';
import { FunctionUrlFrontDoor } from './ingress/function-url-front-door';
import { HttpApiFrontDoor } from './ingress/http-api-front-door';
import { InternalSenders } from './ingress/internal-senders';
import { INGEST_MAX_BODY_BYTES, ManagedWebAcl } from './ingress/managed-web-acl';
import { RestApiFrontDoor } from './ingress/rest-api-front-door';
import { RouteAuthorization, type WebhookRoute } from './ingress/routes';
import { WebhookIngest } from './ingress/webhook-ingest';
import { metricDeadLetters, metricOldestMessageAge, monitoredEvents, monitoredPipeline } from './monitoring/monitored-pipeline';
import { WebhookAlarms } from './monitoring/webhook-alarms';
import { WebhookDashboard } from './monitoring/webhook-dashboard';
import { FunctionEndpoints } from './network/vpc-endpoints';
import { DEAD_LETTER_VISIBILITY_TIMEOUT, DeadLetterArchive } from './pipeline/dead-letter-archive';
import { DeadLetterRedrive } from './pipeline/dead-letter-redrive';
import { payloadSchemasOf } from './pipeline/payload-schemas-layer';
import { RecordProcessor, visibilityTimeoutFor } from './pipeline/record-processor';
import type { OrderingKey } from './pipeline/webhook-ordering';
import { LONGEST_MESSAGE_LIFE, WebhookQueues } from './pipeline/webhook-queues';
import type { FieldLocation } from './providers/provider-config';
import { StatusQuery } from './query/status-query';
import { WebhookListing } from './query/webhook-listing';
import { STATUS_INDEX, WebhookStore } from './store/webhook-store';
import { validateProps } from './validation';
import type { WebhookProcessorProps } from './webhook-processor-props';

/**
 * A webhook pipeline: `POST /webhook/{provider}` verifies each delivery and queues it with its
 * exact bytes; a processor writes one DynamoDB record per webhook and archives the raw deliveries
 * in S3; `GET /status/{id}` (IAM-authorised) reports on a webhook; alarms watch every stage.
 *
 * This class only wires the parts together; each part lives in the folder of its concern
 * (`store/`, `pipeline/`, `ingress/`, `query/`, `delivery/`, `monitoring/`).
 *
 * @example
 * declare const stripeSecret: secretsmanager.ISecret;
 * new WebhookProcessor(this, 'Webhooks', {
 *   providers: [WebhookProvider.stripe({ secrets: [stripeSecret] })],
 * });
 */
export class WebhookProcessor extends Construct {
  /** Which service receives the webhooks (`frontDoor`). */
  public readonly frontDoor: WebhookFrontDoor;
  /** The REST API; only with `frontDoor: WebhookFrontDoor.REST_API` (the default). */
  public readonly api?: apigw.RestApi;
  /** The HTTP API; only with `frontDoor: WebhookFrontDoor.HTTP_API`. */
  public readonly httpApi?: apigwv2.HttpApi;
  /** The HTTP API's custom domain (point a DNS alias at it); only with an HTTP API and `api.domainName`. */
  public readonly httpApiDomainName?: apigwv2.DomainName;
  /** The webhooks' function URL (AuthType NONE); only with `frontDoor: WebhookFrontDoor.FUNCTION_URL`. */
  public readonly ingestFunctionUrl?: lambda.FunctionUrl;
  /** The status function's URL (AuthType AWS_IAM); only with `frontDoor: WebhookFrontDoor.FUNCTION_URL`. */
  public readonly statusFunctionUrl?: lambda.FunctionUrl;
  /** The listing function's URL (AuthType AWS_IAM); only with `frontDoor: WebhookFrontDoor.FUNCTION_URL`. */
  public readonly listFunctionUrl?: lambda.FunctionUrl;
  /** The function behind `POST /webhook/{provider}`. */
  public readonly ingestFunction: lambda.IFunction;
  /** The function that consumes the queue. */
  public readonly processorFunction: lambda.IFunction;
  /** The function behind `GET /status/{id}`. */
  public readonly statusFunction: lambda.IFunction;
  /** The function behind `GET /webhooks`. */
  public readonly listFunction: lambda.IFunction;
  /** The queue between ingest and processor (a FIFO queue with `ordering`). */
  public readonly queue: sqs.IQueue;
  /**
   * Where messages go after `maxReceiveCount` failed receives. The dead-letter archiver consumes
   * it: each dead letter is written to `dead-letters/` in the archive bucket and its record is
   * marked `dead_lettered`, so the queue is a transit buffer.
   */
  public readonly deadLetterQueue: sqs.IQueue;
  /** Where dead letters go that the archiver could not save after several attempts (alarmed on). */
  public readonly archiveFailureQueue: sqs.IQueue;
  /** The function that archives dead letters (the dead-letter queue's consumer). */
  public readonly deadLetterArchiverFunction: lambda.IFunction;
  /** The function that sends dead letters back to the queue (see `grantRedrive()` and the README runbook). */
  public readonly redriveFunction: lambda.IFunction;
  /** One record per webhook, keyed by webhook id, with the `byProviderDate` index. */
  public readonly table: dynamodb.ITable;
  /** The raw archive (`raw/`), oversized bodies in transit (`oversize/`) and dead letters (`dead-letters/`). */
  public readonly archiveBucket: s3.IBucket;
  /** The API stage's access logs; only with a REST or HTTP API, when `api.accessLogging` is on. */
  public readonly accessLogGroup?: logs.ILogGroup;
  /**
   * The REST API stage's execution logs, kept even while `api.executionLogging` is off (so that
   * turning it on again deploys); only with the REST API.
   */
  public readonly executionLogGroup?: logs.ILogGroup;
  /** The ingest function's `live` alias, which the front door invokes; only with provisioned concurrency. */
  public readonly ingestAlias?: lambda.Alias;
  /** The log groups of the ingest, processor, status and listing functions, in that order. */
  public readonly functionLogGroups: logs.ILogGroup[];
  /** The pipeline's dashboard; only when `dashboard` is true. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** The alarms created (empty when `alarms.enabled` is false). */
  public readonly alarms: cloudwatch.IAlarm[];
  /** The web ACL the construct created (`api.webAcl`); only with `api.webAcl`. */
  public readonly webAcl?: wafv2.CfnWebACL;
  /** The security group of every function, which the VPC endpoints admit; only with `vpcEndpoints: WebhookVpcEndpoints.create()`. */
  public readonly functionsSecurityGroup?: ec2.ISecurityGroup;
  /** The usage plan of the senders' API keys; only with `internalSenders.apiKeys`. */
  public readonly usagePlan?: apigw.UsagePlan;
  /** The API keys created from `internalSenders.apiKeys.keyNames` (empty otherwise). */
  public readonly apiKeys: apigw.IApiKey[];
  /**
   * Name of the table's index listing webhooks by `providerDate` and `receivedAt`. `providerDate` is
   * `<provider>#<YYYY-MM-DD>#<shard>` (shard 0-15, from the webhook id; `<provider>#<YYYY-MM-DD>` on
   * records written before sharding): query every shard of a day and merge by `receivedAt`.
   */
  public readonly statusIndexName: string = STATUS_INDEX;

  private readonly providerNames: string[];
  private readonly iamSenderNames: string[];
  private readonly door: FrontDoor;
  private readonly store: WebhookStore;
  private readonly handlerMetrics: HandlerMetrics;
  private readonly functionSettings: FunctionSettings;
  private readonly redrive: DeadLetterRedrive;
  private readonly alarmsPart?: WebhookAlarms;
  private readonly dashboardPart?: WebhookDashboard;
  private readonly replayRate: number;
  private publisher?: EventPublisher;
  private replayPart?: EventReplay;
  private routes?: WebhookRoutes;
  private readonly endpoints?: FunctionEndpoints;

  constructor(scope: Construct, id: string, props: WebhookProcessorProps) {
    super(scope, id);
    validateProps(this, props);
    this.iamSenderNames = (props.internalSenders?.iamSenders ?? []).map((s) => s.name);
    // IAM-signed senders' webhooks are recorded, listed and replayed under their names, as providers' are.
    this.providerNames = [...props.providers.map((p) => p.name), ...this.iamSenderNames];
    this.handlerMetrics = new HandlerMetrics(this);
    this.replayRate = props.replay?.ratePerSecond ?? DEFAULT_REPLAY_RATE;

    const lifecycle = props.lifecycle ?? {};
    const processing = props.processing ?? {};
    const concurrency = props.concurrency ?? {};
    const removalPolicy = lifecycle.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = lifecycle.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.endpoints = props.vpc && props.vpcEndpoints?.creates ? new FunctionEndpoints(this, 'VpcEndpoints', {
      vpc: props.vpc,
      subnets: props.vpcSubnets,
      endpoints: props.vpcEndpoints,
      readsSecrets: props.providers.some((p) => p.secrets.length > 0 || p._handshakeSecrets().length > 0),
    }) : undefined;
    this.functionsSecurityGroup = this.endpoints?.functionsSecurityGroup;
    const functions: FunctionSettings = {
      runtime: props.runtime ?? defaultRuntime(),
      logRetention,
      removalPolicy,
      tracing: props.tracing ?? false,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: this.endpoints ? [this.endpoints.functionsSecurityGroup] : undefined,
      encryptionKey: props.encryptionKey,
      metrics: this.handlerMetrics,
    };

    const store = new WebhookStore(this, 'Store', {
      encryptionKey: props.encryptionKey,
      archiveTransitions: lifecycle.archiveTransitions,
      archiveExpiration: lifecycle.archiveExpiration,
      recordExpiration: lifecycle.recordExpiration,
      removalPolicy,
      accessLogsBucket: props.archiveAccessLogsBucket,
      stream: true,
      // A day beyond the longest a message can point at its body, so the body never goes first.
      oversizeExpiration: LONGEST_MESSAGE_LIFE.plus(Duration.days(1)),
      deadLetterExpiration: lifecycle.deadLetterExpiration,
      warmThroughput: props.tableWarmThroughput,
    });
    const maxReceiveCount = processing.maxReceiveCount ?? 3;
    const ordered = props.ordering !== undefined;
    const queues = new WebhookQueues(this, 'Queues', {
      visibilityTimeout: visibilityTimeoutFor(processing, ordered),
      fifo: ordered ? { highThroughput: props.ordering?.highThroughput ?? true } : undefined,
      maxReceiveCount,
      deadLetterVisibilityTimeout: DEAD_LETTER_VISIBILITY_TIMEOUT,
      encryptionKey: props.encryptionKey,
      removalPolicy,
    });
    const ingest = new WebhookIngest(this, 'Ingest', {
      functions,
      store,
      queue: queues.queue,
      providers: props.providers,
      signatureTolerance: props.signatureTolerance,
      concurrency,
      orderingKeys: ordered ? orderingKeysOf(props.ordering?.keys) : undefined,
    });
    const payloadSchemas = payloadSchemasOf(props.providers);
    const processor = new RecordProcessor(this, 'Processor', {
      functions, store, queue: queues.queue, processing, concurrency, recordExpiration: lifecycle.recordExpiration, payloadSchemas, ordered,
    });
    const deadLetters = new DeadLetterArchive(this, 'DeadLetters', {
      functions, store, deadLetterQueue: queues.deadLetterQueue, maxReceiveCount, recordExpiration: lifecycle.recordExpiration, ordered,
    });
    this.redrive = new DeadLetterRedrive(this, 'Redrive', {
      functions, store, queue: queues.queue, deadLetterQueue: queues.deadLetterQueue, archiveFailureQueue: queues.archiveFailureQueue,
    });
    const status = new StatusQuery(this, 'Status', { functions, store });
    const listing = new WebhookListing(this, 'Listing', { functions, store, providerNames: this.providerNames });
    const routes: WebhookRoute[] = [
      { method: 'POST', path: ['webhook', '{provider}'], handler: ingest.target, authorization: RouteAuthorization.NONE, operationName: 'ReceiveWebhook' },
      // GET challenges (Meta, X CRC, Dropbox, Okta) reach the same function; the route exists only when a provider sends one.
      ...(props.providers.some((p) => p._hasGetHandshake())
        ? [{ method: 'GET', path: ['webhook', '{provider}'], handler: ingest.target, authorization: RouteAuthorization.NONE, operationName: 'AnswerWebhookHandshake' }]
        : []),
      { method: 'GET', path: ['status', '{id}'], handler: status.function, authorization: RouteAuthorization.IAM, operationName: 'GetWebhookStatus' },
      { method: 'GET', path: ['webhooks'], handler: listing.function, authorization: RouteAuthorization.IAM, operationName: 'ListWebhooks' },
    ];
    this.frontDoor = props.frontDoor ?? WebhookFrontDoor.REST_API;
    let apiKeys: apigw.IApiKey[] = [];
    if (this.frontDoor === WebhookFrontDoor.HTTP_API) {
      const httpApi = new HttpApiFrontDoor(this, 'HttpApi', { options: props.api ?? {}, logRetention, removalPolicy, routes });
      this.door = httpApi;
      this.httpApi = httpApi.api;
      this.httpApiDomainName = httpApi.domainName;
      this.accessLogGroup = httpApi.accessLogGroup;
    } else if (this.frontDoor === WebhookFrontDoor.FUNCTION_URL) {
      // A function URL serves every method and path: the GET handshakes reach the ingest function whatever the providers.
      const urls = new FunctionUrlFrontDoor(this, 'FunctionUrls', { ingest: ingest.target, ingestFunction: ingest.function, status: status.function, list: listing.function });
      this.door = urls;
      this.ingestFunctionUrl = urls.ingestUrl;
      this.statusFunctionUrl = urls.statusUrl;
      this.listFunctionUrl = urls.listUrl;
    } else {
      const apiOptions = props.api ?? {};
      const managedAcl = apiOptions.webAcl
        ? new ManagedWebAcl(this, 'WebAcl', { options: apiOptions.webAcl.options, maxBodyBytes: INGEST_MAX_BODY_BYTES })
        : undefined;
      this.webAcl = managedAcl?.webAcl;
      const restApi = new RestApiFrontDoor(this, 'Api', {
        // The created web ACL is associated like one of the user's.
        options: managedAcl ? { ...apiOptions, webAclArn: managedAcl.webAclArn } : apiOptions,
        logRetention,
        removalPolicy,
        tracing: props.tracing ?? false,
        routes,
      });
      this.door = restApi;
      this.api = restApi.api;
      this.accessLogGroup = restApi.accessLogGroup;
      this.executionLogGroup = restApi.executionLogGroup;
      // REST API only (validated): usage plans, the SQS integration and IAuthorizers are REST API features.
      const internalSenders = props.internalSenders === undefined ? undefined : new InternalSenders(this, 'InternalSenders', {
        api: restApi.api,
        ingest: ingest.target,
        queue: queues.queue,
        getHandshakeProviders: props.providers.filter((p) => p._hasGetHandshake()).map((p) => p.name),
        options: props.internalSenders,
      });
      this.usagePlan = internalSenders?.usagePlan;
      apiKeys = internalSenders?.apiKeys ?? [];
    }
    this.apiKeys = apiKeys;

    this.store = store;
    this.table = store.table;
    this.archiveBucket = store.bucket;
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.archiveFailureQueue = queues.archiveFailureQueue;
    this.deadLetterArchiverFunction = deadLetters.function;
    this.redriveFunction = this.redrive.function;
    this.ingestFunction = ingest.function;
    this.ingestAlias = ingest.alias;
    this.processorFunction = processor.function;
    this.statusFunction = status.function;
    this.listFunction = listing.function;
    this.functionLogGroups = [ingest.function, processor.function, status.function, listing.function].map((fn) => fn.logGroup);

    this.functionSettings = functions;

    const monitored = monitoredPipeline({
      frontDoor: this.door.metrics(),
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      archiveFailureQueue: this.archiveFailureQueue,
      handlerMetrics: this.handlerMetrics,
      validatesPayloads: payloadSchemas !== undefined,
      providerNames: this.providerNames,
      deliveryLogGroups: [ingest.function.logGroup, processor.function.logGroup],
      functions: [
        { name: 'Ingest', function: ingest.function }, { name: 'Processor', function: processor.function },
        { name: 'Status', function: status.function }, { name: 'Listing', function: listing.function },
        { name: 'DeadLetterArchiver', function: deadLetters.function },
      ],
    });
    this.alarmsPart = props.alarms?.enabled === false ? undefined : new WebhookAlarms(this, 'Alarms', { pipeline: monitored, options: props.alarms ?? {} });
    this.alarms = this.alarmsPart?.alarms ?? [];
    if (props.dashboard) {
      this.dashboardPart = new WebhookDashboard(this, 'Dashboard', { pipeline: monitored, alarms: this.alarms });
      this.dashboard = this.dashboardPart;
    }
    if (props.eventBus) {
      this.enableEvents(props.eventBus);
    }
  }

  /** The bus that receives a `Webhook Received` event per newly recorded webhook; only once events are on (`eventBus`, or a route). */
  public get eventBus(): events.IEventBus | undefined {
    return this.publisher?.eventBus;
  }

  /** The function that puts the events; only once events are on. */
  public get eventPublisherFunction(): lambda.IFunction | undefined {
    return this.publisher?.function;
  }

  /** Where event batches go after bounded retries (alarmed on); only once events are on. */
  public get eventFailureQueue(): sqs.IQueue | undefined {
    return this.publisher?.failureQueue;
  }

  /**
   * The function that replays events (see `grantReplay()`); only once events are on. Its name is
   * what `aws lambda invoke --function-name` takes.
   */
  public get replayFunction(): lambda.IFunction | undefined {
    return this.replayPart?.function;
  }

  /**
   * Allows a principal to replay events: lambda:InvokeFunction on the replay function, and on
   * nothing else. A replay puts the `Webhook Received` events of chosen webhooks (by ids, or by
   * provider and time range and optionally type) on the bus again, exactly as first published
   * plus a `replay` marker; see the README's "Replaying events". Turns events on, as
   * `onWebhook()` does.
   *
   * @param grantee the principal
   */
  public grantReplay(grantee: iam.IGrantable): iam.Grant {
    this.enableEvents();
    return this.replayPart!.grantReplay(grantee);
  }

  /**
   * Routes webhooks to your code: an EventBridge rule on the construct's events matching the
   * given providers, event types and payload pattern, with the given targets. Turns events on
   * (on a bus the construct creates, unless `eventBus` was given).
   *
   * @param id the rule's construct id (under `Routes`)
   * @param options what the rule matches and where it sends it
   */
  public onWebhook(id: string, options: WebhookRuleOptions = {}): events.Rule {
    const publisher = this.enableEvents();
    this.routes ??= new WebhookRoutes(this, 'Routes', { eventBus: publisher.eventBus, processorName: this.handlerMetrics.prefix, providerNames: this.providerNames });
    return this.routes.add(id, options);
  }

  /**
   * The URL a provider delivers to, whatever the front door: `https://…/v1/webhook/{name}` on
   * the REST API, `https://…/webhook/{name}` on an HTTP API or the ingest function URL, on the
   * custom domain when there is one.
   *
   * @param providerName the provider's `name`
   */
  public webhookUrl(providerName: string): string {
    this.checkProviderName('webhookUrl()', providerName);
    return this.door.urlForPath(`/webhook/${providerName}`);
  }

  /**
   * The URL of `GET /status/{id}` for a webhook id (IAM-authorised: sign with SigV4, service
   * `execute-api` on an API, `lambda` on a function URL), whatever the front door.
   *
   * @param id the webhook id (`<provider>:<delivery id>`), percent-encoded here
   */
  public statusUrl(id: string): string {
    return this.door.urlForPath(`/status/${Token.isUnresolved(id) ? id : encodeURIComponent(id)}`);
  }

  /** The URL of `GET /webhooks`, the listing (IAM-authorised), whatever the front door. */
  public listUrl(): string {
    return this.door.urlForPath('/webhooks');
  }

  /** The VPC endpoints the construct created (`vpcEndpoints`); empty otherwise. */
  public get vpcEndpoints(): ec2.IVpcEndpoint[] {
    return this.endpoints?.endpoints ?? [];
  }

  /** Creates the event publisher on first use. */
  private enableEvents(eventBus?: events.IEventBus): EventPublisher {
    if (this.publisher === undefined) {
      this.endpoints?.enableEventBridge();
      this.publisher = new EventPublisher(this, 'Events', {
        functions: this.functionSettings, store: this.store, eventBus, processorName: this.handlerMetrics.prefix,
      });
      this.alarmsPart?.watchEventPublisher(this.publisher.function, metricDeadLetters(this.publisher.failureQueue));
      this.replayPart = new EventReplay(this, 'Replay', {
        functions: this.functionSettings,
        store: this.store,
        eventBus: this.publisher.eventBus,
        processorName: this.handlerMetrics.prefix,
        providerNames: this.providerNames,
        ratePerSecond: this.replayRate,
      });
      this.dashboardPart?.watchEvents(monitoredEvents(this.handlerMetrics, {
        publisher: this.publisher.function, replay: this.replayPart.function, failureQueue: this.publisher.failureQueue,
      }));
    }
    return this.publisher;
  }

  /**
   * Allows a principal to call `GET /status/{id}` (the route is IAM-authorised):
   * `execute-api:Invoke` on the route with a REST or HTTP API; `lambda:InvokeFunctionUrl` and
   * `lambda:InvokeFunction` (through the URL only) on the status function with function URLs.
   *
   * @param grantee the principal
   */
  public grantStatusRead(grantee: iam.IGrantable): iam.Grant {
    return this.door.grantInvoke(grantee, 'GET', '/status/*');
  }

  /**
   * Allows a principal to send webhooks as an IAM-signed sender (`internalSenders.iamSenders`):
   * `execute-api:Invoke` on its `POST /webhook/{name}`, and on nothing else. The principal signs
   * its requests with SigV4 (service `execute-api`).
   *
   * @param grantee the principal
   * @param senderName the IAM sender's `name`
   */
  public grantSend(grantee: iam.IGrantable, senderName: string): iam.Grant {
    if (!Token.isUnresolved(senderName) && !this.iamSenderNames.includes(senderName)) {
      const configured = this.iamSenderNames.length > 0 ? `IAM senders: ${this.iamSenderNames.join(', ')}` : 'no internalSenders.iamSenders are configured';
      throw new Error(`grantSend(): no IAM sender is named '${senderName}' (${configured}). Providers' routes are not IAM-authorised.`);
    }
    return this.door.grantInvoke(grantee, 'POST', `/webhook/${senderName}`);
  }

  /**
   * Allows a principal to call `GET /webhooks`, the listing (the route is IAM-authorised):
   * `execute-api:Invoke` on the route with a REST or HTTP API; `lambda:InvokeFunctionUrl` and
   * `lambda:InvokeFunction` (through the URL only) on the listing function with function URLs.
   *
   * @param grantee the principal
   */
  public grantList(grantee: iam.IGrantable): iam.Grant {
    return this.door.grantInvoke(grantee, 'GET', '/webhooks');
  }

  /**
   * Allows a principal to read the webhook records (GetItem and Query on the table and its index).
   *
   * @param grantee the principal
   */
  public grantRecordsRead(grantee: iam.IGrantable): iam.Grant {
    return this.table.grantReadData(grantee);
  }

  /**
   * Allows a principal to read the raw archive (`raw/` objects).
   *
   * @param grantee the principal
   */
  public grantArchiveRead(grantee: iam.IGrantable): iam.Grant {
    return this.store.grantArchiveRead(grantee);
  }

  /**
   * Allows a principal to redrive dead letters once their fault is fixed: to invoke the redrive
   * function (`redriveFunction`, from the dead-letter archive or a queue), and to run SQS's own
   * redrive from the dead-letter queue to the webhook queue (console "Start DLQ redrive",
   * `aws sqs start-message-move-task`): `sqs:StartMessageMoveTask`, `sqs:ListMessageMoveTasks`,
   * `sqs:CancelMessageMoveTask`, `sqs:ReceiveMessage`, `sqs:DeleteMessage`,
   * `sqs:GetQueueAttributes` and `sqs:ListDeadLetterSourceQueues` on the dead-letter queue,
   * `sqs:SendMessage` and `sqs:GetQueueAttributes` on the webhook queue, and with `encryptionKey`
   * `kms:Decrypt` and `kms:GenerateDataKey` on it.
   *
   * @param grantee the principal
   */
  public grantRedrive(grantee: iam.IGrantable): iam.Grant {
    return this.redrive.grantRedrive(grantee);
  }

  /**
   * Dead letters archived under `dead-letters/`: webhooks that failed processing
   * `maxReceiveCount` times and wait for a redrive (alarmed on).
   *
   * @param props metric options
   */
  public metricDeadLettersArchived(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.handlerMetrics.deadLettersArchived(props);
  }

  /**
   * Number of messages waiting in the dead-letter queue.
   *
   * @param props metric options
   */
  public metricDeadLetters(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricDeadLetters(this.deadLetterQueue, props);
  }

  /**
   * Age of the oldest message waiting for the processor.
   *
   * @param props metric options
   */
  public metricOldestMessageAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricOldestMessageAge(this.queue, props);
  }

  /**
   * Deliveries rejected by the ingest function, by provider and reason (e.g. `invalid_signature`).
   *
   * @param provider the provider's `name`, or `unknown` for deliveries to a path no provider is configured under
   * @param reason the rejection reason code, as in the 4xx response's `error`
   * @param props metric options
   */
  public metricRejected(provider: string, reason: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    // The ingest function counts deliveries to an unconfigured path under `unknown`.
    if (provider !== UNKNOWN_PROVIDER) this.checkProviderName('metricRejected()', provider);
    return this.handlerMetrics.rejected(provider, reason, props);
  }

  /**
   * Deliveries accepted and queued by the ingest function.
   *
   * @param props metric options
   */
  public metricAccepted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.handlerMetrics.accepted(props);
  }

  /**
   * Deliveries answered 503 because the ingest function could not load the signing secrets
   * (e.g. no `kms:Decrypt` on their key); alarmed on by default.
   *
   * @param props metric options
   */
  public metricSecretsUnavailable(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.handlerMetrics.secretsUnavailable(props);
  }

  /**
   * Webhooks recorded by the processor (duplicates not included).
   *
   * @param props metric options
   */
  public metricProcessed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.handlerMetrics.processed(props);
  }

  /**
   * Deliveries with a different body under an already recorded webhook id: archived, listed on
   * the record (`conflicts`) and shown by `GET /status/{id}`.
   *
   * @param props metric options
   */
  public metricConflicts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.handlerMetrics.conflicts(props);
  }

  /**
   * Replays: a provider's already processed bytes under a new delivery id within its replay
   * window, recorded with status `replay` and not processed.
   *
   * @param props metric options
   */
  public metricReplays(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.handlerMetrics.replays(props);
  }

  /**
   * Deliveries whose JSON body fails their provider's payload schemas (`schema`, `eventSchemas`),
   * recorded with status `invalid` and never routed; alarmed on when a provider has schemas.
   *
   * @param props metric options
   */
  public metricInvalid(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.handlerMetrics.invalid(props);
  }

  /**
   * Duplicate deliveries (provider retries of an already recorded webhook), acknowledged and dropped.
   *
   * @param props metric options
   */
  public metricDuplicates(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.handlerMetrics.duplicates(props);
  }

  /** Throws when `name` is not the name of a configured provider (a token passes). */
  private checkProviderName(method: string, name: string): void {
    if (!Token.isUnresolved(name) && !this.providerNames.includes(name)) {
      throw new Error(`${method}: no provider is named '${name}'. Configured providers: ${this.providerNames.join(', ')}.`);
    }
  }
}

/** The ingest's ORDERING_KEYS: each listed provider's key locations, by provider name. */
function orderingKeysOf(keys: { [providerName: string]: OrderingKey } | undefined): Record<string, FieldLocation[]> {
  return Object.fromEntries(Object.entries(keys ?? {}).map(([name, key]) => [name, key._locations]));
}
