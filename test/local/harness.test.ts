/**
 * The local pipeline's own pieces, checked against independent references, so that a green
 * end-to-end run means the handlers are right rather than the harness agreeing with itself.
 */
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { classifyWrite } from '../../local-pipeline/fault-proxy';
import { sampleDelivery, signatureHeaders, withBadSignature } from '../../local-pipeline/signing';
import { customized, gatewayError, isBinaryMediaType, matchRoute, toHttpAnswer, toProxyEvent } from '../../local-pipeline/stand-ins/api-gateway';
import { entrySize, targetInput, targetKind } from '../../local-pipeline/stand-ins/event-bus';
import { failedMessageIds } from '../../local-pipeline/stand-ins/event-source';
import { checkSignature, signRequest } from '../../local-pipeline/stand-ins/sigv4';
import { firstFailure } from '../../local-pipeline/stand-ins/stream-source';
import type { CfnTemplate } from '../../local-pipeline/template/app';
import { apiSettings, eventRules, resolve, streamEventSources, type ResolveContext, ApiRoute } from '../../local-pipeline/template/template';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';

const config = (scheme: ProviderRuntimeConfig['scheme'], extra: Partial<ProviderRuntimeConfig> = {}): ProviderRuntimeConfig =>
  ({ name: scheme, scheme, secretArns: [], toleranceSeconds: 300, ...extra });

describe('delivery signing', () => {
  const body = Buffer.from('{"id":"evt_1","type":"invoice.paid","amount":4200}');

  test('Stripe signatures are accepted by the stripe package', () => {
    const stripe = new Stripe('sk_test_not_a_real_key');
    const secret = 'whsec_local_test';
    const headers = signatureHeaders(config('stripe'), secret, body);
    expect(() => stripe.webhooks.constructEvent(body, headers['Stripe-Signature'], secret)).not.toThrow();
  });

  test('Standard Webhooks signatures are accepted by the standardwebhooks package', () => {
    const secret = `whsec_${Buffer.from('a local key of some length').toString('base64')}`;
    const headers = signatureHeaders(config('standard-webhooks'), secret, body, { deliveryId: 'msg_1' });
    expect(new StandardWebhook(secret).verify(body.toString(), headers)).toEqual(JSON.parse(body.toString()));
  });

  test('a broken signature is rejected by the stripe package', () => {
    const stripe = new Stripe('sk_test_not_a_real_key');
    const secret = 'whsec_local_test';
    const delivery = withBadSignature(config('stripe'), sampleDelivery(config('stripe', { eventId: { jsonPath: 'id' } }), secret, { deliveryId: 'evt_2' }));
    expect(() => stripe.webhooks.constructEvent(delivery.body, delivery.headers['Stripe-Signature'], secret)).toThrow();
  });

  test('sample deliveries carry the id where the provider does', () => {
    const inBody = sampleDelivery(config('stripe', { eventId: { jsonPath: 'data.object.id' } }), 's', { deliveryId: 'evt_9' });
    expect(JSON.parse(inBody.body.toString()).data.object.id).toBe('evt_9');
    const inHeader = sampleDelivery(config('github', { eventId: { header: 'x-github-delivery' } }), 's', { deliveryId: 'abc' });
    expect(inHeader.headers['x-github-delivery']).toBe('abc');
  });
});

describe('SigV4', () => {
  test('matches the AWS test suite vector get-vanilla', () => {
    const headers = signRequest({ method: 'GET', url: '/', headers: { host: 'example.amazonaws.com' } },
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }, 'us-east-1', 'service',
      new Date(Date.UTC(2015, 7, 30, 12, 36, 0)));
    expect(headers.authorization).toBe('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, '
      + 'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  test('the API accepts a signed request and refuses a tampered one', () => {
    const caller = { accessKeyId: 'AKIA1', secretAccessKey: 'secret' };
    const request = { method: 'GET', url: '/status/stripe%3Aevt_1', headers: { host: '127.0.0.1:3000' } };
    const signed = { ...request, headers: { ...request.headers, ...signRequest(request, caller, 'us-east-1', 'execute-api') } };
    expect(checkSignature(signed, [caller], 'us-east-1', 'execute-api')).toEqual({ ok: true, accessKeyId: 'AKIA1' });
    expect(checkSignature({ ...signed, url: '/status/stripe%3Aevt_2' }, [caller], 'us-east-1', 'execute-api').ok).toBe(false);
    expect(checkSignature(request, [caller], 'us-east-1', 'execute-api')).toEqual({ ok: false, message: 'Missing Authentication Token' });
  });
});

describe('API Gateway stand-in', () => {
  const routes: ApiRoute[] = [
    { httpMethod: 'POST', resourcePath: '/webhook/{provider}', resourceLogicalId: 'R1', authorizationType: 'NONE', functionLogicalId: 'Ingest' },
    { httpMethod: 'GET', resourcePath: '/status/{id}', resourceLogicalId: 'R2', authorizationType: 'AWS_IAM', functionLogicalId: 'Status' },
  ];

  test('routes by method and path, keeping parameters encoded', () => {
    expect(matchRoute(routes, 'POST', '/webhook/stripe')?.pathParameters).toEqual({ provider: 'stripe' });
    expect(matchRoute(routes, 'GET', '/status/a%3Ab')?.pathParameters).toEqual({ id: 'a%3Ab' });
    expect(matchRoute(routes, 'GET', '/webhook/stripe')).toBeUndefined();
    expect(matchRoute(routes, 'POST', '/webhook/')).toBeUndefined();
    expect(matchRoute(routes, 'POST', '/webhook/a/b')).toBeUndefined();
  });

  test('a literal segment wins over a parameter, whatever the order of the methods', () => {
    const billing: ApiRoute = { httpMethod: 'POST', resourcePath: '/webhook/billing', resourceLogicalId: 'R3', authorizationType: 'AWS_IAM', functionLogicalId: '' };
    expect(matchRoute([...routes, billing], 'POST', '/webhook/billing')?.route).toBe(billing);
    expect(matchRoute([...routes, billing], 'POST', '/webhook/stripe')?.route.resourcePath).toBe('/webhook/{provider}');
  });

  test('with binaryMediaTypes */* every body is base64, byte for byte', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3]);
    const event = toProxyEvent(
      { method: 'POST', url: '/webhook/github?x=1&x=2', rawHeaders: ['X-Hub-Signature-256', 'a', 'Accept', 'b', 'accept', 'c'], body: bytes, sourceIp: '127.0.0.1' },
      { match: matchRoute(routes, 'POST', '/webhook/github')!, stage: 'v1', binaryMediaTypes: ['*/*'], accountId: '1', apiId: 'x' },
    );
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64').equals(bytes)).toBe(true);
    expect(event.headers['X-Hub-Signature-256']).toBe('a');
    expect(event.multiValueHeaders.Accept).toEqual(['b']);
    expect(event.multiValueHeaders.accept).toEqual(['c']);
    expect(event.multiValueQueryStringParameters).toEqual({ x: ['1', '2'] });
    expect(event.queryStringParameters).toEqual({ x: '2' });
    expect(event.resource).toBe('/webhook/{provider}');
    expect(event.requestContext.path).toBe('/v1/webhook/github');
  });

  test('an empty body is null and not base64', () => {
    const event = toProxyEvent(
      { method: 'POST', url: '/webhook/github', rawHeaders: [], body: Buffer.alloc(0), sourceIp: '127.0.0.1' },
      { match: matchRoute(routes, 'POST', '/webhook/github')!, stage: 'v1', binaryMediaTypes: ['*/*'], accountId: '1', apiId: 'x' },
    );
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
  });

  test('binary media types match by type and subtype wildcards', () => {
    expect(isBinaryMediaType(undefined, ['*/*'])).toBe(true);
    expect(isBinaryMediaType('image/png', ['image/*'])).toBe(true);
    expect(isBinaryMediaType('application/json', ['image/*'])).toBe(false);
  });

  test('a malformed function response or an error is a 502', () => {
    expect(toHttpAnswer({ ok: true, value: { statusCode: 202, body: '{}' }, durationMs: 1 }).statusCode).toBe(202);
    expect(toHttpAnswer({ ok: true, value: { body: 'x' }, durationMs: 1 }).statusCode).toBe(502);
    expect(toHttpAnswer({ ok: false, error: { errorType: 'Error', errorMessage: 'x' }, durationMs: 1 }).statusCode).toBe(502);
  });
});

describe('gateway responses', () => {
  const template = (properties: Record<string, unknown>): CfnTemplate => ({
    Resources: {
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: {} },
      Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { StageName: 'v1' } },
      Response: { Type: 'AWS::ApiGateway::GatewayResponse', Properties: properties },
    },
  });
  const tooLarge = template({
    ResponseType: 'REQUEST_TOO_LARGE',
    StatusCode: '413',
    ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/json'" },
    ResponseTemplates: { 'application/json': '{"error":"body_too_large"}' },
  });

  test("the template's response replaces API Gateway's own answer of that type only", () => {
    const responses = apiSettings(tooLarge).gatewayResponses;
    const answer = customized(gatewayError(413, 'Request Too Long', 'RequestTooLongException'), 'REQUEST_TOO_LARGE', responses);
    expect([answer.statusCode, answer.body.toString(), answer.headers.filter(([name]) => name === 'Content-Type')])
      .toEqual([413, '{"error":"body_too_large"}', [['Content-Type', 'application/json']]]);
    const other = gatewayError(403, 'Missing Authentication Token', 'MissingAuthenticationTokenException');
    expect(customized(other, 'MISSING_AUTHENTICATION_TOKEN', responses)).toBe(other);
  });

  test('DEFAULT_5XX applies to API Gateway answers of a type without its own response', () => {
    const responses = apiSettings(template({ ResponseType: 'DEFAULT_5XX', ResponseTemplates: { 'application/json': '{"error":"gateway"}' } })).gatewayResponses;
    expect(customized(gatewayError(502, 'Internal server error', 'X'), undefined, responses).body.toString()).toBe('{"error":"gateway"}');
  });

  test('mapping templates (VTL) and non-static headers are not emulated: they throw', () => {
    expect(() => apiSettings(template({ ResponseType: 'DEFAULT_4XX', ResponseTemplates: { 'application/json': '{"m":$context.error.messageString}' } }))).toThrow(/static/);
    expect(() => apiSettings(template({ ResponseType: 'DEFAULT_4XX', ResponseParameters: { 'gatewayresponse.header.X': 'method.request.header.Y' } }))).toThrow(/static header/);
  });
});

describe('SQS event source rules', () => {
  const ids = ['m1', 'm2', 'm3'];
  test.each([
    ['null response', null, new Set()],
    ['empty list', { batchItemFailures: [] }, new Set()],
    ['two failures', { batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm3' }] }, new Set(['m1', 'm3'])],
    ['an unknown id', { batchItemFailures: [{ itemIdentifier: 'x' }] }, 'all'],
    ['an empty id', { batchItemFailures: [{ itemIdentifier: '' }] }, 'all'],
    ['not a list', { batchItemFailures: 'm1' }, 'all'],
  ])('%s', (_, response, expected) => {
    expect(failedMessageIds(response, ids, true)).toEqual(expected);
  });
});

describe('fault proxy targets', () => {
  test('only DynamoDB PutItem and S3 PutObject', () => {
    expect(classifyWrite('POST', '/', { 'x-amz-target': 'DynamoDB_20120810.PutItem' })).toBe('dynamodb:PutItem');
    expect(classifyWrite('POST', '/', { 'x-amz-target': 'DynamoDB_20120810.GetItem' })).toBeUndefined();
    expect(classifyWrite('PUT', '/bucket/raw/dt%3D2024/x.ndjson?x-id=PutObject', {})).toBe('s3:PutObject');
    expect(classifyWrite('PUT', '/bucket/', {})).toBeUndefined();
    expect(classifyWrite('PUT', '/bucket/?versioning', {})).toBeUndefined();
    expect(classifyWrite('GET', '/bucket/key', {})).toBeUndefined();
  });
});

describe('template resolution', () => {
  const context: ResolveContext = { refs: { 'Q': 'https://q', 'AWS::Region': 'us-east-1' }, attributes: { 'Q.Arn': 'arn:q' } };
  test('Ref, GetAtt, Join, Select, Split and Sub', () => {
    expect(resolve({ 'Fn::Join': ['', ['[', { Ref: 'Q' }, ',', { 'Fn::GetAtt': ['Q', 'Arn'] }, ']']] }, context)).toBe('[https://q,arn:q]');
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Q', 'Arn'] }] }] }, context)).toBe('q');
    expect(resolve({ 'Fn::Sub': 'x-${AWS::Region}-${Q.Arn}' }, context)).toBe('x-us-east-1-arn:q');
  });
  test('anything unresolvable throws', () => {
    expect(() => resolve({ Ref: 'Nope' }, context)).toThrow(/did not create/);
    expect(() => resolve({ 'Fn::ImportValue': 'x' }, context)).toThrow(/cannot resolve/);
  });
});

describe('stream mapping and bus rules read from the template', () => {
  const template = (resources: CfnTemplate['Resources']): CfnTemplate => ({
    Resources: { T: { Type: 'AWS::DynamoDB::Table' }, F: { Type: 'AWS::Lambda::Function' }, Q: { Type: 'AWS::SQS::Queue' }, ...resources },
  });
  const mapping = (extra: Record<string, unknown>) => template({
    M: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: { 'Fn::GetAtt': ['T', 'StreamArn'] }, FunctionName: { Ref: 'F' }, StartingPosition: 'TRIM_HORIZON', ...extra },
    },
  });
  test('Lambda\'s DynamoDB defaults where the template is silent; properties it cannot apply throw', () => {
    expect(streamEventSources(mapping({}))[0]).toMatchObject({
      batchSize: 100, maximumBatchingWindowSeconds: 0, maximumRetryAttempts: -1, maximumRecordAgeSeconds: -1, bisectBatchOnFunctionError: false,
    });
    expect(() => streamEventSources(mapping({ TumblingWindowInSeconds: 60 }))).toThrow(/TumblingWindowInSeconds not supported/);
    expect(() => streamEventSources(mapping({ DestinationConfig: { OnSuccess: {} } }))).toThrow(/OnSuccess not supported/);
  });
  test('a rule target with an InputTransformer, or a scheduled rule, throws', () => {
    const rule = (props: Record<string, unknown>) => template({ R: { Type: 'AWS::Events::Rule', Properties: { EventPattern: {}, ...props } } });
    expect(() => eventRules(rule({ Targets: [{ Id: 'T', Arn: 'arn:aws:sqs:r:a:q', InputTransformer: {} }] }))).toThrow(/InputTransformer not supported/);
    expect(() => eventRules(rule({ ScheduleExpression: 'rate(1 minute)' }))).toThrow(/ScheduleExpression not supported/);
    expect(eventRules(rule({ Targets: [{ Id: 'T', Arn: 'x' }] }))[0].targets[0]).toMatchObject({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 });
  });
});

describe('stream partial failures and bus targets', () => {
  const batch = ['1', '2', '3'].map((n) => ({ dynamodb: { SequenceNumber: n } }));
  test('ReportBatchItemFailures: resume from the lowest reported sequence number; an unknown or empty one fails the batch', () => {
    expect(firstFailure({ batchItemFailures: [] }, batch, true)).toBeUndefined();
    expect(firstFailure(null, batch, true)).toBeUndefined();
    expect(firstFailure({ batchItemFailures: [{ itemIdentifier: '3' }, { itemIdentifier: '2' }] }, batch, true)).toBe(1);
    expect(firstFailure({ batchItemFailures: [{ itemIdentifier: '9' }] }, batch, true)).toBe(0);
    expect(firstFailure({ batchItemFailures: [{ itemIdentifier: '' }] }, batch, true)).toBe(0);
    expect(firstFailure({ batchItemFailures: [{ itemIdentifier: '2' }] }, batch, false)).toBeUndefined();
  });
  test('targets by ARN; Input, InputPath and the whole event', () => {
    expect(targetKind('arn:aws:sqs:us-east-1:1:q')).toBe('sqs');
    expect(targetKind('arn:aws:lambda:us-east-1:1:function:f')).toBe('lambda');
    expect(targetKind('arn:aws:states:us-east-1:1:stateMachine:s')).toBe('recorded');
    const event = { id: 'e', detail: { id: 'w', payload: { n: 1 } } };
    expect(targetInput({}, event)).toBe(JSON.stringify(event));
    expect(targetInput({ inputPath: '$.detail.payload' }, event)).toBe('{"n":1}');
    expect(targetInput({ input: '{"fixed":true}' }, event)).toBe('{"fixed":true}');
    expect(() => targetInput({ inputPath: '$.detail[0]' }, event)).toThrow(/not emulated/);
  });
  test('entry size as EventBridge counts it: Time 14 bytes, UTF-8 of Source, DetailType, Detail and Resources', () => {
    expect(entrySize({ Source: 'é', DetailType: 'ab', Detail: '{}', Resources: ['xyz'], Time: 1 })).toBe(14 + 2 + 2 + 2 + 3);
  });
});
