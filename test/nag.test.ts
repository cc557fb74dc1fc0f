import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AwsSolutionsChecks, INagLogger, NagLoggerErrorData, NagLoggerNonComplianceData, NagLoggerSuppressedData,
  NagPackSuppression, NagSuppressions, ServerlessChecks,
} from 'cdk-nag';
import { allOptionsProps } from './fixtures';
import { OrderingKey, WebhookFrontDoor, WebhookProcessor, WebhookProcessorProps, WebhookProvider, WebhookVpcEndpoints, WebhookWebAcl } from '../src';
import { ACKNOWLEDGED_RULES } from '../src/core/findings';

/**
 * cdk-nag's AwsSolutions and Serverless packs over the construct as a user would run them, with
 * and without the feature flag that puts each `addToRolePolicy()` statement of a function in a
 * policy of its own. The construct carries its own accepted findings (with reasons) in its
 * resources' metadata; the only suppressions added here are for this test's fixtures.
 *
 * This is cdk-nag 2, which reads the `cdk_nag` CloudFormation metadata. cdk-nag 3 needs a newer
 * aws-cdk-lib than the one the tests run on; it reads `aws:cdk:acknowledged-rules` construct
 * metadata keyed by finding id, built the same way as cdk-nag 2's, so the tests below require
 * that metadata to name exactly the findings cdk-nag 2 reports as accepted. The consumer tests
 * (scripts/test-consumers.sh) run cdk-nag 3 itself on the newest aws-cdk-lib.
 */
const CREATE_NEW_POLICIES = '@aws-cdk/aws-lambda:createNewPoliciesWithAddToRolePolicy';

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

interface Suppressed {
  readonly ruleId: string;
  /** The finding of a rule with several per resource (e.g. `Resource::*`), else ''. */
  readonly findingId: string;
  readonly path: string;
}

interface Findings {
  readonly unsuppressed: string[];
  readonly suppressed: Suppressed[];
  readonly ruleErrors: string[];
  /** cdk_nag rule ids the construct carries, per resource path. */
  readonly carried: Array<{ readonly ruleId: string; readonly path: string }>;
  /** cdk-nag 3 ids (rule ids, or rule ids with a finding) the construct acknowledges, per resource path. */
  readonly acknowledged: Array<{ readonly id: string; readonly path: string }>;
}

/** Collects what cdk-nag reports, so that the tests can assert on it. */
class Collector implements INagLogger {
  public readonly unsuppressed: string[] = [];
  public readonly suppressed: Suppressed[] = [];
  public readonly ruleErrors: string[] = [];
  onCompliance(): void {}
  onNotApplicable(): void {}
  onNonCompliance(data: NagLoggerNonComplianceData): void {
    this.unsuppressed.push(`${data.ruleLevel} ${data.findingId} on ${data.resource.node.path}: ${data.ruleInfo}`);
  }
  onSuppressed(data: NagLoggerSuppressedData): void {
    this.suppressed.push({ ruleId: data.ruleId, findingId: data.findingId, path: data.resource.node.path });
  }
  onError(data: NagLoggerErrorData): void {
    this.ruleErrors.push(`${data.ruleId} on ${data.resource.node.path}: ${data.errorMessage}`);
  }
  onSuppressedError(data: NagLoggerErrorData): void {
    // A rule that could not evaluate a suppressed resource: accepted like a suppressed finding.
    this.suppressed.push({ ruleId: data.ruleId, findingId: '', path: data.resource.node.path });
  }
}

function check(build: (stack: Stack) => WebhookProcessorProps, createNewPolicies: boolean): Findings {
  const app = new App({ context: { [CREATE_NEW_POLICIES]: createNewPolicies } });
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
  const resources = own.flatMap((c) => c.node.findAll()).filter((c): c is CfnResource => c instanceof CfnResource);
  const carried = resources
    .flatMap((r) => ((r.getMetadata('cdk_nag')?.rules_to_suppress ?? []) as Array<{ id: string }>).map((rule) => ({ ruleId: rule.id, path: r.node.path })));
  const acknowledged = resources.flatMap((r) => r.node.metadata.filter((m) => m.type === ACKNOWLEDGED_RULES)
    .flatMap((m) => Object.keys(m.data).map((id) => ({ id, path: r.node.path }))));
  return { ...collector, carried, acknowledged };
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
  'managed web ACL and VPC endpoints': (stack) => ({
    providers: [WebhookProvider.stripe({ secrets: [secret(stack, 'StripeSecret')] })],
    api: { webAcl: WebhookWebAcl.managed({ providerIpRanges: [{ provider: 'stripe', ipv4: ['3.18.12.63/32'] }] }) },
    vpc: new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      flowLogs: { rejected: { trafficType: ec2.FlowLogTrafficType.REJECT } },
      restrictDefaultSecurityGroup: false,
    }),
    vpcEndpoints: WebhookVpcEndpoints.create(),
    eventBus: new events.EventBus(stack, 'Bus'),
  }),
  'internal senders, with a customer managed key': (stack) => ({
    providers: [WebhookProvider.stripe({ secrets: [secret(stack, 'StripeSecret')] })],
    encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    internalSenders: {
      apiKeys: { senders: ['stripe', 'billing'], throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 1000, period: apigw.Period.DAY }, keyNames: ['partner'] },
      iamSenders: [{ name: 'billing' }],
      authorizers: [{
        provider: 'stripe',
        authorizer: new apigw.TokenAuthorizer(stack, 'Authorizer', { handler: lambda.Function.fromFunctionArn(stack, 'AuthorizerFunction', 'arn:aws:lambda:us-east-1:123456789012:function:authorizer') }),
      }],
    },
  }),
  'HTTP API': (stack) => ({
    providers: [WebhookProvider.stripe({ secrets: [secret(stack, 'StripeSecret')] })],
    frontDoor: WebhookFrontDoor.HTTP_API,
  }),
  'HTTP API without access logs': (stack) => ({
    providers: [WebhookProvider.stripe({ secrets: [secret(stack, 'StripeSecret')] })],
    frontDoor: WebhookFrontDoor.HTTP_API,
    api: { accessLogging: false },
  }),
  'function URLs': (stack) => ({
    providers: [WebhookProvider.stripe({ secrets: [secret(stack, 'StripeSecret')] })],
    frontDoor: WebhookFrontDoor.FUNCTION_URL,
  }),
  'ordering (FIFO queues)': (stack) => ({
    providers: [WebhookProvider.stripe({ secrets: [secret(stack, 'StripeSecret')] })],
    ordering: { keys: { stripe: OrderingKey.fromJsonPath('$.data.object.customer') } },
  }),
};

const cases = Object.keys(configs).flatMap((name) => [false, true].map((flag) => ({
  label: `${name}, ${flag ? 'with' : 'without'} ${CREATE_NEW_POLICIES}`, name, flag,
})));

describe('cdk-nag AwsSolutions and Serverless checks', () => {
  const results = Object.fromEntries(cases.map(({ label, name, flag }) => [label, check(configs[name], flag)]));
  const labels = cases.map((c) => c.label);

  test.each(labels)('%s: no unsuppressed errors or warnings', (label) => {
    expect(results[label].ruleErrors).toEqual([]);
    expect(results[label].unsuppressed).toEqual([]);
  });

  test.each(labels)('%s: every finding the construct accepts occurs (none is stale)', (label) => {
    const { carried, suppressed } = results[label];
    const stale = carried.filter((c) => !suppressed.some((s) => s.ruleId === c.ruleId && s.path === c.path));
    expect(stale).toEqual([]);
  });

  test.each(labels)('%s: the cdk-nag 3 acknowledgments name exactly the accepted findings, by their ids', (label) => {
    const { acknowledged, suppressed } = results[label];
    const id = (s: Suppressed) => (s.findingId ? `${s.ruleId}[${s.findingId}]` : s.ruleId);
    const expected = suppressed.filter((s) => /^Nag\/(Webhooks|WebhookProcessorApiGatewayCloudWatchRole)\//.test(s.path)).map((s) => `${s.path} ${id(s)}`);
    expect([...new Set(acknowledged.map((a) => `${a.path} ${a.id}`))].sort()).toEqual([...new Set(expected)].sort());
  });

  test('with the flag, the functions\' own statements are in policies of their own, which carry their accepted findings', () => {
    const inline = (flag: boolean) => results[`defaults, ${flag ? 'with' : 'without'} ${CREATE_NEW_POLICIES}`].acknowledged
      .filter((a) => /\/Function\/inlinePolicyAddedToExecutionRole-\d+\/Resource$/.test(a.path));
    expect(inline(false)).toEqual([]);
    expect(inline(true).map((a) => a.id)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<WebhooksStoreArchive[0-9A-F]{8}\.Arn>\/oversize\/\*\]$/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<WebhooksStoreArchive[0-9A-F]{8}\.Arn>\/raw\/\*\]$/),
    ]));
  });

  test('the fixture suppressions are the only ones outside the construct', () => {
    const outside = Object.values(results).flatMap((r) => r.suppressed).filter((s) => !/^Nag\/(Webhooks|WebhookProcessorApiGatewayCloudWatchRole)\//.test(s.path));
    expect([...new Set(outside.map((s) => s.ruleId))].sort()).toEqual(FIXTURE_ACCEPTED.map((a) => a.id).sort());
  });
});
