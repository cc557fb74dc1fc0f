import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { QUEUE_MAX_MESSAGE_BYTES } from '../../src/pipeline/webhook-queues';
import { MAX_INLINE_MESSAGE_BYTES, SQS_MAX_MESSAGE_BYTES } from '../../src/runtime/message';
import { logicalIdOf, synth } from '../util';

describe('queues', () => {
  test('the queue is encrypted, TLS-only and redrives to the DLQ after 3 receives', () => {
    const { template } = synth();
    const dlq = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesDeadLetterQueue');
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.resourcePropertiesCountIs('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    }, 3);
  });

  test('the DLQ is encrypted and keeps messages 14 days', () => {
    synth().template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
  });

  test('the queue keeps messages 14 days too, so a processor paused for days loses nothing', () => {
    synth().template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.anyValue(), MessageRetentionPeriod: 1209600 });
  });

  test('maxReceiveCount follows processing.maxReceiveCount', () => {
    synth({ processing: { maxReceiveCount: 7 } }).template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 7 }),
    });
  });

  test('every queue takes 1 MiB messages, set explicitly (MaximumMessageSize 1,048,576)', () => {
    const { template } = synth();
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThanOrEqual(3);
    for (const queue of queues) expect(queue.Properties.MaximumMessageSize).toBe(1_048_576);
  });

  test('the queues take the largest message the ingest sends inline', () => {
    expect(QUEUE_MAX_MESSAGE_BYTES).toBe(SQS_MAX_MESSAGE_BYTES);
    expect(MAX_INLINE_MESSAGE_BYTES).toBeLessThanOrEqual(QUEUE_MAX_MESSAGE_BYTES);
  });

  test('visibility timeout is 6 × processor timeout + batching window', () => {
    synth().template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * 30 + 5 });
    synth({ processing: { timeout: Duration.seconds(60), maxBatchingWindow: Duration.seconds(10) } })
      .template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * 60 + 10 });
  });
});
