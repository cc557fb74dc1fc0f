import * as iam from 'aws-cdk-lib/aws-iam';
import { synth } from './util';

describe('public members', () => {
  test('every created resource is exposed', () => {
    const { processor } = synth();
    const members = ['api', 'ingestFunction', 'processorFunction', 'statusFunction', 'queue', 'deadLetterQueue', 'table', 'archiveBucket', 'accessLogGroup', 'executionLogGroup'] as const;
    for (const member of members) {
      expect(processor[member]).toBeDefined();
    }
    expect(processor.functionLogGroups).toHaveLength(4);
  });

  test('webhookUrl() returns the provider route and rejects unknown names', () => {
    const { processor, stack } = synth();
    expect(stack.resolve(processor.webhookUrl('stripe'))).toEqual({ 'Fn::Join': ['', expect.arrayContaining(['/webhook/stripe'])] });
    expect(() => processor.webhookUrl('nope')).toThrow(/no provider is named 'nope'/);
  });

  test('metricRejected() rejects unknown provider names, but takes `unknown` (deliveries to unconfigured paths)', () => {
    const { processor } = synth();
    expect(processor.metricRejected('stripe', 'invalid_signature').dimensions).toMatchObject({ provider: 'stripe', reason: 'invalid_signature' });
    expect(processor.metricRejected('unknown', 'unknown_provider').dimensions).toMatchObject({ provider: 'unknown' });
    expect(() => processor.metricRejected('strpie', 'invalid_signature')).toThrow(/metricRejected\(\): no provider is named 'strpie'. Configured providers: stripe/);
  });

  test('metricSecretsUnavailable() is the ingest function\'s SecretsUnavailable count', () => {
    const { processor, stack } = synth();
    const metric = processor.metricSecretsUnavailable();
    expect(metric.namespace).toBe('WebhookProcessor');
    expect(metric.metricName).toBe('SecretsUnavailable');
    expect(stack.resolve(metric.dimensions)).toEqual({ service: expect.stringMatching(/-ingest$/) });
  });

  test('grantStatusRead() allows execute-api:Invoke on GET /status/* only', () => {
    const fixture = synth();
    const { stack, processor } = fixture;
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    processor.grantStatusRead(role);
    const template = fixture.template;
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => p.Properties.Roles[0].Ref.startsWith('Reader'));
    expect(policy?.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: 'execute-api:Invoke', Resource: expect.objectContaining({ 'Fn::Join': ['', expect.arrayContaining(['/GET/status/*'])] }) }),
    ]);
  });
});
