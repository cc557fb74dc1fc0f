/**
 * The IAM-signed sender's mapping template, rendered with a Velocity engine (velocityjs) against
 * API Gateway request contexts, then read by the processor's message parsing: the same message,
 * and so the same record, as the ingest function makes of the same request.
 */
import { renderMappingTemplate, type TemplateRequest } from '../../local-pipeline/stand-ins/mapping-template';
import { sqsMessageTemplate, TEMPLATE_MESSAGE_VERSION, TEMPLATE_MESSAGE_VIA } from '../../src/ingress/sqs-message-template';
import { decide, type DeliveryContext } from '../../src/lambdas/ingest/delivery';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { INTEGRATION_MESSAGE_VIA } from '../../src/runtime/integration-message';
import { decodeMessage, inlineBody, MESSAGE_VERSION, REDACTED, type WebhookMessage } from '../../src/runtime/message';
import { toRecord } from '../../src/runtime/record';
import { apiEvent } from '../lambdas/events';

const template = sqsMessageTemplate({ provider: 'billing', deliveryIdHeader: 'x-webhook-id', eventTypeHeader: 'x-webhook-type' });
const receivedAt = new Date('2026-11-24T15:30:00.123Z');
// The ingest's view of the same sender: unverified (IAM did that), ids and types from the same headers.
const billing: ProviderRuntimeConfig = {
  name: 'billing',
  scheme: 'unverified',
  secretArns: [],
  toleranceSeconds: 300,
  eventId: { header: 'x-webhook-id' },
  eventType: { header: 'x-webhook-type' },
};
const ingestContext: DeliveryContext = {
  providers: new Map([['billing', billing]]),
  secretsOf: async () => [],
  handshakeSecretsOf: async () => [],
  now: () => receivedAt,
  maxBodyBytes: 4 * 1024 * 1024,
};
const signedHeaders = {
  'Host': 'abc123.execute-api.us-east-1.amazonaws.com',
  'Content-Type': 'application/json',
  'X-Amz-Date': '20261124T153000Z',
  'Authorization': 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
  'X-Webhook-Id': 'inv-2026-0042',
  'X-Webhook-Type': 'invoice.paid',
};

/** What SQS receives: the form's MessageBody, parsed as the processor parses queue messages. */
function queued(request: Partial<TemplateRequest> & { bytes: Buffer }): { form: URLSearchParams; message: WebhookMessage } {
  const rendered = renderMappingTemplate(template, {
    headers: signedHeaders,
    body: request.bytes.toString('base64'),
    requestId: 'c0ffee00-1111-2222-3333-444455556666',
    requestTimeEpoch: receivedAt.getTime(),
    ...request,
  });
  const form = new URLSearchParams(rendered);
  return { form, message: decodeMessage(form.get('MessageBody') ?? '') };
}

async function ingested(headers: Record<string, string>, bytes: Buffer): Promise<WebhookMessage> {
  const decision = await decide(apiEvent({ pathParameters: { provider: 'billing' }, headers, rawBody: bytes }), ingestContext);
  if (decision.kind !== 'accepted') throw new Error(`ingest did not accept: ${decision.kind}`);
  return decision.message;
}

test('the template writes the version and marker the runtime reads (library code repeats them)', () => {
  expect([TEMPLATE_MESSAGE_VERSION, TEMPLATE_MESSAGE_VIA]).toEqual([MESSAGE_VERSION, INTEGRATION_MESSAGE_VIA]);
});

test('the rendered template is one SendMessage form', () => {
  const { form } = queued({ bytes: Buffer.from('{"a":1}') });
  expect([...form.keys()]).toEqual(['Action', 'MessageBody']);
  expect(form.get('Action')).toBe('SendMessage');
});

test('the message is the one the ingest function makes of the same request', async () => {
  const bytes = Buffer.from('{"invoice":"inv-2026-0042","amount":1250}');
  const { message } = queued({ bytes });
  expect(message).toEqual(await ingested(signedHeaders, bytes));
  expect(message).toMatchObject({ id: 'billing:inv-2026-0042', provider: 'billing', eventType: 'invoice.paid', receivedAt: '2026-11-24T15:30:00.123Z' });
});

test('the record the processor writes is the same on both paths', async () => {
  const bytes = Buffer.from('{"invoice":"inv-7"}');
  const archive = { bucket: 'b', key: 'raw/k' } as any;
  const processedAt = new Date('2026-11-24T15:30:01Z');
  expect(toRecord(queued({ bytes }).message, archive, processedAt)).toEqual(toRecord(await ingested(signedHeaders, bytes), archive, processedAt));
});

test('binary bodies keep every byte', () => {
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  expect(inlineBody(queued({ bytes }).message).equals(bytes)).toBe(true);
});

test('header values with quotes, backslashes, newlines and non-ASCII cannot break the JSON', () => {
  const hostile = 'a"b\\c\n},"provider":"stripe","x":"é✓';
  const { message } = queued({ bytes: Buffer.from('x'), headers: { ...signedHeaders, 'X-Note': hostile } });
  expect(message.provider).toBe('billing');
  expect(message.headers['x-note']).toBe(hostile);
});

test('credential headers are redacted: the SigV4 signature and the session token', () => {
  const { message, form } = queued({ bytes: Buffer.from('x'), headers: { ...signedHeaders, 'X-Amz-Security-Token': 'FQoGZXIvYXdzEXAMPLE' } });
  expect(message.headers.authorization).toBe(REDACTED);
  expect(message.headers['x-amz-security-token']).toBe(REDACTED);
  expect(form.get('MessageBody')).not.toContain(Buffer.from('FQoGZXIvYXdzEXAMPLE').toString('base64'));
});

test('without a delivery id header the API request id is the delivery id', () => {
  const { 'X-Webhook-Id': _id, ...headers } = signedHeaders;
  expect(queued({ bytes: Buffer.from('x'), headers }).message.id).toBe('billing:c0ffee00-1111-2222-3333-444455556666');
});

test('a delivery id outside the URL-safe alphabet is hashed as the ingest hashes it', async () => {
  const headers = { ...signedHeaders, 'X-Webhook-Id': 'order 42/é' };
  const bytes = Buffer.from('{}');
  const { message } = queued({ bytes, headers });
  expect(message.id).toMatch(/^billing:h-[0-9a-f]{40}$/);
  expect(message.id).toBe((await ingested(headers, bytes)).id);
});

test('a message that lost its body is refused by the parser', () => {
  const { form } = queued({ bytes: Buffer.from('x') });
  const broken = JSON.parse(form.get('MessageBody')!);
  delete broken.body;
  expect(() => decodeMessage(JSON.stringify(broken))).toThrow(/'body' is missing/);
});
