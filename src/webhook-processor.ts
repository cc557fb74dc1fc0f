import {
  Annotations, Duration, Names, RemovalPolicy, Stack, Token,
  aws_apigateway as apigw,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_lambda_event_sources as eventSources,
  aws_logs as logs,
  aws_pipes as pipes,
  aws_s3 as s3,
  aws_sqs as sqs,
  aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acceptFindings } from './findings';
import { IngestFunction } from './lambdas/ingest/ingest-function';
import { ProcessorFunction } from './lambdas/processor/processor-function';
import { StatusFunction } from './lambdas/status/status-function';
import { SignatureScheme, WebhookProvider } from './providers/webhook-provider';
import { validateProps } from './validation';
import type { WebhookAlarmOptions, WebhookConcurrencyOptions, WebhookProcessorProps } from './webhook-processor-props';

/** Where each part of an archived delivery is written in the archive bucket. */
const ARCHIVE_PREFIX = 'raw/';
const OVERSIZE_PREFIX = 'oversize/';
/** Oversized bodies must outlive the message that points at them, dead-letter retention included. */
const OVERSIZE_RETENTION = Duration.days(30);
const DLQ_RETENTION = Duration.days(14);
const STATUS_INDEX = 'byProviderDate';
/** CloudWatch namespace of the handlers' own metrics; the `service` dimension tells constructs apart. */
const METRICS_NAMESPACE = 'WebhookProcessor';

/**
 * A webhook pipeline: `POST /webhook/{provider}` verifies each delivery and queues it with its
 * exact bytes; a processor writes one DynamoDB record per webhook and archives the raw deliveries
 * in S3; `GET /status/{id}` (IAM-authorised) reports on a webhook; alarms watch every stage.
 *
 * @example
 * declare const stripeSecret: secretsmanager.ISecret;
 * new WebhookProcessor(this, 'Webhooks', {
 *   providers: [WebhookProvider.stripe({ secrets: [stripeSecret] })],
 * });
 */
export class WebhookProcessor extends Construct {
  /** The REST API. */
  public readonly api: apigw.RestApi;

  /** The function behind `POST /webhook/{provider}`. */
  public readonly ingestFunction: lambda.IFunction;

  /** The function that consumes the queue. */
  public readonly processorFunction: lambda.IFunction;

  /** The function behind `GET /status/{id}`. */
  public readonly statusFunction: lambda.IFunction;

  /** The queue between ingest and processor. */
  public readonly queue: sqs.IQueue;

  /** Where messages go after `maxReceiveCount` failed receives. */
  public readonly deadLetterQueue: sqs.IQueue;

  /** One record per webhook, keyed by webhook id, with the `byProviderDate` index. */
  public readonly table: dynamodb.ITable;

  /** The raw archive (`raw/`) and oversized bodies in transit (`oversize/`). */
  public readonly archiveBucket: s3.IBucket;

  /** The API stage's access logs; only when `api.accessLogging` is on. */
  public readonly accessLogGroup?: logs.ILogGroup;

  /** The stage's execution logs; only when `api.executionLogging` is on. */
  public readonly executionLogGroup?: logs.ILogGroup;

  /** The ingest function's `live` alias, which API Gateway invokes; only with provisioned concurrency. */
  public readonly ingestAlias?: lambda.Alias;

  /** The log groups of the ingest, processor and status functions, in that order. */
  public readonly functionLogGroups: logs.ILogGroup[];

  /** The pipe that forwards new records to `eventBus`; only when `eventBus` is set. */
  public readonly eventPipe?: pipes.CfnPipe;

  /** The pipeline's dashboard; only when `dashboard` is true. */
  public readonly dashboard?: cloudwatch.Dashboard;

  /** The alarms created (empty when `alarms.enabled` is false). */
  public readonly alarms: cloudwatch.IAlarm[];

  /** Name of the table's index listing webhooks by `providerDate` (`<provider>#<YYYY-MM-DD>`) and `receivedAt`. */
  public readonly statusIndexName: string = STATUS_INDEX;

  private readonly providerNames: string[];
  private readonly customDomain?: apigw.DomainNameOptions;

  constructor(scope: Construct, id: string, props: WebhookProcessorProps) {
    super(scope, id);
    validateProps(props);

    const lifecycle = props.lifecycle ?? {};
    const removalPolicy = lifecycle.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = lifecycle.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const processing = props.processing ?? {};
    const processorTimeout = processing.timeout ?? Duration.seconds(30);
    const batchingWindow = processing.maxBatchingWindow ?? Duration.seconds(5);
    const tolerance = props.signatureTolerance ?? Duration.minutes(5);
    this.providerNames = props.providers.map((p) => p.name);
    this.customDomain = props.api?.domainName;

    for (const provider of props.providers) {
      if (provider.scheme === SignatureScheme.UNVERIFIED) {
        Annotations.of(this).addWarningV2('cdk-webhook-processor:unverifiedProvider',
          `Provider '${provider.name}' is unverified: anyone who knows the URL can post webhooks to it. Use a signed provider (e.g. WebhookProvider.hmac()) in production.`);
      }
    }

    // ---- storage ----
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(props.encryptionKey
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      // Always on: replay guards expire; records carry `expiresAt` only with `recordExpiration`.
      timeToLiveAttribute: 'expiresAt',
      stream: props.eventBus ? dynamodb.StreamViewType.NEW_IMAGE : undefined,
      removalPolicy,
    });
    // One partition per provider and day spreads the index's writes, which a single provider
    // key would funnel into one partition (1,000 writes/s at most).
    table.addGlobalSecondaryIndex({
      indexName: STATUS_INDEX,
      partitionKey: { name: 'providerDate', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'receivedAt', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: ['status', 'eventType', 'processedAt'],
    });
    this.table = table;

    const bucket = new s3.Bucket(this, 'Archive', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      ...(props.encryptionKey
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      enforceSSL: true,
      serverAccessLogsBucket: props.archiveAccessLogsBucket,
      serverAccessLogsPrefix: props.archiveAccessLogsBucket ? 'webhook-archive/' : undefined,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
      lifecycleRules: [
        {
          id: 'raw-archive',
          prefix: ARCHIVE_PREFIX,
          transitions: lifecycle.archiveTransitions ?? [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
          ],
          expiration: lifecycle.archiveExpiration,
        },
        { id: 'oversize-bodies', prefix: OVERSIZE_PREFIX, expiration: OVERSIZE_RETENTION },
        {
          id: 'housekeeping',
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    this.archiveBucket = bucket;

    // ---- queues ----
    const visibilityTimeout = Duration.seconds(6 * processorTimeout.toSeconds() + batchingWindow.toSeconds());
    const queueEncryption = props.encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED };
    const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...queueEncryption,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
      removalPolicy,
    });
    const queue = new sqs.Queue(this, 'Queue', {
      ...queueEncryption,
      enforceSSL: true,
      visibilityTimeout,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: processing.maxReceiveCount ?? 3 },
      removalPolicy,
    });
    this.queue = queue;
    this.deadLetterQueue = deadLetterQueue;

    // ---- functions: each with its own log group and least-privilege role ----
    const functionBase = (name: string) => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: logRetention, removalPolicy });
      const role = new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of the webhook ${name.toLowerCase()} function`,
      });
      logGroup.grantWrite(role);
      if (props.vpc) {
        // What Lambda needs to attach the function to the VPC's subnets (network interfaces).
        role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
      }
      return {
        architecture: lambda.Architecture.ARM_64,
        loggingFormat: lambda.LoggingFormat.JSON,
        tracing: props.tracing ? lambda.Tracing.ACTIVE : undefined,
        ...(props.vpc ? { vpc: props.vpc, vpcSubnets: props.vpcSubnets } : {}),
        role,
        logGroup,
      };
    };
    const powertools = (fn: string) => ({
      POWERTOOLS_SERVICE_NAME: this.serviceName(fn),
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    });
    const allow = (fn: lambda.Function, actions: string[], resource: string) =>
      fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [resource] }));

    const ingest = new IngestFunction(this, 'Ingest', {
      ...functionBase('Ingest'),
      description: 'Verifies webhook deliveries and queues them',
      memorySize: 256,
      timeout: Duration.seconds(10),
      reservedConcurrentExecutions: props.concurrency?.ingestReservedConcurrency,
      environment: {
        ...powertools('ingest'),
        QUEUE_URL: queue.queueUrl,
        ARCHIVE_BUCKET: bucket.bucketName,
        OVERSIZE_PREFIX,
        WEBHOOK_PROVIDERS: Stack.of(this).toJsonString(props.providers.map((p) => p._runtimeConfig(tolerance))),
      },
    });
    allow(ingest, ['sqs:SendMessage'], queue.queueArn);
    allow(ingest, ['s3:PutObject'], bucket.arnForObjects(`${OVERSIZE_PREFIX}*`));
    for (const secret of uniqueSecrets(props.providers)) {
      secret.grantRead(ingest);
    }
    // SendMessage to a KMS queue and PutObject to a KMS bucket both need a data key.
    grantKey(ingest, props.encryptionKey, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.ingestFunction = ingest;
    this.ingestAlias = this.provisionIngest(ingest, props.concurrency ?? {});
    const ingestTarget = this.ingestAlias ?? ingest;

    const processor = new ProcessorFunction(this, 'Processor', {
      ...functionBase('Processor'),
      description: 'Records queued webhooks in DynamoDB and archives their raw bytes in S3',
      memorySize: processing.memorySize ?? 512,
      timeout: processorTimeout,
      reservedConcurrentExecutions: props.concurrency?.processorReservedConcurrency,
      environment: {
        ...powertools('processor'),
        TABLE_NAME: table.tableName,
        ARCHIVE_BUCKET: bucket.bucketName,
        ARCHIVE_PREFIX,
        ...(lifecycle.recordExpiration ? { RECORD_TTL_SECONDS: String(lifecycle.recordExpiration.toSeconds()) } : {}),
      },
    });
    allow(processor, ['dynamodb:PutItem', 'dynamodb:UpdateItem'], table.tableArn);
    allow(processor, ['s3:PutObject'], bucket.arnForObjects(`${ARCHIVE_PREFIX}*`));
    allow(processor, ['s3:GetObject'], bucket.arnForObjects(`${OVERSIZE_PREFIX}*`));
    grantKey(processor, props.encryptionKey, 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:Encrypt');
    processor.addEventSource(new eventSources.SqsEventSource(queue, {
      batchSize: processing.batchSize ?? 10,
      maxBatchingWindow: batchingWindow,
      maxConcurrency: props.concurrency?.processorMaxConcurrency ?? 10,
      reportBatchItemFailures: true,
    }));
    this.processorFunction = processor;

    const status = new StatusFunction(this, 'Status', {
      ...functionBase('Status'),
      description: 'Answers GET /status/{id} from the webhook table',
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: {
        ...powertools('status'),
        TABLE_NAME: table.tableName,
      },
    });
    allow(status, ['dynamodb:GetItem'], table.tableArn);
    grantKey(status, props.encryptionKey, 'kms:Decrypt');
    this.statusFunction = status;
    this.functionLogGroups = [ingest, processor, status].map((fn) => fn.logGroup);

    // ---- API ----
    const apiOptions = props.api ?? {};
    const accessLogging = apiOptions.accessLogging ?? true;
    const accessLogGroup = accessLogging
      ? new logs.LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy })
      : undefined;
    this.accessLogGroup = accessLogGroup;
    const executionLogging = apiOptions.executionLogging ?? true;
    const stageName = apiOptions.stageName ?? 'v1';
    const api = new apigw.RestApi(this, 'Api', {
      description: 'Webhook ingest and status API',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // Every body reaches the ingest function base64-encoded, byte for byte: signatures are
      // computed over the raw bytes, whatever the content type.
      binaryMediaTypes: ['*/*'],
      cloudWatchRole: apiOptions.cloudWatchRole ?? false,
      domainName: apiOptions.domainName,
      deployOptions: {
        stageName,
        throttlingRateLimit: apiOptions.throttlingRateLimit ?? 1000,
        throttlingBurstLimit: apiOptions.throttlingBurstLimit ?? 2000,
        tracingEnabled: props.tracing ?? false,
        loggingLevel: executionLogging ? apigw.MethodLoggingLevel.ERROR : apigw.MethodLoggingLevel.OFF,
        dataTraceEnabled: false,
        ...(accessLogGroup ? {
          accessLogDestination: new apigw.LogGroupLogDestination(accessLogGroup),
          accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
            caller: true,
            httpMethod: true,
            ip: true,
            protocol: true,
            requestTime: true,
            resourcePath: true,
            responseLength: true,
            status: true,
            user: true,
          }),
        } : {}),
      },
    });
    if (executionLogging) {
      // API Gateway would create this group itself, without retention.
      this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
        logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/${stageName}`,
        retention: logRetention,
        removalPolicy,
      });
      api.deploymentStage.node.addDependency(this.executionLogGroup);
    }
    // Path parameters are checked by API Gateway; bodies are not, on purpose: signatures are
    // computed over the raw bytes of any content type, and the ingest function checks both.
    const requestValidator = api.addRequestValidator('PathValidator', { validateRequestParameters: true, validateRequestBody: false });
    const receive = api.root
      .addResource('webhook')
      .addResource('{provider}')
      .addMethod('POST', new apigw.LambdaIntegration(ingestTarget, { allowTestInvoke: false }), {
        // Deliveries are authenticated by their signatures, checked in the function.
        authorizationType: apigw.AuthorizationType.NONE,
        operationName: 'ReceiveWebhook',
        requestValidator,
        requestParameters: { 'method.request.path.provider': true },
      });
    api.root
      .addResource('status')
      .addResource('{id}')
      .addMethod('GET', new apigw.LambdaIntegration(status, { allowTestInvoke: false }), {
        authorizationType: apigw.AuthorizationType.IAM,
        operationName: 'GetWebhookStatus',
        requestValidator,
        requestParameters: { 'method.request.path.id': true },
      });
    // API Gateway refuses bodies over 10 MB itself ("Payload size: 10 MB",
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html); answer like the
    // ingest's own 413. Bodies between the ingest's maximum and that limit that Lambda refuses
    // (6 MB invocation payload, base64 body) get API Gateway's 5xx: its gateway response type
    // also covers real integration failures, which must stay retryable.
    api.addGatewayResponse('RequestTooLarge', {
      type: apigw.ResponseType.REQUEST_TOO_LARGE,
      statusCode: '413',
      responseHeaders: { 'Content-Type': "'application/json'" },
      templates: { 'application/json': '{"error":"body_too_large","message":"The request body is larger than API Gateway accepts (10 MB)."}' },
    });
    this.api = api;
    if (apiOptions.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: api.deploymentStage.stageArn,
        webAclArn: apiOptions.webAclArn,
      });
    }

    if (props.eventBus) {
      this.eventPipe = this.createEventPipe(table, bucket, props.eventBus);
    }
    acceptFindings(this, props, receive);

    this.alarms = this.createAlarms(props.alarms ?? {}, [ingest, processor, status]);
    if (props.dashboard) {
      this.dashboard = this.createDashboard([ingest, processor, status]);
    }
  }

  /**
   * The URL a provider delivers to: `https://…/v1/webhook/{name}`.
   *
   * @param providerName the provider's `name`
   */
  public webhookUrl(providerName: string): string {
    if (!Token.isUnresolved(providerName) && !this.providerNames.includes(providerName)) {
      throw new Error(`webhookUrl(): no provider is named '${providerName}'. Configured providers: ${this.providerNames.join(', ')}.`);
    }
    const domain = this.customDomain;
    if (domain) {
      const basePath = domain.basePath ? `/${domain.basePath}` : '';
      return `https://${domain.domainName}${basePath}/webhook/${providerName}`;
    }
    return this.api.urlForPath(`/webhook/${providerName}`);
  }

  /**
   * Allows a principal to call `GET /status/{id}` (the route is IAM-authorised).
   *
   * @param grantee the principal
   */
  public grantStatusRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.arnForExecuteApi('GET', '/status/*', this.api.deploymentStage.stageName)],
    });
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
    return this.archiveBucket.grantRead(grantee, `${ARCHIVE_PREFIX}*`);
  }

  /**
   * Number of messages waiting in the dead-letter queue.
   *
   * @param props metric options
   */
  public metricDeadLetters(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1), ...props });
  }

  /**
   * Age of the oldest message waiting for the processor.
   *
   * @param props metric options
   */
  public metricOldestMessageAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: Duration.minutes(1), ...props });
  }

  /**
   * Deliveries rejected by the ingest function, by provider and reason (e.g. `invalid_signature`).
   *
   * @param provider the provider's `name`
   * @param reason the rejection reason code, as in the 4xx response's `error`
   * @param props metric options
   */
  public metricRejected(provider: string, reason: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.customMetric('ingest', 'WebhooksRejected', { provider, reason }, props);
  }

  /**
   * Deliveries accepted and queued by the ingest function.
   *
   * @param props metric options
   */
  public metricAccepted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.customMetric('ingest', 'WebhooksAccepted', {}, props);
  }

  /**
   * Webhooks recorded by the processor (duplicates not included).
   *
   * @param props metric options
   */
  public metricProcessed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.customMetric('processor', 'WebhooksProcessed', {}, props);
  }

  /**
   * Duplicate deliveries (provider retries of an already recorded webhook), acknowledged and dropped.
   *
   * @param props metric options
   */
  public metricDuplicates(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.customMetric('processor', 'DuplicateDeliveries', {}, props);
  }

  /**
   * Deliveries with a different body under an already recorded webhook id: archived, listed on
   * the record (`conflicts`) and shown by `GET /status/{id}`.
   *
   * @param props metric options
   */
  public metricConflicts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.customMetric('processor', 'DeliveryConflicts', {}, props);
  }

  /**
   * Replays: a provider's already processed bytes under a new delivery id within its replay
   * window, recorded with status `replay` and not processed.
   *
   * @param props metric options
   */
  public metricReplays(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.customMetric('processor', 'ReplaysRejected', {}, props);
  }

  /** The Powertools service name of one function: unique per construct, so metrics never mix. */
  private serviceName(fn: string): string {
    return `${Names.uniqueResourceName(this, { maxLength: 48, separator: '-' })}-${fn}`;
  }

  private customMetric(fn: string, metricName: string, dimensions: Record<string, string>, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: this.serviceName(fn), ...dimensions },
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...props,
    });
  }

  /** The `live` alias with provisioned concurrency (and its scaling), when asked for. */
  private provisionIngest(ingest: lambda.Function, concurrency: WebhookConcurrencyOptions): lambda.Alias | undefined {
    const provisioned = concurrency.ingestProvisionedConcurrency;
    if (provisioned === undefined) {
      return undefined;
    }
    const alias = new lambda.Alias(this, 'IngestLive', {
      aliasName: 'live',
      version: ingest.currentVersion,
      provisionedConcurrentExecutions: provisioned,
    });
    const max = concurrency.ingestProvisionedConcurrencyMax;
    if (max !== undefined && max > provisioned) {
      alias.addAutoScaling({ minCapacity: provisioned, maxCapacity: max }).scaleOnUtilization({ utilizationTarget: 0.7 });
    }
    return alias;
  }

  private createDashboard(functions: lambda.Function[]): cloudwatch.Dashboard {
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) => new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const names = ['ingest', 'processor', 'status'];
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    dashboard.addWidgets(
      graph('API requests', [this.api.metricCount({ statistic: 'Sum' }), this.api.metricClientError({ statistic: 'Sum' }), this.api.metricServerError({ statistic: 'Sum' })]),
      graph('API latency p99', [this.api.metricLatency({ statistic: 'p99' }), this.api.metricIntegrationLatency({ statistic: 'p99' })]),
      graph('Webhooks', [this.metricAccepted(), this.metricProcessed(), this.metricDuplicates()]),
    );
    dashboard.addWidgets(
      graph('Queue backlog', [this.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }), this.metricDeadLetters()]),
      graph('Oldest queued webhook (s)', [this.metricOldestMessageAge()]),
      graph('Function errors', functions.map((fn, i) => fn.metricErrors({ statistic: 'Sum', label: names[i] }))),
    );
    dashboard.addWidgets(
      graph('Function duration p99', functions.map((fn, i) => fn.metricDuration({ statistic: 'p99', label: names[i] })), 12),
      graph('Function throttles', functions.map((fn, i) => fn.metricThrottles({ statistic: 'Sum', label: names[i] })), 12),
    );
    if (this.alarms.length > 0) {
      dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
    }
    return dashboard;
  }

  private createEventPipe(table: dynamodb.Table, bucket: s3.IBucket, bus: events.IEventBus): pipes.CfnPipe {
    const role = new iam.Role(this, 'EventPipeRole', {
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com'),
      description: 'Reads new webhook records from the table stream and puts them on the event bus',
    });
    table.grantStreamRead(role);
    bus.grantPutEventsTo(role);
    const image = '$.dynamodb.NewImage';
    const pipe = new pipes.CfnPipe(this, 'EventPipe', {
      roleArn: role.roleArn,
      description: 'New webhook records to EventBridge',
      source: table.tableStreamArn!,
      sourceParameters: {
        dynamoDbStreamParameters: { startingPosition: 'LATEST', batchSize: 10 },
        // Inserts of processed records only: duplicates never write, conflicts modify, and
        // replays and replay guards are inserted with another status or none.
        filterCriteria: { filters: [{ pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['processed'] } } } }) }] },
      },
      target: bus.eventBusArn,
      targetParameters: {
        eventBridgeEventBusParameters: { source: 'cdk-webhook-processor', detailType: 'Webhook Received' },
        inputTemplate: [
          '{',
          `"id": "<${image}.id.S>",`,
          `"provider": "<${image}.provider.S>",`,
          `"type": "<${image}.eventType.S>",`,
          `"receivedAt": "<${image}.receivedAt.S>",`,
          `"archive": {"bucket": "${bucket.bucketName}", "key": "<${image}.archive.M.key.S>",`,
          `"offset": <${image}.archive.M.offset.N>, "length": <${image}.archive.M.length.N>}`,
          '}',
        ].join(' '),
      },
    });
    // The pipe checks its role's permissions when it is created (the role's policy is in its subtree).
    pipe.node.addDependency(role);
    return pipe;
  }

  private createAlarms(options: WebhookAlarmOptions, functions: lambda.Function[]): cloudwatch.IAlarm[] {
    if (options.enabled === false) {
      return [];
    }
    const alarms: cloudwatch.Alarm[] = [];
    const errorsThreshold = options.functionErrorsThreshold ?? 5;
    if (errorsThreshold > 0) {
      const names = ['Ingest', 'Processor', 'Status'];
      functions.forEach((fn, i) => alarms.push(fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, `${names[i]}ErrorsAlarm`, {
        alarmDescription: `The webhook ${names[i].toLowerCase()} function failed ${errorsThreshold} or more times in 5 minutes.`,
        threshold: errorsThreshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })));
    }
    if (options.deadLetterQueue ?? true) {
      alarms.push(this.metricDeadLetters().createAlarm(this, 'DeadLettersAlarm', {
        alarmDescription: 'Webhooks failed processing maxReceiveCount times and are in the dead-letter queue.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }
    const maxAge = (options.maxMessageAge ?? Duration.minutes(5)).toSeconds();
    if (maxAge > 0) {
      alarms.push(this.metricOldestMessageAge().createAlarm(this, 'BacklogAlarm', {
        alarmDescription: `The oldest queued webhook has waited ${maxAge} seconds or more.`,
        threshold: maxAge,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }
    const api5xx = options.api5xxThreshold ?? 1;
    if (api5xx > 0) {
      alarms.push(this.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, 'Api5xxAlarm', {
        alarmDescription: `The webhook API answered ${api5xx} or more 5xx responses in 5 minutes.`,
        threshold: api5xx,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }
    if (options.alarmTopic) {
      const action = new cloudwatchActions.SnsAction(options.alarmTopic);
      for (const alarm of alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
    return alarms;
  }
}

/** Key actions on the key itself (Key.grant would write `*`, meaning this key, in the role's policy). */
function grantKey(fn: lambda.Function, key: kms.IKey | undefined, ...actions: string[]): void {
  if (key) fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [key.keyArn] }));
}

function uniqueSecrets(providers: WebhookProvider[]) {
  return [...new Set(providers.flatMap((p) => p.secrets))];
}
