/**
 * Resources the integ cases pass to the construct, as a user would create them.
 */
import { RemovalPolicy, aws_ec2 as ec2, aws_s3 as s3, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
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

/**
 * A VPC with isolated subnets only, reaching the services the functions call through VPC
 * endpoints (gateway endpoints for S3 and DynamoDB, interface endpoints for SQS and Secrets
 * Manager), with rejected traffic in flow logs.
 */
export function isolatedVpc(scope: Construct): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    gatewayEndpoints: {
      S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
    },
    flowLogs: { rejected: { trafficType: ec2.FlowLogTrafficType.REJECT } },
    // Would add a custom-resource function of CDK's own to the template.
    restrictDefaultSecurityGroup: false,
  });
  vpc.addInterfaceEndpoint('Sqs', { service: ec2.InterfaceVpcEndpointAwsService.SQS });
  vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
  return vpc;
}
