// Longer than 400 lines: it is the public props of the construct, nearly all documentation
// (each prop with its default, its AWS limit and a link). Splitting it would scatter one
// interface's docs across files jsii then merges back into one API.md section anyway.
import type {
  Duration, RemovalPolicy,
  aws_apigateway as apigw,
  aws_ec2 as ec2,
  aws_events as events,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_s3 as s3,
  aws_sns as sns,
} from 'aws-cdk-lib';
import type { WebhookFrontDoor } from './ingress/front-door';
import type { InternalSendersOptions } from './ingress/internal-senders-options';
import type { WebhookWebAcl } from './ingress/web-acl-options';
import type { WebhookVpcEndpoints } from './network/vpc-endpoint-options';
import type { WebhookOrderingOptions } from './pipeline/webhook-ordering';
import type { WebhookProvider } from './providers/webhook-provider';

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
   * at once (API Gateway answers 429/5xx beyond it, and providers retry). With
   * `frontDoor: WebhookFrontDoor.FUNCTION_URL` it is the only throttle: a function URL has no
   * rate limit of its own, and answers 429 once the function's concurrency is used up.
   *
   * @default - unreserved: the ingest function uses the account's unreserved pool
   */
  readonly ingestReservedConcurrency?: number;

  /**
   * Ingest instances kept initialised (provisioned concurrency), so that deliveries never wait
   * for a cold start. API Gateway then invokes the function's `live` alias. Billed while
   * provisioned.
   *
   * @default - none: instances start on demand
   */
  readonly ingestProvisionedConcurrency?: number;

  /**
   * With `ingestProvisionedConcurrency`, the most provisioned instances that target tracking
   * (70 % utilisation) may scale up to.
   *
   * @default - no scaling: `ingestProvisionedConcurrency` stays fixed
   */
  readonly ingestProvisionedConcurrencyMax?: number;

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
   * Messages per processor invocation (1-10000; above 10 needs a batching window; at most 10
   * with `ordering`, Lambda's maximum for FIFO queues).
   *
   * @default 10
   */
  readonly batchSize?: number;

  /**
   * How long the event source gathers messages before invoking the processor (up to 5 minutes).
   * Longer windows mean fuller batches: fewer invocations and fewer archive objects. Not with
   * `ordering`: "Batching window is not supported for FIFO queues"
   * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html).
   *
   * @default - Duration.seconds(5); none with `ordering`
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
   * Whether to alarm on dead letters: as soon as one is archived (a webhook failed processing
   * `maxReceiveCount` times), when one waits 15 minutes in the dead-letter queue (the archiver is
   * not draining it), and when the archiver fails to save one (archive-failure queue).
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
   * Whether to alarm when the ingest function cannot load the providers' signing secrets (for
   * example without `kms:Decrypt` on their customer managed key): every delivery is then answered
   * 503 until it is fixed. Raised by one such delivery in 5 minutes.
   *
   * @default true
   */
  readonly secretsUnavailable?: boolean;

  /**
   * Whether to alarm when a delivery fails its provider's payload schema (any in 5 minutes);
   * only when a provider has `schema` or `eventSchemas`.
   *
   * @default true
   */
  readonly invalidPayloads?: boolean;

  /**
   * API Gateway 5xx responses in 5 minutes that raise the API alarm. 0 disables it.
   *
   * @default 1
   */
  readonly api5xxThreshold?: number;

  /**
   * An alarm per function on its error rate (Errors / Invocations), next to its count alarm
   * (`functionErrorsThreshold`): at high traffic a few errors are noise the count alarm cannot
   * tell from an outage, and the rate can. `thresholdPercent: 0` disables them.
   *
   * @default - 1 % of the invocations over 5 minutes, once there are at least 100
   */
  readonly functionErrorRate?: WebhookRateAlarmOptions;

  /**
   * An alarm on the API's 5xx rate (5XXError / Count), next to its count alarm
   * (`api5xxThreshold`). `thresholdPercent: 0` disables it.
   *
   * @default - 1 % of the requests over 5 minutes, once there are at least 100
   */
  readonly api5xxRate?: WebhookRateAlarmOptions;

  /**
   * An alarm per provider on the share of its deliveries whose signature the configured secrets
   * do not match (reasons `invalid_signature` and `no_secret`) among its deliveries accepted or
   * so rejected: where a secret rotated at the provider but not yet in Secrets Manager shows up
   * first. `thresholdPercent: 0` disables them.
   *
   * @default - 10 % of a provider's deliveries over 15 minutes, once there are at least 10
   */
  readonly signatureRejectionRate?: WebhookRateAlarmOptions;
}

/**
 * A rate alarm: a share of failures among a count, as a metric-math alarm that reads 0 while the
 * count is below `minimumCount`, so that one failure among a handful of requests raises nothing.
 */
export interface WebhookRateAlarmOptions {
  /**
   * The percentage of failures that raises the alarm, from 0 to 100; 0 disables the alarm.
   *
   * @default - see the alarm's prop
   */
  readonly thresholdPercent?: number;

  /**
   * The period over which failures and the count are summed: whole minutes, 1 minute to 1 day.
   *
   * @default - see the alarm's prop
   */
  readonly period?: Duration;

  /**
   * The count (invocations, requests or deliveries) below which the rate is not judged (reads 0):
   * a whole number of at least 1.
   *
   * @default - see the alarm's prop
   */
  readonly minimumCount?: number;
}

/** Retention, storage classes and removal of what the construct stores. */
export interface WebhookLifecycleOptions {
  /**
   * Storage class transitions of the raw archive (`raw/` prefix). S3 does not transition objects
   * under 128 KB, so small batches stay in S3 Standard, where they are cheapest.
   *
   * The default classes all answer a delivery's ranged GET directly. Objects moved to
   * `StorageClass.GLACIER` (Flexible Retrieval) or `DEEP_ARCHIVE` must first be restored with
   * `RestoreObject` (Flexible Retrieval: expedited 1–5 minutes, standard 3–5 hours, bulk 5–12
   * hours; Deep Archive: standard within 12 hours, bulk within 48 hours), billed per GB, and the
   * reader needs `s3:RestoreObject`; the construct warns at synth when a transition goes there.
   *
   * @default - Infrequent Access after 30 days, Glacier Instant Retrieval after 90 days
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
   * When archived dead letters (`dead-letters/` and, once redriven, `dead-letters-redriven/` in
   * the archive bucket) are deleted. A dead letter is the only copy of an acknowledged webhook
   * that no consumer has seen, so by default it is kept as long as records and the raw archive
   * are (forever), until someone redrives it or decides it can go; the prefix grows only with
   * failures, each of which raises the dead-letter alarm. Set it to the retention your compliance
   * rules allow for unprocessed data, at least 14 days (what the dead-letter queue itself would
   * have kept) and no shorter than `recordExpiration` (a `dead_lettered` record points at it).
   *
   * @default - never
   */
  readonly deadLetterExpiration?: Duration;

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

/**
 * The API's stage settings. The REST API takes them all; an HTTP API takes the throttling, access
 * logging, `domainName` and `disableExecuteApiEndpoint`; function URLs take none. A setting the
 * chosen front door does not have is refused at synth.
 */
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
   * account's CloudWatch Logs role, which `cloudWatchRole` sets.
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
   * managed common rule set and a rate-based rule per source IP. Not with `webAcl`.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * A web ACL the construct creates and associates with the stage:
   * `WebhookWebAcl.managed({ rateLimit, providerIpRanges })`, with a `413` above the ingest's
   * maximum body size, a rate limit per source IP and the AWS managed rule sets tuned for
   * webhook bodies (see the README's "Managed WAF"). Billed per web ACL, rule and request. Not
   * with `webAclArn`.
   *
   * @default - no web ACL
   */
  readonly webAcl?: WebhookWebAcl;

  /**
   * A custom domain for the API (an ACM certificate in the stack's region), e.g.
   * `webhooks.example.com`; point a DNS alias at `api.domainName`. `webhookUrl()` then returns
   * URLs on this domain. Its security policy is TLS 1.2 unless `securityPolicy` says otherwise.
   *
   * @default - only the execute-api endpoint
   */
  readonly domainName?: apigw.DomainNameOptions;

  /**
   * Whether to set API Gateway's account-wide CloudWatch Logs role (an IAM role with
   * `AmazonAPIGatewayPushToCloudWatchLogs` and the `AWS::ApiGateway::Account` setting that names
   * it), which access and execution logging need: without it, a stage with logging fails to
   * deploy in an account where nobody set the role. One per stack, shared by every
   * WebhookProcessor in it, and retained when the stack is deleted, because the account setting
   * outlives the stack and other APIs log through it. Turn it off when the account's role is
   * managed elsewhere (another stack, your landing zone); two stacks of one app that both set it
   * in the same account and region are refused at synth.
   *
   * @default true
   */
  readonly cloudWatchRole?: boolean;

  /**
   * Whether to disable the default `execute-api` endpoint, so that the API is reachable only on
   * `domainName`. Needs `domainName`.
   *
   * @default false
   */
  readonly disableExecuteApiEndpoint?: boolean;

  /**
   * Name of the stage (the first path segment of the URL).
   *
   * @default 'v1'
   */
  readonly stageName?: string;
}

/** How the replay function puts events on the bus again (see `grantReplay()`). */
export interface WebhookReplayOptions {
  /**
   * Events a replay puts on the bus a second, at most (1-1000), in PutEvents requests of 10. The
   * replay shares the account's PutEvents quota and the rule targets' invocation quota with live
   * traffic, and consumers receive replays on top of their usual load.
   *
   * @default 50
   */
  readonly ratePerSecond?: number;
}

/**
 * Warm throughput of the record table and of its by-provider index: the reads and writes a second
 * each can take at once. "New on-demand tables will be able to sustain up to 4,000 writes per
 * second and 12,000 reads per second", then up to twice their previous peak
 * (https://docs.amazonaws.cn/en_us/amazondynamodb/latest/developerguide/pre-warming-on-demand-capacity-mode.html);
 * one provider at 10,000 webhooks a second writes about 10,000 units a second to each (see the
 * README's Scale section). DynamoDB bills raising it once.
 */
export interface WebhookWarmThroughput {
  /**
   * Write units a second the table and the index each take at once (at least 1).
   *
   * @default - DynamoDB's: 4,000 for a new on-demand table and index, then what traffic reached
   */
  readonly writeUnitsPerSecond?: number;

  /**
   * Read units a second the table and the index each take at once (at least 1).
   *
   * @default - DynamoDB's: 12,000 for a new on-demand table and index, then what traffic reached
   */
  readonly readUnitsPerSecond?: number;
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
   * Ordering: puts deliveries on FIFO queues, grouped by an ordering key per provider (e.g. the
   * Stripe customer), and processes each group one delivery at a time in the order the ingest
   * queued them; other groups are never held up. Setting it (even to `{}`) turns it on. Switching
   * an existing deployment between standard and FIFO replaces the queues: drain them first (see
   * the README's "Ordering").
   *
   * @default - no ordering: a standard queue, processed in parallel in any order
   */
  readonly ordering?: WebhookOrderingOptions;

  /**
   * Alarms on errors and error rates, dead letters, backlog, unreadable signing secrets, API
   * failures and 5xx rate, and per provider on the rate of signature rejections.
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
   * Which service receives the webhooks: the REST API (WAF, usage plans, execution logs), an
   * HTTP API (about a third of the price) or Lambda function URLs (nothing beyond the functions).
   * Each serves the same routes: `POST` and `GET /webhook/{provider}` open to providers,
   * `GET /status/{id}` and `GET /webhooks` with IAM auth. See the README's "Front doors".
   *
   * @default WebhookFrontDoor.REST_API
   */
  readonly frontDoor?: WebhookFrontDoor;

  /**
   * Stage settings of the REST API or the HTTP API (`frontDoor`).
   *
   * @default - see WebhookApiOptions
   */
  readonly api?: WebhookApiOptions;

  /**
   * A VPC to run the functions in, for accounts that require it. The subnets need routes to S3,
   * DynamoDB, SQS, Secrets Manager and, with events, EventBridge: VPC endpoints (which
   * `vpcEndpoints` can create) or a NAT gateway.
   *
   * @default - the functions run outside any VPC, on Lambda's own network
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Which subnets of `vpc` the functions use.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * How the functions in `vpc` reach S3, DynamoDB, SQS, Secrets Manager and EventBridge:
   * `WebhookVpcEndpoints.create()` creates the gateway and interface endpoints (with private DNS,
   * admitting HTTPS from the functions' security group only) in the functions' subnets;
   * `WebhookVpcEndpoints.EXISTING` creates none, for a VPC with its own endpoints or a NAT
   * gateway. Interface endpoints are billed per hour and Availability Zone. Needs `vpc`.
   *
   * @default WebhookVpcEndpoints.EXISTING
   */
  readonly vpcEndpoints?: WebhookVpcEndpoints;

  /**
   * The Lambda runtime of the three functions: a Node.js runtime of version 22 or later, which
   * the handlers are built for. Set it to stay on a runtime while you test the next one, e.g.
   * `lambda.Runtime.NODEJS_22_X`; a newer runtime than the default needs no new library version.
   *
   * @default - Node.js 24 (`nodejs24.x`)
   */
  readonly runtime?: lambda.Runtime;

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
   * Whether to create a CloudWatch dashboard of the pipeline, in rows by concern: alarm states;
   * API traffic, 5xx rate and latency; deliveries accepted and rejected (by provider and reason),
   * signature-rejection rates, duplicates, conflicts, replays and invalid payloads; a table of
   * deliveries by provider, event type and outcome (a CloudWatch Logs Insights query over the
   * ingest's and processor's JSON logs, billed per GB scanned when the dashboard is viewed);
   * backlog, dead letters and archive failures; function errors, error rates, duration and
   * throttles; and, once events are on, events published, failed and replayed.
   *
   * @default false
   */
  readonly dashboard?: boolean;

  /**
   * An EventBridge bus that receives a `Webhook Received` event (source `cdk-webhook-processor`)
   * for each newly recorded webhook, so that consumers subscribe with rules (`onWebhook()`)
   * instead of polling. Events come from the table's stream, inserts of processed records only,
   * so a duplicate or conflicting delivery never makes one; delivery is at least once, and the
   * webhook id in the detail is the consumer's idempotency key. The detail carries the provider,
   * type, receive time, body digest and archive location, and the payload itself (parsed JSON)
   * when the body is JSON and the event stays under 1 MB.
   *
   * @default - no events until `onWebhook()` is called, which creates a bus
   */
  readonly eventBus?: events.IEventBus;

  /**
   * How the replay function, created with the events (`eventBus` or a route), puts the events of
   * chosen webhooks on the bus again.
   *
   * @default - see WebhookReplayOptions
   */
  readonly replay?: WebhookReplayOptions;

  /**
   * Senders you operate or issue credentials to: API keys with a usage plan on chosen routes,
   * senders that sign with AWS IAM (SigV4) whose deliveries API Gateway queues itself, and your
   * own authorizer on a provider's route. See the README's "Internal senders".
   *
   * @default - none: every provider posts to the shared route, authenticated by its signature
   */
  readonly internalSenders?: InternalSendersOptions;

  /**
   * Pre-warms the record table and its by-provider index for a known peak (e.g. 10,000 webhooks a
   * second from one provider: `{ writeUnitsPerSecond: 12000 }`), so that they do not throttle
   * while on-demand capacity catches up. Raising it later is an in-place update; DynamoDB does not
   * lower warm throughput.
   *
   * @default - DynamoDB's on-demand starting point, then what traffic reached
   */
  readonly tableWarmThroughput?: WebhookWarmThroughput;
}
