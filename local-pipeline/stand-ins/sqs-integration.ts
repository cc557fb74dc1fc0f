/**
 * The API Gateway stand-in's AWS integration with SQS (an IAM-signed sender's route): picks the
 * request template by content type (415 when none matches, as `passthroughBehavior: NEVER`
 * does), renders it with the request (velocityjs, mapping-template.ts), POSTs the form to the
 * queue's URL on the SQS emulator as API Gateway calls SQS's query API, and answers with the
 * integration response whose selection pattern matches SQS's status code (the default otherwise).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { renderMappingTemplate } from './mapping-template';
import { signRequest } from './sigv4';
import { FUNCTION_CREDENTIALS } from '../emulators/aws';
import type { SqsRouteIntegration } from '../template/template';

export interface SqsAnswer {
  readonly statusCode: number;
  readonly body: string;
}

/** Sends the request of `event` (built as for a proxy integration) through the integration. */
export async function integrateSqs(
  integration: SqsRouteIntegration, event: APIGatewayProxyEvent, queueUrl: string, region: string,
): Promise<SqsAnswer> {
  const contentType = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  const mediaType = (contentType ?? 'application/json').split(';', 1)[0].trim().toLowerCase();
  const template = integration.requestTemplates[mediaType];
  if (template === undefined) return { statusCode: 415, body: JSON.stringify({ message: 'Unsupported Media Type' }) };
  const context = { requestId: event.requestContext.requestId, requestTimeEpoch: event.requestContext.requestTimeEpoch };
  const form = renderMappingTemplate(template, {
    headers: Object.fromEntries(Object.entries(event.headers ?? {}).filter((e): e is [string, string] => e[1] !== undefined)),
    body: event.body ?? '',
    ...context,
  });
  // Signed as API Gateway signs with the integration's role (the emulator routes by the signature's service).
  const url = new URL(queueUrl);
  const headers = { 'host': url.host, 'content-type': 'application/x-www-form-urlencoded', 'accept': 'application/json' };
  const auth = signRequest({ method: 'POST', url: url.pathname, headers, body: Buffer.from(form) }, FUNCTION_CREDENTIALS, region, 'sqs');
  const response = await fetch(queueUrl, { method: 'POST', headers: { ...headers, ...auth }, body: form });
  const sqsBody = await response.text();
  if (process.env.LOCAL_SQS_INTEGRATION_DEBUG) process.stderr.write(`SQS ${response.status}: ${sqsBody.slice(0, 500)}\n`);
  const status = String(response.status);
  const chosen = integration.responses.find(([, pattern]) => pattern !== undefined && new RegExp(`^(?:${pattern})$`).test(status))
    ?? integration.responses.find(([, pattern]) => pattern === undefined);
  if (chosen === undefined) return { statusCode: 500, body: JSON.stringify({ message: 'Internal server error' }) };
  return { statusCode: Number(chosen[0]), body: renderMappingTemplate(chosen[2], { headers: {}, body: '', ...context }) };
}
