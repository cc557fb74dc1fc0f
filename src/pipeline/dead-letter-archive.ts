import {
  Duration,
  aws_lambda as lambda,
  aws_lambda_event_sources as eventSources,
  type aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { accept, acceptPolicyFindings } from '../core/findings';
import { acceptFunctionFindings, allow, functionBase, grantKey, type FunctionSettings } from '../core/function-base';
import { HandlerName } from '../core/handler-metrics';
import { DeadLetterArchiverFunction } from '../lambdas/dead-letter-archiver/dead-letter-archiver-function';
import { DEAD_LETTER_PREFIX, OVERSIZE_PREFIX, type WebhookStore } from '../store/webhook-store';

/** Timeout of the archiver: a batch of ten dead letters, each a few small S3 and DynamoDB calls. */
export const ARCHIVER_TIMEOUT = Duration.seconds(60);

/** The visibility timeout the dead-letter queue needs for the archiver: six times its timeout, as for the processor. */
export const DEAD_LETTER_VISIBILITY_TIMEOUT = Duration.seconds(6 * ARCHIVER_TIMEOUT.toSeconds());

/** Properties of the dead-letter archiver. */
export interface DeadLetterArchiveProps {
  /** Settings shared by every function. */
  readonly functions: FunctionSettings;
  /** The bucket it writes dead letters to and the table whose records it marks. */
  readonly store: WebhookStore;
  /** The dead-letter queue it consumes. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The main queue's maxReceiveCount, recorded with each dead letter as its failure count. */
  readonly maxReceiveCount: number;
  /** When records expire, for the `dead_lettered` records it writes. */
  readonly recordExpiration?: Duration;
  /** Whether the dead-letter queue is FIFO (`ordering`). */
  readonly ordered?: boolean;
}

/**
 * The dead-letter queue's consumer: writes each dead letter to `dead-letters/` in the archive
 * bucket before SQS could expire it, and marks its record `dead_lettered`.
 *
 * A dead-letter queue is an ordinary queue that another queue's redrive policy names ("You must
 * first create a new queue before configuring it as a dead-letter queue",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html),
 * so a Lambda SQS event source may consume it like any standard queue, and its own redrive
 * policy (to the archive-failure queue) bounds the archiver's retries.
 */
export class DeadLetterArchive extends Construct {
  /** The archiver function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: DeadLetterArchiveProps) {
    super(scope, id);
    const { functions, store } = props;
    const fn = new DeadLetterArchiverFunction(this, 'Function', {
      ...functionBase(this, 'Execution role of the webhook dead-letter archiver function', functions),
      description: 'Archives dead-lettered webhooks in S3 and marks their records dead_lettered',
      memorySize: 512,
      timeout: ARCHIVER_TIMEOUT,
      environment: {
        ...functions.metrics.environment(HandlerName.DEAD_LETTER_ARCHIVER),
        TABLE_NAME: store.table.tableName,
        ARCHIVE_BUCKET: store.bucket.bucketName,
        DEAD_LETTER_PREFIX,
        MAX_RECEIVE_COUNT: String(props.maxReceiveCount),
        ...(props.recordExpiration ? { RECORD_TTL_SECONDS: String(props.recordExpiration.toSeconds()) } : {}),
      },
    });
    allow(fn, ['dynamodb:PutItem'], store.table.tableArn);
    allow(fn, ['s3:PutObject'], store.bucket.arnForObjects(`${DEAD_LETTER_PREFIX}*`));
    // CopyObject reads the source (an oversized body) and writes the copy under dead-letters/.
    allow(fn, ['s3:GetObject'], store.bucket.arnForObjects(`${OVERSIZE_PREFIX}*`));
    grantKey(fn, functions.encryptionKey, 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:Encrypt');
    fn.addEventSource(new eventSources.SqsEventSource(props.deadLetterQueue, {
      batchSize: 10,
      // A FIFO dead-letter queue (`ordering`) takes no batching window (see batchingWindowOf).
      ...(props.ordered ? {} : { maxBatchingWindow: Duration.seconds(1) }),
      maxConcurrency: 2,
      reportBatchItemFailures: true,
    }));
    this.function = fn;

    acceptFunctionFindings(fn, functions, false);
    acceptPolicyFindings(fn.role, [{
      nag: 'AwsSolutions-IAM5',
      reason: 'The archiver writes dead letters under dead-letters/ and copies oversized bodies from oversize/ only, because dead-letter keys are per message and oversized bodies per delivery.',
      appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+Archive[0-9A-F]{8}\\.Arn>\\/(dead-letters|oversize)\\/\\*$/' }],
    }]);
    accept(fn.node.findAll().find((c) => c instanceof lambda.CfnEventSourceMapping), [{
      nag: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'SQS event source mappings take no on-failure destination; the dead-letter queue\'s redrive policy moves what the archiver cannot save to the archive-failure queue.',
    }]);
  }
}
