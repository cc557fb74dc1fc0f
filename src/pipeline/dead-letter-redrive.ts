import { Duration, aws_iam as iam, type aws_lambda as lambda, type aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acceptPolicyFindings } from '../core/findings';
import { acceptFunctionFindings, allow, functionBase, grantKey, type FunctionSettings } from '../core/function-base';
import { HandlerName } from '../core/handler-metrics';
import { RedriveFunction } from '../lambdas/redrive/redrive-function';
import { DEAD_LETTER_PREFIX, OVERSIZE_PREFIX, REDRIVEN_PREFIX, type WebhookStore } from '../store/webhook-store';

/** Properties of the redrive function. */
export interface DeadLetterRedriveProps {
  /** Settings shared by every function. */
  readonly functions: FunctionSettings;
  /** The archive bucket holding the dead letters. */
  readonly store: WebhookStore;
  /** The webhook queue redriven messages go to. */
  readonly queue: sqs.IQueue;
  /** The queues it redrives from: the dead-letter queue and the archive-failure queue. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly archiveFailureQueue: sqs.IQueue;
}

/**
 * SQS's own dead-letter redrive (`StartMessageMoveTask`, the console's "Start DLQ redrive") needs
 * these on the dead-letter queue, the source of the move, and `sqs:SendMessage` on the
 * destination (with a customer managed key, `kms:Decrypt` on the source's and
 * `kms:GenerateDataKey` on the destination's): see "Configure queue permissions for dead-letter
 * queue redrive" in
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html
 * and https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html.
 * `sqs:ListDeadLetterSourceQueues` lets the console find the source queue to redrive to.
 */
export const NATIVE_REDRIVE_SOURCE_ACTIONS = [
  'sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask',
  'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ListDeadLetterSourceQueues',
];
export const NATIVE_REDRIVE_DESTINATION_ACTIONS = ['sqs:SendMessage', 'sqs:GetQueueAttributes'];

/**
 * The redrive function: sends archived dead letters (or messages still in the dead-letter or
 * archive-failure queue) back to the webhook queue, invoked by an operator after a fix.
 */
export class DeadLetterRedrive extends Construct {
  /** The redrive function. */
  public readonly function: lambda.Function;
  private readonly props: DeadLetterRedriveProps;

  constructor(scope: Construct, id: string, props: DeadLetterRedriveProps) {
    super(scope, id);
    this.props = props;
    const { functions, store } = props;
    const fn = new RedriveFunction(this, 'Function', {
      ...functionBase(this, 'Execution role of the webhook dead-letter redrive function', functions),
      description: 'Sends archived or queued dead letters back to the webhook queue (invoke it after a fix)',
      memorySize: 512,
      timeout: Duration.minutes(5),
      environment: {
        ...functions.metrics.environment(HandlerName.REDRIVE),
        ARCHIVE_BUCKET: store.bucket.bucketName,
        QUEUE_URL: props.queue.queueUrl,
        DEAD_LETTER_QUEUE_URL: props.deadLetterQueue.queueUrl,
        ARCHIVE_FAILURE_QUEUE_URL: props.archiveFailureQueue.queueUrl,
        DEAD_LETTER_PREFIX,
        REDRIVEN_PREFIX,
      },
    });
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [store.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${DEAD_LETTER_PREFIX}*`] } },
    }));
    allow(fn, ['s3:GetObject', 's3:DeleteObject'], store.bucket.arnForObjects(`${DEAD_LETTER_PREFIX}*`));
    allow(fn, ['s3:PutObject'], store.bucket.arnForObjects(`${REDRIVEN_PREFIX}*`));
    // An oversized body is copied back where the message says it is.
    allow(fn, ['s3:PutObject'], store.bucket.arnForObjects(`${OVERSIZE_PREFIX}*`));
    allow(fn, ['sqs:SendMessage'], props.queue.queueArn);
    for (const source of [props.deadLetterQueue, props.archiveFailureQueue]) {
      allow(fn, ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'], source.queueArn);
    }
    grantKey(fn, functions.encryptionKey, 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:Encrypt');
    this.function = fn;

    acceptFunctionFindings(fn, functions, false);
    acceptPolicyFindings(fn.role, [{
      nag: 'AwsSolutions-IAM5',
      reason: 'The redrive function lists, reads and moves dead letters under dead-letters/ and dead-letters-redriven/ and restores oversized bodies under oversize/ only; their keys are per message.',
      appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+Archive[0-9A-F]{8}\\.Arn>\\/(dead-letters|dead-letters-redriven|oversize)\\/\\*$/' }],
    }]);
  }

  /**
   * Lets a principal invoke the redrive function, and run SQS's own redrive from the dead-letter
   * queue to the webhook queue (console "Start DLQ redrive", `aws sqs start-message-move-task`).
   */
  public grantRedrive(grantee: iam.IGrantable): iam.Grant {
    const invoke = this.function.grantInvoke(grantee);
    iam.Grant.addToPrincipal({ grantee, actions: NATIVE_REDRIVE_SOURCE_ACTIONS, resourceArns: [this.props.deadLetterQueue.queueArn] });
    iam.Grant.addToPrincipal({ grantee, actions: NATIVE_REDRIVE_DESTINATION_ACTIONS, resourceArns: [this.props.queue.queueArn] });
    const key = this.props.functions.encryptionKey;
    key?.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey');
    return invoke;
  }
}
