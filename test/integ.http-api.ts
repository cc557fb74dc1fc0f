/**
 * integ-runner case: the WebhookProcessor behind an HTTP API (payload format 2.0, IAM authorizer
 * on the status and listing routes, stage throttling), with a provider that sends a GET handshake
 * so that GET /webhook/{provider} exists. Snapshot in integ.http-api.ts.snapshot/.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookFrontDoor, WebhookProcessor, WebhookProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorHttpApi');
const secret = (id: string) => new secretsmanager.Secret(stack, id, { removalPolicy: RemovalPolicy.DESTROY });

new WebhookProcessor(stack, 'Webhooks', {
  frontDoor: WebhookFrontDoor.HTTP_API,
  providers: [
    WebhookProvider.stripe({ secrets: [secret('StripeSecret')] }),
    WebhookProvider.dropbox({ secrets: [secret('DropboxSecret')] }),
  ],
  api: { throttlingRateLimit: 500, throttlingBurstLimit: 1000 },
  dashboard: true,
});

new IntegTest(app, 'HttpApiTest', { testCases: [stack] });
