import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';
import { WebhookProcessor, WebhookProvider } from '../../src';
import { logicalIdOf, synth } from '../util';

describe('REST API', () => {
  test('POST /webhook/{provider} is public and proxies to the ingest function', () => {
    const { template } = synth();
    const ingest = logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksIngest');
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{provider}' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'NONE',
      Integration: Match.objectLike({
        Type: 'AWS_PROXY',
        Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [ingest, 'Arn'] }])]) }),
      }),
    });
  });

  test('GET /status/{id} requires AWS_IAM and proxies to the status function', () => {
    const { template } = synth();
    const status = logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksStatus');
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{id}' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      AuthorizationType: 'AWS_IAM',
      Integration: Match.objectLike({
        Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [status, 'Arn'] }])]) }),
      }),
    });
  });

  test('only the three routes exist', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::ApiGateway::Method', 3);
  });

  test('every content type reaches the ingest function as raw bytes (binary media types */*)', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['*/*'] });
  });

  test('stage throttling defaults to 1000 rps / 2000 burst and follows props', () => {
    synth().template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 })]),
    });
    synth({ api: { throttlingRateLimit: 50, throttlingBurstLimit: 100 } }).template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
    });
  });

  test('stage access logs go to a log group in JSON by default', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
  });

  test('access logging can be turned off', () => {
    const { template, processor } = synth({ api: { accessLogging: false } });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: Match.absent() });
    expect(processor.accessLogGroup).toBeUndefined();
  });

  test('execution logs at ERROR level, without bodies, into a log group with retention', () => {
    const { template } = synth();
    const api = logicalIdOf(template, 'AWS::ApiGateway::RestApi', 'WebhooksApi');
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false, HttpMethod: '*', ResourcePath: '/*' })]),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: api }, '/v1']] },
      RetentionInDays: 30,
    });
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0];
    expect(stage.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^WebhooksApiExecutionLogs/)]));
  });

  test('execution logging can be turned off, and its log group stays so that turning it on again deploys', () => {
    const { template, processor } = synth({ api: { executionLogging: false } });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ LoggingLevel: 'OFF' })]),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', Match.anyValue(), '/v1']] },
    });
    expect(processor.executionLogGroup).toBeDefined();
  });

  test('the API has a name unique to the construct, not a shared default', () => {
    const { template } = synth();
    const names = Object.values(template.findResources('AWS::ApiGateway::RestApi')).map((r) => r.Properties.Name);
    expect(names).toEqual([expect.stringMatching(/^Test-Webhooks-Api/)]);
  });

  test('path parameters are required and validated; bodies are left to the signature check', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestParameters: true, ValidateRequestBody: false });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST', RequestParameters: { 'method.request.path.provider': true }, RequestValidatorId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET', RequestParameters: { 'method.request.path.id': true }, RequestValidatorId: Match.anyValue(),
    });
  });

  test('a WAF web ACL is associated with the stage only when given', () => {
    synth().template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/webhooks/abc';
    synth({ api: { webAclArn: arn } }).template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: arn,
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
  });

  test('a web ACL that is not a WAF ARN, or a CloudFront (global) one, is refused naming the prop', () => {
    expect(() => synth({ api: { webAclArn: 'webhooks-acl' } })).toThrow(/'api.webAclArn' \(webhooks-acl\) is not the ARN of a WAF web ACL/);
    expect(() => synth({ api: { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/cf/abc' } }))
      .toThrow(/'api.webAclArn' .* is a CloudFront \(global\) web ACL/);
  });

  test('the API Gateway test console cannot invoke the functions (no test-invoke permissions)', () => {
    const { template } = synth();
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    expect(permissions).toHaveLength(3);
    for (const p of permissions) {
      expect(JSON.stringify(p.Properties.SourceArn)).not.toContain('test-invoke-stage');
    }
  });
});

describe('body size', () => {
  test('bodies over API Gateway\'s 10 MB limit get a JSON 413 like the ingest\'s own', () => {
    const responses = synth().template.findResources('AWS::ApiGateway::GatewayResponse');
    expect(Object.values(responses).map((r) => r.Properties)).toEqual([expect.objectContaining({
      ResponseType: 'REQUEST_TOO_LARGE',
      StatusCode: '413',
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/json'" },
      ResponseTemplates: { 'application/json': expect.stringContaining('"error":"body_too_large"') },
    })]);
  });
});

describe('API Gateway CloudWatch Logs role (deploys in a fresh account)', () => {
  test('by default the stack sets the account role, and the stage waits for it', () => {
    const { template } = synth();
    const account = logicalIdOf(template, 'AWS::ApiGateway::Account', 'WebhookProcessorApiGatewayCloudWatchRole');
    template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain', Properties: { CloudWatchRoleArn: Match.anyValue() } });
    template.hasResource('AWS::IAM::Role', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] }),
        ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs']] }],
      }),
    });
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0];
    expect(stage.DependsOn).toEqual(expect.arrayContaining([account]));
  });

  test('two constructs in one stack share one account setting', () => {
    const { template } = synth({}, (stack) => {
      new WebhookProcessor(stack, 'Other', { providers: [WebhookProvider.unverified('internal')] });
      return {};
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
  });

  test('two stacks of one app in the same account and region cannot both set it', () => {
    const app = new App();
    const env = { account: '123456789012', region: 'us-east-1' };
    const props = () => ({ providers: [WebhookProvider.unverified('internal')] });
    new WebhookProcessor(new Stack(app, 'One', { env }), 'Webhooks', props());
    expect(() => new WebhookProcessor(new Stack(app, 'Two', { env }), 'Webhooks', props()))
      .toThrow(/Two\/Webhooks.*'api.cloudWatchRole' is on, but stack One already sets .* Set 'api.cloudWatchRole: false'/);
    new WebhookProcessor(new Stack(app, 'Elsewhere', { env: { ...env, region: 'eu-west-1' } }), 'Webhooks', props());
  });

  test('no account setting with cloudWatchRole false, or with both kinds of logging off', () => {
    synth({ api: { cloudWatchRole: false } }).template.resourceCountIs('AWS::ApiGateway::Account', 0);
    synth({ api: { accessLogging: false, executionLogging: false } }).template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });
});

describe('custom domain', () => {
  test('the API gets the domain, and webhookUrl() returns URLs on it', () => {
    const { template, processor, stack } = synth({}, (scope) => ({
      api: {
        domainName: {
          domainName: 'webhooks.example.com',
          certificate: acm.Certificate.fromCertificateArn(scope, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
        },
      },
    }));
    template.hasResourceProperties('AWS::ApiGateway::DomainName', { DomainName: 'webhooks.example.com' });
    template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
    expect(stack.resolve(processor.webhookUrl('stripe'))).toBe('https://webhooks.example.com/webhook/stripe');
  });

  const certificate = (scope: Construct) => acm.Certificate.fromCertificateArn(scope, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');

  test('the domain admits TLS 1.2 and later unless a security policy is given', () => {
    synth({}, (scope) => ({ api: { domainName: { domainName: 'webhooks.example.com', certificate: certificate(scope) } } }))
      .template.hasResourceProperties('AWS::ApiGateway::DomainName', { SecurityPolicy: 'TLS_1_2' });
    synth({}, (scope) => ({
      api: { domainName: { domainName: 'webhooks.example.com', certificate: certificate(scope), securityPolicy: apigw.SecurityPolicy.TLS_1_0 } },
    })).template.hasResourceProperties('AWS::ApiGateway::DomainName', { SecurityPolicy: 'TLS_1_0' });
  });

  test('the execute-api endpoint can be disabled, and then has no output', () => {
    const { template } = synth({}, (scope) => ({
      api: { domainName: { domainName: 'webhooks.example.com', certificate: certificate(scope) }, disableExecuteApiEndpoint: true },
    }));
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
    expect(Object.keys(template.findOutputs('*'))).toEqual([]);
    expect(Object.keys(synth().template.findOutputs('*'))).toEqual([expect.stringMatching(/^WebhooksApiEndpoint/)]);
  });

  test('disabling the execute-api endpoint needs a custom domain', () => {
    expect(() => synth({ api: { disableExecuteApiEndpoint: true } })).toThrow(/'api.disableExecuteApiEndpoint' needs 'api.domainName'/);
  });
});
