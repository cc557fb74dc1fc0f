import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProvider } from '../../src';
import { logicalIdOf, synth } from '../util';

describe('provisioned concurrency', () => {
  test('none by default: API Gateway invokes the function itself', () => {
    const { template, processor } = synth();
    template.resourceCountIs('AWS::Lambda::Alias', 0);
    expect(processor.ingestAlias).toBeUndefined();
  });

  test('ingestProvisionedConcurrency keeps instances warm on a live alias, which API Gateway invokes', () => {
    const { template, processor } = synth({ concurrency: { ingestProvisionedConcurrency: 5 } });
    const alias = logicalIdOf(template, 'AWS::Lambda::Alias', 'WebhooksIngestLive');
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 5 } });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: Match.objectLike({ Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ Ref: alias }])]) }) }),
    });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    expect(processor.ingestAlias).toBeDefined();
  });

  test('ingestProvisionedConcurrencyMax scales the provisioned instances on utilisation', () => {
    const { template } = synth({ concurrency: { ingestProvisionedConcurrency: 2, ingestProvisionedConcurrencyMax: 20 } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 20, ScalableDimension: 'lambda:function:ProvisionedConcurrency' });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 0.7 }),
    });
  });
});

describe('providers', () => {
  test('the ingest role reads exactly the configured secrets', () => {
    const { template } = synth({}, (stack) => ({
      providers: [
        WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'S1'), new secretsmanager.Secret(stack, 'S2')] }),
        WebhookProvider.github({ secrets: [new secretsmanager.Secret(stack, 'G1')] }),
      ],
    }));
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles[0].Ref.startsWith('WebhooksIngestRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    const resources = statements.flatMap((s: any) => [s.Resource].flat()).map((r: any) => r.Ref).sort();
    expect(resources).toEqual([
      expect.stringMatching(/^G1/), expect.stringMatching(/^S1/), expect.stringMatching(/^S2/),
    ]);
  });

  test('secretsEncryptionKey lets the ingest decrypt secrets imported by name, only through Secrets Manager', () => {
    const { template } = synth({}, (stack) => ({
      providers: [WebhookProvider.stripe({
        secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'Imported', 'webhooks/stripe')],
        secretsEncryptionKey: kms.Key.fromKeyArn(stack, 'SecretsKey', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      })],
    }));
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^WebhooksIngestRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 'kms:Decrypt',
          Effect: 'Allow',
          Resource: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
        }]),
      },
    });
  });

  test('an unverified provider adds a synth-time warning', () => {
    const { stack } = synth({ providers: [WebhookProvider.unverified('acme')] });
    Annotations.fromStack(stack).hasWarning('/Test/Webhooks', Match.stringLikeRegexp("Provider 'acme' is unverified"));
  });
});
