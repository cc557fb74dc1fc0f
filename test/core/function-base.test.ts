import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { defaultRuntime, MIN_NODE_MAJOR, nodeMajorOf } from '../../src/core/function-base';
import { actionsOfRole, logicalIdOf, synth } from '../util';

/** The roles Lambda assumes (not, e.g., API Gateway's account logging role). */
function functionRoles(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Role'))
    .filter((role) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'));
}

describe('functions', () => {
  test('all six run Node.js 24 on ARM64 with JSON logs by default', () => {
    const fns = Object.values(synth().template.findResources('AWS::Lambda::Function'));
    expect(fns).toHaveLength(6);
    for (const fn of fns) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], LoggingConfig: { LogFormat: 'JSON' } });
    }
  });

  test('runtime sets the runtime of all six', () => {
    const { template } = synth({ runtime: lambda.Runtime.NODEJS_22_X });
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x' }, 6);
  });

  test('a Node.js runtime newer than this aws-cdk-lib knows is accepted', () => {
    const { template } = synth({ runtime: new lambda.Runtime('nodejs26.x', lambda.RuntimeFamily.NODEJS) });
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs26.x' }, 6);
  });

  test('the default, nodejs24.x, is at least the newest Node.js runtime aws-cdk-lib names', () => {
    // The static members, not Runtime.ALL, which every `new Runtime()` joins (the test above adds nodejs26.x).
    const named = Object.values(lambda.Runtime).filter((r): r is lambda.Runtime => r instanceof lambda.Runtime);
    const newest = Math.max(...named.map(nodeMajorOf).filter((major): major is number => major !== undefined));
    expect(defaultRuntime().name).toBe('nodejs24.x');
    expect(nodeMajorOf(defaultRuntime())).toBeGreaterThanOrEqual(newest);
  });

  test('the handlers are bundled for the oldest runtime the runtime prop accepts', () => {
    const tasks = JSON.parse(readFileSync(join(__dirname, '../../.projen/tasks.json'), 'utf8')).tasks;
    const targets = Object.entries(tasks).filter(([name]) => /^bundle:.*\.lambda$/.test(name))
      .map(([, task]: [string, any]) => /--target=(\S+)/.exec(task.steps[0].execArgs.join(' '))?.[1]);
    expect(targets).toHaveLength(8);
    expect(new Set(targets)).toEqual(new Set([`node${MIN_NODE_MAJOR}`]));
  });

  test('each function logs to its own log group with one month retention by default', () => {
    const { template } = synth();
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 8);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: expect.stringMatching(/^Webhooks(Ingest|Processor|DeadLetters|Redrive|Status|Listing)Logs/) });
    }
  });

  test('log retention follows lifecycle.logRetention', () => {
    synth({ lifecycle: { logRetention: logs.RetentionDays.ONE_WEEK } }).template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 7 }, 8);
  });

  test('the ingest function gets the queue, bucket and provider configuration', () => {
    const { template } = synth();
    const ingest = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Verifies') } });
    const env = Object.values(ingest)[0].Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(['ARCHIVE_BUCKET', 'OVERSIZE_PREFIX', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'QUEUE_URL', 'WEBHOOK_PROVIDERS']);
    expect(JSON.stringify(env.WEBHOOK_PROVIDERS)).toContain('\\"s\\":\\"stripe\\"');
  });

  test('no function uses a managed policy (logs are granted on its own log group only)', () => {
    const { template } = synth();
    for (const role of functionRoles(template)) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('least privilege', () => {
  test('ingest: send to the queue, write oversized bodies, read the provider secrets, write its logs', () => {
    expect(actionsOfRole(synth().template, 'WebhooksIngestRole')).toEqual([
      'logs:CreateLogStream', 'logs:PutLogEvents', 's3:PutObject', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'sqs:SendMessage',
    ]);
  });

  test('ingest writes only under oversize/ in the bucket', () => {
    const { template } = synth();
    const bucket = logicalIdOf(template, 'AWS::S3::Bucket', 'WebhooksStoreArchive');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('WebhooksIngestRole') }],
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 's3:PutObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/oversize/*']] } }]) },
    });
  });

  test('processor: put records and replay guards, list conflicts, replace dead_lettered records, write raw/, read oversize/, consume the queue, write its logs', () => {
    expect(actionsOfRole(synth().template, 'WebhooksProcessorRole')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject', 's3:PutObject',
      'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage',
    ]);
  });

  test('status: get items from the table, write its logs', () => {
    expect(actionsOfRole(synth().template, 'WebhooksStatusRole')).toEqual(['dynamodb:GetItem', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  });
});

describe('VPC', () => {
  test('the functions run outside a VPC by default', () => {
    for (const fn of Object.values(synth().template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.VpcConfig).toBeUndefined();
    }
  });

  test('with a VPC, all six functions run in its private subnets', () => {
    const { template } = synth({}, (stack) => ({
      vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    }));
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fns).toHaveLength(6);
    for (const fn of fns) {
      expect(fn.Properties.VpcConfig.SubnetIds).toHaveLength(2);
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toHaveLength(1);
    }
    // The roles are the construct's own, so it attaches what Lambda needs for the network interfaces.
    for (const role of functionRoles(template)) {
      expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('service-role/AWSLambdaVPCAccessExecutionRole');
    }
  });
});

describe('tracing', () => {
  test('off by default', () => {
    const { template } = synth();
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.TracingConfig).toBeUndefined();
    }
    template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: false });
  });

  test('tracing: true traces the stage and the three functions', () => {
    const { template } = synth({ tracing: true });
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
    template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
  });
});

describe('customer managed key', () => {
  const withKey = () => synth({}, (stack) => ({ encryptionKey: new kms.Key(stack, 'Key') }));

  test('encrypts the table, the bucket and the three queues', () => {
    const { template } = withKey();
    const key = logicalIdOf(template, 'AWS::KMS::Key', 'Key');
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } } }] },
    });
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } }, 3);
  });

  test('grants each function only the key actions it needs', () => {
    const { template } = withKey();
    expect(actionsOfRole(template, 'WebhooksIngestRole').filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(actionsOfRole(template, 'WebhooksProcessorRole').filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(actionsOfRole(template, 'WebhooksStatusRole').filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt']);
  });
});
