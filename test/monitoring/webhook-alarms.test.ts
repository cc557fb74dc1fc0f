import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { logicalIdOf, synth } from '../util';

describe('alarms', () => {
  test('an errors and an error-rate alarm per function, three dead-letter alarms, a backlog alarm, a secrets alarm, an API 5xx and 5xx-rate alarm and a signature-rejection rate alarm per provider by default', () => {
    const { template, processor } = synth();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 18);
    expect(processor.alarms).toHaveLength(18);
  });

  test('function errors alarm at 5 errors in 5 minutes', () => {
    synth().template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 300, Threshold: 5,
    }, 5);
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

  test('the API alarm counts 5xx responses of this API\'s stage only (ApiName and Stage dimensions)', () => {
    const { template } = synth({ alarms: { api5xxThreshold: 10 } });
    const api = logicalIdOf(template, 'AWS::ApiGateway::RestApi', 'WebhooksApi');
    const name = template.findResources('AWS::ApiGateway::RestApi')[api].Properties.Name;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5XXError',
      Namespace: 'AWS/ApiGateway',
      Threshold: 10,
      Dimensions: Match.arrayEquals([{ Name: 'ApiName', Value: name }, { Name: 'Stage', Value: Match.anyValue() }]),
    });
  });

  test('each alarm can be switched off', () => {
    const alarms = {
      functionErrorsThreshold: 0,
      deadLetterQueue: false,
      maxMessageAge: Duration.seconds(0),
      secretsUnavailable: false,
      api5xxThreshold: 0,
      functionErrorRate: { thresholdPercent: 0 },
      api5xxRate: { thresholdPercent: 0 },
      signatureRejectionRate: { thresholdPercent: 0 },
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
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: topic }], OKActions: [{ Ref: topic }] }, 18);
  });

  const cloudWatchMayPublish = Match.objectLike({
    Effect: 'Allow',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Action: 'sns:Publish',
    Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': Match.anyValue() }, StringEquals: { 'aws:SourceAccount': '123456789012' } }),
  });

  test('a topic with a resource policy (enforceSSL) lets CloudWatch publish, which its policy would otherwise deny', () => {
    const { template } = synth({}, (stack) => ({ alarms: { alarmTopic: new sns.Topic(stack, 'Alerts', { enforceSSL: true }) } }));
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([cloudWatchMayPublish]) },
    });
  });

  test('a topic without a policy keeps SNS\'s default policy (no policy is created for it)', () => {
    synth({}, (stack) => ({ alarms: { alarmTopic: new sns.Topic(stack, 'Alerts') } })).template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
  });

  test('a topic encrypted with a customer managed key lets CloudWatch use the key', () => {
    const { template } = synth({}, (stack) => ({ alarms: { alarmTopic: new sns.Topic(stack, 'Alerts', { masterKey: new kms.Key(stack, 'AlertsKey') }) } }));
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        })]),
      },
    });
  });
});
