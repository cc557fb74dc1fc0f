import { Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { actionsOfRole, logicalIdOf, synth } from '../util';

describe('consumer events', () => {
  const withBus = () => synth({}, (stack) => ({ eventBus: new events.EventBus(stack, 'Bus') }));

  test('no stream and no pipe by default', () => {
    const { template, processor } = synth();
    template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: Match.absent() });
    template.resourceCountIs('AWS::Pipes::Pipe', 0);
    expect(processor.eventPipe).toBeUndefined();
  });

  test('with an event bus, a pipe forwards only inserted records from the table stream to the bus', () => {
    const { template } = withBus();
    const table = logicalIdOf(template, 'AWS::DynamoDB::Table', 'WebhooksStoreTable');
    const bus = logicalIdOf(template, 'AWS::Events::EventBus', 'Bus');
    template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      Source: { 'Fn::GetAtt': [table, 'StreamArn'] },
      SourceParameters: { FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] } },
      Target: { 'Fn::GetAtt': [bus, 'Arn'] },
      TargetParameters: Match.objectLike({ EventBridgeEventBusParameters: { Source: 'cdk-webhook-processor', DetailType: 'Webhook Received' } }),
    });
  });

  test('the event detail carries id, provider, type, receive time and archive location', () => {
    const pipe = Object.values(withBus().template.findResources('AWS::Pipes::Pipe'))[0];
    const inputTemplate = JSON.stringify(pipe.Properties.TargetParameters.InputTemplate);
    for (const field of ['.id.S', '.provider.S', '.eventType.S', '.receivedAt.S', '.archive.M.key.S', '.archive.M.offset.N', '.archive.M.length.N']) {
      expect(inputTemplate).toContain(`$.dynamodb.NewImage${field}`);
    }
  });

  test('the pipe role reads the stream and puts events, nothing else', () => {
    expect(actionsOfRole(withBus().template, 'WebhooksEventsRole')).toEqual([
      'dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'events:PutEvents',
    ]);
  });
});
