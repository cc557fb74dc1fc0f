import {
  Duration,
  Stack,
  aws_iam as iam,
  aws_lambda as lambda,
  type aws_secretsmanager as secretsmanager,
  type aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENVIRONMENT_LIMIT, maxEnvironmentBytes } from '../core/environment-size';
import { acceptPolicyFindings } from '../core/findings';
import { acceptFunctionFindings, allow, functionBase, grantKey, type FunctionSettings } from '../core/function-base';
import { HandlerName } from '../core/handler-metrics';
import { IngestFunction } from '../lambdas/ingest/ingest-function';
import type { FieldLocation } from '../providers/provider-config';
import { encodeProviders } from '../providers/provider-encoding';
import type { WebhookProvider } from '../providers/webhook-provider';
import { OVERSIZE_PREFIX, type WebhookStore } from '../store/webhook-store';
import { invalidProps } from '../validation';
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
  /** With `ordering` (a FIFO queue): each provider's ordering key locations, by name (may be empty). */
  readonly orderingKeys?: Record<string, FieldLocation[]>;
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
    const tolerance = props.signatureTolerance ?? Duration.minutes(5);
    const providers = encodeProviders(props.providers.map((p) => p._runtimeConfig(tolerance, this)), tolerance.toSeconds());
    const environment = {
      ...functions.metrics.environment(HandlerName.INGEST),
      QUEUE_URL: queue.queueUrl,
      ARCHIVE_BUCKET: store.bucket.bucketName,
      OVERSIZE_PREFIX,
      WEBHOOK_PROVIDERS: Stack.of(this).toJsonString(providers),
      // Present only with a FIFO queue: the ingest then sends a message group and deduplication id.
      ...(props.orderingKeys ? { ORDERING_KEYS: JSON.stringify(props.orderingKeys) } : {}),
    };
    const size = maxEnvironmentBytes(this, environment);
    if (size > LAMBDA_ENVIRONMENT_LIMIT) {
      const secrets = props.providers.reduce((n, p) => n + p.secrets.length, 0);
      throw invalidProps(scope, [`'providers': the ${props.providers.length} providers with ${secrets} secrets make the ingest function's environment up to ${size} bytes once deployed (secret ARNs counted at their longest), over Lambda's limit of ${LAMBDA_ENVIRONMENT_LIMIT} bytes, and the deployment would fail. List fewer providers or secrets here and split them across two WebhookProcessor constructs, or import secrets of this account and Region by name (Secret.fromSecretNameV2), which takes less room than an ARN.`]);
    }
    const fn = new IngestFunction(this, 'Function', {
      ...functionBase(this, 'Execution role of the webhook ingest function', functions),
      description: 'Verifies webhook deliveries and queues them',
      memorySize: 256,
      timeout: Duration.seconds(10),
      reservedConcurrentExecutions: props.concurrency.ingestReservedConcurrency,
      environment,
    });
    allow(fn, ['sqs:SendMessage'], queue.queueArn);
    allow(fn, ['s3:PutObject'], store.bucket.arnForObjects(`${OVERSIZE_PREFIX}*`));
    for (const secret of new Set(props.providers.flatMap((p) => [...p.secrets, ...p._handshakeSecrets()]))) {
      secret.grantRead(fn);
    }
    // Asana's handshake establishes the webhook's secret: the function stores it (PutSecretValue)
    // while the secret holds 'pending' (see WebhookProvider.asana()).
    const storing = props.providers.filter((p) => p._storesHandshakeSecret());
    for (const secret of new Set(storing.flatMap((p) => p.secrets))) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:PutSecretValue'], resources: [secretPolicyArn(secret)] }));
    }
    // grantRead adds kms:Decrypt only for a secret that knows its key. GetSecretValue: "If the
    // secret is encrypted using a customer-managed key instead of the AWS managed key
    // aws/secretsmanager, then you also need kms:Decrypt permissions for that key."
    // (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html)
    // Only through Secrets Manager, as CDK's own grantRead does: the kms:ViaService condition
    // (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
    for (const key of new Set(props.providers.map((p) => p.secretsEncryptionKey).filter((k) => k !== undefined))) {
      // Storing a value needs a data key: "Whenever the secret value in a secret changes, Secrets
      // Manager requests a new data key from AWS KMS to protect it."
      // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html)
      const stores = storing.some((p) => p.secretsEncryptionKey === key);
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: stores ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
      }));
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

/**
 * The secret's ARN in a policy: a secret known by name only gets the six characters Secrets
 * Manager appends as a wildcard, as CDK's own grants do.
 */
function secretPolicyArn(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}
