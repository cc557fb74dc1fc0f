import { Duration, type RemovalPolicy, aws_kms as kms, aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { accept } from '../core/findings';

/**
 * SQS keeps a message at most 14 days, and both queues keep them that long: a processor paused
 * over a long weekend must not lose acknowledged webhooks (SQS's default is 4 days). A standard
 * queue's dead letter keeps its first enqueue time, so 14 days is a message's whole life, DLQ
 * included: "For standard queues, the expiration of a message is always based on its original
 * enqueue timestamp. When a message is moved to a dead-letter queue, the enqueue timestamp is
 * unchanged." (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html)
 */
export const MESSAGE_RETENTION = Duration.days(14);

/**
 * Redrives from the dead-letter queue that a message's oversized body survives. A redrive starts a
 * new life of MESSAGE_RETENTION: the redrive guide says the redrive task "resets the retention
 * period", redriven messages being new messages with a new message ID and enqueue time
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html).
 */
export const REDRIVES_COVERED = 3;

/** The longest a message can live with REDRIVES_COVERED redrives: 56 days. */
export const LONGEST_MESSAGE_LIFE = Duration.days(MESSAGE_RETENTION.toDays() * (1 + REDRIVES_COVERED));

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
    this.deadLetterQueue = durableQueue(this, 'DeadLetterQueue', props.encryptionKey, props.removalPolicy);
    this.queue = durableQueue(this, 'Queue', props.encryptionKey, props.removalPolicy, {
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });

    accept(this.deadLetterQueue, [{
      nag: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is the dead-letter queue of the webhook queue: messages end here after maxReceiveCount failed receives and are alarmed on; a further redrive would only hide them.',
    }]);

  }
}

/**
 * A queue that keeps messages as long as SQS can, encrypted (with the key, or SSE-SQS) and
 * TLS-only: every queue of the construct holds acknowledged webhooks or their coordinates.
 */
export function durableQueue(
  scope: Construct, id: string, key: kms.IKey | undefined, removalPolicy: RemovalPolicy, props: sqs.QueueProps = {},
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    ...(key ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key } : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
    retentionPeriod: MESSAGE_RETENTION,
    removalPolicy,
    ...props,
  });
  if (!key) {
    accept(queue, [{
      checkov: ['CKV_AWS_27'],
      reason: 'The queue is encrypted with SSE-SQS (SqsManagedSseEnabled); the check only recognises a KMS key, which encryptionKey sets.',
    }]);
  }
  return queue;
}
