import { App, Aspects, Duration, RemovalPolicy, Stack, aws_logs as logs } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AwsSolutionsChecks, INagLogger, NagLoggerErrorData, NagLoggerNonComplianceData, NagLoggerSuppressedData,
  NagPackSuppression, NagSuppressions, ServerlessChecks,
} from 'cdk-nag';
import { IConstruct } from 'constructs';
import { HmacAlgorithm, WebhookProcessor, WebhookProcessorProps, WebhookProvider } from '../src';

/**
 * The cdk-nag findings the construct accepts, each with the reason and the resources it applies
 * to. This is the only place suppressions are added. Entries marked TODO-lead stand in for a
 * change to the construct (see the comment on each); remove them when it lands, and the
 * "every suppression is still needed" test fails until you do.
 */
interface Accepted {
  readonly id: string;
  readonly reason: string;
  readonly targets: (webhooks: WebhookProcessor) => IConstruct[];
  /** Apply to the targets' children too (e.g. a role's default policy). */
  readonly children?: boolean;
  readonly appliesTo?: NagPackSuppression['appliesTo'];
}

const functions = (w: WebhookProcessor) => [w.ingestFunction, w.processorFunction, w.statusFunction];
const method = (w: WebhookProcessor, httpMethod: string) => w.api.methods.filter((m) => m.httpMethod === httpMethod);

const ACCEPTED: Accepted[] = [
  {
    id: 'AwsSolutions-APIG4',
    reason: 'Webhook providers cannot sign requests with IAM or present Cognito tokens; every delivery is authenticated by its provider signature, which the ingest function verifies before anything is queued.',
    targets: (w) => method(w, 'POST'),
  },
  {
    id: 'AwsSolutions-COG4',
    reason: 'Neither route is for Cognito users: POST /webhook is authenticated by provider signatures and GET /status by AWS_IAM (SigV4), which grantStatusRead() grants.',
    targets: (w) => w.api.methods,
  },
  {
    id: 'AwsSolutions-IAM5',
    reason: 'The S3 object permissions are limited to one key prefix of the archive bucket (raw/ or oversize/), because object keys are generated per batch and per oversized delivery.',
    targets: (w) => [w.ingestFunction.role!, w.processorFunction.role!],
    children: true,
    appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+Archive[0-9A-F]{8}\\.Arn>\\/(raw|oversize)\\/\\*$/' }],
  },
  {
    id: 'AwsSolutions-IAM5',
    reason: 'The event pipe\'s role gets dynamodb:ListStreams on * from Table.grantStreamRead(), as that action lists the streams of the account; the actions that read records are limited to the table\'s stream ARN.',
    targets: (w) => [w.node.tryFindChild('EventPipeRole')].filter((c): c is IConstruct => c !== undefined),
    children: true,
    appliesTo: ['Resource::*'],
  },
  {
    id: 'AwsSolutions-IAM4',
    reason: 'The optional account-level API Gateway CloudWatch role (api.cloudWatchRole) is created by aws-apigateway with the AWS managed AmazonAPIGatewayPushToCloudWatchLogs policy, which is the policy AWS documents for it.',
    targets: (w) => [w.api.node.tryFindChild('CloudWatchRole')].filter((c): c is IConstruct => c !== undefined),
    appliesTo: [{ regex: '/^Policy::arn:<AWS::Partition>:iam::aws:policy\\/service-role\\/AmazonAPIGatewayPushToCloudWatchLogs$/' }],
  },
  {
    id: 'AwsSolutions-S1',
    reason: 'The archive is written only by the construct\'s own function roles and read through grantArchiveRead(); S3 server access logs would need a second bucket in every stack, and CloudTrail data events are the audit trail for object access. TODO-lead: consider an optional `lifecycle.archiveAccessLogsBucket`.',
    targets: (w) => [w.archiveBucket],
  },
  {
    id: 'Serverless-SQSRedrivePolicy',
    reason: 'This queue is itself the dead-letter queue of the webhook queue: messages end here after maxReceiveCount failures and are alarmed on; a further redrive would only hide them.',
    targets: (w) => [w.deadLetterQueue],
  },
  {
    id: 'Serverless-LambdaDLQ',
    reason: 'No function is invoked asynchronously: ingest and status are invoked synchronously by API Gateway (the caller sees the error), and the processor by an SQS event source, whose failures go to the queue\'s own dead-letter queue.',
    targets: functions,
  },
  {
    id: 'Serverless-LambdaEventSourceMappingDestination',
    reason: 'SQS event source mappings do not support on-failure destinations; failed messages are moved by the queue\'s redrive policy to the dead-letter queue after maxReceiveCount receives.',
    targets: (w) => [w.processorFunction],
    children: true,
  },
  {
    id: 'AwsSolutions-APIG2',
    reason: 'TODO-lead: Add a request validator (body and parameters) with required path parameters to both methods; until then the ingest function validates every request itself and answers 400/404 with a reason.',
    targets: (w) => [w.api],
  },
  {
    id: 'AwsSolutions-APIG6',
    reason: 'TODO-lead: Set the stage\'s execution logging (loggingLevel ERROR, no data trace) when access logging is on; until then the stage writes JSON access logs and every function logs its errors.',
    targets: (w) => [w.api.deploymentStage],
  },
  {
    id: 'AwsSolutions-APIG3',
    reason: 'A WAF web ACL is the owner\'s choice and cost: deliveries are authenticated by signatures and the stage is throttled; associate an ACL with webhooks.api.deploymentStage.stageArn where one is required.',
    targets: (w) => [w.api.deploymentStage],
  },
  {
    id: 'Serverless-APIGWXrayEnabled',
    reason: 'TODO-lead: X-Ray tracing should be an opt-in prop (tracing on the stage and Tracing.ACTIVE on the functions); it is off because tracing every webhook adds cost to a high-volume path.',
    targets: (w) => [w.api.deploymentStage],
  },
  {
    id: 'Serverless-LambdaTracing',
    reason: 'TODO-lead: X-Ray tracing should be an opt-in prop (Tracing.ACTIVE on the functions and tracing on the stage); until then the functions emit Powertools JSON logs and metrics.',
    targets: functions,
  },
];

/** Findings on this test's own fixtures, not on the construct. */
const FIXTURE_ACCEPTED: NagPackSuppression[] = [
  {
    id: 'AwsSolutions-SMG4',
    reason: 'Webhook signing secrets are issued by the provider and rotated in the provider\'s dashboard; the construct accepts two secrets at once so that the rotation needs no downtime.',
  },
];

interface Findings {
  readonly unsuppressed: string[];
  readonly suppressed: Array<{ readonly ruleId: string; readonly path: string }>;
  readonly ruleErrors: string[];
  /** Construct paths each ACCEPTED entry was applied to, by index. */
  readonly targetPaths: string[][];
}

/** Collects what cdk-nag reports, so that the tests can assert on it. */
class Collector implements INagLogger {
  public readonly findings: Findings = { unsuppressed: [], suppressed: [], ruleErrors: [], targetPaths: [] };
  onCompliance(): void {}
  onNotApplicable(): void {}
  onNonCompliance(data: NagLoggerNonComplianceData): void {
    this.findings.unsuppressed.push(`${data.ruleLevel} ${data.findingId} on ${data.resource.node.path}: ${data.ruleInfo}`);
  }
  onSuppressed(data: NagLoggerSuppressedData): void {
    this.findings.suppressed.push({ ruleId: data.ruleId, path: data.resource.node.path });
  }
  onError(data: NagLoggerErrorData): void {
    this.findings.ruleErrors.push(`${data.ruleId} on ${data.resource.node.path}: ${data.errorMessage}`);
  }
  onSuppressedError(data: NagLoggerErrorData): void {
    this.findings.ruleErrors.push(`${data.ruleId} on ${data.resource.node.path}: ${data.errorMessage}`);
  }
}

/** Synthesizes one WebhookProcessor under AwsSolutions and Serverless checks. */
function check(build: (stack: Stack) => WebhookProcessorProps): Findings {
  const app = new App();
  const stack = new Stack(app, 'Nag', { env: { account: '123456789012', region: 'us-east-1' } });
  const webhooks = new WebhookProcessor(stack, 'Webhooks', build(stack));
  const collector = new Collector();
  for (const { id, reason, appliesTo, targets, children } of ACCEPTED) {
    const constructs = targets(webhooks);
    if (constructs.length > 0) NagSuppressions.addResourceSuppressions(constructs, [{ id, reason, appliesTo }], children);
    collector.findings.targetPaths.push(constructs.map((c) => c.node.path));
  }
  const fixtureSecrets = stack.node.children.filter((c) => c instanceof secretsmanager.Secret);
  if (fixtureSecrets.length > 0) NagSuppressions.addResourceSuppressions(fixtureSecrets, FIXTURE_ACCEPTED);

  const options = { reports: false, additionalLoggers: [collector] };
  Aspects.of(app).add(new AwsSolutionsChecks(options));
  Aspects.of(app).add(new ServerlessChecks(options));
  app.synth();
  return collector.findings;
}

const secret = (stack: Stack, id: string) => new secretsmanager.Secret(stack, id);

const defaults = () => check((stack) => ({
  providers: [WebhookProvider.stripe({ secrets: [secret(stack, 'StripeSecret')] })],
}));

const allOptions = () => check((stack) => ({
  providers: [
    WebhookProvider.stripe({ secrets: [secret(stack, 'StripeSecret'), secret(stack, 'StripeSecretNext')] }),
    WebhookProvider.github({ secrets: [secret(stack, 'GitHubSecret')] }),
    WebhookProvider.shopify({ secrets: [secret(stack, 'ShopifySecret')] }),
    WebhookProvider.slack({ secrets: [secret(stack, 'SlackSecret')] }),
    WebhookProvider.standardWebhooks({ secrets: [secret(stack, 'SvixSecret')] }),
    WebhookProvider.hmac({ name: 'acme', secrets: [secret(stack, 'AcmeSecret')], signatureHeader: 'X-Acme-Signature', algorithm: HmacAlgorithm.SHA512 }),
    WebhookProvider.apiKey({ name: 'legacy', secrets: [secret(stack, 'LegacyKey')], header: 'X-Api-Key' }),
  ],
  signatureTolerance: Duration.minutes(2),
  concurrency: { processorMaxConcurrency: 5, ingestReservedConcurrency: 20, processorReservedConcurrency: 10 },
  processing: { batchSize: 100, maxBatchingWindow: Duration.seconds(20), maxReceiveCount: 5, timeout: Duration.seconds(60), memorySize: 1024 },
  alarms: { alarmTopic: new sns.Topic(stack, 'AlarmTopic', { enforceSSL: true }), maxMessageAge: Duration.minutes(15) },
  lifecycle: {
    archiveExpiration: Duration.days(730),
    recordExpiration: Duration.days(90),
    logRetention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  },
  api: { throttlingRateLimit: 200, cloudWatchRole: true, stageName: 'prod' },
  eventBus: new events.EventBus(stack, 'WebhookEvents'),
}));

describe('cdk-nag AwsSolutions and Serverless checks', () => {
  const results = { defaults: defaults(), allOptions: allOptions() };

  test.each(Object.keys(results))('%s: no unsuppressed errors or warnings', (config) => {
    const findings = results[config as keyof typeof results];
    expect(findings.ruleErrors).toEqual([]);
    expect(findings.unsuppressed).toEqual([]);
  });

  test('every suppression has a reason of at least a sentence', () => {
    for (const { id, reason } of [...ACCEPTED, ...FIXTURE_ACCEPTED]) {
      expect({ id, sentence: /^(TODO-lead: )?[A-Z].{30,}\.$/s.test(reason) }).toEqual({ id, sentence: true });
    }
  });

  test('every suppression is still needed', () => {
    const findings = Object.values(results);
    const used = (index: number) => findings.some((f) => f.suppressed.some((s) => s.ruleId === ACCEPTED[index].id
      && f.targetPaths[index].some((target) => s.path === target || s.path.startsWith(`${target}/`))));
    const stale = ACCEPTED.map((a, i) => (used(i) ? undefined : `${a.id}: ${a.reason.slice(0, 60)}…`)).filter((a) => a !== undefined);
    const fixtureStale = FIXTURE_ACCEPTED.filter((a) => !findings.some((f) => f.suppressed.some((s) => s.ruleId === a.id)));
    expect([...stale, ...fixtureStale.map((a) => a.id)]).toEqual([]);
  });

  test('suppressions stay on the construct\'s own resources', () => {
    const outside = Object.values(results)
      .flatMap((f) => f.suppressed)
      .filter((s) => !s.path.startsWith('Nag/Webhooks/') && !FIXTURE_ACCEPTED.some((a) => a.id === s.ruleId));
    expect(outside).toEqual([]);
  });
});
