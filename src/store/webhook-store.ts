import {
  Duration,
  RemovalPolicy,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_kms as kms,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { accept } from '../core/findings';

/** Where each part of an archived delivery is written in the archive bucket. */
export const ARCHIVE_PREFIX = 'raw/';
export const OVERSIZE_PREFIX = 'oversize/';
/** Archived dead letters waiting for a redrive, and where they move once redriven. */
export const DEAD_LETTER_PREFIX = 'dead-letters/';
export const REDRIVEN_PREFIX = 'dead-letters-redriven/';
/**
 * Where `raw/` objects go as they age. Every class here answers a plain (ranged) GET, which the
 * records' `archive: {key, offset, length}` promise: "While objects stored in the S3 Glacier
 * Instant Retrieval storage class are immediately available using GET, to access data stored in
 * the S3 Glacier Flexible Retrieval or S3 Glacier Deep Archive storage classes you first need to
 * retrieve data using the RestoreObject REST API."
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html)
 * Glacier Instant Retrieval bills at least 90 days and 128 KB per object; S3 moves no object under
 * 128 KB (TransitionDefaultMinimumObjectSize, set below), so small batches stay in Standard.
 */
export const DEFAULT_ARCHIVE_TRANSITIONS: readonly s3.Transition[] = [
  { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
  { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
];

/**
 * The index listing webhooks by `providerDate` (`<provider>#<YYYY-MM-DD>#<shard>`, see
 * src/runtime/index-shards.ts) and `receivedAt`. Its name and key schema are promises to deployed
 * stacks: a new key schema is a new index, and CloudFormation "can delete or add one global
 * secondary index without interruption. If you do both in the same update (for example, by
 * changing the index's logical ID), the update fails."
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-table.html)
 * Sharding therefore changes only the values written, never the schema.
 */
export const STATUS_INDEX = 'byProviderDate';

/** Properties of the record table and the raw archive. */
export interface WebhookStoreProps {
  /** A customer managed key for the table and the bucket. */
  readonly encryptionKey?: kms.IKey;
  /** Storage class transitions of `raw/`. */
  readonly archiveTransitions?: s3.Transition[];
  /** When `raw/` objects are deleted. */
  readonly archiveExpiration?: Duration;
  /** Whether records expire (DynamoDB TTL on `expiresAt`). */
  readonly recordExpiration?: Duration;
  /** Removal policy of the table and the bucket. */
  readonly removalPolicy: RemovalPolicy;
  /** A bucket for the archive's server access logs. */
  readonly accessLogsBucket?: s3.IBucket;
  /** Whether the table has a stream of new images (for events out). */
  readonly stream: boolean;
  /**
   * When `oversize/` bodies are deleted: after the longest life of a message that points at one.
   * S3 counts from the object's creation, rounded up to the next midnight UTC.
   */
  readonly oversizeExpiration: Duration;
  /** When archived dead letters (`dead-letters/`, `dead-letters-redriven/`) are deleted; never when not given. */
  readonly deadLetterExpiration?: Duration;
  /** Warm throughput of the table and of its index, each. */
  readonly warmThroughput?: { readonly readUnitsPerSecond?: number; readonly writeUnitsPerSecond?: number };
}

/**
 * The stateful heart of the construct: one DynamoDB record per webhook and the S3 archive of the
 * raw bytes. Renaming either construct replaces the resource, and with it the user's data; the
 * logical ids are pinned by test/logical-ids.test.ts.
 */
export class WebhookStore extends Construct {
  /** One record per webhook, keyed by webhook id, with the `byProviderDate` index. */
  public readonly table: dynamodb.Table;

  /** The raw archive (`raw/`), oversized bodies in transit (`oversize/`) and dead letters (`dead-letters/`). */
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: WebhookStoreProps) {
    super(scope, id);
    const key = props.encryptionKey;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(key
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      // Always on: replay guards expire; records carry `expiresAt` only with `recordExpiration`.
      timeToLiveAttribute: 'expiresAt',
      stream: props.stream ? dynamodb.StreamViewType.NEW_IMAGE : undefined,
      removalPolicy: props.removalPolicy,
    });
    // INDEX_SHARDS keys per provider and day spread the index's writes, which a single key would
    // funnel into one partition (1,000 writes/s at most; and a throttled index throttles the
    // table's writes too).
    this.table.addGlobalSecondaryIndex({
      indexName: STATUS_INDEX,
      partitionKey: { name: 'providerDate', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'receivedAt', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: ['status', 'eventType', 'processedAt'],
    });
    const warm = props.warmThroughput;
    if (warm && (warm.readUnitsPerSecond !== undefined || warm.writeUnitsPerSecond !== undefined)) {
      // Set on the L1 resource, which every aws-cdk-lib this library supports has ("Update
      // requires: No interruption",
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-table-warmthroughput.html).
      const value = {
        ...(warm.readUnitsPerSecond !== undefined ? { ReadUnitsPerSecond: warm.readUnitsPerSecond } : {}),
        ...(warm.writeUnitsPerSecond !== undefined ? { WriteUnitsPerSecond: warm.writeUnitsPerSecond } : {}),
      };
      const cfn = this.table.node.defaultChild as dynamodb.CfnTable;
      cfn.addPropertyOverride('WarmThroughput', value);
      cfn.addPropertyOverride('GlobalSecondaryIndexes.0.WarmThroughput', value);
    }

    this.bucket = new s3.Bucket(this, 'Archive', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      ...(key
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsBucket ? 'webhook-archive/' : undefined,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
      // S3's default since September 2024, stated so that it holds whatever the account's default.
      transitionDefaultMinimumObjectSize: s3.TransitionDefaultMinimumObjectSize.ALL_STORAGE_CLASSES_128_K,
      lifecycleRules: [
        {
          id: 'raw-archive',
          prefix: ARCHIVE_PREFIX,
          transitions: props.archiveTransitions ?? [...DEFAULT_ARCHIVE_TRANSITIONS],
          expiration: props.archiveExpiration,
        },
        { id: 'oversize-bodies', prefix: OVERSIZE_PREFIX, expiration: props.oversizeExpiration },
        // Rules of their own, so that dead letters never follow the raw archive's retention.
        ...(props.deadLetterExpiration ? [DEAD_LETTER_PREFIX, REDRIVEN_PREFIX].map((prefix) => ({
          id: prefix.replace(/\/$/, ''), prefix, expiration: props.deadLetterExpiration,
        })) : []),
        {
          // An expired raw/ or oversize/ object leaves a delete marker over its noncurrent version;
          // once that version is gone too, the marker is removed. S3 refuses
          // ExpiredObjectDeleteMarker next to an expiration in days, hence its own rule: "This
          // cannot be specified with Days or Date in a Lifecycle Expiration Policy."
          // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleExpiration.html)
          id: 'housekeeping',
          noncurrentVersionExpiration: Duration.days(30),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });

    if (!key) {
      accept(this.table, [{
        checkov: ['CKV_AWS_119'],
        reason: 'The table uses the AWS managed key unless encryptionKey is set: records hold metadata only, the raw bodies being in the archive.',
      }]);
    }
    if (!props.accessLogsBucket) {
      accept(this.bucket, [{
        nag: 'AwsSolutions-S1',
        checkov: ['CKV_AWS_18'],
        reason: 'Server access logs are opt-in (archiveAccessLogsBucket): only the construct\'s roles write the archive, and CloudTrail data events can audit reads.',
      }]);
    }
  }

  /** Allows reading the raw archive (`raw/` objects). */
  public grantArchiveRead(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grantRead(grantee, `${ARCHIVE_PREFIX}*`);
  }
}
