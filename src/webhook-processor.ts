import {
  Annotations, Duration, RemovalPolicy, Stack, Token,
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
  aws_sns as sns,
  aws_sqs as sqs,
  aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IngestFunction } from './lambdas/ingest/ingest-function';
import { ProcessorFunction } from './lambdas/processor/processor-function';
import { StatusFunction } from './lambdas/status/status-function';
import { SignatureScheme, WebhookProvider } from './providers/webhook-provider';
import { acceptFindings } from './findings';

/** Concurrency limits of the functions. */
export interface WebhookConcurrencyOptions {
  /**
   * The most processor instances the SQS event source runs at once (2-1000). This bounds the
   * write rate to DynamoDB and S3; messages wait in the queue meanwhile.
   *
   * @default 10
   */
  readonly processorMaxConcurrency?: number;

  /**
   * Reserved concurrency of the ingest function, which caps how many deliveries are verified
   * at once (API Gateway answers 429/5xx beyond it, and providers retry).
   *
   * @default - unreserved: the ingest function uses the account's unreserved pool
   */
  readonly ingestReservedConcurrency?: number;

  /**
   * Reserved concurrency of the processor function. Must be at least
   * `processorMaxConcurrency`, or the event source is throttled.
   *
   * @default - unreserved
   */
  readonly processorReservedConcurrency?: number;
}

/** How the queue feeds the processor. */
export interface WebhookProcessingOptions {
  /**
   * Messages per processor invocation (1-10000; above 10 needs a batching window).
   *
   * @default 10
   */
  readonly batchSize?: number;

  /**
   * How long the event source gathers messages before invoking the processor (up to 5 minutes).
   * Longer windows mean fuller batches: fewer invocations and fewer archive objects.
   *
   * @default Duration.seconds(5)
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * How many times a message is received before it moves to the dead-letter queue (1-1000).
   *
   * @default 3
   */
  readonly maxReceiveCount?: number;

  /**
   * Timeout of the processor function. The queue's visibility timeout is set to six times this
   * plus the batching window, as AWS recommends for SQS event sources.
   *
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;

  /**
   * Memory of the processor function, in MiB.
   *
   * @default 512
   */
  readonly memorySize?: number;
}

/** Which alarms to create and where they notify. */
export interface WebhookAlarmOptions {
  /**
   * Whether to create the alarms at all.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * An SNS topic notified when an alarm fires and when it recovers.
   *
   * @default - no notification; the alarms are visible in CloudWatch only
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Errors of one function in 5 minutes that raise its alarm. 0 disables the function alarms.
   *
   * @default 5
   */
  readonly functionErrorsThreshold?: number;

  /**
   * Whether to alarm as soon as any message is in the dead-letter queue.
   *
   * @default true
   */
  readonly deadLetterQueue?: boolean;

  /**
   * Age of the oldest queued message that raises the backlog alarm. `Duration.seconds(0)`
   * disables it.
   *
   * @default Duration.minutes(5)
   */
  readonly maxMessageAge?: Duration;

  /**
   * API Gateway 5xx responses in 5 minutes that raise the API alarm. 0 disables it.
   *
   * @default 1
   */
  readonly api5xxThreshold?: number;
}

/** Retention, storage classes and removal of what the construct stores. */
export interface WebhookLifecycleOptions {
  /**
   * Storage class transitions of the raw archive (`raw/` prefix). S3 does not transition objects
   * under 128 KB, so small batches stay in S3 Standard, where they are cheapest.
   *
   * @default - Infrequent Access after 30 days, Glacier Flexible Retrieval after 90 days
   */
  readonly archiveTransitions?: s3.Transition[];

  /**
   * When archived raw deliveries are deleted.
   *
   * @default - never
   */
  readonly archiveExpiration?: Duration;

  /**
   * When DynamoDB records are deleted (DynamoDB TTL on `expiresAt`).
   *
   * @default - never
   */
  readonly recordExpiration?: Duration;

  /**
   * Retention of the functions' and the API's logs.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the table, the archive bucket, the queues and the log groups when they are
   * removed from the stack. `DESTROY` needs the bucket to be empty.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The REST API's stage settings. */
export interface WebhookApiOptions {
  /**
   * Steady-state requests per second the stage accepts before answering 429.
   *
   * @default 1000
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst of requests the stage accepts before answering 429.
   *
   * @default 2000
   */
  readonly throttlingBurstLimit?: number;

  /**
   * Whether to write JSON access logs of the stage to a log group. API Gateway needs the
   * account's CloudWatch Logs role to be set once per region (see `cloudWatchRole`).
   *
   * @default true
   */
  readonly accessLogging?: boolean;

  /**
   * Whether to write the stage's execution logs at ERROR level (never request or response
   * bodies) to `API-Gateway-Execution-Logs_{apiId}/{stage}`, created with `lifecycle.logRetention`.
   * Needs the same account role as access logging.
   *
   * @default true
   */
  readonly executionLogging?: boolean;

  /**
   * ARN of an AWS WAF web ACL (scope REGIONAL) to associate with the stage, e.g. with the AWS
   * managed common rule set and a rate-based rule per source IP.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * Whether to create the account-wide API Gateway CloudWatch Logs role. It is a singleton per
   * account and region, so leave it off when another stack already manages it.
   *
   * @default false
   */
  readonly cloudWatchRole?: boolean;

  /**
   * Name of the stage (the first path segment of the URL).
   *
   * @default 'v1'
   */
  readonly stageName?: string;
}

/** Properties of a WebhookProcessor. */
export interface WebhookProcessorProps {
  /** The providers that deliver webhooks, each at `POST /webhook/{name}`. At least one. */
  readonly providers: WebhookProvider[];

  /**
   * How far a signed timestamp may be from the time of receipt, in either direction, for
   * providers that do not set their own tolerance.
   *
   * @default Duration.minutes(5)
   */
  readonly signatureTolerance?: Duration;

  /**
   * Concurrency limits of the functions.
   *
   * @default - see WebhookConcurrencyOptions
   */
  readonly concurrency?: WebhookConcurrencyOptions;

  /**
   * How the queue feeds the processor.
   *
   * @default - see WebhookProcessingOptions
   */
  readonly processing?: WebhookProcessingOptions;

  /**
   * Alarms on errors, dead letters, backlog and API failures.
   *
   * @default - all alarms, without notification
   */
  readonly alarms?: WebhookAlarmOptions;

  /**
   * Retention, storage classes and removal of stored data.
   *
   * @default - see WebhookLifecycleOptions
   */
  readonly lifecycle?: WebhookLifecycleOptions;

  /**
   * Stage settings of the REST API.
   *
   * @default - see WebhookApiOptions
   */
  readonly api?: WebhookApiOptions;

  /**
   * Whether to trace requests with AWS X-Ray: active tracing on the three functions and on the
   * API stage. Traces are billed per request, so it is off by default.
   *
   * @default false
   */
  readonly tracing?: boolean;

  /**
   * A customer managed KMS key for the table, the archive bucket and both queues, instead of
   * AWS owned and managed keys. The functions and the event pipe are granted what they need.
   *
   * @default - SSE-SQS for the queues, SSE-S3 for the bucket, the AWS managed key for the table
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * A bucket that receives S3 server access logs of the archive bucket (under
   * `webhook-archive/`).
   *
   * @default - no server access logs; CloudTrail data events can audit object access instead
   */
  readonly archiveAccessLogsBucket?: s3.IBucket;

  /**
   * An EventBridge bus that receives a `Webhook Received` event (source `cdk-webhook-processor`)
   * for each newly recorded webhook, so consumers subscribe with rules instead of polling. The
   * events come from the table's stream through an EventBridge Pipe that forwards inserts only,
   * so a duplicate delivery never produces a second event. The detail carries the webhook's id,
   * provider, type, receive time and the location of its raw bytes in the archive.
   *
   * @default - no events
   */
  readonly eventBus?: events.IEventBus;
}

/** Where each part of an archived delivery is written in the archive bucket. */
const ARCHIVE_PREFIX = 'raw/';
const OVERSIZE_PREFIX = 'oversize/';
/** Oversized bodies must outlive the message that points at them, dead-letter retention included. */
const OVERSIZE_RETENTION = Duration.days(30);
const DLQ_RETENTION = Duration.days(14);
const STATUS_INDEX = 'byProviderDate';

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

  /** The log groups of the ingest, processor and status functions, in that order. */
  public readonly functionLogGroups: logs.ILogGroup[];

  /** The pipe that forwards new records to `eventBus`; only when `eventBus` is set. */
  public readonly eventPipe?: pipes.CfnPipe;

  /** The alarms created (empty when `alarms.enabled` is false). */
  public readonly alarms: cloudwatch.IAlarm[];

  /** Name of the table's index listing webhooks by `providerDate` (`<provider>#<YYYY-MM-DD>`) and `receivedAt`. */
  public readonly statusIndexName: string = STATUS_INDEX;

  private readonly providerNames: string[];

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
      timeToLiveAttribute: lifecycle.recordExpiration ? 'expiresAt' : undefined,
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

    // ---- functions ----
    const logGroupFor = (name: string) => new logs.LogGroup(this, `${name}Logs`, { retention: logRetention, removalPolicy });
    const roleFor = (name: string, logGroup: logs.ILogGroup) => {
      const role = new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of the webhook ${name.toLowerCase()} function`,
      });
      logGroup.grantWrite(role);
      return role;
    };
    const common = {
      architecture: lambda.Architecture.ARM_64,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : undefined,
    };
    const powertools = (service: string) => ({
      POWERTOOLS_SERVICE_NAME: service,
      POWERTOOLS_METRICS_NAMESPACE: 'WebhookProcessor',
    });

    const ingestLogs = logGroupFor('Ingest');
    const ingest = new IngestFunction(this, 'Ingest', {
      ...common,
      description: 'Verifies webhook deliveries and queues them',
      role: roleFor('Ingest', ingestLogs),
      logGroup: ingestLogs,
      memorySize: 256,
      timeout: Duration.seconds(10),
      reservedConcurrentExecutions: props.concurrency?.ingestReservedConcurrency,
      environment: {
        ...powertools('webhook-ingest'),
        QUEUE_URL: queue.queueUrl,
        ARCHIVE_BUCKET: bucket.bucketName,
        OVERSIZE_PREFIX,
        WEBHOOK_PROVIDERS: Stack.of(this).toJsonString(props.providers.map((p) => p._runtimeConfig(tolerance))),
      },
    });
    ingest.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    ingest.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${OVERSIZE_PREFIX}*`)] }));
    for (const secret of uniqueSecrets(props.providers)) {
      secret.grantRead(ingest);
    }
    // SendMessage to a KMS queue and PutObject to a KMS bucket both need a data key.
    grantKey(ingest, props.encryptionKey, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.ingestFunction = ingest;

    const processorLogs = logGroupFor('Processor');
    const processor = new ProcessorFunction(this, 'Processor', {
      ...common,
      description: 'Records queued webhooks in DynamoDB and archives their raw bytes in S3',
      role: roleFor('Processor', processorLogs),
      logGroup: processorLogs,
      memorySize: processing.memorySize ?? 512,
      timeout: processorTimeout,
      reservedConcurrentExecutions: props.concurrency?.processorReservedConcurrency,
      environment: {
        ...powertools('webhook-processor'),
        TABLE_NAME: table.tableName,
        ARCHIVE_BUCKET: bucket.bucketName,
        ARCHIVE_PREFIX,
        ...(lifecycle.recordExpiration ? { RECORD_TTL_SECONDS: String(lifecycle.recordExpiration.toSeconds()) } : {}),
      },
    });
    processor.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [table.tableArn] }));
    processor.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${ARCHIVE_PREFIX}*`)] }));
    processor.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${OVERSIZE_PREFIX}*`)] }));
    grantKey(processor, props.encryptionKey, 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:Encrypt');
    processor.addEventSource(new eventSources.SqsEventSource(queue, {
      batchSize: processing.batchSize ?? 10,
      maxBatchingWindow: batchingWindow,
      maxConcurrency: props.concurrency?.processorMaxConcurrency ?? 10,
      reportBatchItemFailures: true,
    }));
    this.processorFunction = processor;

    const statusLogs = logGroupFor('Status');
    const status = new StatusFunction(this, 'Status', {
      ...common,
      description: 'Answers GET /status/{id} from the webhook table',
      role: roleFor('Status', statusLogs),
      logGroup: statusLogs,
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: {
        ...powertools('webhook-status'),
        TABLE_NAME: table.tableName,
      },
    });
    status.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [table.tableArn] }));
    grantKey(status, props.encryptionKey, 'kms:Decrypt');
    this.statusFunction = status;
    this.functionLogGroups = [ingestLogs, processorLogs, statusLogs];

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
      .addMethod('POST', new apigw.LambdaIntegration(ingest, { allowTestInvoke: false }), {
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
    return new cloudwatch.Metric({
      namespace: 'WebhookProcessor',
      metricName: 'WebhooksRejected',
      dimensionsMap: { service: 'webhook-ingest', provider, reason },
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...props,
    });
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
        // Inserts only: duplicates never write, and nothing else changes a record.
        filterCriteria: { filters: [{ pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
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

/** Throws one error listing every invalid prop, each message naming the prop and the fix. */
function validateProps(props: WebhookProcessorProps): void {
  const errors: string[] = [];
  const check = (ok: boolean, message: string) => { if (!ok) errors.push(message); };
  const whole = (value: number | undefined) => value === undefined || Token.isUnresolved(value) || Number.isInteger(value);
  const within = (value: number | undefined, min: number, max: number) =>
    value === undefined || Token.isUnresolved(value) || (Number.isInteger(value) && value >= min && value <= max);

  check(props.providers.length > 0, "'providers' must list at least one WebhookProvider.");
  const names = props.providers.map((p) => p.name);
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  check(duplicates.length === 0, `'providers' has more than one provider named ${duplicates.map((d) => `'${d}'`).join(', ')}; give each a distinct 'name'.`);
  for (const provider of props.providers) {
    errors.push(...provider._validate());
  }

  const tolerance = props.signatureTolerance?.toSeconds();
  check(tolerance === undefined || (tolerance >= 1 && tolerance <= 3600), "'signatureTolerance' must be between 1 second and 1 hour.");

  const processing = props.processing ?? {};
  const batchSize = processing.batchSize;
  const window = processing.maxBatchingWindow?.toSeconds() ?? 5;
  check(within(batchSize, 1, 10000), "'processing.batchSize' must be a whole number from 1 to 10000.");
  check(batchSize === undefined || batchSize <= 10 || window > 0, "'processing.batchSize' above 10 needs a 'processing.maxBatchingWindow' of at least 1 second.");
  check(window <= 300, "'processing.maxBatchingWindow' must be at most 5 minutes.");
  check(within(processing.maxReceiveCount, 1, 1000), "'processing.maxReceiveCount' must be a whole number from 1 to 1000.");
  const timeout = processing.timeout?.toSeconds();
  check(timeout === undefined || (timeout >= 1 && timeout <= 900), "'processing.timeout' must be between 1 second and 15 minutes.");
  check(6 * (timeout ?? 30) + window <= 43200,
    "'processing.timeout' × 6 + 'processing.maxBatchingWindow' must be at most 12 hours (the longest SQS visibility timeout); lower the timeout.");
  check(within(processing.memorySize, 128, 10240), "'processing.memorySize' must be a whole number of MiB from 128 to 10240.");

  const concurrency = props.concurrency ?? {};
  check(within(concurrency.processorMaxConcurrency, 2, 1000), "'concurrency.processorMaxConcurrency' must be a whole number from 2 to 1000.");
  check(whole(concurrency.ingestReservedConcurrency) && (concurrency.ingestReservedConcurrency ?? 1) >= 1,
    "'concurrency.ingestReservedConcurrency' must be a whole number of at least 1.");
  check(whole(concurrency.processorReservedConcurrency) && (concurrency.processorReservedConcurrency ?? 2) >= 2,
    "'concurrency.processorReservedConcurrency' must be a whole number of at least 2.");
  if (concurrency.processorReservedConcurrency !== undefined) {
    check(concurrency.processorReservedConcurrency >= (concurrency.processorMaxConcurrency ?? 10),
      `'concurrency.processorReservedConcurrency' (${concurrency.processorReservedConcurrency}) must be at least 'concurrency.processorMaxConcurrency' (${concurrency.processorMaxConcurrency ?? 10}), or SQS deliveries are throttled; raise the reserved concurrency or lower the maximum.`);
  }

  const alarms = props.alarms ?? {};
  check(whole(alarms.functionErrorsThreshold) && (alarms.functionErrorsThreshold ?? 0) >= 0, "'alarms.functionErrorsThreshold' must be a whole number, 0 to disable.");
  check(whole(alarms.api5xxThreshold) && (alarms.api5xxThreshold ?? 0) >= 0, "'alarms.api5xxThreshold' must be a whole number, 0 to disable.");

  const lifecycle = props.lifecycle ?? {};
  const transitions = lifecycle.archiveTransitions ?? [];
  for (const t of transitions) {
    const days = t.transitionAfter?.toDays();
    const toIa = t.storageClass === s3.StorageClass.INFREQUENT_ACCESS || t.storageClass === s3.StorageClass.ONE_ZONE_INFREQUENT_ACCESS;
    check(!toIa || days === undefined || days >= 30,
      `'lifecycle.archiveTransitions': S3 moves objects to ${t.storageClass.value} no sooner than 30 days; use 'transitionAfter' of at least Duration.days(30).`);
  }
  const expiration = lifecycle.archiveExpiration?.toDays();
  if (expiration !== undefined) {
    const latest = Math.max(0, ...transitions.map((t) => t.transitionAfter?.toDays() ?? 0));
    check(expiration > latest, `'lifecycle.archiveExpiration' (${expiration} days) must come after the last of 'lifecycle.archiveTransitions' (${latest} days).`);
  }
  const recordDays = lifecycle.recordExpiration?.toSeconds();
  check(recordDays === undefined || recordDays >= 86400, "'lifecycle.recordExpiration' must be at least 1 day.");

  const api = props.api ?? {};
  check(api.throttlingRateLimit === undefined || api.throttlingRateLimit > 0, "'api.throttlingRateLimit' must be greater than 0.");
  check(within(api.throttlingBurstLimit, 1, 1_000_000), "'api.throttlingBurstLimit' must be a whole number of at least 1.");
  check(api.stageName === undefined || /^[A-Za-z0-9_-]{1,128}$/.test(api.stageName), "'api.stageName' may only contain letters, digits, '_' and '-'.");

  if (errors.length > 0) {
    throw new Error(`Invalid WebhookProcessor props:\n- ${errors.join('\n- ')}`);
  }
}

