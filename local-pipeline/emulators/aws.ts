/**
 * AWS SDK clients for the emulators, and the fixed local account, region and dummy credentials.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from './provision';

// This process runs on whatever Node the developer has; the functions' Node version is reported
// once by the pipeline, so the SDK's own warning about it is only noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const LOCAL_REGION = 'us-east-1';
/** moto's default account. */
export const LOCAL_ACCOUNT_ID = '123456789012';

/** Credentials the functions run with; the emulators accept any. */
export const FUNCTION_CREDENTIALS = { accessKeyId: 'AKIALOCALFUNCTIONS00', secretAccessKey: 'local-function-secret-key' } as const;

/** Credentials of the local caller of IAM-authorised routes (`GET /status/{id}`); the API checks them. */
export const CALLER_CREDENTIALS = { accessKeyId: 'AKIALOCALCALLER00000', secretAccessKey: 'local-caller-secret-key' } as const;

/** Where the SDK is pointed for each service (the env var names the SDK reads, without the prefix). */
export interface ServiceEndpoints {
  readonly sqs: string;
  readonly s3: string;
  readonly dynamodb: string;
  readonly secretsManager: string;
  /** The local event bus, when there is one. */
  readonly eventBridge?: string;
}

export function clientsFor(endpoints: ServiceEndpoints): AwsClients {
  const common = { region: LOCAL_REGION, credentials: FUNCTION_CREDENTIALS, maxAttempts: 5 };
  return {
    sqs: new SQSClient({ ...common, endpoint: endpoints.sqs }),
    // The endpoint is an IP address, so the SDK addresses buckets path-style, as moto expects.
    s3: new S3Client({ ...common, endpoint: endpoints.s3 }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
    secretsManager: new SecretsManagerClient({ ...common, endpoint: endpoints.secretsManager }),
  };
}

/** The environment variables that point a function's SDK clients at the emulators. */
export function endpointEnvironment(endpoints: ServiceEndpoints): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
    ...(endpoints.eventBridge !== undefined ? { AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventBridge } : {}),
  };
}

export function destroyClients(clients: AwsClients): void {
  Object.values(clients).forEach((c: { destroy(): void }) => c.destroy());
}
