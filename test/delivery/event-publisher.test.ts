import { Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { actionsOfRole, logicalIdOf, synth } from '../util';

const withBus = () => synth({}, (stack) => ({ eventBus: new events.EventBus(stack, 'Bus') }));

describe('events out', () => {
  test('no events by default, but the table keeps a stream of new images for when they are turned on', () => {
    const { template } = synth();
    template.resourcePropertiesCountIs('AWS::Lambda::EventSourceMapping', { StartingPosition: Match.anyValue() }, 0);
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
  });

  test('with an event bus, a publisher reads inserts of processed records from the table stream', () => {
    const { template } = withBus();
    const table = logicalIdOf(template, 'AWS::DynamoDB::Table', 'WebhooksStoreTable');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [table, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['processed'] } } } }) }] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('a failing batch is bisected and retried a bounded number of times, then sent to an alarmed failure queue', () => {
    const { template } = withBus();
    const failures = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksEventsFailureQueue');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86400,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failures, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failures, 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  test('the publisher reads the archive, puts events on the bus and reads the stream, nothing else', () => {
    expect(actionsOfRole(withBus().template, 'WebhooksEventsRole')).toEqual([
      'dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams',
      'events:PutEvents', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject',
      'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage',
    ]);
  });

  test('the publisher and its failures are alarmed on like the other functions', () => {
    const { template, processor } = withBus();
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda' }, 6);
    expect(processor.alarms).toHaveLength(synth().processor.alarms.length + 3); // publisher errors and error rate, event failures
  });

  test('the events\' bus, publisher and failure queue are exposed', () => {
    const { processor } = withBus();
    expect(processor.eventBus).toBeDefined();
    expect(processor.eventPublisherFunction).toBeDefined();
    expect(processor.eventFailureQueue).toBeDefined();
    expect(synth().processor.eventBus).toBeUndefined();
  });
});

describe('routes', () => {
  test('onWebhook() matches this construct\'s events by provider, type and payload, and sends them to its targets', () => {
    const fixture = synth();
    const { processor, stack } = fixture;
    const queue = new sqs.Queue(stack, 'HighValue');
    processor.onWebhook('HighValue', {
      providers: ['stripe'],
      eventTypes: ['payment_intent.succeeded'],
      payload: { data: { object: { amount: [{ numeric: ['>', 10000] }] } } },
      targets: [new targets.SqsQueue(queue)],
    });
    const template = fixture.template;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['cdk-webhook-processor'],
        'detail-type': ['Webhook Received'],
        'detail': {
          processor: [Match.stringLikeRegexp('^Test-Webhooks')],
          provider: ['stripe'],
          type: ['payment_intent.succeeded'],
          payload: { data: { object: { amount: [{ numeric: ['>', 10000] }] } } },
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'HighValue'), 'Arn'] } })],
    });
  });

  test('a route without an event bus turns events on, on a bus the construct creates', () => {
    const fixture = synth();
    const rule = fixture.processor.onWebhook('All');
    const template = fixture.template;
    const bus = logicalIdOf(template, 'AWS::Events::EventBus', 'WebhooksEventsBus');
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: { Ref: bus } });
    expect(rule.node.path).toBe('Test/Webhooks/Routes/All');
  });

  test('a route uses the given bus', () => {
    const fixture = withBus();
    fixture.processor.onWebhook('All');
    const template = fixture.template;
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: { Ref: logicalIdOf(template, 'AWS::Events::EventBus', 'Bus') } });
  });

  test('a route naming a provider the construct does not receive is refused', () => {
    const { processor } = synth();
    expect(() => processor.onWebhook('Typo', { providers: ['strpe'] })).toThrow(/Test\/Webhooks: onWebhook\('Typo'\): 'providers' names 'strpe'/);
  });
});
