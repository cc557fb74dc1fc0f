import { Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookFrontDoor, WebhookProvider } from '../../src';
import { logicalIdOf, synth } from '../util';

const httpApi = (extra = {}) => synth({ frontDoor: WebhookFrontDoor.HTTP_API, ...extra });

describe('HTTP API front door', () => {
  test('creates an HTTP API and no REST API', () => {
    const { template, processor } = httpApi();
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    expect([processor.api, processor.httpApi !== undefined]).toEqual([undefined, true]);
  });

  test('POST /webhook/{provider} is public, with payload format 2.0 to the ingest function', () => {
    const { template } = httpApi();
    const ingest = logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksIngest');
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhook/{provider}', AuthorizationType: 'NONE' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [ingest, 'Arn'] },
    });
  });

  test('GET /status/{id} and GET /webhooks use the IAM authorizer', () => {
    const { template } = httpApi();
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /status/{id}', AuthorizationType: 'AWS_IAM' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /webhooks', AuthorizationType: 'AWS_IAM' });
  });

  test('GET /webhook/{provider} exists when a provider sends a GET handshake', () => {
    const { template } = synth({ frontDoor: WebhookFrontDoor.HTTP_API }, (stack) => ({ providers: [WebhookProvider.dropbox({ secrets: [new secretsmanager.Secret(stack, 'D')] })] }));
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /webhook/{provider}', AuthorizationType: 'NONE' });
  });

  test('the $default stage auto-deploys with throttling and JSON access logs', () => {
    const { template } = httpApi({ api: { throttlingRateLimit: 50, throttlingBurstLimit: 100 } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"routeKey":"\\$context.routeKey"') },
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  test('webhookUrl() has no stage segment', () => {
    const { processor, stack, template } = httpApi();
    expect(stack.resolve(processor.webhookUrl('stripe'))).toEqual({
      'Fn::Join': ['', ['https://', { Ref: logicalIdOf(template, 'AWS::ApiGatewayV2::Api', 'WebhooksHttpApi') }, '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/webhook/stripe']],
    });
  });

  test('a custom domain is mapped to the $default stage with TLS 1.2, and webhookUrl() uses it', () => {
    const { template, processor } = synth({ frontDoor: WebhookFrontDoor.HTTP_API }, (stack) => ({
      api: { domainName: { domainName: 'hooks.example.com', basePath: 'in', certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc') } },
    }));
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'hooks.example.com', DomainNameConfigurations: [Match.objectLike({ SecurityPolicy: 'TLS_1_2' })] });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { ApiMappingKey: 'in', Stage: Match.anyValue() });
    expect(processor.webhookUrl('stripe')).toBe('https://hooks.example.com/in/webhook/stripe');
  });

  test('grantStatusRead() grants execute-api:Invoke on the status route of the $default stage', () => {
    const fixture = httpApi();
    fixture.processor.grantStatusRead(new iam.Role(fixture.stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
    fixture.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Action: 'execute-api:Invoke',
          Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/\\$default/GET/status/\\*$')])] },
        })],
      },
    });
  });

  test('the 5xx alarm watches the stage: AWS/ApiGateway 5xx by ApiId and Stage', () => {
    const { template } = httpApi();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: Match.arrayWith([Match.objectLike({ Name: 'ApiId' }), { Name: 'Stage', Value: '$default' }]),
    });
  });
});
