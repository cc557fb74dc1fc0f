import { createHmac } from 'node:crypto';
import { apiEvent } from './events';
import { decide, type DeliveryContext } from '../../src/lambdas/ingest/delivery';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';

const slack: ProviderRuntimeConfig = { name: 'slack', scheme: 'slack', secretArns: ['a'], toleranceSeconds: 300, eventId: { jsonPath: 'event_id' }, eventType: { jsonPath: 'event.type' } };
const context: DeliveryContext = {
  providers: new Map([['slack', slack]]),
  secretsOf: async () => ['slack-secret'],
  now: () => new Date('2026-11-23T10:00:00Z'),
  maxBodyBytes: 1024,
};
const ts = Math.floor(context.now().getTime() / 1000);
const signed = (body: string) => apiEvent({
  pathParameters: { provider: 'slack' },
  rawBody: body,
  headers: {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', 'slack-secret').update(`v0:${ts}:${body}`).digest('hex')}`,
  },
});

test("Slack's URL verification is answered with the challenge and not enqueued", async () => {
  const decision = await decide(signed('{"type":"url_verification","challenge":"c-123"}'), context);
  expect(decision.kind).toBe('answered');
  expect(decision.kind === 'answered' && JSON.parse(decision.response.body)).toEqual({ challenge: 'c-123' });
});

test('Slack events take their id and type from the body', async () => {
  const decision = await decide(signed('{"type":"event_callback","event_id":"Ev1","event":{"type":"message"}}'), context);
  expect(decision.kind === 'accepted' && decision.message).toMatchObject({ id: 'slack:Ev1', eventType: 'message' });
});

test('bodies over the size limit are a 413', async () => {
  const decision = await decide(signed(`{"pad":"${'x'.repeat(2000)}"}`), context);
  expect(decision.kind === 'rejected' && decision.response.statusCode).toBe(413);
});

test('a stale signature is rejected with its reason', async () => {
  const late = { ...context, now: () => new Date(context.now().getTime() + 301_000) };
  const decision = await decide(signed('{"event_id":"Ev2"}'), late);
  expect(decision.kind === 'rejected' && JSON.parse(decision.response.body)).toMatchObject({ error: 'stale_timestamp' });
});
