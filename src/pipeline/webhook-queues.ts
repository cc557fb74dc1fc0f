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

/**
 * Every queue's `MaximumMessageSize`: the most SQS accepts (the handlers' SQS_MAX_MESSAGE_BYTES in
 * src/runtime/message.ts, which a test keeps equal; the construct does not import handler modules).
 */
export const QUEUE_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * With `ordering` a dead letter does not keep its first enqueue time: "For FIFO queues, the
 * enqueue timestamp resets when the message is moved to a dead-letter queue" (same page as
 * MESSAGE_RETENTION), so one life is up to three retention periods (queue, dead-letter queue,
 * archive-failure queue): 42 days, still within LONGEST_MESSAGE_LIFE, which oversized bodies
 * outlive. A redrive copies the body back as a new object, whose expiry counts from then.
 */
export const LONGEST_FIFO_LIFE = Duration.days(MESSAGE_RETENTION.toDays() * 3);

/**
 * Receives of a dead letter the archiver gets before the dead-letter queue moves it on to the
 * archive-failure queue. Added to the main queue's maxReceiveCount, because a message keeps its
 * receive count when SQS moves it to a dead-letter queue (moto, which the local pipeline runs,
 * does the same), so the dead-letter queue's own count starts where the main queue's stopped.
 * If SQS reset it, the archiver would only get more attempts, still a bounded number.
 */
export const ARCHIVE_ATTEMPTS = 5;

/** SQS's largest maxReceiveCount. */
const MAX_RECEIVE_COUNT = 1000;

/** Properties of the queue between ingest and processor, and its dead-letter queue. */
export interface WebhookQueuesProps {
  /** Visibility timeout of the main queue (six times the consumer's timeout plus its window). */
  readonly visibilityTimeout: Duration;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Visibility timeout of the dead-letter queue (six times its consumer's timeout, the archiver's). */
  readonly deadLetterVisibilityTimeout: Duration;
  /** A customer managed key for both queues. */
  readonly encryptionKey?: kms.IKey;
  /** Removal policy of both queues. */
  readonly removalPolicy: RemovalPolicy;
  /** FIFO queues (`ordering`); absent for standard queues. */
  readonly fifo?: FifoQueueOptions;
}

/** The FIFO settings of the queues with `ordering`. */
export interface FifoQueueOptions {
  /** High throughput mode (throughput quota and deduplication per message group). */
  readonly highThroughput: boolean;
}

/**
 * Construct ids of the queues. A FIFO queue is a different resource: "You can't change the queue
 * type after you create it and you can't convert an existing standard queue into a FIFO queue"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html). So the FIFO queues get their own
 * ids (and logical ids) while the standard queues keep their pinned ones (test/logical-ids.json):
 * turning `ordering` on creates new queues beside the old, which CloudFormation then deletes
 * (or, with RETAIN, leaves behind with whatever they hold: drain them first, README "Ordering").
 */
const QUEUE_IDS = {
  standard: { queue: 'Queue', deadLetter: 'DeadLetterQueue', archiveFailure: 'ArchiveFailureQueue' },
  fifo: { queue: 'OrderedQueue', deadLetter: 'OrderedDeadLetterQueue', archiveFailure: 'OrderedArchiveFailureQueue' },
} as const;

/**
 * The durable buffer: the ingest acknowledges a delivery once it is in `queue`; a message that
 * fails `maxReceiveCount` receives moves to `deadLetterQueue`, which the dead-letter archiver
 * consumes, and what the archiver cannot save moves on to `archiveFailureQueue`.
 */
export class WebhookQueues extends Construct {
  /** The queue between ingest and processor. */
  public readonly queue: sqs.Queue;

  /** Where messages go after `maxReceiveCount` failed receives. */
  public readonly deadLetterQueue: sqs.Queue;

  /** Where dead letters go that the archiver failed to save ARCHIVE_ATTEMPTS times. */
  public readonly archiveFailureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WebhookQueuesProps) {
    super(scope, id);
    const ids = props.fifo ? QUEUE_IDS.fifo : QUEUE_IDS.standard;
    const fifo = fifoProps(props.fifo);
    // A dead letter keeps its first enqueue time in every queue (see MESSAGE_RETENTION), so this
    // queue gives it what is left of its 14 days; the alarm on it fires at the first message.
    this.archiveFailureQueue = durableQueue(this, ids.archiveFailure, props.encryptionKey, props.removalPolicy, { ...fifo });
    this.deadLetterQueue = durableQueue(this, ids.deadLetter, props.encryptionKey, props.removalPolicy, {
      ...fifo,
      visibilityTimeout: props.deadLetterVisibilityTimeout,
      deadLetterQueue: {
        queue: this.archiveFailureQueue,
        maxReceiveCount: Math.min(MAX_RECEIVE_COUNT, props.maxReceiveCount + ARCHIVE_ATTEMPTS),
      },
    });
    this.queue = durableQueue(this, ids.queue, props.encryptionKey, props.removalPolicy, {
      ...fifo,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });

    accept(this.archiveFailureQueue, [{
      nag: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is the last stop of a dead letter the archiver could not save: it is alarmed on at the first message and redriven by hand (README runbook); a further redrive would only hide it.',
    }]);

  }
}

/**
 * FIFO queue settings. "The dead-letter queue of a FIFO queue must also be a FIFO queue"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html),
 * so all three queues are FIFO. Deduplication ids are explicit (runtime/ordering.ts), never the
 * body's hash. High throughput mode is "FifoThroughputLimit: perMessageGroupId" with
 * "DeduplicationScope: messageGroup" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/enable-high-throughput-fifo.html).
 */
function fifoProps(options: FifoQueueOptions | undefined): sqs.QueueProps {
  if (options === undefined) return {};
  return {
    fifo: true,
    contentBasedDeduplication: false,
    ...(options.highThroughput
      ? { fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID, deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP }
      : {}),
  };
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
  // Set explicitly, so that every queue (a dead letter is as large as its message) takes the
  // largest message the ingest sends inline (MAX_INLINE_MESSAGE_BYTES), whatever a queue's
  // default was when it was created. On the L1 resource, because the Queue L2 of the oldest
  // aws-cdk-lib this library supports (2.193) refuses more than 262,144 bytes in
  // `maxMessageSizeBytes` (newer ones accept 1,048,576). AWS::SQS::Queue MaximumMessageSize:
  // "You can specify an integer from 1,024 bytes (1 KiB) to 1,048,576 bytes (1 MiB)"
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html),
  // and SendMessage's "maximum size is 1 MiB or 1,048,576 bytes"
  // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
  (queue.node.defaultChild as sqs.CfnQueue).maximumMessageSize = QUEUE_MAX_MESSAGE_BYTES;
  if (!key) {
    accept(queue, [{
      checkov: ['CKV_AWS_27'],
      reason: 'The queue is encrypted with SSE-SQS (SqsManagedSseEnabled); the check only recognises a KMS key, which encryptionKey sets.',
    }]);
  }
  return queue;
}
