/**
 * The GET /webhook/{provider} route exists only for providers with a GET challenge and reaches
 * the ingest function; handshake secrets are granted (Meta's verify token read, Asana's secret
 * written).
 */
import { Match } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProvider } from '../../src';
import { actionsOfRole, logicalIdOf, synth } from '../util';

const getMethods = (template: ReturnType<typeof synth>['template']) =>
  Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'GET', AuthorizationType: 'NONE' } }));

test('without a GET handshake there is no GET /webhook/{provider} route', () => {
  const { template } = synth({}, (stack) => ({ providers: [WebhookProvider.zoom({ secrets: [new secretsmanager.Secret(stack, 'Z')] })] }));
  expect(getMethods(template)).toHaveLength(0);
  template.resourceCountIs('AWS::ApiGateway::Method', 3);
});

test('a provider with a GET challenge adds GET /webhook/{provider}, unauthenticated, to the ingest function', () => {
  const { template } = synth({}, (stack) => ({ providers: [WebhookProvider.dropbox({ secrets: [new secretsmanager.Secret(stack, 'D')] })] }));
  const methods = getMethods(template);
  expect(methods).toHaveLength(1);
  const ingest = logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksIngestFunction');
  expect(methods[0].Properties).toMatchObject({
    OperationName: 'AnswerWebhookHandshake',
    RequestParameters: { 'method.request.path.provider': true },
    Integration: { Type: 'AWS_PROXY', Uri: { 'Fn::Join': ['', expect.arrayContaining([{ 'Fn::GetAtt': [ingest, 'Arn'] }])] } },
  });
  // Same resource as the POST route.
  const post = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }));
  expect(methods[0].Properties.ResourceId).toEqual(post[0].Properties.ResourceId);
});

test("Meta's verify token is readable by the ingest function", () => {
  const fixture = synth({}, (stack) => ({
    providers: [WebhookProvider.meta({ secrets: [new secretsmanager.Secret(stack, 'AppSecret')], verifyToken: new secretsmanager.Secret(stack, 'VerifyToken') })],
  }));
  const token = logicalIdOf(fixture.template, 'AWS::SecretsManager::Secret', 'VerifyToken');
  fixture.template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: token } })]) },
  });
});

test("Asana's secret is writable by the ingest function (PutSecretValue only); other providers' are not", () => {
  const fixture = synth({}, (stack) => ({ providers: [WebhookProvider.asana({ secrets: [new secretsmanager.Secret(stack, 'AsanaSecret')] })] }));
  const secret = logicalIdOf(fixture.template, 'AWS::SecretsManager::Secret', 'AsanaSecret');
  fixture.template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'secretsmanager:PutSecretValue', Resource: { Ref: secret } })]) },
  });
  expect(actionsOfRole(synth().template, 'WebhooksIngestFunction')).not.toContain('secretsmanager:PutSecretValue');
});
