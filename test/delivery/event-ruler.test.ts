/**
 * The routes' patterns as EventBridge evaluates them: AWS Event Ruler (the library EventBridge is
 * built on) matches the rules of a synthesized template against events shaped by the publisher's
 * own code (toEventEntry), so a pattern that EventBridge would read differently fails here.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { eventEnvelope, matchRules } from '../../local-pipeline/event-ruler/ruler';
import { ReplayFilter, WebhookProcessor, WebhookProvider } from '../../src';
import { toEventEntry, type RecordedWebhook } from '../../src/runtime/event';
import { SEED_001_MEDIUM, routePayments } from '../payment-routing';

const app = new App();
const stack = new Stack(app, 'Routing', { env: { account: '123456789012', region: 'us-east-1' } });
const webhooks = new WebhookProcessor(stack, 'Webhooks', {
  providers: [
    WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'StripeSecret')] }),
    WebhookProvider.github({ secrets: [new secretsmanager.Secret(stack, 'GitHubSecret')] }),
  ],
});
routePayments(stack, webhooks);
webhooks.onWebhook('GitHubPushes', { providers: ['github'], eventTypes: ['push'] });
webhooks.onWebhook('Everything');
const template = Template.fromStack(stack);

/** The synthesized rules' patterns, by construct id. */
const rules: Record<string, unknown> = Object.fromEntries(Object.entries(template.findResources('AWS::Events::Rule'))
  .map(([logicalId, rule]) => [logicalId.replace(/^WebhooksRoutes/, '').replace(/[0-9A-F]{8}$/, ''), JSON.parse(JSON.stringify(rule.Properties.EventPattern))]));

const processor = (rules.HighValue as { detail: { processor: string[] } }).detail.processor[0];

interface EventOptions { processor?: string; maxEntryBytes?: number; replay?: boolean }

function event(provider: string, type: string, body: string | Buffer, options: EventOptions = {}) {
  const webhook: RecordedWebhook = {
    id: `${provider}:evt_1`,
    provider,
    eventType: type,
    receivedAt: '2026-11-24T10:00:00.000Z',
    processedAt: '2026-11-24T10:00:01.000Z',
    bodyBytes: Buffer.byteLength(body),
    bodySha256: '0'.repeat(64),
    archive: { key: 'raw/x.ndjson', offset: 0, length: 10 },
  };
  return eventEnvelope(toEventEntry(webhook, Buffer.from(body), {
    processor: options.processor ?? processor,
    bucket: 'archive',
    eventBusName: 'bus',
    maxEntryBytes: options.maxEntryBytes,
    ...(options.replay ? { replay: { id: '7d1f0a52-2b8e-4c55-9a51-0c8f9e3b6a10', requestedAt: '2026-11-25T08:00:00.000Z' } } : {}),
  }));
}
const payment = (amount: number) => event('stripe', 'payment_intent.succeeded', JSON.stringify({ type: 'payment_intent.succeeded', data: { object: { amount } } }));

describe('payment routing by amount (seed 001)', () => {
  const amounts = [0, 1, 999, 999.99, 1000, 1000.01, 5000, 9999.99, 10000, 10000.01, 10001, 1_000_000];
  const routed = matchRules(rules, amounts.map(payment)).map((names) => names.filter((n) => n !== 'Everything'));

  test.each(amounts.map((amount, i) => [amount, i]))('amount %p goes to exactly one range', (_amount, i) => {
    expect(routed[i as number]).toHaveLength(1);
  });

  test('below 1 000 is low, 1 000 to 10 000 (both included) is medium, above 10 000 is high', () => {
    expect(Object.fromEntries(amounts.map((a, i) => [a, routed[i][0]]))).toEqual({
      0: 'LowValue',
      1: 'LowValue',
      999: 'LowValue',
      999.99: 'LowValue',
      1000: 'MediumValue',
      1000.01: 'MediumValue',
      5000: 'MediumValue',
      9999.99: 'MediumValue',
      10000: 'MediumValue',
      10000.01: 'HighValue',
      10001: 'HighValue',
      1000000: 'HighValue',
    });
  });

  test('seed 001\'s medium rule, two numeric filters OR-ed, matches every amount', () => {
    const seed = { ...(rules.MediumValue as object), detail: { ...(rules.MediumValue as { detail: object }).detail, payload: SEED_001_MEDIUM } };
    const matched = matchRules({ Seed001Medium: seed }, amounts.map(payment));
    expect(matched.every((names) => names.includes('Seed001Medium'))).toBe(true);
  });

  test('a payment of another type, another provider or another construct matches no payment rule', () => {
    const others = [
      event('stripe', 'charge.refunded', JSON.stringify({ data: { object: { amount: 5000 } } })),
      event('github', 'payment_intent.succeeded', JSON.stringify({ data: { object: { amount: 5000 } } })),
      event('stripe', 'payment_intent.succeeded', JSON.stringify({ data: { object: { amount: 5000 } } }), { processor: 'Other-Webhooks' }),
    ];
    expect(matchRules(rules, others).map((names) => names.filter((n) => n.endsWith('Value')))).toEqual([[], [], []]);
  });

  test('a payment whose payload travels by reference (too large for an event) matches no payload rule', () => {
    const large = event('stripe', 'payment_intent.succeeded', JSON.stringify({ data: { object: { amount: 5000 } }, pad: 'x'.repeat(2000) }), { maxEntryBytes: 1500 });
    expect((large.detail as { payloadIncluded: boolean }).payloadIncluded).toBe(false);
    expect(matchRules(rules, [large])).toEqual([['Everything']]);
  });
});

describe('provider and type filters', () => {
  test('onWebhook() with providers and types matches just those; without options, every event of the construct', () => {
    const matched = matchRules(rules, [
      event('github', 'push', '{"ref":"refs/heads/main"}'),
      event('github', 'issues', '{}'),
      event('github', 'push', 'not json'),
      event('github', 'push', '{}', { processor: 'Other-Webhooks' }),
    ]);
    expect(matched).toEqual([['Everything', 'GitHubPushes'], ['Everything'], ['Everything', 'GitHubPushes'], []]);
  });
});

describe('replays', () => {
  // A construct of its own, so that these rules stay out of the other tests' match lists.
  const replayStack = new Stack(new App(), 'Replays', { env: { account: '123456789012', region: 'us-east-1' } });
  const replayWebhooks = new WebhookProcessor(replayStack, 'Webhooks', {
    providers: [WebhookProvider.github({ secrets: [new secretsmanager.Secret(replayStack, 'GitHubSecret')] })],
  });
  replayWebhooks.onWebhook('AnyGitHub', { providers: ['github'] });
  replayWebhooks.onWebhook('FirstOnly', { providers: ['github'], replays: ReplayFilter.EXCLUDE });
  replayWebhooks.onWebhook('ReplaysOnly', { providers: ['github'], replays: ReplayFilter.ONLY });
  const replayRules = Object.fromEntries(Object.entries(Template.fromStack(replayStack).findResources('AWS::Events::Rule'))
    .map(([logicalId, rule]) => [logicalId.replace(/^WebhooksRoutes/, '').replace(/[0-9A-F]{8}$/, ''), JSON.parse(JSON.stringify(rule.Properties.EventPattern))]));
  const replayProcessor = (replayRules.AnyGitHub as { detail: { processor: string[] } }).detail.processor[0];

  test('a replayed event is the published one plus its marker, and the default route, EXCLUDE and ONLY match as named', () => {
    const first = event('github', 'push', '{"ref":"refs/heads/main"}', { processor: replayProcessor });
    const replayed = event('github', 'push', '{"ref":"refs/heads/main"}', { processor: replayProcessor, replay: true });
    const { replay, ...rest } = replayed.detail as Record<string, unknown>;
    expect(replay).toEqual({ id: expect.any(String), requestedAt: '2026-11-25T08:00:00.000Z' });
    expect(rest).toEqual(first.detail);
    expect(matchRules(replayRules, [first, replayed])).toEqual([['AnyGitHub', 'FirstOnly'], ['AnyGitHub', 'ReplaysOnly']]);
  });
});
