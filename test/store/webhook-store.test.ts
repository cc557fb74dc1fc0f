import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { logicalIdOf, synth } from '../util';

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

  test('the index key schema is unchanged by sharding: the shard is in providerDate\'s value, not a new attribute', () => {
    const [table] = Object.values(synth().template.findResources('AWS::DynamoDB::Table')) as Array<{ Properties: Record<string, unknown[]> }>;
    expect(table.Properties.GlobalSecondaryIndexes).toHaveLength(1);
    expect(table.Properties.AttributeDefinitions).toEqual([
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'providerDate', AttributeType: 'S' },
      { AttributeName: 'receivedAt', AttributeType: 'S' },
    ]);
  });

  test('no warm throughput unless tableWarmThroughput is set', () => {
    synth().template.hasResourceProperties('AWS::DynamoDB::Table', {
      WarmThroughput: Match.absent(),
      GlobalSecondaryIndexes: [Match.objectLike({ WarmThroughput: Match.absent() })],
    });
  });

  test('tableWarmThroughput pre-warms the table and its index alike', () => {
    synth({ tableWarmThroughput: { writeUnitsPerSecond: 12_000 } }).template.hasResourceProperties('AWS::DynamoDB::Table', {
      WarmThroughput: { WriteUnitsPerSecond: 12_000 },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byProviderDate', WarmThroughput: { WriteUnitsPerSecond: 12_000 } })],
    });
    synth({ tableWarmThroughput: { writeUnitsPerSecond: 12_000, readUnitsPerSecond: 15_000 } }).template.hasResourceProperties('AWS::DynamoDB::Table', {
      WarmThroughput: { WriteUnitsPerSecond: 12_000, ReadUnitsPerSecond: 15_000 },
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

  test('raw/ moves to IA after 30 days and to Glacier Instant Retrieval (readable with a GET) after 90 by default, never expiring', () => {
    synth().template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([{
          Id: 'raw-archive',
          Prefix: 'raw/',
          Status: 'Enabled',
          Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }, { StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
        }]),
      },
    });
  });

  test('only objects of 128 KB or more transition, whatever the account default', () => {
    synth().template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: Match.objectLike({ TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K' }),
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

  test('noncurrent versions go after 30 days, then their delete markers, in a rule without an expiration in days', () => {
    synth({ lifecycle: { archiveExpiration: Duration.days(400) } }).template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([{
          Id: 'housekeeping',
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          ExpiredObjectDeleteMarker: true,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        }]),
      },
    });
  });

  test('oversized bodies outlive any message that points at them, three DLQ redrives included', () => {
    const { template } = synth();
    // Each redrive from the DLQ starts a new retention period of the queue.
    const queue = Object.values(template.findResources('AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.anyValue() } }))[0];
    const messageLifeDays = queue.Properties.MessageRetentionPeriod / 86400;
    const rules = Object.values(template.findResources('AWS::S3::Bucket'))[0].Properties.LifecycleConfiguration.Rules;
    const oversize = rules.find((r: { Id: string }) => r.Id === 'oversize-bodies');
    expect(oversize).toMatchObject({ Prefix: 'oversize/', Status: 'Enabled' });
    expect(oversize.ExpirationInDays).toBeGreaterThan(4 * messageLifeDays);
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

describe('archive access logs', () => {
  test('server access logs go to the given bucket under webhook-archive/', () => {
    const { template } = synth({}, (stack) => ({ archiveAccessLogsBucket: new s3.Bucket(stack, 'AccessLogs') }));
    const logsBucket = logicalIdOf(template, 'AWS::S3::Bucket', 'AccessLogs');
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logsBucket }, LogFilePrefix: 'webhook-archive/' },
    });
  });
});
