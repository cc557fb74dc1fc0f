/**
 * Seed 001's payment routing, done right: Stripe payments routed by amount to three targets. Used
 * by the integ case (test/integ.routing.ts) and checked with AWS Event Ruler
 * (test/delivery/event-ruler.test.ts).
 *
 * - above 10 000: a Step Functions EXPRESS workflow running a fraud check (Lambda) and an SNS
 *   notification in parallel;
 * - 1 000 to 10 000, both included: an SNS topic;
 * - below 1 000: a log group.
 * Each range is one numeric filter: seed 001 listed two filters for the middle range, which
 * EventBridge ORs, so that rule matched every amount.
 */
import { Duration, RemovalPolicy, aws_logs as logs } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { WebhookProcessor } from '../src';

/** The amount of a Stripe payment intent, in the event's payload. */
export const amountIs = (filter: unknown[]) => ({ data: { object: { amount: filter } } });

/** The three ranges, as payload patterns. */
export const PAYMENT_RANGES = {
  HighValue: amountIs([{ numeric: ['>', 10000] }]),
  MediumValue: amountIs([{ numeric: ['>=', 1000, '<=', 10000] }]),
  LowValue: amountIs([{ numeric: ['<', 1000] }]),
};

/** Seed 001's medium-value filter, kept to show that it matches every amount. */
export const SEED_001_MEDIUM = amountIs([{ numeric: ['>=', 1000] }, { numeric: ['<=', 10000] }]);

export interface PaymentRouting {
  readonly high: events.Rule;
  readonly medium: events.Rule;
  readonly low: events.Rule;
}

export function routePayments(scope: Construct, webhooks: WebhookProcessor): PaymentRouting {
  const deadLetters = new sqs.Queue(scope, 'RoutingDeadLetters', { enforceSSL: true, retentionPeriod: Duration.days(14) });
  const delivery = { deadLetterQueue: deadLetters, retryAttempts: 20, maxEventAge: Duration.hours(24) };
  const alerts = new sns.Topic(scope, 'PaymentAlerts', { enforceSSL: true });

  const fraudCheck = new lambda.Function(scope, 'FraudCheck', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async (event) => ({ id: event.id, suspicious: event.payload.data.object.amount > 50000 });'),
    timeout: Duration.seconds(10),
  });
  const review = new sfn.Parallel(scope, 'ReviewPayment')
    .branch(new tasks.LambdaInvoke(scope, 'CheckFraud', { lambdaFunction: fraudCheck, payload: sfn.TaskInput.fromJsonPathAt('$.detail') }))
    .branch(new tasks.SnsPublish(scope, 'NotifyHighValue', { topic: alerts, message: sfn.TaskInput.fromJsonPathAt('$.detail.id') }));
  const workflow = new sfn.StateMachine(scope, 'FraudWorkflow', {
    stateMachineType: sfn.StateMachineType.EXPRESS,
    definitionBody: sfn.DefinitionBody.fromChainable(review),
    tracingEnabled: true,
    logs: {
      destination: new logs.LogGroup(scope, 'FraudWorkflowLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
      level: sfn.LogLevel.ERROR,
    },
  });
  const lowValueLog = new logs.LogGroup(scope, 'LowValuePayments', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });

  const payments = { providers: ['stripe'], eventTypes: ['payment_intent.succeeded'] };
  return {
    high: webhooks.onWebhook('HighValue', { ...payments, payload: PAYMENT_RANGES.HighValue, targets: [new targets.SfnStateMachine(workflow, delivery)] }),
    medium: webhooks.onWebhook('MediumValue', { ...payments, payload: PAYMENT_RANGES.MediumValue, targets: [new targets.SnsTopic(alerts, delivery)] }),
    low: webhooks.onWebhook('LowValue', { ...payments, payload: PAYMENT_RANGES.LowValue, targets: [new targets.CloudWatchLogGroup(lowValueLog, delivery)] }),
  };
}
