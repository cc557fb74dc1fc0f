import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { apiEvent, stripeHeader } from './events';
import { INGEST_PROVIDERS, INGEST_SECRET, ingestUnderTest } from './handlers-under-test';
import {
  DeliveryOutcome, IngestMetricName, NOT_APPLICABLE, OUTCOME_FIELDS, PROVIDER_DIMENSION, REASON_DIMENSION,
  SIGNATURE_MISMATCH_REASONS, UNKNOWN_PROVIDER, outcomeFields,
} from '../../src/core/delivery-telemetry';
import { verifySignature } from '../../src/providers/verify';
import { decodeMessage, MAX_BODY_BYTES, MAX_INLINE_MESSAGE_BYTES } from '../../src/runtime/message';

const SECRET = INGEST_SECRET;
const providers = INGEST_PROVIDERS;
const { handler, sqs, s3, secrets } = ingestUnderTest();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { logger } = require('../../src/lambdas/shared/powertools') as typeof import('../../src/lambdas/shared/powertools');

const now = () => Math.floor(Date.now() / 1000);
function signedStripe(body: string, headers: Record<string, string> = {}) {
  return apiEvent({
    rawBody: body,
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeHeader(SECRET, body, now()), ...headers },
  });
}

beforeEach(() => {
  sqs.reset();
  s3.reset();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

test('a valid delivery is enqueued with its exact bytes and answered 202 with its id', async () => {
  const body = '{"id":"evt_1","type":"payment_intent.succeeded","amount":"é"}';
  const response = await handler(signedStripe(body));
  expect(response.statusCode).toBe(202);
  expect(JSON.parse(response.body)).toEqual({ id: 'stripe:evt_1' });
  const sent = sqs.commandCalls(SendMessageCommand);
  expect(sent).toHaveLength(1);
  const message = decodeMessage(sent[0].args[0].input.MessageBody!);
  expect(Buffer.from(message.body!, 'base64').toString('utf8')).toBe(body);
  expect(message).toMatchObject({ id: 'stripe:evt_1', provider: 'stripe', eventType: 'payment_intent.succeeded' });
});

test('202 is returned only after SendMessage succeeded: a failed enqueue is a 503 so the provider retries', async () => {
  sqs.on(SendMessageCommand).rejects(new Error('throttled'));
  const response = await handler(signedStripe('{"id":"evt_2","type":"x"}'));
  expect(response.statusCode).toBe(503);
  expect(JSON.parse(response.body)).toMatchObject({ error: 'enqueue_failed' });
});

test('when the signing secrets cannot be loaded the answer is a JSON 503, so the provider retries', async () => {
  jest.useFakeTimers({ now: Date.now() + 10 * 60 * 1000, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
  secrets.on(GetSecretValueCommand).rejects(new Error('ServiceUnavailable'));
  try {
    const response = await handler(signedStripe('{"id":"evt_s","type":"x"}'));
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'secrets_unavailable' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  } finally {
    jest.useRealTimers();
  }
});

test('an unexpected error is a JSON 500 with its own metric and log line, not a secrets failure', async () => {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
  logger.setLogLevel('ERROR');
  let response;
  try {
    // API Gateway never sends this; a defect in the handler would fail the same way.
    response = await handler(apiEvent({ pathParameters: { provider: 'open' }, rawBody: 'x', multiValueHeaders: { 'X-A': 'not a list' as never } }));
  } finally {
    spies.forEach((spy) => spy.mockRestore());
    logger.setLogLevel('SILENT');
  }
  expect(response.statusCode).toBe(500);
  expect(JSON.parse(response.body)).toMatchObject({ error: 'internal_error' });
  const output = lines.map((l) => l.trim()).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  expect(output).toContainEqual(expect.objectContaining({ level: 'ERROR', message: expect.stringMatching(/^unexpected error/), error: expect.stringMatching(/^TypeError/) }));
  expect(output).toContainEqual(expect.objectContaining({ UnexpectedErrors: 1 }));
  expect(output.some((l) => 'SecretsUnavailable' in l || /secret/i.test(String(l.message)))).toBe(false);
  expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
});

test('a body at the documented maximum is verified, not failed (no RangeError on large base64)', async () => {
  const body = Buffer.alloc(MAX_BODY_BYTES, 0x20);
  body.write('{"id":"evt_max","type":"x"}');
  s3.on(PutObjectCommand).resolves({});
  expect((await handler(signedStripe(body.toString()))).statusCode).toBe(202);
  const unsigned = await handler(signedStripe(body.toString(), { 'Stripe-Signature': `t=${now()},v1=${'0'.repeat(64)}` }));
  expect([unsigned.statusCode, JSON.parse(unsigned.body).error]).toEqual([401, 'invalid_signature']);
  const over = await handler(signedStripe(`${body.toString()} `));
  expect([over.statusCode, JSON.parse(over.body).error]).toEqual([413, 'body_too_large']);
});

test('a bad signature is a JSON 401 with a reason and is never enqueued', async () => {
  const event = signedStripe('{"id":"evt_3"}', { 'Stripe-Signature': `t=${now()},v1=${'0'.repeat(64)}` });
  const response = await handler(event);
  expect(response.statusCode).toBe(401);
  expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_signature' });
  expect(response.headers?.['content-type']).toBe('application/json');
  expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
});

test('rejections are counted in a metric by provider and reason', async () => {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await handler(signedStripe('{"id":"evt_m"}', { 'Stripe-Signature': `t=${now()},v1=${'0'.repeat(64)}` }));
  } finally {
    spy.mockRestore();
  }
  const emf = lines.map((l) => l.trim()).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));
  expect(emf).toContainEqual(expect.objectContaining({ WebhooksRejected: 1, provider: 'stripe', reason: 'invalid_signature' }));
});

/** What the handler writes to stdout while `run` runs: EMF records and log lines, parsed. */
async function outputOf(run: () => Promise<unknown>): Promise<{ emf: Array<Record<string, any>>; logs: Array<Record<string, any>> }> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  logger.setLogLevel('INFO');
  try {
    await run();
  } finally {
    spy.mockRestore();
    logger.setLogLevel('SILENT');
  }
  const parsed = lines.map((l) => l.trim()).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  return { emf: parsed.filter((l) => '_aws' in l), logs: parsed.filter((l) => !('_aws' in l)) };
}

/** The dimension sets of the EMF records that carry `metricName`. */
const dimensionSetsOf = (emf: Array<Record<string, any>>, metricName: string): string[][] =>
  emf.filter((r) => metricName in r).flatMap((r) => r._aws.CloudWatchMetrics[0].Dimensions);

describe('what the signature-rejection rate alarm reads (the same constants as test/monitoring/rate-alarms.test.ts)', () => {
  test('an accepted delivery is counted in total and per provider', async () => {
    const { emf } = await outputOf(() => handler(signedStripe('{"id":"evt_acc","type":"x"}')));
    expect(dimensionSetsOf(emf, IngestMetricName.ACCEPTED)).toEqual([['service', PROVIDER_DIMENSION], ['service']]);
    expect(emf).toContainEqual(expect.objectContaining({ [IngestMetricName.ACCEPTED]: 1, [PROVIDER_DIMENSION]: 'stripe' }));
  });

  test('a delivery whose signature the secret does not match is counted under its provider and a signature-mismatch reason', async () => {
    const { emf } = await outputOf(() => handler(signedStripe('{"id":"evt_rot"}', { 'Stripe-Signature': stripeHeader('whsec_rotated_at_the_provider', '{"id":"evt_rot"}', now()) })));
    expect(dimensionSetsOf(emf, IngestMetricName.REJECTED)).toEqual([['service', PROVIDER_DIMENSION, REASON_DIMENSION]]);
    const record = emf.find((r) => IngestMetricName.REJECTED in r)!;
    expect(record[PROVIDER_DIMENSION]).toBe('stripe');
    expect(SIGNATURE_MISMATCH_REASONS).toContain(record[REASON_DIMENSION]);
  });

  test('a provider without a secret value is rejected with a signature-mismatch reason too', () => {
    const verification = verifySignature(providers[0], [], { 'stripe-signature': stripeHeader(SECRET, '{}', now()) }, Buffer.from('{}'), now());
    expect(verification.valid).toBe(false);
    expect(SIGNATURE_MISMATCH_REASONS).toContain((verification as { reason: string }).reason);
  });

  test('a path no provider is configured under is counted as unknown, so that the dimension stays bounded', async () => {
    const { emf } = await outputOf(() => handler(apiEvent({ rawBody: '{}', pathParameters: { provider: 'anything-a-scanner-tries' } })));
    expect(emf.find((r) => IngestMetricName.REJECTED in r)).toMatchObject({ [PROVIDER_DIMENSION]: UNKNOWN_PROVIDER, [REASON_DIMENSION]: 'unknown_provider' });
  });
});

test('every accepted or rejected delivery logs its outcome, provider, event type and reason, which the dashboard\'s table counts by', async () => {
  const { logs } = await outputOf(async () => {
    await handler(signedStripe('{"id":"evt_o1","type":"invoice.paid"}'));
    await handler(signedStripe('{"id":"evt_o2"}', { 'Stripe-Signature': `t=${now()},v1=${'0'.repeat(64)}` }));
  });
  const outcomes = logs.filter((l) => 'outcome' in l).map((l) => Object.fromEntries(OUTCOME_FIELDS.map((f) => [f, l[f]])));
  expect(outcomes).toEqual([
    outcomeFields(DeliveryOutcome.ACCEPTED, 'stripe', 'invoice.paid'),
    outcomeFields(DeliveryOutcome.REJECTED, 'stripe', undefined, 'invalid_signature'),
  ]);
  expect(outcomes[1]).toEqual({ provider: 'stripe', eventType: NOT_APPLICABLE, outcome: 'rejected', reason: 'invalid_signature' });
});

test('an unknown provider is a JSON 404 and is never enqueued', async () => {
  const response = await handler(apiEvent({ rawBody: '{}', pathParameters: { provider: 'nope' } }));
  expect(response.statusCode).toBe(404);
  expect(JSON.parse(response.body)).toMatchObject({ error: 'unknown_provider' });
  expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
});

test('malformed JSON declared as JSON is a 400, not a 500', async () => {
  const response = await handler(signedStripe('{"id": '));
  expect(response.statusCode).toBe(400);
  expect(JSON.parse(response.body)).toMatchObject({ error: 'malformed_json' });
  expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
});

test('invalid base64 is a 400', async () => {
  const response = await handler(apiEvent({ pathParameters: { provider: 'open' }, body: '***not base64***', isBase64Encoded: true }));
  expect(response.statusCode).toBe(400);
  expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_body_encoding' });
});

test('an empty body is a 400', async () => {
  const response = await handler(apiEvent({ pathParameters: { provider: 'open' }, rawBody: '' }));
  expect(response.statusCode).toBe(400);
  expect(JSON.parse(response.body)).toMatchObject({ error: 'empty_body' });
});

test('methods other than POST are a 405', async () => {
  const response = await handler(apiEvent({ httpMethod: 'PUT', pathParameters: { provider: 'open' }, rawBody: 'x' }));
  expect(response.statusCode).toBe(405);
});

test('without a delivery id the webhook gets a generated time-sortable id', async () => {
  const first = JSON.parse((await handler(apiEvent({ pathParameters: { provider: 'open' }, rawBody: 'a' }))).body).id;
  const second = JSON.parse((await handler(apiEvent({ pathParameters: { provider: 'open' }, rawBody: 'b' }))).body).id;
  expect(first).toMatch(/^open:[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
  expect(second > first).toBe(true);
});

test('binary bodies keep every byte', async () => {
  const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x80, 0x0a]);
  await handler(apiEvent({ pathParameters: { provider: 'open' }, rawBody: bytes, headers: { 'content-type': 'application/octet-stream' } }));
  const message = decodeMessage(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody!);
  expect(Buffer.from(message.body!, 'base64')).toEqual(bytes);
});

test('a delivery too large for SQS is stored in S3 and the message references it', async () => {
  s3.on(PutObjectCommand).resolves({});
  const big = Buffer.alloc(MAX_INLINE_MESSAGE_BYTES, 0x61);
  const response = await handler(apiEvent({ pathParameters: { provider: 'open' }, rawBody: big }));
  expect(response.statusCode).toBe(202);
  const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
  expect(put.Key).toMatch(/^oversize\//);
  expect(Buffer.from(put.Body as Buffer)).toEqual(big);
  const message = decodeMessage(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody!);
  expect(message.body).toBeUndefined();
  expect(message.bodyRef).toBe(put.Key);
});

test('secrets are cached between invocations', async () => {
  await handler(signedStripe('{"id":"evt_c1","type":"x"}'));
  await handler(signedStripe('{"id":"evt_c2","type":"x"}'));
  expect(secrets.commandCalls(GetSecretValueCommand).length).toBeLessThanOrEqual(1);
});

test('logs are structured JSON with the webhook id as correlation id, and never contain the payload or the secret', async () => {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  logger.setLogLevel('DEBUG');
  try {
    await handler(signedStripe('{"id":"evt_log","type":"t","card":"4242-SECRET-PAYLOAD"}'));
    await handler(signedStripe('{"id":"evt_log2"}', { 'Stripe-Signature': `t=${now()},v1=${'0'.repeat(64)}` }));
  } finally {
    spy.mockRestore();
    logger.setLogLevel('SILENT');
  }
  const output = lines.join('');
  const logs = lines.map((l) => l.trim()).filter((l) => l.startsWith('{') && !l.includes('"_aws"')).map((l) => JSON.parse(l));
  expect(logs).toContainEqual(expect.objectContaining({ message: 'webhook accepted', correlation_id: 'stripe:evt_log' }));
  expect(output).not.toContain('4242-SECRET-PAYLOAD');
  expect(output).not.toContain(SECRET);
});

test('credential headers are never queued', async () => {
  await handler(apiEvent({ pathParameters: { provider: 'open' }, rawBody: 'x', headers: { Authorization: 'Bearer secret-token' } }));
  const body = sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody!;
  expect(body).not.toContain('secret-token');
});
