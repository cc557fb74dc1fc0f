import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProvider } from '../../src';
import { actionsOfRole, logicalIdOf, synth } from '../util';

const iamSenders = [{ name: 'billing' }];

/** The methods of the API, as `<HttpMethod> <PathPart>` with their properties. */
function methodsOn(template: Template, pathPart: string): Record<string, any> {
  const resources = template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: pathPart } });
  const ids = Object.keys(resources);
  const methods = template.findResources('AWS::ApiGateway::Method');
  return Object.fromEntries(Object.values(methods)
    .filter((m) => ids.includes(m.Properties.ResourceId?.Ref))
    .map((m) => [m.Properties.HttpMethod, m.Properties]));
}

describe('internal senders off', () => {
  test('no usage plan, key, role or per-sender resource is created', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    template.resourceCountIs('AWS::ApiGateway::Resource', 5); // webhook, {provider}, status, {id}, webhooks
    expect(JSON.stringify(template.toJSON())).not.toContain('InternalSenders');
  });
});

describe('API keys with a usage plan', () => {
  const apiKeys = {
    senders: ['stripe'],
    throttle: { rateLimit: 20, burstLimit: 40 },
    quota: { limit: 10000, period: apigw.Period.DAY },
    keyNames: ['partner-a'],
  };

  test('the named provider gets its own POST route that requires an API key, to the ingest function', () => {
    const { template } = synth({ internalSenders: { apiKeys } });
    const ingest = logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksIngest');
    const post = methodsOn(template, 'stripe').POST;
    expect(post).toMatchObject({ ApiKeyRequired: true, AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY' } });
    expect(JSON.stringify(post.Integration.Uri)).toContain(ingest);
  });

  test('the shared {provider} route still requires no key', () => {
    const { template } = synth({ internalSenders: { apiKeys } });
    expect(methodsOn(template, '{provider}').POST.ApiKeyRequired).toBeUndefined();
  });

  test('a usage plan on the stage carries the throttle and quota, and the named key is in it', () => {
    const { template } = synth({ internalSenders: { apiKeys } });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 20, BurstLimit: 40 },
      Quota: { Limit: 10000, Period: 'DAY' },
      ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', { Name: 'partner-a', Enabled: true });
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
  });

  test('the usage plan and keys are exposed', () => {
    const { processor } = synth({ internalSenders: { apiKeys } });
    expect(processor.usagePlan).toBeDefined();
    expect(processor.apiKeys).toHaveLength(1);
  });

  test('a provider with a GET handshake keeps a GET route without a key on its own resource', () => {
    const { template } = synth({}, (stack) => ({
      providers: [WebhookProvider.dropbox({ secrets: [new secretsmanager.Secret(stack, 'DropboxSecret')] })],
      internalSenders: { apiKeys: { senders: ['dropbox'] } },
    }));
    const methods = methodsOn(template, 'dropbox');
    expect(methods.POST.ApiKeyRequired).toBe(true);
    expect(methods.GET).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY' } });
    expect(methods.GET.ApiKeyRequired).toBeUndefined();
  });
});

describe('IAM-signed senders', () => {
  test('POST /webhook/{name} requires AWS_IAM and sends to the queue with an AWS integration', () => {
    const { template } = synth({ internalSenders: { iamSenders } });
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesQueue');
    const post = methodsOn(template, 'billing').POST;
    expect(post).toMatchObject({
      AuthorizationType: 'AWS_IAM',
      Integration: {
        Type: 'AWS',
        IntegrationHttpMethod: 'POST',
        PassthroughBehavior: 'NEVER',
        ContentHandling: 'CONVERT_TO_TEXT',
        RequestParameters: { 'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'" },
      },
    });
    expect(JSON.stringify(post.Integration.Uri)).toContain(':sqs:path/');
    expect(JSON.stringify(post.Integration.Uri)).toContain(queue);
  });

  test('the mapping template builds the queue message for each accepted content type', () => {
    const { template } = synth({ internalSenders: { iamSenders } });
    const templates: Record<string, string> = methodsOn(template, 'billing').POST.Integration.RequestTemplates;
    expect(Object.keys(templates).sort()).toEqual(['application/json', 'application/octet-stream', 'text/plain']);
    const text = templates['application/json'];
    expect(text).toContain('Action=SendMessage&MessageBody=');
    expect(text).toContain('$util.urlEncode($input.body)');
    expect(text).toContain('$util.urlEncode($util.base64Encode($headers.get($name)))');
    expect(decodeURIComponent(text)).toContain('"via":"apigateway-sqs","provider":"billing","idHeader":"x-webhook-id","typeHeader":"x-webhook-type"');
  });

  test('SQS refusals answer 400 and its failures 503, success 202', () => {
    const { template } = synth({ internalSenders: { iamSenders } });
    const responses = methodsOn(template, 'billing').POST.Integration.IntegrationResponses;
    expect(responses.map((r: any) => [r.StatusCode, r.SelectionPattern])).toEqual([['202', undefined], ['400', '4\\d{2}'], ['503', '5\\d{2}']]);
  });

  test('the integration role may send to the queue and do nothing else', () => {
    const { template } = synth({ internalSenders: { iamSenders } });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] },
    });
    expect(actionsOfRole(template, 'WebhooksInternalSendersSendRole')).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
  });

  test('grantSend() allows execute-api:Invoke on the sender\'s route only', () => {
    const fixture = synth({ internalSenders: { iamSenders } });
    const role = new iam.Role(fixture.stack, 'Sender', { assumedBy: new iam.AccountRootPrincipal() });
    fixture.processor.grantSend(role, 'billing');
    const template = fixture.template;
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalIdOf(template, 'AWS::IAM::Role', 'Sender') }] } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('execute-api:Invoke');
    expect(JSON.stringify(statements[0].Resource)).toMatch(/"\/POST\/webhook\/billing"\]\]\}$/);
  });

  test('grantSend() refuses a name that is not an IAM sender', () => {
    const { stack, processor } = synth({ internalSenders: { iamSenders } });
    const role = new iam.Role(stack, 'Sender', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => processor.grantSend(role, 'stripe')).toThrow(/grantSend\(\): no IAM sender is named 'stripe' \(IAM senders: billing\)/);
  });

  test('an IAM sender can also require an API key', () => {
    const { template } = synth({ internalSenders: { iamSenders, apiKeys: { senders: ['billing'] } } });
    expect(methodsOn(template, 'billing').POST).toMatchObject({ AuthorizationType: 'AWS_IAM', ApiKeyRequired: true });
  });

  test('custom headers and content types reach the template', () => {
    const { template } = synth({ internalSenders: { iamSenders: [{ name: 'billing', deliveryIdHeader: 'x-request-id', eventTypeHeader: 'x-kind', contentTypes: ['application/cloudevents+json'] }] } });
    const templates: Record<string, string> = methodsOn(template, 'billing').POST.Integration.RequestTemplates;
    expect(Object.keys(templates)).toEqual(['application/cloudevents+json']);
    expect(decodeURIComponent(templates['application/cloudevents+json'])).toContain('"idHeader":"x-request-id","typeHeader":"x-kind"');
  });
});

describe('your own authorizer on a provider route', () => {
  function withAuthorizer() {
    return synth({}, (stack) => {
      const fn = new lambda.Function(stack, 'AuthFn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})') });
      return { internalSenders: { authorizers: [{ provider: 'stripe', authorizer: new apigw.TokenAuthorizer(stack, 'Auth', { handler: fn }) }] } };
    });
  }

  test('the provider\'s POST route uses the authorizer and still goes to the ingest function', () => {
    const { template } = withAuthorizer();
    const authorizer = logicalIdOf(template, 'AWS::ApiGateway::Authorizer', 'Auth');
    expect(methodsOn(template, 'stripe').POST).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizer }, Integration: { Type: 'AWS_PROXY' } });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'TOKEN' });
  });
});

describe('IAM-signed senders are providers to the rest of the pipeline', () => {
  test('the listing accepts their name', () => {
    const { template } = synth({ internalSenders: { iamSenders } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PROVIDER_NAMES: 'stripe,billing' }) },
    });
  });

  test('webhookUrl() names their route', () => {
    const { processor, stack } = synth({ internalSenders: { iamSenders } });
    expect(stack.resolve(processor.webhookUrl('billing'))).toEqual(expect.objectContaining({ 'Fn::Join': expect.arrayContaining([expect.arrayContaining(['/webhook/billing'])]) }));
  });
});
