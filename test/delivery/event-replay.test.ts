import { Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ReplayFilter } from '../../src';
import { actionsOfRole, logicalIdOf, synth } from '../util';

const withBus = (props = {}) => synth(props, (stack) => ({ eventBus: new events.EventBus(stack, 'Bus') }));

/** The statements of the policies attached to the role whose logical id starts with `prefix`. */
function statementsOf(template: ReturnType<typeof synth>['template'], prefix: string): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref.startsWith(prefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('event replay', () => {
  test('there is no replay function until events are on', () => {
    const { template, processor } = synth();
    expect(processor.replayFunction).toBeUndefined();
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('marked as replays') }, 0);
  });

  test('with events, a replay function gets the table, index, archive, bus, processor name, providers and rate', () => {
    const { template, processor } = withBus();
    expect(processor.replayFunction).toBeDefined();
    const table = logicalIdOf(template, 'AWS::DynamoDB::Table', 'WebhooksStoreTable');
    const bucket = logicalIdOf(template, 'AWS::S3::Bucket', 'WebhooksStoreArchive');
    const bus = logicalIdOf(template, 'AWS::Events::EventBus', 'Bus');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Puts the events of chosen webhooks on the bus again, marked as replays',
      Timeout: 60,
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: { Ref: table },
          INDEX_NAME: 'byProviderDate',
          ARCHIVE_BUCKET: { Ref: bucket },
          EVENT_BUS_NAME: { Ref: bus },
          PROCESSOR_NAME: Match.stringLikeRegexp('^Test-Webhooks-[0-9A-F]{8}$'),
          PROVIDER_NAMES: 'stripe',
          REPLAY_RATE_PER_SECOND: '50',
          POWERTOOLS_SERVICE_NAME: Match.stringLikeRegexp('^Test-Webhooks-[0-9A-F]{8}-replay$'),
        }),
      },
    });
  });

  test('the replay reads records and the index, archived bodies under raw/, and puts events on the bus, nothing else', () => {
    const { template } = withBus();
    expect(actionsOfRole(template, 'WebhooksReplayRole')).toEqual([
      'dynamodb:BatchGetItem', 'dynamodb:Query', 'events:PutEvents', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject',
    ]);
    const table = logicalIdOf(template, 'AWS::DynamoDB::Table', 'WebhooksStoreTable');
    const bucket = logicalIdOf(template, 'AWS::S3::Bucket', 'WebhooksStoreArchive');
    const statements = statementsOf(template, 'WebhooksReplayRole');
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'dynamodb:BatchGetItem', Resource: { 'Fn::GetAtt': [table, 'Arn'] } }),
      expect.objectContaining({ Action: 'dynamodb:Query', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/byProviderDate']] } }),
      expect.objectContaining({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/raw/*']] } }),
    ]));
  });

  test('with a customer managed key, the replay may decrypt with it, and only decrypt', () => {
    const fixture = synth({}, (stack) => ({
      eventBus: new events.EventBus(stack, 'Bus'),
      encryptionKey: new kms.Key(stack, 'Key'),
    }));
    expect(actionsOfRole(fixture.template, 'WebhooksReplayRole')).toContain('kms:Decrypt');
    expect(actionsOfRole(fixture.template, 'WebhooksReplayRole').filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt']);
  });

  test('replay.ratePerSecond sets the rate', () => {
    withBus({ replay: { ratePerSecond: 200 } }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REPLAY_RATE_PER_SECOND: '200' }) },
    });
  });

  test.each([0, 1001, 2.5])('replay.ratePerSecond %p is refused', (rate) => {
    expect(() => withBus({ replay: { ratePerSecond: rate } })).toThrow(/'replay.ratePerSecond' must be a whole number from 1 to 1000/);
  });

  test('grantReplay() allows lambda:InvokeFunction on the replay function (and its versions) only', () => {
    const fixture = withBus();
    const role = new iam.Role(fixture.stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    fixture.processor.grantReplay(role);
    const fn = logicalIdOf(fixture.template, 'AWS::Lambda::Function', 'WebhooksReplayFunction');
    expect(statementsOf(fixture.template, 'Operator')).toEqual([{
      Action: 'lambda:InvokeFunction',
      Effect: 'Allow',
      Resource: [{ 'Fn::GetAtt': [fn, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fn, 'Arn'] }, ':*']] }],
    }]);
  });

  test('grantReplay() turns events on, as onWebhook() does', () => {
    const fixture = synth();
    fixture.processor.grantReplay(new iam.Role(fixture.stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }));
    fixture.template.resourceCountIs('AWS::Events::EventBus', 1);
    expect(fixture.processor.replayFunction).toBeDefined();
  });
});

describe('routes and replays', () => {
  const patternOf = (replays?: ReplayFilter) => {
    const fixture = withBus();
    fixture.processor.onWebhook('Route', { providers: ['stripe'], ...(replays ? { replays } : {}) });
    return Object.values(fixture.template.findResources('AWS::Events::Rule'))[0].Properties.EventPattern.detail;
  };

  test('a route matches replays by default (no condition on the marker)', () => {
    expect(patternOf()).not.toHaveProperty('replay');
    expect(patternOf(ReplayFilter.INCLUDE)).not.toHaveProperty('replay');
  });

  test('ReplayFilter.EXCLUDE matches events without a replay marker, ONLY those with one', () => {
    expect(patternOf(ReplayFilter.EXCLUDE).replay).toEqual({ id: [{ exists: false }] });
    expect(patternOf(ReplayFilter.ONLY).replay).toEqual({ id: [{ exists: true }] });
  });
});
