/**
 * The ingest and processor handlers with their AWS clients mocked, as the handler tests load
 * them: the environment the construct gives each function, set before the handler module (which
 * reads it at load) is required. Jest gives each test file its own module registry, so each file
 * gets fresh handlers and mocks.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { encodeProviders } from '../../src/providers/provider-encoding';

/** The Stripe test secret of the ingest's providers. */
export const INGEST_SECRET = 'whsec_test_secret';

/** The ingest's providers: Stripe (verified, id and type from the body) and an unverified one. */
export const INGEST_PROVIDERS: ProviderRuntimeConfig[] = [
  { name: 'stripe', scheme: 'stripe', secretArns: ['arn:stripe'], toleranceSeconds: 300, eventId: { jsonPath: 'id' }, eventType: { jsonPath: 'type' } },
  { name: 'open', scheme: 'unverified', secretArns: [], toleranceSeconds: 300 },
];

const POWERTOOLS_ENV = { POWERTOOLS_METRICS_NAMESPACE: 'Test', POWERTOOLS_LOG_LEVEL: 'SILENT' };

/** The ingest handler with SQS, S3 and Secrets Manager mocked; `environment` adds to or overrides its variables. */
export function ingestUnderTest(environment: Record<string, string> = {}) {
  Object.assign(process.env, {
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/queue',
    ARCHIVE_BUCKET: 'archive',
    OVERSIZE_PREFIX: 'oversize/',
    WEBHOOK_PROVIDERS: JSON.stringify(encodeProviders(INGEST_PROVIDERS, 300)),
    POWERTOOLS_DEV: 'false',
    ...POWERTOOLS_ENV,
    ...environment,
  });
  const sqs = mockClient(SQSClient);
  const s3 = mockClient(S3Client);
  const secrets = mockClient(SecretsManagerClient);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require('../../src/lambdas/ingest/ingest.lambda') as typeof import('../../src/lambdas/ingest/ingest.lambda');
  return { handler, sqs, s3, secrets };
}

/** The processor handler with S3 and DynamoDB mocked; `environment` adds to or overrides its variables. */
export function processorUnderTest(environment: Record<string, string> = {}) {
  Object.assign(process.env, { TABLE_NAME: 'webhooks', ARCHIVE_BUCKET: 'archive', ARCHIVE_PREFIX: 'raw/', ...POWERTOOLS_ENV, ...environment });
  const s3 = mockClient(S3Client);
  const dynamo = mockClient(DynamoDBDocumentClient);
  mockClient(DynamoDBClient);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require('../../src/lambdas/processor/processor.lambda') as typeof import('../../src/lambdas/processor/processor.lambda');
  return { handler, s3, dynamo };
}
