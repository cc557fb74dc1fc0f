/**
 * Creates the template's stateful resources in the emulators, exactly as the template describes
 * them: the SQS queues (attributes and redrive policy), the DynamoDB table (keys, indexes, TTL),
 * the S3 bucket (versioning, encryption, lifecycle, public access block) and the secrets (with
 * the app's known test values). Properties it cannot apply make it throw rather than be dropped.
 * Returns what `Ref` and `Fn::GetAtt` of each created resource resolve to.
 */
import {
  CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand, type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand, PutBucketEncryptionCommand, PutBucketLifecycleConfigurationCommand, PutBucketOwnershipControlsCommand,
  PutBucketVersioningCommand, PutPublicAccessBlockCommand, S3Client, type LifecycleRule, type TransitionDefaultMinimumObjectSize,
} from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CfnResource, CfnTemplate } from '../template/app';
import { propertiesOf, referencedIds, resolve, resourcesOfType, type ResolveContext } from '../template/template';

export interface AwsClients {
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly secretsManager: SecretsManagerClient;
}

export interface ProvisionedQueue {
  readonly logicalId: string;
  readonly url: string;
  readonly arn: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ProvisionedSecret {
  readonly logicalId: string;
  readonly arn: string;
  readonly value: string;
}

export interface Provisioned {
  readonly context: ResolveContext;
  readonly queues: readonly ProvisionedQueue[];
  readonly tables: readonly { readonly logicalId: string; readonly name: string }[];
  readonly buckets: readonly { readonly logicalId: string; readonly name: string }[];
  readonly secrets: readonly ProvisionedSecret[];
  /** Event buses (served by the bus stand-in, not created in an emulator). */
  readonly buses: readonly { readonly logicalId: string; readonly name: string; readonly arn: string }[];
  /** Resource types of the template that have no local counterpart (IAM, logs, alarms, …), with counts. */
  readonly notEmulated: Readonly<Record<string, number>>;
}

export interface ProvisionOptions {
  readonly stackName: string;
  readonly region: string;
  readonly accountId: string;
  /** Secret values by the construct id of the secret (its logical id without the hash suffix). */
  readonly secretValues: Readonly<Record<string, string>>;
}

/** Types whose behaviour the local pipeline provides itself (functions, API, event source). */
const EMULATED_BY_RUNNER = new Set([
  'AWS::Lambda::Function', 'AWS::Lambda::EventSourceMapping', 'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::Deployment', 'AWS::ApiGateway::GatewayResponse',
  'AWS::Lambda::Permission', 'AWS::Events::EventBus', 'AWS::Events::Rule',
]);

/** CloudFormation queue properties that are SQS queue attributes of the same name. */
const QUEUE_ATTRIBUTES = new Set([
  'ContentBasedDeduplication', 'DeduplicationScope', 'DelaySeconds', 'FifoQueue', 'FifoThroughputLimit',
  'KmsDataKeyReusePeriodSeconds', 'KmsMasterKeyId', 'MaximumMessageSize', 'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds', 'RedriveAllowPolicy', 'RedrivePolicy', 'SqsManagedSseEnabled', 'VisibilityTimeout',
]);

export async function provisionFromTemplate(template: CfnTemplate, clients: AwsClients, options: ProvisionOptions): Promise<Provisioned> {
  const refs: Record<string, string> = {
    'AWS::Region': options.region,
    'AWS::AccountId': options.accountId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': options.stackName,
  };
  const attributes: Record<string, string> = {};
  const context: ResolveContext = { refs, attributes };

  const secrets: ProvisionedSecret[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::SecretsManager::Secret')) {
    const secret = await createSecret(clients.secretsManager, logicalId, resource, options.secretValues);
    refs[logicalId] = secret.arn;
    attributes[`${logicalId}.Id`] = secret.arn;
    secrets.push(secret);
  }

  const queues: ProvisionedQueue[] = [];
  for (const [logicalId, resource] of inDependencyOrder(resourcesOfType(template, 'AWS::SQS::Queue'))) {
    const queue = await createQueue(clients.sqs, logicalId, resolve(propertiesOf(resource), context) as Record<string, unknown>, options.stackName);
    refs[logicalId] = queue.url;
    attributes[`${logicalId}.Arn`] = queue.arn;
    attributes[`${logicalId}.QueueUrl`] = queue.url;
    attributes[`${logicalId}.QueueName`] = queue.arn.split(':').pop()!;
    queues.push(queue);
  }

  const tables = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    const props = resolve(propertiesOf(resource), context) as Record<string, unknown>;
    const table = await createTable(clients.dynamodb, logicalId, props, options.stackName);
    refs[logicalId] = table.name;
    attributes[`${logicalId}.Arn`] = table.arn;
    if (table.streamArn !== undefined) attributes[`${logicalId}.StreamArn`] = table.streamArn;
    tables.push({ logicalId, name: table.name });
  }

  const buckets = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::S3::Bucket')) {
    const name = await createBucket(clients.s3, logicalId, resolve(propertiesOf(resource), context) as Record<string, unknown>, options.stackName);
    refs[logicalId] = name;
    attributes[`${logicalId}.Arn`] = `arn:aws:s3:::${name}`;
    attributes[`${logicalId}.DomainName`] = `${name}.s3.amazonaws.com`;
    attributes[`${logicalId}.RegionalDomainName`] = `${name}.s3.${options.region}.amazonaws.com`;
    buckets.push({ logicalId, name });
  }

  for (const [logicalId] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const name = functionName(options.stackName, logicalId);
    refs[logicalId] = name;
    attributes[`${logicalId}.Arn`] = `arn:aws:lambda:${options.region}:${options.accountId}:function:${name}`;
  }

  const buses = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Events::EventBus')) {
    const props = resolve(propertiesOf(resource), context) as Record<string, unknown>;
    const unsupported = Object.keys(props).filter((name) => name !== 'Name' && name !== 'Description' && name !== 'Tags');
    if (unsupported.length > 0) throw new Error(`event bus ${logicalId}: ${unsupported.join(', ')} not supported locally`);
    const name = String(props.Name);
    const arn = `arn:aws:events:${options.region}:${options.accountId}:event-bus/${name}`;
    refs[logicalId] = name;
    attributes[`${logicalId}.Arn`] = arn;
    attributes[`${logicalId}.Name`] = name;
    buses.push({ logicalId, name, arn });
  }

  // Topics are not emulated: rule targets on them are recorded by the bus stand-in, which needs their ARNs.
  for (const [logicalId] of resourcesOfType(template, 'AWS::SNS::Topic')) {
    const name = `${options.stackName}-${logicalId}`;
    refs[logicalId] = `arn:aws:sns:${options.region}:${options.accountId}:${name}`;
    attributes[`${logicalId}.TopicArn`] = refs[logicalId];
    attributes[`${logicalId}.TopicName`] = name;
  }

  const handled = new Set(['AWS::SecretsManager::Secret', 'AWS::SQS::Queue', 'AWS::DynamoDB::Table', 'AWS::S3::Bucket', ...EMULATED_BY_RUNNER]);
  const notEmulated: Record<string, number> = {};
  for (const resource of Object.values(template.Resources)) {
    if (!handled.has(resource.Type)) notEmulated[resource.Type] = (notEmulated[resource.Type] ?? 0) + 1;
  }
  return { context, queues, tables, buckets, secrets, buses, notEmulated };
}

/** The name CloudFormation would give a function, less its random suffix. */
export function functionName(stackName: string, logicalId: string): string {
  return `${stackName}-${logicalId}`.slice(0, 64);
}

/** Queues referenced by others (dead-letter queues) first, so their ARNs resolve. */
function inDependencyOrder(resources: Array<[string, CfnResource]>): Array<[string, CfnResource]> {
  const ids = new Set(resources.map(([id]) => id));
  const ordered: Array<[string, CfnResource]> = [];
  const placed = new Set<string>();
  const place = ([id, resource]: [string, CfnResource], seen: Set<string>): void => {
    if (placed.has(id)) return;
    if (seen.has(id)) throw new Error(`queues ${[...seen].join(', ')} reference each other`);
    for (const dependency of referencedIds(resource.Properties).filter((d) => ids.has(d))) {
      place(resources.find(([other]) => other === dependency)!, new Set([...seen, id]));
    }
    placed.add(id);
    ordered.push([id, resource]);
  };
  resources.forEach((r) => place(r, new Set()));
  return ordered;
}

async function createSecret(
  client: SecretsManagerClient, logicalId: string, resource: CfnResource, values: Readonly<Record<string, string>>,
): Promise<ProvisionedSecret> {
  const constructId = Object.keys(values).find((id) => new RegExp(`^${id}[0-9A-F]{8}$`).test(logicalId));
  if (constructId === undefined) {
    throw new Error(`secret ${logicalId} has no known test value; add it to LOCAL_SECRET_VALUES`);
  }
  const description = propertiesOf(resource).Description;
  const created = await client.send(new CreateSecretCommand({
    Name: logicalId,
    SecretString: values[constructId],
    ...(typeof description === 'string' ? { Description: description } : {}),
  }));
  return { logicalId, arn: created.ARN!, value: values[constructId] };
}

async function createQueue(client: SQSClient, logicalId: string, props: Record<string, unknown>, stackName: string): Promise<ProvisionedQueue> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(props)) {
    if (name === 'QueueName' || name === 'Tags') continue;
    if (!QUEUE_ATTRIBUTES.has(name)) throw new Error(`queue ${logicalId}: property ${name} is not supported locally`);
    attributes[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  // CloudFormation names a FIFO queue without QueueName with the required .fifo suffix; so does this.
  const fifo = props.FifoQueue === true || props.FifoQueue === 'true';
  const name = typeof props.QueueName === 'string' ? props.QueueName : fifo ? `${`${stackName}-${logicalId}`.slice(0, 75)}.fifo` : `${stackName}-${logicalId}`.slice(0, 80);
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes, tags: tagsOf(props.Tags) }));
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
  return { logicalId, url: QueueUrl!, arn: Attributes!.QueueArn!, attributes: Attributes ?? {} };
}

const TABLE_PROPERTIES = new Set([
  'TableName', 'KeySchema', 'AttributeDefinitions', 'BillingMode', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes',
  'ProvisionedThroughput', 'StreamSpecification', 'TimeToLiveSpecification',
  // Without a local effect: backups and encryption at rest.
  'PointInTimeRecoverySpecification', 'SSESpecification', 'DeletionProtectionEnabled', 'Tags',
]);

async function createTable(
  client: DynamoDBClient, logicalId: string, props: Record<string, unknown>, stackName: string,
): Promise<{ name: string; arn: string; streamArn?: string }> {
  for (const name of Object.keys(props)) {
    if (!TABLE_PROPERTIES.has(name)) throw new Error(`table ${logicalId}: property ${name} is not supported locally`);
  }
  const name = typeof props.TableName === 'string' ? props.TableName : `${stackName}-${logicalId}`;
  const input: CreateTableCommandInput = {
    TableName: name,
    KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: props.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    BillingMode: (props.BillingMode as CreateTableCommandInput['BillingMode']) ?? 'PROVISIONED',
    ...(props.ProvisionedThroughput ? { ProvisionedThroughput: props.ProvisionedThroughput as CreateTableCommandInput['ProvisionedThroughput'] } : {}),
    ...(props.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: props.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'] } : {}),
    ...(props.LocalSecondaryIndexes ? { LocalSecondaryIndexes: props.LocalSecondaryIndexes as CreateTableCommandInput['LocalSecondaryIndexes'] } : {}),
    ...(props.StreamSpecification ? { StreamSpecification: { StreamEnabled: true, ...(props.StreamSpecification as object) } } : {}),
  };
  const { TableDescription } = await client.send(new CreateTableCommand(input));
  const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (ttl?.Enabled) {
    await client.send(new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: ttl.AttributeName!, Enabled: true },
    }));
  }
  return { name, arn: TableDescription!.TableArn!, ...(TableDescription!.LatestStreamArn ? { streamArn: TableDescription!.LatestStreamArn } : {}) };
}

const BUCKET_PROPERTIES = new Set([
  'BucketName', 'VersioningConfiguration', 'BucketEncryption', 'LifecycleConfiguration', 'OwnershipControls',
  'PublicAccessBlockConfiguration', 'Tags',
]);

async function createBucket(client: S3Client, logicalId: string, props: Record<string, unknown>, stackName: string): Promise<string> {
  for (const name of Object.keys(props)) {
    if (!BUCKET_PROPERTIES.has(name)) throw new Error(`bucket ${logicalId}: property ${name} is not supported locally`);
  }
  const bucket = typeof props.BucketName === 'string' ? props.BucketName : `${stackName}-${logicalId}`.toLowerCase().slice(0, 63);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const versioning = props.VersioningConfiguration as { Status: 'Enabled' | 'Suspended' } | undefined;
  if (versioning) {
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: versioning.Status } }));
  }
  if (props.BucketEncryption) {
    // CloudFormation's ServerSideEncryptionByDefault is the API's ApplyServerSideEncryptionByDefault.
    const rules = (props.BucketEncryption as { ServerSideEncryptionConfiguration: CfnEncryptionRule[] }).ServerSideEncryptionConfiguration
      .map((rule) => ({ ApplyServerSideEncryptionByDefault: rule.ServerSideEncryptionByDefault, BucketKeyEnabled: rule.BucketKeyEnabled }));
    await client.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: rules } }));
  }
  if (props.PublicAccessBlockConfiguration) {
    await client.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: props.PublicAccessBlockConfiguration }));
  }
  if (props.OwnershipControls) {
    await client.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: props.OwnershipControls as { Rules: [] } }));
  }
  if (props.LifecycleConfiguration) {
    type CfnLifecycle = { Rules: CfnLifecycleRule[]; TransitionDefaultMinimumObjectSize?: TransitionDefaultMinimumObjectSize };
    const lifecycle = props.LifecycleConfiguration as CfnLifecycle;
    for (const name of Object.keys(lifecycle)) {
      if (name !== 'Rules' && name !== 'TransitionDefaultMinimumObjectSize') throw new Error(`lifecycle configuration: ${name} is not supported locally`);
    }
    await client.send(new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: { Rules: lifecycle.Rules.map(toLifecycleRule) },
      ...(lifecycle.TransitionDefaultMinimumObjectSize !== undefined
        ? { TransitionDefaultMinimumObjectSize: lifecycle.TransitionDefaultMinimumObjectSize }
        : {}),
    }));
  }
  return bucket;
}

interface CfnEncryptionRule {
  readonly ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse'; KMSMasterKeyID?: string };
  readonly BucketKeyEnabled?: boolean;
}

interface CfnLifecycleRule {
  readonly Id?: string;
  readonly Prefix?: string;
  readonly Status: 'Enabled' | 'Disabled';
  readonly ExpirationInDays?: number;
  readonly ExpiredObjectDeleteMarker?: boolean;
  readonly Transitions?: { StorageClass: string; TransitionInDays?: number }[];
  readonly NoncurrentVersionExpiration?: { NoncurrentDays: number };
  readonly AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number };
}

/** CloudFormation's lifecycle rule shape → the S3 API's. */
export function toLifecycleRule(rule: CfnLifecycleRule): LifecycleRule {
  const known = new Set(['Id', 'Prefix', 'Status', 'ExpirationInDays', 'ExpiredObjectDeleteMarker', 'Transitions', 'NoncurrentVersionExpiration', 'AbortIncompleteMultipartUpload']);
  for (const name of Object.keys(rule)) {
    if (!known.has(name)) throw new Error(`lifecycle rule ${rule.Id}: ${name} is not supported locally`);
  }
  return {
    ...(rule.Id !== undefined ? { ID: rule.Id } : {}),
    Filter: { Prefix: rule.Prefix ?? '' },
    Status: rule.Status,
    ...(rule.ExpirationInDays !== undefined || rule.ExpiredObjectDeleteMarker !== undefined
      ? {
        Expiration: {
          ...(rule.ExpirationInDays !== undefined ? { Days: rule.ExpirationInDays } : {}),
          ...(rule.ExpiredObjectDeleteMarker !== undefined ? { ExpiredObjectDeleteMarker: rule.ExpiredObjectDeleteMarker } : {}),
        },
      }
      : {}),
    ...(rule.Transitions ? { Transitions: rule.Transitions.map((t) => ({ Days: t.TransitionInDays, StorageClass: t.StorageClass as never })) } : {}),
    ...(rule.NoncurrentVersionExpiration ? { NoncurrentVersionExpiration: rule.NoncurrentVersionExpiration } : {}),
    ...(rule.AbortIncompleteMultipartUpload ? { AbortIncompleteMultipartUpload: rule.AbortIncompleteMultipartUpload } : {}),
  };
}

function tagsOf(tags: unknown): Record<string, string> | undefined {
  if (!Array.isArray(tags)) return undefined;
  return Object.fromEntries(tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
}
