import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { WebhookFrontDoor } from '../../src';
import { logicalIdOf, synth } from '../util';

const urls = (extra = {}) => synth({ frontDoor: WebhookFrontDoor.FUNCTION_URL, ...extra });

describe('function URL front door', () => {
  test('creates no API Gateway API', () => {
    const { template, processor } = urls();
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    expect([processor.api, processor.httpApi]).toEqual([undefined, undefined]);
  });

  test('the ingest function has a public URL (AuthType NONE); status and listing have AWS_IAM ones', () => {
    const { template } = urls();
    const fn = (prefix: string) => ({ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function', prefix), 'Arn'] });
    template.resourceCountIs('AWS::Lambda::Url', 3);
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: fn('WebhooksIngest') });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', TargetFunctionArn: fn('WebhooksStatus') });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', TargetFunctionArn: fn('WebhooksListing') });
  });

  test('anyone may invoke the ingest function through its URL only: InvokeFunctionUrl (NONE) and InvokeFunction (InvokedViaFunctionUrl)', () => {
    const { template } = urls();
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true });
    // Nothing else lets an anonymous caller invoke a function.
    expect(Object.values(template.findResources('AWS::Lambda::Permission', { Properties: { Principal: '*' } })).length).toBe(2);
  });

  test('throttling is the ingest function\'s reserved concurrency', () => {
    const { template } = urls({ concurrency: { ingestReservedConcurrency: 20 } });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: 'Verifies webhook deliveries and queues them', ReservedConcurrentExecutions: 20 });
  });

  test('webhookUrl() is the ingest URL followed by webhook/{name}', () => {
    const { processor, stack, template } = urls();
    const url = logicalIdOf(template, 'AWS::Lambda::Url', 'WebhooksFunctionUrlsIngest');
    expect(stack.resolve(processor.webhookUrl('stripe'))).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [url, 'FunctionUrl'] }, 'webhook/stripe']] });
  });

  test('grantList() grants lambda:InvokeFunctionUrl and lambda:InvokeFunction (through the URL only) on the listing function', () => {
    const fixture = urls();
    fixture.processor.grantList(new iam.Role(fixture.stack, 'Lister', { assumedBy: new iam.AccountRootPrincipal() }));
    const template = fixture.template;
    // The URL's FunctionArn attribute: the listing function's ARN.
    const listing = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Url', 'WebhooksFunctionUrlsList'), 'FunctionArn'] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'lambda:InvokeFunctionUrl', Effect: 'Allow', Resource: listing, Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } },
          { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: listing, Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } } },
        ]),
      },
    });
  });

  test('the 5xx alarm watches the ingest URL: AWS/Lambda Url5xxCount by FunctionName', () => {
    const { template } = urls();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Url5xxCount',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksIngest') } }],
    });
  });
});
