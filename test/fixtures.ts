/**
 * Resources the integ cases pass to the construct, as a user would create them.
 */
import { RemovalPolicy, aws_s3 as s3, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

function managedRules(name: string, priority: number): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
  };
}

/** A regional web ACL: the AWS managed common and known-bad-inputs rule sets and a rate limit per source IP. */
export function regionalWebAcl(scope: Construct): wafv2.CfnWebACL {
  return new wafv2.CfnWebACL(scope, 'WebAcl', {
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
}

/** A bucket for S3 server access logs. */
export function accessLogsBucket(scope: Construct): s3.Bucket {
  return new s3.Bucket(scope, 'AccessLogs', {
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}
