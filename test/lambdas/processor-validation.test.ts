import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sqsRecord } from './events';
import { processorUnderTest } from './handlers-under-test';
import { encodeMessage, newMessage } from '../../src/runtime/message';

// The construct ships the schemas as a file in a layer and names it in PAYLOAD_SCHEMAS_FILE.
const schemasFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'schemas-')), 'payload-schemas.json');
fs.writeFileSync(schemasFile, JSON.stringify({
  v: 1,
  providers: { stripe: { schema: { type: 'object', required: ['id', 'type'], properties: { id: { type: 'string' } } } } },
}));
process.env.PAYLOAD_SCHEMAS_FILE = schemasFile;
const { handler, s3, dynamo } = processorUnderTest();

const delivery = (id: string, body: string, provider = 'stripe') => sqsRecord(`m-${id}`, encodeMessage(newMessage({
  id: `${provider}:${id}`, provider, receivedAt: new Date('2026-11-23T10:00:00Z'), eventType: 'charge.succeeded', headers: {}, rawBody: Buffer.from(body),
})));

beforeEach(() => {
  s3.reset();
  dynamo.reset();
  s3.on(PutObjectCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
});

/** Runs the handler and returns the metrics it published. */
async function run(records: ReturnType<typeof sqsRecord>[]) {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  let result;
  try {
    result = await handler({ Records: records });
  } finally {
    spy.mockRestore();
  }
  const emf = lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const metric = (name: string) => emf.reduce((n, e) => n + (typeof e[name] === 'number' ? e[name] as number : 0), 0);
  const items = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item as Record<string, unknown>);
  return { result, metric, items };
}

test('a delivery that satisfies the schema is recorded as processed', async () => {
  const { result, metric, items } = await run([delivery('evt_1', '{"id":"evt_1","type":"charge.succeeded"}')]);
  expect(result.batchItemFailures).toEqual([]);
  expect(items[0]).toMatchObject({ status: 'processed' });
  expect(items[0]).not.toHaveProperty('invalidReason');
  expect([metric('WebhooksProcessed'), metric('WebhooksInvalid')]).toEqual([1, 0]);
});

test('a delivery that fails the schema is acknowledged, archived, recorded as invalid with the reason and counted', async () => {
  const { result, metric, items } = await run([delivery('evt_2', '{"id":2}')]);
  expect(result.batchItemFailures).toEqual([]);
  expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  expect(items[0]).toMatchObject({ id: 'stripe:evt_2', status: 'invalid', invalidReason: "schema: (root) must have required property 'type'; schema: /id must be string" });
  expect([metric('WebhooksProcessed'), metric('WebhooksInvalid')]).toEqual([0, 1]);
});

test('a body that is not JSON is invalid when the provider has a schema', async () => {
  const { items } = await run([delivery('evt_3', 'id=evt_3')]);
  expect(items[0]).toMatchObject({ status: 'invalid', invalidReason: 'the body is not JSON, and schema applies to it.' });
});

test('deliveries of a provider without schemas are not validated', async () => {
  const { items } = await run([delivery('d-1', 'not json', 'github')]);
  expect(items[0]).toMatchObject({ status: 'processed' });
});

test('a retry of an invalid delivery is a duplicate as usual, not counted as invalid again', async () => {
  const first = delivery('evt_4', '{"id":4}');
  const { bodySha256 } = JSON.parse(first.body) as { bodySha256: string };
  dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({
    message: 'exists', $metadata: {}, Item: { id: { S: 'stripe:evt_4' }, bodySha256: { S: bodySha256 }, status: { S: 'invalid' } } as never,
  }));
  const { result, metric } = await run([first]);
  expect(result.batchItemFailures).toEqual([]);
  expect([metric('DuplicateDeliveries'), metric('WebhooksInvalid')]).toEqual([1, 0]);
  expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
});
