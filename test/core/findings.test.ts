import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProcessor, WebhookProvider } from '../../src';
import { ACKNOWLEDGED_RULES } from '../../src/core/findings';
import { synth } from '../util';

/** The cdk-nag 3 acknowledgments of each of the construct's resources, by path below the construct. */
function acknowledgments(context: Record<string, unknown> = {}): Record<string, Record<string, string>> {
  const app = new App({ context });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const webhooks = new WebhookProcessor(stack, 'Webhooks', { providers: [WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'Secret')] })] });
  app.synth();
  return Object.fromEntries(webhooks.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource).flatMap((r) => {
    const entries = r.node.metadata.filter((m) => m.type === ACKNOWLEDGED_RULES).map((m) => m.data);
    return entries.length > 0 ? [[r.node.path.replace('Test/Webhooks/', ''), Object.assign({}, ...entries)]] : [];
  }));
}

describe('accepted findings', () => {
  test('by-design cdk-nag and checkov findings are carried in the resources\' metadata with reasons', () => {
    const { template } = synth();
    const post = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }))[0];
    expect(post.Metadata.cdk_nag.rules_to_suppress).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'AwsSolutions-APIG4' })]));
    expect(post.Metadata.checkov.skip).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'CKV_AWS_59' })]));
  });

  test('every accepted finding has a reason of at least a sentence', () => {
    const { template } = synth({ api: { accessLogging: false, executionLogging: false, cloudWatchRole: true } }, (stack) => ({ eventBus: new events.EventBus(stack, 'Bus') }));
    const reasons = Object.values(template.toJSON().Resources as Record<string, any>).flatMap((r) => [
      ...(r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((x: any) => x.reason),
      ...(r.Metadata?.checkov?.skip ?? []).map((x: any) => x.comment),
    ]);
    expect(reasons.length).toBeGreaterThan(20);
    for (const reason of reasons) expect(reason).toMatch(/^[A-Z].{40,}\.$/s);
  });

  test('a finding the user decides on is accepted only while its option is off', () => {
    const stageNag = (t: any) => Object.values(t.findResources('AWS::ApiGateway::Stage'))
      .flatMap((r: any) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((x: any) => x.id);
    expect(stageNag(synth().template)).toEqual(expect.arrayContaining(['AwsSolutions-APIG3', 'Serverless-APIGWXrayEnabled']));
    expect(stageNag(synth({ tracing: true, api: { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/a/b' } }).template))
      .not.toEqual(expect.arrayContaining(['AwsSolutions-APIG3']));
    expect(stageNag(synth({ tracing: true }).template)).not.toContain('Serverless-APIGWXrayEnabled');
  });

  test('for cdk-nag 3, each resource acknowledges its findings by rule id, or by exact finding id for IAM4 and IAM5', () => {
    const acknowledged = acknowledgments();
    expect(Object.keys(acknowledged['Api/Api/Default/webhook/{provider}/POST/Resource']).sort()).toEqual(['AwsSolutions-APIG4', 'AwsSolutions-COG4']);
    expect(Object.keys(acknowledged['Processor/Role/DefaultPolicy/Resource'])).toEqual([
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<WebhooksStoreArchive[0-9A-F]{8}\.Arn>\/raw\/\*\]$/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<WebhooksStoreArchive[0-9A-F]{8}\.Arn>\/oversize\/\*\]$/),
    ]);
    for (const reasons of Object.values(acknowledged)) {
      for (const reason of Object.values(reasons)) expect(reason).toMatch(/^[A-Z].{40,}\.$/s);
    }
  });

  test('for cdk-nag 3, policies created for each addToRolePolicy() statement acknowledge their own findings', () => {
    const acknowledged = acknowledgments({ '@aws-cdk/aws-lambda:createNewPoliciesWithAddToRolePolicy': true });
    const policies = Object.entries(acknowledged).filter(([path]) => path.includes('/inlinePolicyAddedToExecutionRole-'));
    expect(policies.map(([path, ids]) => [path.replace(/-\d+\//, '-N/'), Object.keys(ids)])).toEqual(expect.arrayContaining([
      ['Ingest/Function/inlinePolicyAddedToExecutionRole-N/Resource', [expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<WebhooksStoreArchive[0-9A-F]{8}\.Arn>\/oversize\/\*\]$/)]],
      ['Processor/Function/inlinePolicyAddedToExecutionRole-N/Resource', [expect.stringMatching(/\/raw\/\*\]$/)]],
      ['Processor/Function/inlinePolicyAddedToExecutionRole-N/Resource', [expect.stringMatching(/\/oversize\/\*\]$/)]],
    ]));
    expect(acknowledged['Processor/Role/DefaultPolicy/Resource']).toBeUndefined();
  });
});
