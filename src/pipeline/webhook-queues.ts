import { Duration, type RemovalPolicy, aws_kms as kms, aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { accept } from '../core/findings';

/** SQS keeps a message at most 14 days; the dead-letter queue keeps them that long. */
const DLQ_RETENTION = Duration.days(14);

/** Properties of the queue between ingest and processor, and its dead-letter queue. */
export interface WebhookQueuesProps {
  /** Visibility timeout of the main queue (six times the consumer's timeout plus its window). */
  readonly visibilityTimeout: Duration;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** A customer managed key for both queues. */
  readonly encryptionKey?: kms.IKey;
  /** Removal policy of both queues. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The durable buffer: the ingest acknowledges a delivery once it is in `queue`, and a message
 * that fails `maxReceiveCount` receives waits in `deadLetterQueue`.
 */
export class WebhookQueues extends Construct {
  /** The queue between ingest and processor. */
  public readonly queue: sqs.Queue;

  /** Where messages go after `maxReceiveCount` failed receives. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WebhookQueuesProps) {
    super(scope, id);
    const encryption = props.encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...encryption,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
      removalPolicy: props.removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...encryption,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
      removalPolicy: props.removalPolicy,
    });

    accept(this.deadLetterQueue, [{
      nag: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is the dead-letter queue of the webhook queue: messages end here after maxReceiveCount failed receives and are alarmed on; a further redrive would only hide them.',
    }]);
    if (!props.encryptionKey) {
      for (const queue of [this.queue, this.deadLetterQueue]) {
        accept(queue, [{
          checkov: ['CKV_AWS_27'],
          reason: 'The queue is encrypted with SSE-SQS (SqsManagedSseEnabled); the check only recognises a KMS key, which encryptionKey sets.',
        }]);
      }
    }
  }
}
