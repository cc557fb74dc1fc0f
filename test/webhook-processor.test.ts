import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { actionsOfRole, logicalIdOf, synth } from './util';
import { WebhookProcessor, WebhookProvider } from '../src';

describe('REST API', () => {
  test('POST /webhook/{provider} is public and proxies to the ingest function', () => {
    const { template } = synth();
    const ingest = logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksIngest');
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{provider}' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'NONE',
      Integration: Match.objectLike({
        Type: 'AWS_PROXY',
        Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [ingest, 'Arn'] }])]) }),
      }),
    });
  });

  test('GET /status/{id} requires AWS_IAM and proxies to the status function', () => {
    const { template } = synth();
    const status = logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksStatus');
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{id}' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      AuthorizationType: 'AWS_IAM',
      Integration: Match.objectLike({
        Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [status, 'Arn'] }])]) }),
      }),
    });
  });

  test('only the two routes exist', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::ApiGateway::Method', 2);
  });

  test('every content type reaches the ingest function as raw bytes (binary media types */*)', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['*/*'] });
  });

  test('stage throttling defaults to 1000 rps / 2000 burst and follows props', () => {
    synth().template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 })]),
    });
    synth({ api: { throttlingRateLimit: 50, throttlingBurstLimit: 100 } }).template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
    });
  });

  test('stage access logs go to a log group in JSON by default', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
  });

  test('access logging can be turned off', () => {
    const { template, processor } = synth({ api: { accessLogging: false } });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: Match.absent() });
    expect(processor.accessLogGroup).toBeUndefined();
  });

  test('execution logs at ERROR level, without bodies, into a log group with retention', () => {
    const { template } = synth();
    const api = logicalIdOf(template, 'AWS::ApiGateway::RestApi', 'WebhooksApi');
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false, HttpMethod: '*', ResourcePath: '/*' })]),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: api }, '/v1']] },
      RetentionInDays: 30,
    });
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0];
    expect(stage.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^WebhooksExecutionLogs/)]));
  });

  test('execution logging can be turned off', () => {
    const { template, processor } = synth({ api: { executionLogging: false } });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ LoggingLevel: 'OFF' })]),
    });
    expect(processor.executionLogGroup).toBeUndefined();
  });

  test('path parameters are required and validated; bodies are left to the signature check', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestParameters: true, ValidateRequestBody: false });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST', RequestParameters: { 'method.request.path.provider': true }, RequestValidatorId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET', RequestParameters: { 'method.request.path.id': true }, RequestValidatorId: Match.anyValue(),
    });
  });

  test('bodies over API Gateway\'s 10 MB limit get a JSON 413 like the ingest\'s own', () => {
    const responses = synth().template.findResources('AWS::ApiGateway::GatewayResponse');
    expect(Object.values(responses).map((r) => r.Properties)).toEqual([expect.objectContaining({
      ResponseType: 'REQUEST_TOO_LARGE',
      StatusCode: '413',
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/json'" },
      ResponseTemplates: { 'application/json': expect.stringContaining('"error":"body_too_large"') },
    })]);
  });

  test('a WAF web ACL is associated with the stage only when given', () => {
    synth().template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/webhooks/abc';
    synth({ api: { webAclArn: arn } }).template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: arn,
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
  });

  test('no account-wide CloudWatch role is created unless asked for', () => {
    synth().template.resourceCountIs('AWS::ApiGateway::Account', 0);
    synth({ api: { cloudWatchRole: true } }).template.resourceCountIs('AWS::ApiGateway::Account', 1);
  });

  test('the API Gateway test console cannot invoke the functions (no test-invoke permissions)', () => {
    const { template } = synth();
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    expect(permissions).toHaveLength(2);
    for (const p of permissions) {
      expect(JSON.stringify(p.Properties.SourceArn)).not.toContain('test-invoke-stage');
    }
  });
});

describe('queues', () => {
  test('the queue is encrypted, TLS-only and redrives to the DLQ after 3 receives', () => {
    const { template } = synth();
    const dlq = logicalIdOf(template, 'AWS::SQS::Queue', 'WebhooksDeadLetterQueue');
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.resourcePropertiesCountIs('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    }, 2);
  });

  test('the DLQ is encrypted and keeps messages 14 days', () => {
    synth().template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
  });

  test('maxReceiveCount follows processing.maxReceiveCount', () => {
    synth({ processing: { maxReceiveCount: 7 } }).template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 7 }),
    });
  });

  test('visibility timeout is 6 × processor timeout + batching window', () => {
    synth().template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * 30 + 5 });
    synth({ processing: { timeout: Duration.seconds(60), maxBatchingWindow: Duration.seconds(10) } })
      .template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * 60 + 10 });
  });
});

describe('processor', () => {
  test('the SQS event source reports partial batch failures with batch 10, window 5 s, max concurrency 10', () => {
    synth().template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  test('batch size, window and maximum concurrency follow props', () => {
    synth({
      processing: { batchSize: 50, maxBatchingWindow: Duration.seconds(20) },
      concurrency: { processorMaxConcurrency: 40 },
    }).template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 50, MaximumBatchingWindowInSeconds: 20, ScalingConfig: { MaximumConcurrency: 40 },
    });
  });

  test('processor timeout and memory follow props', () => {
    synth({ processing: { timeout: Duration.seconds(45), memorySize: 1024 } }).template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Records queued webhooks'), Timeout: 45, MemorySize: 1024,
    });
  });

  test('reserved concurrency is set only when asked for', () => {
    const fns = Object.values(synth().template.findResources('AWS::Lambda::Function'));
    expect(fns.every((f) => f.Properties.ReservedConcurrentExecutions === undefined)).toBe(true);
    const { template } = synth({ concurrency: { ingestReservedConcurrency: 50, processorReservedConcurrency: 100 } });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('Verifies'), ReservedConcurrentExecutions: 50 });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('Records'), ReservedConcurrentExecutions: 100 });
  });
});

describe('provisioned concurrency', () => {
  test('none by default: API Gateway invokes the function itself', () => {
    const { template, processor } = synth();
    template.resourceCountIs('AWS::Lambda::Alias', 0);
    expect(processor.ingestAlias).toBeUndefined();
  });

  test('ingestProvisionedConcurrency keeps instances warm on a live alias, which API Gateway invokes', () => {
    const { template, processor } = synth({ concurrency: { ingestProvisionedConcurrency: 5 } });
    const alias = logicalIdOf(template, 'AWS::Lambda::Alias', 'WebhooksIngestLive');
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 5 } });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: Match.objectLike({ Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ Ref: alias }])]) }) }),
    });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    expect(processor.ingestAlias).toBeDefined();
  });

  test('ingestProvisionedConcurrencyMax scales the provisioned instances on utilisation', () => {
    const { template } = synth({ concurrency: { ingestProvisionedConcurrency: 2, ingestProvisionedConcurrencyMax: 20 } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 20, ScalableDimension: 'lambda:function:ProvisionedConcurrency' });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 0.7 }),
    });
  });
});

describe('functions', () => {
  test('all three run Node.js 22 on ARM64 with JSON logs', () => {
    const fns = Object.values(synth().template.findResources('AWS::Lambda::Function'));
    expect(fns).toHaveLength(3);
    for (const fn of fns) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], LoggingConfig: { LogFormat: 'JSON' } });
    }
  });

  test('each function logs to its own log group with one month retention by default', () => {
    const { template } = synth();
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 5);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: expect.stringMatching(/^Webhooks(Ingest|Processor|Status)Logs/) });
    }
  });

  test('log retention follows lifecycle.logRetention', () => {
    synth({ lifecycle: { logRetention: logs.RetentionDays.ONE_WEEK } }).template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 7 }, 5);
  });

  test('the ingest function gets the queue, bucket and provider configuration', () => {
    const { template } = synth();
    const ingest = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Verifies') } });
    const env = Object.values(ingest)[0].Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(['ARCHIVE_BUCKET', 'OVERSIZE_PREFIX', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'QUEUE_URL', 'WEBHOOK_PROVIDERS']);
    expect(JSON.stringify(env.WEBHOOK_PROVIDERS)).toContain('\\"scheme\\":\\"stripe\\"');
  });

  test('no function uses a managed policy (logs are granted on its own log group only)', () => {
    const { template } = synth();
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
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
    const bucket = logicalIdOf(template, 'AWS::S3::Bucket', 'WebhooksArchive');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('WebhooksIngestRole') }],
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 's3:PutObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/oversize/*']] } }]) },
    });
  });

  test('processor: put records and replay guards, list conflicts, write raw/, read oversize/, consume the queue, write its logs', () => {
    expect(actionsOfRole(synth().template, 'WebhooksProcessorRole')).toEqual([
      'dynamodb:PutItem', 'dynamodb:UpdateItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject', 's3:PutObject',
      'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage',
    ]);
  });

  test('status: get items from the table, write its logs', () => {
    expect(actionsOfRole(synth().template, 'WebhooksStatusRole')).toEqual(['dynamodb:GetItem', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  });
});

describe('table', () => {
  test('on-demand, point-in-time recovery, SSE, keyed by id', () => {
    synth().template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    });
  });

  test('an index lists webhooks by provider and day, ordered by receive time', () => {
    synth().template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [Match.objectLike({
        IndexName: 'byProviderDate',
        KeySchema: [{ AttributeName: 'providerDate', KeyType: 'HASH' }, { AttributeName: 'receivedAt', KeyType: 'RANGE' }],
      })],
    });
  });

  test('TTL is always on expiresAt (replay guards expire); records get it only with lifecycle.recordExpiration', () => {
    synth().template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    synth().template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue(), RECORD_TTL_SECONDS: Match.absent() }) } });
    const { template } = synth({ lifecycle: { recordExpiration: Duration.days(90) } });
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ RECORD_TTL_SECONDS: String(90 * 86400) }) },
    });
  });
});

describe('archive bucket', () => {
  test('public access blocked, SSE, versioned', () => {
    synth().template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  test('TLS-only bucket policy', () => {
    synth().template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('raw/ moves to IA after 30 days and Glacier after 90 by default, never expiring', () => {
    synth().template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([{
          Id: 'raw-archive',
          Prefix: 'raw/',
          Status: 'Enabled',
          Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }, { StorageClass: 'GLACIER', TransitionInDays: 90 }],
        }]),
      },
    });
  });

  test('archive transitions and expiration follow lifecycle props', () => {
    synth({
      lifecycle: {
        archiveTransitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(180) }],
        archiveExpiration: Duration.days(400),
      },
    }).template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({
          Id: 'raw-archive', ExpirationInDays: 400, Transitions: [{ StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 180 }],
        })]),
      },
    });
  });

  test('oversized bodies expire after 30 days, longer than any message can wait', () => {
    synth().template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([{ Id: 'oversize-bodies', Prefix: 'oversize/', Status: 'Enabled', ExpirationInDays: 30 }]) },
    });
  });
});

describe('removal policy', () => {
  test('stateful resources are retained by default', () => {
    const { template } = synth();
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource.DeletionPolicy).toBe('Retain');
      }
    }
  });

  test('lifecycle.removalPolicy DESTROY lets the stack delete them', () => {
    const { template } = synth({ lifecycle: { removalPolicy: RemovalPolicy.DESTROY } });
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource.DeletionPolicy).toBe('Delete');
      }
    }
  });
});

describe('alarms', () => {
  test('one errors alarm per function, a DLQ alarm, a backlog alarm and an API 5xx alarm by default', () => {
    const { template, processor } = synth();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    expect(processor.alarms).toHaveLength(6);
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

  test('the API alarm counts 5xx responses', () => {
    synth({ alarms: { api5xxThreshold: 10 } }).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5XXError', Namespace: 'AWS/ApiGateway', Threshold: 10,
    });
  });

  test('each alarm can be switched off', () => {
    const alarms = { functionErrorsThreshold: 0, deadLetterQueue: false, maxMessageAge: Duration.seconds(0), api5xxThreshold: 0 };
    const { template } = synth({ alarms });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('alarms.enabled false creates none', () => {
    synth({ alarms: { enabled: false } }).template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('an alarm topic receives alarm and OK notifications', () => {
    const { template } = synth({}, (stack) => ({ alarms: { alarmTopic: new sns.Topic(stack, 'Alerts') } }));
    const topic = logicalIdOf(template, 'AWS::SNS::Topic', 'Alerts');
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: topic }], OKActions: [{ Ref: topic }] }, 6);
  });
});

describe('metrics and dashboard', () => {
  test('the handlers publish under a service name unique to the construct, which the metric helpers use', () => {
    const { template, processor, stack } = synth();
    const services = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).sort();
    expect(services).toEqual([expect.stringMatching(/-ingest$/), expect.stringMatching(/-processor$/), expect.stringMatching(/-status$/)]);
    const rejected = stack.resolve(processor.metricRejected('stripe', 'invalid_signature').toMetricConfig().metricStat?.dimensions);
    expect(rejected).toEqual(expect.arrayContaining([{ name: 'service', value: services[0] }, { name: 'reason', value: 'invalid_signature' }]));
    const accepted = stack.resolve(processor.metricAccepted().toMetricConfig().metricStat?.dimensions);
    expect(accepted).toEqual([{ name: 'service', value: services[0] }]);
  });

  test('conflicts and replays have metric helpers on the processor service', () => {
    const { processor, stack } = synth();
    const service = processor.metricProcessed().dimensions?.service;
    for (const [metric, name] of [[processor.metricConflicts(), 'DeliveryConflicts'], [processor.metricReplays(), 'ReplaysRejected']] as const) {
      expect(stack.resolve(metric.toMetricConfig().metricStat)).toMatchObject({ metricName: name, namespace: 'WebhookProcessor', dimensions: [{ name: 'service', value: stack.resolve(service) }] });
    }
  });

  test('two constructs in one stack never share a service name', () => {
    const { template } = synth({}, (stack) => {
      new WebhookProcessor(stack, 'Other', { providers: [WebhookProvider.unverified('acme')] });
      return {};
    });
    const services = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME);
    expect(new Set(services).size).toBe(6);
  });

  test('no dashboard by default; dashboard: true adds one', () => {
    synth().template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    const { template, processor } = synth({ dashboard: true });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(processor.dashboard).toBeDefined();
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const metric of ['WebhooksAccepted', 'WebhooksProcessed', 'DuplicateDeliveries', 'ApproximateAgeOfOldestMessage', '5XXError']) {
      expect(body).toContain(metric);
    }
  });
});

describe('VPC', () => {
  test('the functions run outside a VPC by default', () => {
    for (const fn of Object.values(synth().template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.VpcConfig).toBeUndefined();
    }
  });

  test('with a VPC, all three functions run in its private subnets', () => {
    const { template } = synth({}, (stack) => ({
      vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    }));
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fns).toHaveLength(3);
    for (const fn of fns) {
      expect(fn.Properties.VpcConfig.SubnetIds).toHaveLength(2);
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toHaveLength(1);
    }
    // The roles are the construct's own, so it attaches what Lambda needs for the network interfaces.
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('service-role/AWSLambdaVPCAccessExecutionRole');
    }
  });
});

describe('custom domain', () => {
  test('the API gets the domain, and webhookUrl() returns URLs on it', () => {
    const { template, processor, stack } = synth({}, (scope) => ({
      api: {
        domainName: {
          domainName: 'webhooks.example.com',
          certificate: acm.Certificate.fromCertificateArn(scope, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
        },
      },
    }));
    template.hasResourceProperties('AWS::ApiGateway::DomainName', { DomainName: 'webhooks.example.com' });
    template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
    expect(stack.resolve(processor.webhookUrl('stripe'))).toBe('https://webhooks.example.com/webhook/stripe');
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

  test('encrypts the table, the bucket and both queues', () => {
    const { template } = withKey();
    const key = logicalIdOf(template, 'AWS::KMS::Key', 'Key');
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } } }] },
    });
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } }, 2);
  });

  test('grants each function only the key actions it needs', () => {
    const { template } = withKey();
    expect(actionsOfRole(template, 'WebhooksIngestRole').filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(actionsOfRole(template, 'WebhooksProcessorRole').filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(actionsOfRole(template, 'WebhooksStatusRole').filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt']);
  });
});

describe('archive access logs', () => {
  test('server access logs go to the given bucket under webhook-archive/', () => {
    const { template } = synth({}, (stack) => ({ archiveAccessLogsBucket: new s3.Bucket(stack, 'AccessLogs') }));
    const logsBucket = logicalIdOf(template, 'AWS::S3::Bucket', 'AccessLogs');
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logsBucket }, LogFilePrefix: 'webhook-archive/' },
    });
  });
});

describe('accepted findings', () => {
  test('by-design cdk-nag and checkov findings are carried in the resources\' metadata with reasons', () => {
    const { template } = synth();
    const post = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }))[0];
    expect(post.Metadata.cdk_nag.rules_to_suppress).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'AwsSolutions-APIG4' })]));
    expect(post.Metadata.checkov.skip).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'CKV_AWS_59' })]));
  });

  test('every accepted finding has a reason of at least a sentence', () => {
    const { template } = synth({ api: { accessLogging: false, executionLogging: false, cloudWatchRole: true } }, (stack) => ({ eventBus: new events.EventBus(stack, 'Bus') }));
    const reasons = Object.values(template.toJSON().Resources as Record<string, any>).flatMap((r) => [
      ...(r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((x: any) => x.reason),
      ...(r.Metadata?.checkov?.skip ?? []).map((x: any) => x.comment),
    ]);
    expect(reasons.length).toBeGreaterThan(20);
    for (const reason of reasons) expect(reason).toMatch(/^[A-Z].{40,}\.$/s);
  });

  test('a finding the user decides on is accepted only while its option is off', () => {
    const stageNag = (t: any) => Object.values(t.findResources('AWS::ApiGateway::Stage'))
      .flatMap((r: any) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((x: any) => x.id);
    expect(stageNag(synth().template)).toEqual(expect.arrayContaining(['AwsSolutions-APIG3', 'Serverless-APIGWXrayEnabled']));
    expect(stageNag(synth({ tracing: true, api: { webAclArn: 'arn:aws:wafv2:us-east-1:1:regional/webacl/a/b' } }).template))
      .not.toEqual(expect.arrayContaining(['AwsSolutions-APIG3']));
    expect(stageNag(synth({ tracing: true }).template)).not.toContain('Serverless-APIGWXrayEnabled');
  });
});

describe('consumer events', () => {
  const withBus = () => synth({}, (stack) => ({ eventBus: new events.EventBus(stack, 'Bus') }));

  test('no stream and no pipe by default', () => {
    const { template, processor } = synth();
    template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: Match.absent() });
    template.resourceCountIs('AWS::Pipes::Pipe', 0);
    expect(processor.eventPipe).toBeUndefined();
  });

  test('with an event bus, a pipe forwards only inserted processed records (not replays or replay guards) to the bus', () => {
    const { template } = withBus();
    const table = logicalIdOf(template, 'AWS::DynamoDB::Table', 'WebhooksTable');
    const bus = logicalIdOf(template, 'AWS::Events::EventBus', 'Bus');
    template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      Source: { 'Fn::GetAtt': [table, 'StreamArn'] },
      SourceParameters: { FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"],"dynamodb":{"NewImage":{"status":{"S":["processed"]}}}}' }] } },
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
    expect(actionsOfRole(withBus().template, 'WebhooksEventPipeRole')).toEqual([
      'dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'events:PutEvents',
    ]);
  });
});

describe('public members', () => {
  test('every created resource is exposed', () => {
    const { processor } = synth();
    const members = ['api', 'ingestFunction', 'processorFunction', 'statusFunction', 'queue', 'deadLetterQueue', 'table', 'archiveBucket', 'accessLogGroup', 'executionLogGroup'] as const;
    for (const member of members) {
      expect(processor[member]).toBeDefined();
    }
    expect(processor.functionLogGroups).toHaveLength(3);
  });

  test('webhookUrl() returns the provider route and rejects unknown names', () => {
    const { processor, stack } = synth();
    expect(stack.resolve(processor.webhookUrl('stripe'))).toEqual({ 'Fn::Join': ['', expect.arrayContaining(['/webhook/stripe'])] });
    expect(() => processor.webhookUrl('nope')).toThrow(/no provider is named 'nope'/);
  });

  test('grantStatusRead() allows execute-api:Invoke on GET /status/* only', () => {
    const fixture = synth();
    const { stack, processor } = fixture;
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    processor.grantStatusRead(role);
    const template = fixture.template;
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => p.Properties.Roles[0].Ref.startsWith('Reader'));
    expect(policy?.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: 'execute-api:Invoke', Resource: expect.objectContaining({ 'Fn::Join': ['', expect.arrayContaining(['/GET/status/*'])] }) }),
    ]);
  });
});

describe('providers', () => {
  test('the ingest role reads exactly the configured secrets', () => {
    const { template } = synth({}, (stack) => ({
      providers: [
        WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'S1'), new secretsmanager.Secret(stack, 'S2')] }),
        WebhookProvider.github({ secrets: [new secretsmanager.Secret(stack, 'G1')] }),
      ],
    }));
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles[0].Ref.startsWith('WebhooksIngestRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    const resources = statements.flatMap((s: any) => [s.Resource].flat()).map((r: any) => r.Ref).sort();
    expect(resources).toEqual([
      expect.stringMatching(/^G1/), expect.stringMatching(/^S1/), expect.stringMatching(/^S2/),
    ]);
  });

  test('an unverified provider adds a synth-time warning', () => {
    const { stack } = synth({ providers: [WebhookProvider.unverified('acme')] });
    Annotations.fromStack(stack).hasWarning('/Test/Webhooks', Match.stringLikeRegexp("Provider 'acme' is unverified"));
  });
});
