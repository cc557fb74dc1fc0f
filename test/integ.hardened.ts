/**
 * integ-runner case: the opt-in hardening — a customer managed key for table, bucket and queues,
 * X-Ray tracing, a WAF web ACL on the stage and server access logs for the archive. Snapshot in
 * integ.hardened.ts.snapshot/; `npx projen integ:update` rewrites it offline.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { WebhookProcessor, WebhookProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorHardened');
const secret = new secretsmanager.Secret(stack, 'GitHubSecret', { removalPolicy: RemovalPolicy.DESTROY });

const managedRules = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
});
const webAcl = new wafv2.CfnWebACL(stack, 'WebAcl', {
  scope: 'REGIONAL',
  defaultAction: { allow: {} },
  visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'webhooks', sampledRequestsEnabled: true },
  rules: [
    managedRules('AWSManagedRulesCommonRuleSet', 0),
    managedRules('AWSManagedRulesKnownBadInputsRuleSet', 1),
    {
      name: 'rate-per-ip',
      priority: 2,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: 'IP' } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'rate', sampledRequestsEnabled: true },
    },
  ],
});

new WebhookProcessor(stack, 'Webhooks', {
  providers: [WebhookProvider.github({ secrets: [secret] })],
  tracing: true,
  encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY }),
  archiveAccessLogsBucket: new s3.Bucket(stack, 'AccessLogs', {
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    removalPolicy: RemovalPolicy.DESTROY,
  }),
  api: { webAclArn: webAcl.attrArn },
});

new IntegTest(app, 'HardenedTest', { testCases: [stack] });
