import {
  Duration,
  aws_lambda as lambda,
  aws_lambda_event_sources as eventSources,
  type aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PayloadSchemasLayer } from './payload-schemas-layer';
import { accept, acceptPolicyFindings } from '../core/findings';
import { acceptFunctionFindings, allow, functionBase, grantKey, type FunctionSettings } from '../core/function-base';
import { HandlerName } from '../core/handler-metrics';
import { ProcessorFunction } from '../lambdas/processor/processor-function';
import type { PayloadSchemasDocument } from '../providers/provider-config';
import { ARCHIVE_PREFIX, OVERSIZE_PREFIX, type WebhookStore } from '../store/webhook-store';
import type { WebhookConcurrencyOptions, WebhookProcessingOptions } from '../webhook-processor-props';

/** Properties of the processor that turns queued deliveries into records. */
export interface RecordProcessorProps {
  /** Settings shared by every function. */
  readonly functions: FunctionSettings;
  /** The queue it consumes. */
  readonly queue: sqs.IQueue;
  /** The table and archive it writes. */
  readonly store: WebhookStore;
  /** Batching, timeout and memory. */
  readonly processing: WebhookProcessingOptions;
  /** Event-source and reserved concurrency. */
  readonly concurrency: WebhookConcurrencyOptions;
  /** When records expire. */
  readonly recordExpiration?: Duration;
  /** The providers' payload schemas, shipped in a layer; only when a provider has any. */
  readonly payloadSchemas?: PayloadSchemasDocument;
  /** Whether the queue is FIFO (`ordering`): no batching window. */
  readonly ordered?: boolean;
}

const DEFAULT_TIMEOUT = Duration.seconds(30);
const DEFAULT_WINDOW = Duration.seconds(5);

/**
 * The visibility timeout the queue needs for this processor: six times the function timeout plus
 * the batching window, as AWS recommends for SQS event sources.
 */
export function visibilityTimeoutFor(processing: WebhookProcessingOptions, ordered = false): Duration {
  return Duration.seconds(6 * (processing.timeout ?? DEFAULT_TIMEOUT).toSeconds() + (batchingWindowOf(processing, ordered)?.toSeconds() ?? 0));
}

/**
 * The event source's batching window: none on a FIFO queue, where "Batching window is not
 * supported for FIFO queues" (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html);
 * validation refuses `processing.maxBatchingWindow` with `ordering`.
 */
export function batchingWindowOf(processing: WebhookProcessingOptions, ordered: boolean): Duration | undefined {
  return ordered ? undefined : processing.maxBatchingWindow ?? DEFAULT_WINDOW;
}

/**
 * The processor function and its SQS event source: archives each batch's raw bytes in one S3
 * object, then writes one record per webhook with a conditional put, reporting exactly the
 * failed messages back to the queue.
 */
export class RecordProcessor extends Construct {
  /** The function that consumes the queue. */
  public readonly function: lambda.Function;
  /** The layer holding the payload schemas; only when a provider has any. */
  public readonly payloadSchemasLayer?: lambda.ILayerVersion;

  constructor(scope: Construct, id: string, props: RecordProcessorProps) {
    super(scope, id);
    const { store, functions, processing, concurrency } = props;
    const schemas = props.payloadSchemas === undefined ? undefined : new PayloadSchemasLayer(this, 'PayloadSchemas', { schemas: props.payloadSchemas });
    const fn = new ProcessorFunction(this, 'Function', {
      ...functionBase(this, 'Execution role of the webhook processor function', functions),
      description: 'Records queued webhooks in DynamoDB and archives their raw bytes in S3',
      memorySize: processing.memorySize ?? 512,
      timeout: processing.timeout ?? DEFAULT_TIMEOUT,
      reservedConcurrentExecutions: concurrency.processorReservedConcurrency,
      environment: {
        ...functions.metrics.environment(HandlerName.PROCESSOR),
        TABLE_NAME: store.table.tableName,
        ARCHIVE_BUCKET: store.bucket.bucketName,
        ARCHIVE_PREFIX,
        ...(props.recordExpiration ? { RECORD_TTL_SECONDS: String(props.recordExpiration.toSeconds()) } : {}),
        ...(schemas ? { PAYLOAD_SCHEMAS_FILE: schemas.file } : {}),
      },
      ...(schemas ? { layers: [schemas.layer] } : {}),
    });
    this.payloadSchemasLayer = schemas?.layer;
    // UpdateItem lists a conflicting delivery on the record it conflicts with; DeleteItem removes
    // a redriven webhook's dead_lettered record before its normal one is written.
    allow(fn, ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], store.table.tableArn);
    allow(fn, ['s3:PutObject'], store.bucket.arnForObjects(`${ARCHIVE_PREFIX}*`));
    allow(fn, ['s3:GetObject'], store.bucket.arnForObjects(`${OVERSIZE_PREFIX}*`));
    grantKey(fn, functions.encryptionKey, 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:Encrypt');
    fn.addEventSource(new eventSources.SqsEventSource(props.queue, {
      batchSize: processing.batchSize ?? 10,
      maxBatchingWindow: batchingWindowOf(processing, props.ordered ?? false),
      maxConcurrency: concurrency.processorMaxConcurrency ?? 10,
      reportBatchItemFailures: true,
    }));
    this.function = fn;

    acceptFunctionFindings(fn, functions, concurrency.processorReservedConcurrency !== undefined);
    acceptPolicyFindings(fn.role, [{
      nag: 'AwsSolutions-IAM5',
      reason: 'The processor may write objects under raw/ and read them under oversize/ in the archive bucket only, because archive keys are generated per batch and oversized bodies per delivery.',
      appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+Archive[0-9A-F]{8}\\.Arn>\\/(raw|oversize)\\/\\*$/' }],
    }]);
    accept(fn.node.findAll().find((c) => c instanceof lambda.CfnEventSourceMapping), [{
      nag: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'SQS event source mappings take no on-failure destination; the queue\'s redrive policy moves failed messages to the dead-letter queue after maxReceiveCount receives.',
    }]);
  }
}
