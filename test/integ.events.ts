/**
 * integ-runner case: consumer events — a publisher on the table's stream puts a `Webhook Received`
 * event on the user's bus for each newly recorded webhook. Snapshot in integ.events.ts.snapshot/;
 * `npx projen integ:update` rewrites it offline.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProcessor, WebhookProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorEvents');
const secret = new secretsmanager.Secret(stack, 'StripeSecret', { removalPolicy: RemovalPolicy.DESTROY });

new WebhookProcessor(stack, 'Webhooks', {
  providers: [WebhookProvider.stripe({ secrets: [secret] })],
  eventBus: new events.EventBus(stack, 'WebhookEvents'),
});

new IntegTest(app, 'EventsTest', { testCases: [stack] });
