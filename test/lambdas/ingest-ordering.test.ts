import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { apiEvent, stripeHeader } from './events';
import { INGEST_SECRET, ingestUnderTest } from './handlers-under-test';
import { decodeMessage, MAX_INLINE_MESSAGE_BYTES, sha256Hex } from '../../src/runtime/message';
import { deduplicationId } from '../../src/runtime/ordering';

const SECRET = INGEST_SECRET;
const { handler, sqs, s3, secrets } = ingestUnderTest({
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/queue.fifo',
  ORDERING_KEYS: JSON.stringify({ stripe: [{ jsonPath: 'data.object.customer' }] }),
});

const signedStripe = (body: string) => apiEvent({
  rawBody: body,
  headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeHeader(SECRET, body, Math.floor(Date.now() / 1000)) },
});
const sent = () => sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);

beforeEach(() => {
  sqs.reset();
  s3.reset();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  s3.on(PutObjectCommand).resolves({});
});

test('a delivery is sent in the group of its ordering key, deduplicated by its webhook id and body digest', async () => {
  const body = '{"id":"evt_1","type":"invoice.paid","data":{"object":{"customer":"cus_9"}}}';
  expect((await handler(signedStripe(body))).statusCode).toBe(202);
  expect(sent()[0]).toMatchObject({
    MessageGroupId: 'stripe:cus_9',
    MessageDeduplicationId: deduplicationId('stripe:evt_1', sha256Hex(Buffer.from(body))),
  });
});

test('a delivery without the key is grouped under its provider', async () => {
  await handler(signedStripe('{"id":"evt_2","type":"balance.available","data":{"object":{}}}'));
  expect(sent()[0].MessageGroupId).toBe('stripe');
});

test('a provider without a key is grouped under its name', async () => {
  await handler(apiEvent({ pathParameters: { provider: 'open' }, path: '/webhook/open', rawBody: '{"a":1}', headers: { 'Content-Type': 'application/json' } }));
  expect(sent()[0].MessageGroupId).toBe('open');
});

test('an oversized delivery still goes through the claim check, in its group', async () => {
  const body = JSON.stringify({ id: 'evt_big', type: 'invoice.paid', data: { object: { customer: 'cus_9', pad: 'x'.repeat(MAX_INLINE_MESSAGE_BYTES) } } });
  expect((await handler(signedStripe(body))).statusCode).toBe(202);
  expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  const [message] = sent();
  expect(message.MessageGroupId).toBe('stripe:cus_9');
  expect(decodeMessage(message.MessageBody!).bodyRef).toMatch(/^oversize\//);
});
