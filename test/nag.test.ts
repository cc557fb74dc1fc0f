import { App, Aspects, CfnResource, Duration, RemovalPolicy, Stack, aws_logs as logs } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AwsSolutionsChecks, INagLogger, NagLoggerErrorData, NagLoggerNonComplianceData, NagLoggerSuppressedData,
  NagPackSuppression, NagSuppressions, ServerlessChecks,
} from 'cdk-nag';
import { HmacAlgorithm, WebhookProcessor, WebhookProcessorProps, WebhookProvider } from '../src';

/**
 * cdk-nag's AwsSolutions and Serverless packs over the construct as a user would run them. The
 * construct carries its own accepted findings (with reasons) in its resources' metadata; the only
 * suppressions added here are for this test's fixtures.
 */
const FIXTURE_ACCEPTED: NagPackSuppression[] = [
  {
    id: 'AwsSolutions-SMG4',
    reason: 'Webhook signing secrets are issued by the provider and rotated in its dashboard; the construct accepts two secrets at once so that a rotation needs no downtime.',
  },
];

interface Findings {
  readonly unsuppressed: string[];
  readonly suppressed: Array<{ readonly ruleId: string; readonly path: string }>;
  readonly ruleErrors: string[];
  /** cdk_nag rule ids the construct carries, per resource path. */
  readonly carried: Array<{ readonly ruleId: string; readonly path: string }>;
}

/** Collects what cdk-nag reports, so that the tests can assert on it. */
class Collector implements INagLogger {
  public readonly unsuppressed: string[] = [];
  public readonly suppressed: Array<{ ruleId: string; path: string }> = [];
  public readonly ruleErrors: string[] = [];
  onCompliance(): void {}
  onNotApplicable(): void {}
  onNonCompliance(data: NagLoggerNonComplianceData): void {
    this.unsuppressed.push(`${data.ruleLevel} ${data.findingId} on ${data.resource.node.path}: ${data.ruleInfo}`);
  }
  onSuppressed(data: NagLoggerSuppressedData): void {
    this.suppressed.push({ ruleId: data.ruleId, path: data.resource.node.path });
  }
  onError(data: NagLoggerErrorData): void {
    this.ruleErrors.push(`${data.ruleId} on ${data.resource.node.path}: ${data.errorMessage}`);
  }
  onSuppressedError(data: NagLoggerErrorData): void {
    this.ruleErrors.push(`${data.ruleId} on ${data.resource.node.path}: ${data.errorMessage}`);
  }
}

function check(build: (stack: Stack) => WebhookProcessorProps): Findings {
  const app = new App();
  const stack = new Stack(app, 'Nag', { env: { account: '123456789012', region: 'us-east-1' } });
  const webhooks = new WebhookProcessor(stack, 'Webhooks', build(stack));
  const fixtures = stack.node.children.filter((c) => c !== webhooks);
  NagSuppressions.addResourceSuppressions(fixtures, FIXTURE_ACCEPTED, true);

  const collector = new Collector();
  const options = { reports: false, additionalLoggers: [collector] };
  Aspects.of(app).add(new AwsSolutionsChecks(options));
  Aspects.of(app).add(new ServerlessChecks(options));
  app.synth();

  const carried = webhooks.node.findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource)
    .flatMap((r) => ((r.getMetadata('cdk_nag')?.rules_to_suppress ?? []) as Array<{ id: string }>).map((rule) => ({ ruleId: rule.id, path: r.node.path })));
  return { ...collector, carried };
}

const secret = (stack: Stack, id: string) => new secretsmanager.Secret(stack, id);

const configs: Record<string, (stack: Stack) => WebhookProcessorProps> = {
  'defaults': (stack) => ({
    providers: [WebhookProvider.stripe({ secrets: [secret(stack, 'StripeSecret')] })],
  }),
  'secrets imported by name, no API logs': (stack) => ({
    providers: [WebhookProvider.github({ secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'Imported', 'webhooks/github')] })],
    api: { accessLogging: false, executionLogging: false },
  }),
  'all options': (stack) => ({
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
    concurrency: {
      processorMaxConcurrency: 5,
      ingestReservedConcurrency: 20,
      processorReservedConcurrency: 10,
      ingestProvisionedConcurrency: 2,
      ingestProvisionedConcurrencyMax: 10,
    },
    processing: { batchSize: 100, maxBatchingWindow: Duration.seconds(20), maxReceiveCount: 5, timeout: Duration.seconds(60), memorySize: 1024 },
    alarms: { alarmTopic: new sns.Topic(stack, 'AlarmTopic', { enforceSSL: true }), maxMessageAge: Duration.minutes(15) },
    lifecycle: {
      archiveExpiration: Duration.days(730),
      recordExpiration: Duration.days(90),
      logRetention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    },
    api: { throttlingRateLimit: 200, cloudWatchRole: true, stageName: 'prod', webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/webhooks/abc' },
    tracing: true,
    vpc: new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.REJECT } },
    }),
    dashboard: true,
    encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    archiveAccessLogsBucket: new s3.Bucket(stack, 'AccessLogs', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL }),
    eventBus: new events.EventBus(stack, 'WebhookEvents'),
  }),
};

describe('cdk-nag AwsSolutions and Serverless checks', () => {
  const results = Object.fromEntries(Object.entries(configs).map(([name, build]) => [name, check(build)]));

  test.each(Object.keys(configs))('%s: no unsuppressed errors or warnings', (name) => {
    expect(results[name].ruleErrors).toEqual([]);
    expect(results[name].unsuppressed).toEqual([]);
  });

  test.each(Object.keys(configs))('%s: every finding the construct accepts occurs (none is stale)', (name) => {
    const { carried, suppressed } = results[name];
    const stale = carried.filter((c) => !suppressed.some((s) => s.ruleId === c.ruleId && s.path === c.path));
    expect(stale).toEqual([]);
  });

  test('the fixture suppressions are the only ones outside the construct', () => {
    const outside = Object.values(results).flatMap((r) => r.suppressed).filter((s) => !s.path.startsWith('Nag/Webhooks/'));
    expect([...new Set(outside.map((s) => s.ruleId))].sort()).toEqual(FIXTURE_ACCEPTED.map((a) => a.id).sort());
  });
});
