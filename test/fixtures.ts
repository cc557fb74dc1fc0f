/**
 * Resources the integ cases pass to the construct, as a user would create them.
 */
import { Duration, RemovalPolicy, aws_ec2 as ec2, aws_logs as logs, aws_s3 as s3, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { HmacAlgorithm, PayloadSchema, SignatureEncoding, WebhookProcessorProps, WebhookProvider } from '../src';

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

/**
 * Every WebhookProcessor prop set, with one provider of every kind (the unverified one adds its
 * synth-time warning): the all-options integ case and the cdk-nag test both use it.
 */
export function allOptionsProps(scope: Construct): WebhookProcessorProps {
  const secret = (id: string) => new secretsmanager.Secret(scope, id, { removalPolicy: RemovalPolicy.DESTROY });
  const alarmTopic = new sns.Topic(scope, 'AlarmTopic', { enforceSSL: true });
  const webAcl = regionalWebAcl(scope);
  return {
    providers: [
      // Two secrets: a rotation in progress.
      WebhookProvider.stripe({
        secrets: [secret('StripeSecret'), secret('StripeSecretNext')],
        tolerance: Duration.minutes(3),
        schema: PayloadSchema.fromObject({ type: 'object', required: ['id', 'type', 'data'] }),
        eventSchemas: { 'payment_intent.succeeded': PayloadSchema.fromObject({ properties: { data: { required: ['object'] } } }) },
      }),
      WebhookProvider.github({ name: 'github-org', secrets: [secret('GitHubSecret')] }),
      // A secret kept outside the stack, encrypted with a customer managed key.
      WebhookProvider.shopify({
        secrets: [secretsmanager.Secret.fromSecretNameV2(scope, 'ShopifySecret', 'webhooks/shopify')],
        secretsEncryptionKey: new kms.Key(scope, 'SecretsKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY }),
      }),
      WebhookProvider.slack({ secrets: [secret('SlackSecret')], tolerance: Duration.minutes(5) }),
      WebhookProvider.standardWebhooks({ name: 'svix', secrets: [secret('SvixSecret')] }),
      WebhookProvider.hmac({
        name: 'acme',
        secrets: [secret('AcmeSecret')],
        signatureHeader: 'X-Acme-Signature',
        algorithm: HmacAlgorithm.SHA512,
        encoding: SignatureEncoding.BASE64,
        signaturePrefix: 'sha512=',
        timestampHeader: 'X-Acme-Timestamp',
        eventIdHeader: 'X-Acme-Delivery',
        eventTypeJsonPath: 'event.kind',
        tolerance: Duration.minutes(10),
      }),
      WebhookProvider.apiKey({
        name: 'legacy',
        secrets: [secret('LegacyKey')],
        header: 'X-Api-Key',
        eventIdJsonPath: 'meta.id',
        eventTypeJsonPath: 'meta.type',
      }),
      WebhookProvider.unverified('sandbox'),
    ],
    signatureTolerance: Duration.minutes(2),
    concurrency: {
      processorMaxConcurrency: 5,
      ingestReservedConcurrency: 20,
      processorReservedConcurrency: 10,
      ingestProvisionedConcurrency: 2,
      ingestProvisionedConcurrencyMax: 10,
    },
    processing: {
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(20),
      maxReceiveCount: 5,
      timeout: Duration.seconds(60),
      memorySize: 1024,
    },
    alarms: {
      enabled: true,
      alarmTopic,
      functionErrorsThreshold: 3,
      deadLetterQueue: true,
      maxMessageAge: Duration.minutes(15),
      secretsUnavailable: true,
      api5xxThreshold: 10,
    },
    lifecycle: {
      archiveTransitions: [
        { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(60) },
        { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(180) },
      ],
      archiveExpiration: Duration.days(730),
      recordExpiration: Duration.days(90),
      logRetention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    },
    api: {
      throttlingRateLimit: 200,
      throttlingBurstLimit: 400,
      accessLogging: true,
      executionLogging: true,
      cloudWatchRole: true,
      stageName: 'prod',
      webAclArn: webAcl.attrArn,
      domainName: {
        domainName: 'webhooks.example.com',
        certificate: acm.Certificate.fromCertificateArn(scope, 'Certificate', 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555'),
      },
    },
    tracing: true,
    dashboard: true,
    vpc: isolatedVpc(scope),
    encryptionKey: new kms.Key(scope, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY }),
    archiveAccessLogsBucket: accessLogsBucket(scope),
    eventBus: new events.EventBus(scope, 'WebhookEvents'),
    replay: { ratePerSecond: 100 },
  };
}
