/**
 * integ-runner case: every WebhookProcessor prop set, with one provider of every kind (the
 * unverified one adds its synth-time warning). Snapshot in integ.all-options.ts.snapshot/;
 * `npx projen integ:update` rewrites it offline.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, aws_logs as logs, aws_s3 as s3 } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { accessLogsBucket, isolatedVpc, regionalWebAcl } from './fixtures';
import { HmacAlgorithm, SignatureEncoding, WebhookProcessor, WebhookProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorAllOptions');
const secret = (id: string) => new secretsmanager.Secret(stack, id, { removalPolicy: RemovalPolicy.DESTROY });
const alarmTopic = new sns.Topic(stack, 'AlarmTopic');
const webAcl = regionalWebAcl(stack);

new WebhookProcessor(stack, 'Webhooks', {
  providers: [
    // Two secrets: a rotation in progress.
    WebhookProvider.stripe({ secrets: [secret('StripeSecret'), secret('StripeSecretNext')], tolerance: Duration.minutes(3) }),
    WebhookProvider.github({ name: 'github-org', secrets: [secret('GitHubSecret')] }),
    WebhookProvider.shopify({ secrets: [secret('ShopifySecret')] }),
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
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555'),
    },
  },
  tracing: true,
  dashboard: true,
  vpc: isolatedVpc(stack),
  encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY }),
  archiveAccessLogsBucket: accessLogsBucket(stack),
  eventBus: new events.EventBus(stack, 'WebhookEvents'),
});

new IntegTest(app, 'AllOptionsTest', { testCases: [stack] });
