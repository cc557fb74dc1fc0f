import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEvent, SQSRecord } from 'aws-lambda';

/** A REST API proxy event as API Gateway sends it with `binaryMediaTypes: ['*\/*']`. */
export function apiEvent(overrides: Partial<APIGatewayProxyEvent> & { rawBody?: Buffer | string } = {}): APIGatewayProxyEvent {
  const { rawBody, ...rest } = overrides;
  const body = rawBody === undefined ? null : Buffer.from(rawBody).toString('base64');
  return {
    httpMethod: 'POST',
    path: '/webhook/stripe',
    resource: '/webhook/{provider}',
    pathParameters: { provider: 'stripe' },
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    isBase64Encoded: true,
    body,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    ...rest,
  };
}

export function stripeHeader(secret: string, body: string | Buffer, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {} as SQSRecord['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:queue',
    awsRegion: 'us-east-1',
  };
}
