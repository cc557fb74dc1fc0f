/**
 * integ-runner case: retention and removal — record TTL, archive expiration after custom
 * transitions, a shorter log retention and `RemovalPolicy.DESTROY` on every stateful resource.
 * Snapshot in integ.lifecycle.ts.snapshot/; `npx projen integ:update` rewrites it offline.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, aws_logs as logs, aws_s3 as s3 } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProcessor, WebhookProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorLifecycle');
const secret = new secretsmanager.Secret(stack, 'GitHubSecret', { removalPolicy: RemovalPolicy.DESTROY });

new WebhookProcessor(stack, 'Webhooks', {
  providers: [WebhookProvider.github({ secrets: [secret] })],
  lifecycle: {
    archiveTransitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(30) }],
    archiveExpiration: Duration.days(365),
    recordExpiration: Duration.days(30),
    logRetention: logs.RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
  },
});

new IntegTest(app, 'LifecycleTest', { testCases: [stack] });
