import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AwsSolutionsChecks, INagLogger, NagLoggerErrorData, NagLoggerNonComplianceData, NagLoggerSuppressedData,
  NagPackSuppression, NagSuppressions, ServerlessChecks,
} from 'cdk-nag';
import { allOptionsProps } from './fixtures';
import { WebhookProcessor, WebhookProcessorProps, WebhookProvider } from '../src';

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
  {
    id: 'AwsSolutions-EC23',
    reason: 'The fixture VPC\'s interface endpoints admit HTTPS from the VPC\'s own CIDR block, a token cdk-nag cannot evaluate.',
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
    // A rule that could not evaluate a suppressed resource: accepted like a suppressed finding.
    this.suppressed.push({ ruleId: data.ruleId, path: data.resource.node.path });
  }
}

function check(build: (stack: Stack) => WebhookProcessorProps): Findings {
  const app = new App();
  const stack = new Stack(app, 'Nag', { env: { account: '123456789012', region: 'us-east-1' } });
  const webhooks = new WebhookProcessor(stack, 'Webhooks', build(stack));
  const fixtures = stack.node.children.filter((c) => c !== webhooks && c.node.id !== 'WebhookProcessorApiGatewayCloudWatchRole');
  NagSuppressions.addResourceSuppressions(fixtures, FIXTURE_ACCEPTED, true);

  const collector = new Collector();
  const options = { reports: false, additionalLoggers: [collector] };
  Aspects.of(app).add(new AwsSolutionsChecks(options));
  Aspects.of(app).add(new ServerlessChecks(options));
  app.synth();

  // The construct's resources, and the stack-wide API Gateway logging role it creates.
  const own = [webhooks, ...stack.node.children.filter((c) => c.node.id === 'WebhookProcessorApiGatewayCloudWatchRole')];
  const carried = own.flatMap((c) => c.node.findAll())
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
    providers: [WebhookProvider.github({
      secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'Imported', 'webhooks/github')],
      secretsEncryptionKey: kms.Key.fromKeyArn(stack, 'SecretsKey', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    })],
    api: { accessLogging: false, executionLogging: false },
  }),
  'all options': allOptionsProps,
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
    const outside = Object.values(results).flatMap((r) => r.suppressed).filter((s) => !/^Nag\/(Webhooks|WebhookProcessorApiGatewayCloudWatchRole)\//.test(s.path));
    expect([...new Set(outside.map((s) => s.ruleId))].sort()).toEqual(FIXTURE_ACCEPTED.map((a) => a.id).sort());
  });
});
