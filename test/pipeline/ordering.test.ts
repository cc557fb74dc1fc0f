import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { OrderingKey, WebhookProvider } from '../../src';
import { logicalIdOf, synth } from '../util';

/** The pinned ids of the default configuration (test/logical-ids.json). */
const pinned = JSON.parse(readFileSync(join(__dirname, '..', 'logical-ids.json'), 'utf8')) as { default: Record<string, { type: string }> };
const STANDARD_QUEUES = Object.entries(pinned.default).filter(([, r]) => r.type === 'AWS::SQS::Queue').map(([id]) => id);

function queues(template: Template): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources('AWS::SQS::Queue') as Record<string, { Properties: Record<string, unknown> }>;
}

function ingestEnvironment(template: Template): Record<string, unknown> {
  const fns = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { WEBHOOK_PROVIDERS: Match.anyValue() } } } });
  return (Object.values(fns)[0].Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
}

function processorMapping(template: Template, queuePrefix: string): Record<string, unknown> {
  const queue = logicalIdOf(template, 'AWS::SQS::Queue', queuePrefix);
  const mappings = template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] } } });
  return Object.values(mappings)[0].Properties as Record<string, unknown>;
}

describe('ordering off (the default)', () => {
  test('the queues are standard queues under their pinned logical ids', () => {
    const all = queues(synth().template);
    for (const id of STANDARD_QUEUES) {
      expect(all[id]).toBeDefined();
      expect(all[id].Properties.FifoQueue).toBeUndefined();
    }
  });

  test('the ingest gets no ORDERING_KEYS and the processor keeps its batching window', () => {
    const { template } = synth();
    expect(ingestEnvironment(template).ORDERING_KEYS).toBeUndefined();
    expect(processorMapping(template, 'WebhooksQueuesQueue').MaximumBatchingWindowInSeconds).toBe(5);
  });
});

describe('ordering on', () => {
  const ordered = () => synth({ ordering: { keys: { stripe: OrderingKey.fromJsonPath('$.data.object.customer') } } });

  test('the queue, dead-letter queue and archive-failure queue are FIFO, under new logical ids', () => {
    const all = queues(ordered().template);
    for (const id of STANDARD_QUEUES) expect(all[id]).toBeUndefined();
    const fifo = Object.entries(all).filter(([, q]) => q.Properties.FifoQueue === true).map(([id]) => id);
    expect(fifo).toHaveLength(3);
    expect(fifo.every((id) => id.startsWith('WebhooksQueuesOrdered'))).toBe(true);
  });

  test('the FIFO queue redrives to the FIFO dead-letter queue, which redrives to the FIFO archive-failure queue', () => {
    const { template } = ordered();
    const dlq = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesOrderedDeadLetterQueue');
    const afq = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesOrderedArchiveFailureQueue');
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 3 } });
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [afq, 'Arn'] }, maxReceiveCount: 8 } });
  });

  test('high throughput mode by default, explicit deduplication ids, encrypted and kept 14 days', () => {
    const all = Object.values(queues(ordered().template));
    for (const q of all) {
      expect(q.Properties).toMatchObject({
        FifoQueue: true,
        ContentBasedDeduplication: false,
        FifoThroughputLimit: 'perMessageGroupId',
        DeduplicationScope: 'messageGroup',
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1209600,
      });
    }
  });

  test('highThroughput: false leaves the queue-wide quota and deduplication', () => {
    for (const q of Object.values(queues(synth({ ordering: { highThroughput: false } }).template))) {
      expect(q.Properties.FifoQueue).toBe(true);
      expect(q.Properties.FifoThroughputLimit).toBeUndefined();
      expect(q.Properties.DeduplicationScope).toBeUndefined();
    }
  });

  test('the ingest gets each provider\'s key locations (a leading $. dropped)', () => {
    expect(ingestEnvironment(ordered().template).ORDERING_KEYS).toBe(JSON.stringify({ stripe: [{ jsonPath: 'data.object.customer' }] }));
  });

  test('ordering: {} turns FIFO on with every provider grouped by its name', () => {
    expect(ingestEnvironment(synth({ ordering: {} }).template).ORDERING_KEYS).toBe('{}');
  });

  test('the processor\'s event source has no batching window and keeps ReportBatchItemFailures', () => {
    const mapping = processorMapping(ordered().template, 'WebhooksQueuesOrderedQueue');
    expect(mapping.MaximumBatchingWindowInSeconds).toBeUndefined();
    expect(mapping).toMatchObject({ BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  test('the archiver\'s event source on the FIFO dead-letter queue has no batching window', () => {
    const mapping = processorMapping(ordered().template, 'WebhooksQueuesOrderedDeadLetterQueue');
    expect(mapping.MaximumBatchingWindowInSeconds).toBeUndefined();
  });

  test('the visibility timeout is 6 × the processor timeout, with no window', () => {
    ordered().template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }), VisibilityTimeout: 180 });
  });

  test('the redrive function and grantRedrive() point at the FIFO queues', () => {
    const { processor, template, stack } = ordered();
    processor.grantRedrive(new iam.User(stack, 'Operator'));
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesOrderedQueue');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ QUEUE_URL: { Ref: queue }, DEAD_LETTER_PREFIX: Match.anyValue() }) },
    });
    expect(processor.queue.node.path).toBe('Test/Webhooks/Queues/OrderedQueue');
  });

  test('an ordering key may be a header or the first of several', () => {
    const { template } = synth({}, () => ({
      providers: [WebhookProvider.unverified('shop')],
      ordering: { keys: { shop: OrderingKey.firstOf(OrderingKey.fromHeader('X-Shopify-Order-Id'), OrderingKey.fromJsonPath('order_id')) } },
    }));
    expect(JSON.parse(ingestEnvironment(template).ORDERING_KEYS as string)).toEqual({ shop: [{ header: 'x-shopify-order-id' }, { jsonPath: 'order_id' }] });
  });

  test('processing.timeout still sets the visibility timeout', () => {
    synth({ ordering: {}, processing: { timeout: Duration.seconds(60) } }).template
      .hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }), VisibilityTimeout: 360 });
  });
});

describe('ordering validation', () => {
  test('processing.batchSize above 10 is refused with ordering (Lambda\'s FIFO maximum)', () => {
    expect(() => synth({ ordering: {}, processing: { batchSize: 11 } }))
      .toThrow(/Invalid WebhookProcessor props at Test\/Webhooks:[\s\S]*'processing\.batchSize' \(11\) must be at most 10 with 'ordering'/);
  });

  test('processing.maxBatchingWindow is refused with ordering (no batching window on FIFO)', () => {
    expect(() => synth({ ordering: {}, processing: { maxBatchingWindow: Duration.seconds(2) } }))
      .toThrow(/'processing\.maxBatchingWindow' cannot be set with 'ordering'/);
  });

  test('a zero processing.maxBatchingWindow is accepted with ordering', () => {
    expect(() => synth({ ordering: {}, processing: { maxBatchingWindow: Duration.seconds(0) } })).not.toThrow();
  });

  test('ordering.keys must name configured providers', () => {
    expect(() => synth({ ordering: { keys: { shopify: OrderingKey.fromHeader('X-Shopify-Order-Id') } } }))
      .toThrow(/'ordering\.keys' names 'shopify', which is not a provider; configured providers: stripe/);
  });

  test('a JSON path key must be a dotted path, without wildcards or filters', () => {
    expect(() => synth({ ordering: { keys: { stripe: OrderingKey.fromJsonPath('$.data[*].customer') } } }))
      .toThrow(/'ordering\.keys\.stripe': fromJsonPath\('\$\.data\[\*\]\.customer'\) is not a dotted path/);
  });

  test('a header key must be a valid header name', () => {
    expect(() => synth({ ordering: { keys: { stripe: OrderingKey.fromHeader('X Customer') } } }))
      .toThrow(/'ordering\.keys\.stripe': fromHeader\('X Customer'\) is not a valid header name/);
  });

  test('OrderingKey.firstOf() needs a key', () => {
    expect(() => synth({ ordering: { keys: { stripe: OrderingKey.firstOf() } } })).toThrow(/OrderingKey\.firstOf\(\) needs at least one key/);
  });

  test('internalSenders.iamSenders is refused with ordering (API Gateway would queue without a message group)', () => {
    expect(() => synth({ ordering: {}, internalSenders: { iamSenders: [{ name: 'billing' }] } }))
      .toThrow(/'internalSenders\.iamSenders' cannot be used with 'ordering'/);
  });
});
