import {
  Duration,
  type aws_events as events,
  aws_iam as iam,
  type aws_lambda as lambda,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acceptPolicyFindings } from '../core/findings';
import { acceptFunctionFindings, allow, functionBase, grantKey, type FunctionSettings } from '../core/function-base';
import { HandlerName } from '../core/handler-metrics';
import { ReplayFunction } from '../lambdas/replay/replay-function';
import { ARCHIVE_PREFIX, STATUS_INDEX, type WebhookStore } from '../store/webhook-store';

/**
 * Events a replay puts on the bus a second, by default: 5 PutEvents requests of 10. Far under
 * the account's PutEvents quota ("us-east-1: 10,000 per second, us-east-2: 2,400 per second",
 * lower elsewhere) and the rule targets' invocation quota, which live traffic shares
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html).
 */
export const DEFAULT_REPLAY_RATE = 50;
/** The highest `replay.ratePerSecond`: 100 PutEvents requests a second, from a quota live traffic shares. */
export const MAX_REPLAY_RATE = 1000;

/** Properties of the part that replays events. */
export interface EventReplayProps {
  /** Settings shared by every function. */
  readonly functions: FunctionSettings;
  /** The table (records and index) and the archive (bodies). */
  readonly store: WebhookStore;
  /** The bus the publisher puts events on. */
  readonly eventBus: events.IEventBus;
  /** The `processor` field of the construct's events. */
  readonly processorName: string;
  /** The providers, which a range replay names. */
  readonly providerNames: string[];
  /** Events put a second at most. */
  readonly ratePerSecond: number;
}

/**
 * Replay: an invokable function that puts the events of chosen webhooks on the bus again, as the
 * publisher built them plus a `replay` marker. A function rather than an API route because a
 * range replay runs longer than an API Gateway integration may: "the prior limit of 29 seconds"
 * is still the default for REST APIs, and HTTP APIs cannot raise it
 * (https://aws.amazon.com/about-aws/whats-new/2024/06/amazon-api-gateway-integration-timeout-limit-29-seconds/).
 * Who may replay is who may call lambda:InvokeFunction on it (`grantInvoke`).
 */
export class EventReplay extends Construct {
  /** The replay function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: EventReplayProps) {
    super(scope, id);
    const { functions, store } = props;
    const fn = new ReplayFunction(this, 'Function', {
      ...functionBase(this, 'Execution role of the webhook event replay function', functions),
      description: 'Puts the events of chosen webhooks on the bus again, marked as replays',
      memorySize: 512,
      // An invocation works at most 40 s (see WORK_MS in the handler); the rest is headroom.
      timeout: Duration.minutes(1),
      environment: {
        ...functions.metrics.environment(HandlerName.REPLAY),
        TABLE_NAME: store.table.tableName,
        INDEX_NAME: STATUS_INDEX,
        ARCHIVE_BUCKET: store.bucket.bucketName,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        PROCESSOR_NAME: props.processorName,
        PROVIDER_NAMES: props.providerNames.join(','),
        REPLAY_RATE_PER_SECOND: String(props.ratePerSecond),
      },
    });
    allow(fn, ['dynamodb:BatchGetItem'], store.table.tableArn);
    allow(fn, ['dynamodb:Query'], `${store.table.tableArn}/index/${STATUS_INDEX}`);
    allow(fn, ['s3:GetObject'], store.bucket.arnForObjects(`${ARCHIVE_PREFIX}*`));
    props.eventBus.grantPutEventsTo(fn);
    grantKey(fn, functions.encryptionKey, 'kms:Decrypt');
    this.function = fn;

    acceptFunctionFindings(fn, functions, false);
    acceptPolicyFindings(fn.role, [{
      nag: 'AwsSolutions-IAM5',
      reason: 'The replay reads archived bodies under raw/ only; archive keys are generated per processor batch, so no narrower resource exists.',
      appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+Archive[0-9A-F]{8}\\.Arn>\\/raw\\/\\*$/' }],
    }]);
  }

  /** Allows a principal to invoke the replay function, and only it. */
  public grantReplay(grantee: iam.IGrantable): iam.Grant {
    return this.function.grantInvoke(grantee);
  }
}
