import { Duration, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { NATIVE_REDRIVE_DESTINATION_ACTIONS, NATIVE_REDRIVE_SOURCE_ACTIONS } from '../../src/pipeline/dead-letter-redrive';
import { actionsOfRole, logicalIdOf, synth } from '../util';

const statementsOf = (template: ReturnType<typeof synth>['template'], rolePrefix: string) =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref.startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);

describe('dead-letter archive', () => {
  test('the archiver consumes the dead-letter queue, reporting partial batch failures', () => {
    const { template } = synth();
    const dlq = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesDeadLetterQueue');
    const archiver = logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksDeadLettersFunction');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
      FunctionName: { Ref: archiver },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 60,
      Environment: { Variables: Match.objectLike({ DEAD_LETTER_PREFIX: 'dead-letters/', MAX_RECEIVE_COUNT: '3' }) },
    });
  });

  test('the dead-letter queue moves what the archiver cannot save to the archive-failure queue, after 5 more receives', () => {
    const { template } = synth({ processing: { maxReceiveCount: 4 } });
    const failures = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesArchiveFailureQueue');
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [failures, 'Arn'] }, maxReceiveCount: 9 },
      // Six times the archiver's 60 s timeout.
      VisibilityTimeout: 360,
      MessageRetentionPeriod: 1209600,
    });
    expect(template.findResources('AWS::SQS::Queue')[failures].Properties).toMatchObject({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    expect(template.findResources('AWS::SQS::Queue')[failures].Properties.RedrivePolicy).toBeUndefined();
  });

  test('the archiver may write dead-letters/, copy from oversize/ and put records, nothing else', () => {
    const { template } = synth();
    const statements = statementsOf(template, 'WebhooksDeadLettersRole');
    const resourceOf = (action: string) => JSON.stringify(statements.filter((s) => [s.Action].flat().includes(action)).map((s) => s.Resource));
    expect(resourceOf('s3:PutObject')).toMatch(/dead-letters\/\*/);
    expect(resourceOf('s3:PutObject')).not.toMatch(/raw\/|oversize\//);
    expect(resourceOf('s3:GetObject')).toMatch(/oversize\/\*/);
    expect(actionsOfRole(template, 'WebhooksDeadLettersRole')).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(actionsOfRole(template, 'WebhooksDeadLettersRole')).not.toContain('dynamodb:DeleteItem');
  });

  test('the processor may delete a record (a redriven webhook\'s dead_lettered one)', () => {
    expect(actionsOfRole(synth().template, 'WebhooksProcessorRole')).toContain('dynamodb:DeleteItem');
  });

  test('alarms: a dead letter archived, one stuck in the queue, one the archiver could not save, archiver errors', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DeadLettersArchived', Namespace: 'WebhookProcessor', Threshold: 1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 900,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesDeadLetterQueue'), 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesArchiveFailureQueue'), 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksDeadLettersFunction') } }],
    });
  });

  test('alarms.deadLetterQueue: false turns the dead-letter alarms off', () => {
    const { template } = synth({ alarms: { deadLetterQueue: false } });
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'))).not.toMatch(/DeadLettersArchived|ApproximateAgeOfOldestMessage.*DeadLetterQueue/);
  });
});

describe('dead-letter lifecycle', () => {
  test('dead letters are kept forever by default: no rule expires dead-letters/', () => {
    const rules = synth().template.findResources('AWS::S3::Bucket');
    expect(JSON.stringify(rules)).not.toMatch(/dead-letters/);
  });

  test('lifecycle.deadLetterExpiration expires dead-letters/ and dead-letters-redriven/', () => {
    synth({ lifecycle: { deadLetterExpiration: Duration.days(400) } }).template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'dead-letters', Prefix: 'dead-letters/', ExpirationInDays: 400, Status: 'Enabled' }),
          Match.objectLike({ Id: 'dead-letters-redriven', Prefix: 'dead-letters-redriven/', ExpirationInDays: 400, Status: 'Enabled' }),
        ]),
      },
    });
  });
});

describe('redrive', () => {
  test('the redrive function may read and move dead letters, restore oversize/ bodies and send to the webhook queue', () => {
    const { template } = synth();
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesQueue');
    const statements = statementsOf(template, 'WebhooksRedriveRole');
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } }),
      expect.objectContaining({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['dead-letters/*'] } } }),
    ]));
    expect(actionsOfRole(template, 'WebhooksRedriveRole')).toEqual(expect.arrayContaining([
      's3:GetObject', 's3:DeleteObject', 's3:PutObject', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility',
    ]));
  });

  test('grantRedrive() allows invoking the redrive function and SQS\'s own redrive from the dead-letter queue to the webhook queue', () => {
    const fixture = synth();
    const role = new iam.Role(fixture.stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    fixture.processor.grantRedrive(role);
    const { template } = fixture;
    const dlq = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesDeadLetterQueue');
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksQueuesQueue');
    const redrive = logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksRedriveFunction');
    const statements = statementsOf(template, 'Operator');
    expect(NATIVE_REDRIVE_SOURCE_ACTIONS).toEqual([
      'sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask',
      'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ListDeadLetterSourceQueues',
    ]);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: expect.arrayContaining([{ 'Fn::GetAtt': [redrive, 'Arn'] }]) }),
      expect.objectContaining({ Action: NATIVE_REDRIVE_SOURCE_ACTIONS, Resource: { 'Fn::GetAtt': [dlq, 'Arn'] } }),
      expect.objectContaining({ Action: NATIVE_REDRIVE_DESTINATION_ACTIONS, Resource: { 'Fn::GetAtt': [queue, 'Arn'] } }),
    ]));
    expect(statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')))).toEqual([]);
  });

  test('with encryptionKey, grantRedrive() adds kms:Decrypt and kms:GenerateDataKey on it', () => {
    const fixture = synth({}, (stack) => ({ encryptionKey: new kms.Key(stack, 'Key') }));
    const role = new iam.Role(fixture.stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    fixture.processor.grantRedrive(role);
    expect(actionsOfRole(fixture.template, 'Operator')).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey']));
  });
});
