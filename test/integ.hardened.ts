/**
 * integ-runner case: the opt-in hardening — a customer managed key for table, bucket and queues,
 * X-Ray tracing, a WAF web ACL on the stage and server access logs for the archive. Snapshot in
 * integ.hardened.ts.snapshot/; `npx projen integ:update` rewrites it offline.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { accessLogsBucket, regionalWebAcl } from './fixtures';
import { WebhookProcessor, WebhookProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorHardened');
const secret = new secretsmanager.Secret(stack, 'GitHubSecret', { removalPolicy: RemovalPolicy.DESTROY });

const webAcl = regionalWebAcl(stack);

new WebhookProcessor(stack, 'Webhooks', {
  providers: [WebhookProvider.github({ secrets: [secret] })],
  tracing: true,
  encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY }),
  archiveAccessLogsBucket: accessLogsBucket(stack),
  api: { webAclArn: webAcl.attrArn },
});

new IntegTest(app, 'HardenedTest', { testCases: [stack] });
