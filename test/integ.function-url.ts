/**
 * integ-runner case: the WebhookProcessor behind Lambda function URLs (the ingest URL public, the
 * status and listing URLs with AWS_IAM), throttled by the ingest function's reserved concurrency.
 * Snapshot in integ.function-url.ts.snapshot/.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookFrontDoor, WebhookProcessor, WebhookProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorFunctionUrl');
const secret = (id: string) => new secretsmanager.Secret(stack, id, { removalPolicy: RemovalPolicy.DESTROY });

new WebhookProcessor(stack, 'Webhooks', {
  frontDoor: WebhookFrontDoor.FUNCTION_URL,
  providers: [
    WebhookProvider.stripe({ secrets: [secret('StripeSecret')] }),
    WebhookProvider.github({ secrets: [secret('GitHubSecret')] }),
  ],
  concurrency: { ingestReservedConcurrency: 50 },
  dashboard: true,
});

new IntegTest(app, 'FunctionUrlTest', { testCases: [stack] });
