import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { apiEvent } from './events';

process.env.TABLE_NAME = 'webhooks';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const dynamo = mockClient(DynamoDBDocumentClient);
mockClient(DynamoDBClient);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../src/lambdas/status/status.lambda') as typeof import('../../src/lambdas/status/status.lambda');
const statusEvent = (id: string) => apiEvent({ httpMethod: 'GET', resource: '/status/{id}', pathParameters: { id }, body: null, isBase64Encoded: false });

beforeEach(() => dynamo.reset());

test('returns the public fields of a processed webhook', async () => {
  dynamo.on(GetCommand).resolves({
    Item: {
      id: 'stripe:evt_1',
      status: 'processed',
      provider: 'stripe',
      eventType: 'charge.succeeded',
      receivedAt: '2026-11-23T10:00:00.000Z',
      processedAt: '2026-11-23T10:00:01.000Z',
    },
  });
  const response = await handler(statusEvent('stripe:evt_1'));
  expect(response.statusCode).toBe(200);
  expect(JSON.parse(response.body)).toEqual({
    id: 'stripe:evt_1',
    status: 'processed',
    provider: 'stripe',
    type: 'charge.succeeded',
    receivedAt: '2026-11-23T10:00:00.000Z',
    processedAt: '2026-11-23T10:00:01.000Z',
  });
});

test('shows a replay and how many conflicting bodies arrived under the id', async () => {
  dynamo.on(GetCommand).resolves({
    Item: { id: 'github:d-2', status: 'replay', provider: 'github', receivedAt: 'r', processedAt: 'p', replayOf: 'github:d-1', conflictDigests: new Set(['a']) },
  });
  const response = await handler(statusEvent('github:d-2'));
  expect(JSON.parse(response.body)).toEqual({ id: 'github:d-2', status: 'replay', provider: 'github', receivedAt: 'r', processedAt: 'p', replayOf: 'github:d-1', conflicts: 1 });
});

test('reads only the public attributes from the table', async () => {
  dynamo.on(GetCommand).resolves({});
  await handler(statusEvent('stripe:evt_1'));
  const input = dynamo.commandCalls(GetCommand)[0].args[0].input;
  expect(input.Key).toEqual({ id: 'stripe:evt_1' });
  expect(input.ProjectionExpression).toBe('id, #status, provider, eventType, receivedAt, processedAt, replayOf, invalidReason, deadLetteredAt, conflictDigests');
});

test('accepts a percent-encoded id', async () => {
  dynamo.on(GetCommand).resolves({});
  await handler(statusEvent('stripe%3Aevt_1'));
  expect(dynamo.commandCalls(GetCommand)[0].args[0].input.Key).toEqual({ id: 'stripe:evt_1' });
});

test('an unknown id is a JSON 404', async () => {
  dynamo.on(GetCommand).resolves({});
  const response = await handler(statusEvent('stripe:evt_missing'));
  expect(response.statusCode).toBe(404);
  expect(JSON.parse(response.body)).toMatchObject({ error: 'not_found' });
});

test.each(['', 'no-colon', 'UPPER:x', 'stripe:', 'stripe:a b', '%E0%A4%A', `stripe:${'x'.repeat(129)}`])('a malformed id (%s) is a JSON 400 and the table is not read', async (id) => {
  const response = await handler(statusEvent(id));
  expect(response.statusCode).toBe(400);
  expect(JSON.parse(response.body)).toMatchObject({ error: 'malformed_id' });
  expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
});

test('a dead-lettered webhook says so, with the time it was archived', async () => {
  dynamo.on(GetCommand).resolves({ Item: { id: 'stripe:evt_1', status: 'dead_lettered', provider: 'stripe', receivedAt: '2026-11-23T10:00:00.000Z', deadLetteredAt: '2026-11-23T10:05:00.000Z' } });
  const response = await handler(statusEvent('stripe:evt_1'));
  expect(response.statusCode).toBe(200);
  expect(JSON.parse(response.body)).toEqual({ id: 'stripe:evt_1', status: 'dead_lettered', provider: 'stripe', receivedAt: '2026-11-23T10:00:00.000Z', deadLetteredAt: '2026-11-23T10:05:00.000Z' });
});
