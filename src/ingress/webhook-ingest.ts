import {
  Duration,
  Stack,
  aws_lambda as lambda,
  type aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acceptPolicyFindings } from '../core/findings';
import { acceptFunctionFindings, allow, functionBase, grantKey, type FunctionSettings } from '../core/function-base';
import { HandlerName } from '../core/handler-metrics';
import { IngestFunction } from '../lambdas/ingest/ingest-function';
import type { WebhookProvider } from '../providers/webhook-provider';
import { OVERSIZE_PREFIX, type WebhookStore } from '../store/webhook-store';
import type { WebhookConcurrencyOptions } from '../webhook-processor-props';

/** Properties of the function that verifies and queues deliveries. */
export interface WebhookIngestProps {
  /** Settings shared by every function. */
  readonly functions: FunctionSettings;
  /** The providers it verifies. */
  readonly providers: WebhookProvider[];
  /** Timestamp tolerance of providers that set none (5 minutes if not given). */
  readonly signatureTolerance?: Duration;
  /** Where accepted deliveries go. */
  readonly queue: sqs.IQueue;
  /** Where oversized bodies go (`oversize/`). */
  readonly store: WebhookStore;
  /** Reserved and provisioned concurrency. */
  readonly concurrency: WebhookConcurrencyOptions;
}

/**
 * The ingest function, which every front door invokes for `POST /webhook/{provider}`: verifies
 * the signature over the raw bytes, then answers 202 once the delivery is queued.
 */
export class WebhookIngest extends Construct {
  /** The function. */
  public readonly function: lambda.Function;

  /** The `live` alias with provisioned concurrency; only when it is asked for. */
  public readonly alias?: lambda.Alias;

  /** What front doors invoke: the alias when there is one, else the function. */
  public readonly target: lambda.IFunction;

  constructor(scope: Construct, id: string, props: WebhookIngestProps) {
    super(scope, id);
    const { functions, queue, store } = props;
    const fn = new IngestFunction(this, 'Function', {
      ...functionBase(this, 'Execution role of the webhook ingest function', functions),
      description: 'Verifies webhook deliveries and queues them',
      memorySize: 256,
      timeout: Duration.seconds(10),
      reservedConcurrentExecutions: props.concurrency.ingestReservedConcurrency,
      environment: {
        ...functions.metrics.environment(HandlerName.INGEST),
        QUEUE_URL: queue.queueUrl,
        ARCHIVE_BUCKET: store.bucket.bucketName,
        OVERSIZE_PREFIX,
        WEBHOOK_PROVIDERS: Stack.of(this).toJsonString(props.providers.map((p) => p._runtimeConfig(props.signatureTolerance ?? Duration.minutes(5)))),
      },
    });
    allow(fn, ['sqs:SendMessage'], queue.queueArn);
    allow(fn, ['s3:PutObject'], store.bucket.arnForObjects(`${OVERSIZE_PREFIX}*`));
    for (const secret of new Set(props.providers.flatMap((p) => p.secrets))) {
      secret.grantRead(fn);
    }
    // SendMessage to a KMS queue and PutObject to a KMS bucket both need a data key.
    grantKey(fn, functions.encryptionKey, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.function = fn;
    this.alias = this.provision(fn, props.concurrency);
    this.target = this.alias ?? fn;

    acceptFunctionFindings(fn, functions, props.concurrency.ingestReservedConcurrency !== undefined);
    acceptPolicyFindings(fn.role, [{
      nag: 'AwsSolutions-IAM5',
      reason: 'The ingest function may write objects under the oversize/ prefix of the archive bucket only (keys are per delivery), and secrets imported by name are granted with the six-character suffix Secrets Manager appends.',
      appliesTo: [
        { regex: '/^Resource::<[A-Za-z0-9]+Archive[0-9A-F]{8}\\.Arn>\\/oversize\\/\\*$/' },
        { regex: '/^Resource::arn:.*:secretsmanager:.*-\\?\\?\\?\\?\\?\\?$/' },
      ],
    }]);
  }

  /** The `live` alias with provisioned concurrency (and its scaling), when asked for. */
  private provision(fn: lambda.Function, concurrency: WebhookConcurrencyOptions): lambda.Alias | undefined {
    const provisioned = concurrency.ingestProvisionedConcurrency;
    if (provisioned === undefined) {
      return undefined;
    }
    const alias = new lambda.Alias(this, 'Live', {
      aliasName: 'live',
      version: fn.currentVersion,
      provisionedConcurrentExecutions: provisioned,
    });
    const max = concurrency.ingestProvisionedConcurrencyMax;
    if (max !== undefined && max > provisioned) {
      alias.addAutoScaling({ minCapacity: provisioned, maxCapacity: max }).scaleOnUtilization({ utilizationTarget: 0.7 });
    }
    return alias;
  }
}
