import {
  Duration,
  aws_events as events,
  aws_lambda as lambda,
  aws_lambda_event_sources as eventSources,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { accept, acceptPolicyFindings } from '../core/findings';
import { acceptFunctionFindings, allow, functionBase, grantKey, type FunctionSettings } from '../core/function-base';
import { HandlerName } from '../core/handler-metrics';
import { PublisherFunction } from '../lambdas/publisher/publisher-function';
import { durableQueue } from '../pipeline/webhook-queues';
import { ARCHIVE_PREFIX, type WebhookStore } from '../store/webhook-store';

/** Retries of a failing stream batch (bisected each time) before it goes to the failure queue. */
export const PUBLISH_RETRY_ATTEMPTS = 10;

/** Properties of the part that turns new records into events. */
export interface EventPublisherProps {
  /** Settings shared by every function. */
  readonly functions: FunctionSettings;
  /** The table (whose stream it reads) and the archive (whose bodies it reads). */
  readonly store: WebhookStore;
  /** The bus to put events on; a new one when not given. */
  readonly eventBus?: events.IEventBus;
  /** The name that tells this construct's events apart on a shared bus. */
  readonly processorName: string;
}

/**
 * Events out: a function on the table's stream puts one `Webhook Received` event per newly
 * recorded webhook on the bus, with its payload when the body is JSON and fits. The event
 * source mapping passes inserts of processed records only, retries a failing batch a bounded
 * number of times while bisecting it, and then sends the batch's stream coordinates to
 * `failureQueue`, which is alarmed on. Nothing retries forever and nothing is dropped silently.
 */
export class EventPublisher extends Construct {
  /** The bus the events go to. */
  public readonly eventBus: events.IEventBus;
  /** The publishing function. */
  public readonly function: lambda.Function;
  /** Where the event source mapping sends batches it gave up on. */
  public readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: EventPublisherProps) {
    super(scope, id);
    const { functions, store } = props;
    this.eventBus = props.eventBus ?? new events.EventBus(this, 'Bus');
    this.failureQueue = durableQueue(this, 'FailureQueue', functions.encryptionKey, functions.removalPolicy);
    const fn = new PublisherFunction(this, 'Function', {
      ...functionBase(this, 'Execution role of the webhook event publisher function', functions),
      description: 'Puts an EventBridge event for each newly recorded webhook',
      memorySize: 512,
      timeout: Duration.seconds(60),
      environment: {
        ...functions.metrics.environment(HandlerName.PUBLISHER),
        ARCHIVE_BUCKET: store.bucket.bucketName,
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        PROCESSOR_NAME: props.processorName,
      },
    });
    allow(fn, ['s3:GetObject'], store.bucket.arnForObjects(`${ARCHIVE_PREFIX}*`));
    this.eventBus.grantPutEventsTo(fn);
    grantKey(fn, functions.encryptionKey, 'kms:Decrypt', 'kms:GenerateDataKey');
    fn.addEventSource(new eventSources.DynamoEventSource(store.table, {
      // From the oldest record the stream keeps, so that records written before the mapping
      // existed (or while it was disabled) still make their events.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
      parallelizationFactor: 2,
      bisectBatchOnError: true,
      retryAttempts: PUBLISH_RETRY_ATTEMPTS,
      // The stream keeps records 24 hours.
      maxRecordAge: Duration.hours(24),
      reportBatchItemFailures: true,
      onFailure: new eventSources.SqsDlq(this.failureQueue),
      filters: [lambda.FilterCriteria.filter({
        eventName: lambda.FilterRule.isEqual('INSERT'),
        dynamodb: { NewImage: { status: { S: lambda.FilterRule.isEqual('processed') } } },
      })],
    }));
    this.function = fn;

    acceptFunctionFindings(fn, functions, false);
    acceptPolicyFindings(fn.role, [{
      nag: 'AwsSolutions-IAM5',
      reason: 'The publisher reads archived bodies under raw/ only (archive keys are generated per batch), and dynamodb:ListStreams applies to all streams of the account by definition; the actions that read records are limited to the table\'s stream.',
      appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+Archive[0-9A-F]{8}\\.Arn>\\/raw\\/\\*$/' }, 'Resource::*'],
    }, ...(functions.encryptionKey ? [{
      nag: 'AwsSolutions-IAM5',
      reason: 'Sending to the failure queue encrypted with encryptionKey needs kms:GenerateDataKey* and kms:ReEncrypt* on that one key, as SQS documents for KMS-encrypted queues; CDK grants them with the wildcard suffix.',
      appliesTo: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
    }] : [])]);
    accept(this.failureQueue, [{
      nag: 'AwsSolutions-SQS3',
      reason: 'This queue is the on-failure destination of the publisher\'s event source mapping, which cdk-nag does not recognise as a dead-letter queue.',
    }, {
      nag: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is the failure destination of the event publisher: batches end here after bounded retries and are alarmed on; a further redrive would only hide them.',
    }]);
  }
}
