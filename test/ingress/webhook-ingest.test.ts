import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
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

describe('environment size (Lambda allows 4 KB for all variables)', () => {
  /** The ingest environment as deployed in us-east-1 of account 123456789012, measured as Lambda does. */
  function deployedEnvironmentBytes(template: Template): number {
    const resources = template.toJSON().Resources;
    const resolve = (value: any): string => {
      if (typeof value === 'string') return value;
      if (value['Fn::Join']) return value['Fn::Join'][1].map(resolve).join(value['Fn::Join'][0]);
      const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' };
      if (pseudo[value.Ref]) return pseudo[value.Ref];
      const type = resources[value.Ref]?.Type;
      if (type === 'AWS::SQS::Queue') return `https://sqs.us-east-1.amazonaws.com/123456789012/Test-${value.Ref}-a1b2c3d4e5f6`;
      if (type === 'AWS::S3::Bucket') return `test-${value.Ref}-a1b2c3d4e5f6`.toLowerCase().slice(0, 63);
      if (type === 'AWS::SecretsManager::Secret') return `arn:aws:secretsmanager:us-east-1:123456789012:secret:${value.Ref}-a1b2c3d4e5f6-AbCdEf`;
      throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    };
    const ingest = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Verifies') } }))[0];
    const variables = Object.fromEntries(Object.entries(ingest.Properties.Environment.Variables).map(([k, v]) => [k, resolve(v)]));
    return JSON.stringify(variables).length;
  }

  const providers = (count: number, secretsEach: number, secret: (id: string, name: string) => secretsmanager.ISecret) =>
    Array.from({ length: count }, (_, i) => WebhookProvider.stripe({
      name: `stripe-${i}`,
      secrets: Array.from({ length: secretsEach }, (__, j) => secret(`S${i}x${j}`, `webhooks/stripe-${i}-${j}`)),
    }));

  test('20 providers with two secrets each, imported by name, fit: the configuration is compact and names such secrets by name', () => {
    const { template } = synth({}, (stack) => ({
      providers: providers(20, 2, (id, name) => secretsmanager.Secret.fromSecretNameV2(stack, id, name)),
    }));
    expect(deployedEnvironmentBytes(template)).toBeLessThanOrEqual(4096);
  });

  test('a provider list too large for the environment is refused at synth, naming providers and what to do', () => {
    expect(() => synth({}, (stack) => ({
      providers: providers(30, 2, (id) => new secretsmanager.Secret(stack, id)),
    }))).toThrow(/^Invalid WebhookProcessor props at Test\/Webhooks:\n- 'providers': the 30 providers with 60 secrets make the ingest function's environment up to \d+ bytes once deployed \(secret ARNs counted at their longest\), over Lambda's limit of 4096 bytes, and the deployment would fail. List fewer providers/);
  });

  test('the largest provider list the check accepts fits when deployed', () => {
    // 14 providers with two secrets created in the stack is the most the check lets through.
    const { template } = synth({}, (stack) => ({ providers: providers(14, 2, (id) => new secretsmanager.Secret(stack, id)) }));
    expect(deployedEnvironmentBytes(template)).toBeLessThanOrEqual(4096);
    expect(() => synth({}, (stack) => ({ providers: providers(15, 2, (id) => new secretsmanager.Secret(stack, id)) }))).toThrow(/'providers'/);
  });
});
