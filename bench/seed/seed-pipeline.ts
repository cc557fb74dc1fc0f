/**
 * Seed 000's pipeline next to the local pipeline, on the same emulators: its queue, bucket and
 * table (transactionId key, as the seed's), and its two handlers (bench/seed/*.js, AWS SDK v2) run
 * by the same Lambda stand-in as the shipped bundles, with the seed's memory sizes (ingestion
 * 256 MB, processing 512 MB, batch 10: seed 000's "Lambda configuration").
 */
import * as path from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { FUNCTION_CREDENTIALS, LOCAL_REGION } from '../../local-pipeline/emulators/aws';
import type { AwsClients } from '../../local-pipeline/emulators/provision';
import { createLocalFunction, lambdaReservedEnvironment, type LocalFunction } from '../../local-pipeline/stand-ins/functions';

export const SEED_MEMORY_MB = { ingest: 256, processor: 512 } as const;
export const SEED_BATCH_SIZE = 10;

export interface SeedEndpoints {
  readonly sqs: string;
  readonly s3: string;
  readonly dynamodb: string;
}

export interface SeedPipeline {
  readonly ingest: LocalFunction;
  readonly processor: LocalFunction;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly bucketName: string;
  readonly tableName: string;
  stop(): Promise<void>;
}

/** Creates the seed's resources through `clients` and its functions pointed at `endpoints`. */
export async function startSeedPipeline(clients: AwsClients, endpoints: SeedEndpoints, logDir: string, suffix = 'bench', maxInstances = 4): Promise<SeedPipeline> {
  const queueUrl = (await clients.sqs.send(new CreateQueueCommand({ QueueName: `seed-webhooks-${suffix}`, Attributes: { VisibilityTimeout: '300' } }))).QueueUrl!;
  const queueArn = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const bucketName = `seed-archive-${suffix}`;
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucketName }));
  const tableName = `seed-transactions-${suffix}`;
  await clients.dynamodb.send(new CreateTableCommand({
    TableName: tableName,
    KeySchema: [{ AttributeName: 'transactionId', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'transactionId', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  const common = {
    SEED_ENDPOINT_SQS: endpoints.sqs,
    SEED_ENDPOINT_S3: endpoints.s3,
    SEED_ENDPOINT_DYNAMODB: endpoints.dynamodb,
    QUEUE_URL: queueUrl,
    BUCKET_NAME: bucketName,
    TABLE_NAME: tableName,
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    NODE_PATH: path.join(__dirname, '..', '..', 'node_modules'),
  };
  const fn = (name: 'ingest' | 'processor') => createLocalFunction({
    name: `seed-${name}`,
    functionName: `seed-${name}`,
    bundleFile: path.join(__dirname, `${name}.js`),
    exportName: 'handler',
    timeoutSeconds: name === 'ingest' ? 30 : 60,
    memoryMb: SEED_MEMORY_MB[name],
    maxInstances,
    environment: {
      ...lambdaReservedEnvironment({
        functionName: `seed-${name}`, memoryMb: SEED_MEMORY_MB[name], region: LOCAL_REGION, handler: 'index.handler', runtime: 'nodejs18.x', credentials: FUNCTION_CREDENTIALS,
      }),
      ...common,
    },
    logFile: path.join(logDir, `seed-${name}.log`),
  });
  const ingest = fn('ingest');
  const processor = fn('processor');
  return {
    ingest,
    processor,
    queueUrl,
    queueArn,
    bucketName,
    tableName,
    stop: async () => {
      await ingest.stop();
      await processor.stop();
    },
  };
}

/** The REST API proxy event API Gateway hands the seed's ingestion function for a POST. */
export function seedApiEvent(provider: string, headers: Readonly<Record<string, string>>, body: Buffer): APIGatewayProxyEvent {
  return {
    resource: '/webhook/{provider}',
    path: `/webhook/${provider}`,
    httpMethod: 'POST',
    headers: { ...headers },
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { provider },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'seedapi',
      protocol: 'HTTP/1.1',
      httpMethod: 'POST',
      path: `/prod/webhook/${provider}`,
      stage: 'prod',
      requestId: 'req',
      requestTimeEpoch: Date.now(),
      resourceId: 'res',
      resourcePath: '/webhook/{provider}',
      identity: { sourceIp: '203.0.113.7', userAgent: headers['User-Agent'] ?? null } as APIGatewayProxyEvent['requestContext']['identity'],
      authorizer: null,
    },
    body: body.toString('utf8'),
    isBase64Encoded: false,
  };
}
