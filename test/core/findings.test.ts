import * as events from 'aws-cdk-lib/aws-events';
import { synth } from '../util';

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
});
