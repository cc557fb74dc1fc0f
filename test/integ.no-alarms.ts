/**
 * integ-runner case: the smallest template — alarms disabled and API access logging off, so
 * neither alarms nor an access log group are created. Snapshot in integ.no-alarms.ts.snapshot/;
 * `npx projen integ:update` rewrites it offline.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProcessor, WebhookProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorNoAlarms');
const secret = new secretsmanager.Secret(stack, 'SigningSecret', { removalPolicy: RemovalPolicy.DESTROY });

new WebhookProcessor(stack, 'Webhooks', {
  providers: [WebhookProvider.standardWebhooks({ secrets: [secret] })],
  alarms: { enabled: false },
  api: { accessLogging: false },
});

new IntegTest(app, 'NoAlarmsTest', { testCases: [stack] });
