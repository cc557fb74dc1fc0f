import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { logicalIdOf, synth } from '../util';

describe('alarms', () => {
  test('one errors alarm per function, a DLQ alarm, a backlog alarm, a secrets alarm and an API 5xx alarm by default', () => {
    const { template, processor } = synth();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    expect(processor.alarms).toHaveLength(7);
  });

  test('function errors alarm at 5 errors in 5 minutes', () => {
    synth().template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 300, Threshold: 5,
    }, 3);
  });

  test('the DLQ alarm fires on the first dead letter', () => {
    synth().template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('the backlog alarm watches the oldest message age (5 minutes by default)', () => {
    synth().template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 300 });
    synth({ alarms: { maxMessageAge: Duration.minutes(15) } }).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900,
    });
  });

  test('the secrets alarm fires on the first delivery answered 503 for unreadable secrets, on the ingest function\'s own metric', () => {
    const { template } = synth();
    const ingest = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Verifies') } }))[0];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'WebhookProcessor',
      MetricName: 'SecretsUnavailable',
      Dimensions: [{ Name: 'service', Value: ingest.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('the API alarm counts 5xx responses', () => {
    synth({ alarms: { api5xxThreshold: 10 } }).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5XXError', Namespace: 'AWS/ApiGateway', Threshold: 10,
    });
  });

  test('each alarm can be switched off', () => {
    const alarms = {
      functionErrorsThreshold: 0, deadLetterQueue: false, maxMessageAge: Duration.seconds(0), secretsUnavailable: false, api5xxThreshold: 0,
    };
    const { template } = synth({ alarms });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('alarms.enabled false creates none', () => {
    synth({ alarms: { enabled: false } }).template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('an alarm topic receives alarm and OK notifications', () => {
    const { template } = synth({}, (stack) => ({ alarms: { alarmTopic: new sns.Topic(stack, 'Alerts') } }));
    const topic = logicalIdOf(template, 'AWS::SNS::Topic', 'Alerts');
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: topic }], OKActions: [{ Ref: topic }] }, 7);
  });
});
