/**
 * The cdk-nag and checkov findings the WebhookProcessor accepts, with the reason for each,
 * carried on its own resources so that users who run either tool see only their own decisions.
 * Findings that follow from a prop the user left off name that prop.
 */
import { aws_lambda as lambda, type aws_apigateway as apigw } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { accept } from './suppressions';
import type { WebhookProcessor } from './webhook-processor';
import type { WebhookProcessorProps } from './webhook-processor-props';

export function acceptFindings(webhooks: WebhookProcessor, props: WebhookProcessorProps, receive: apigw.Method): void {
  const functions = [webhooks.ingestFunction, webhooks.processorFunction, webhooks.statusFunction];
  const stage = webhooks.api.deploymentStage;

  accept(receive, [{
    nag: 'AwsSolutions-APIG4',
    checkov: ['CKV_AWS_59'],
    reason: 'Webhook providers cannot sign requests with IAM or present Cognito tokens; every delivery is authenticated by its provider signature, which the ingest function verifies before anything is queued.',
  }]);
  for (const method of webhooks.api.methods) {
    accept(method, [{
      nag: 'AwsSolutions-COG4',
      reason: 'Neither route serves Cognito users: POST /webhook is authenticated by provider signatures and GET /status by AWS_IAM, which grantStatusRead() grants.',
    }]);
  }
  accept(webhooks.api, [{
    nag: 'AwsSolutions-APIG2',
    reason: 'API Gateway validates the path parameters only: signatures are computed over the raw bytes of any content type, so the ingest function verifies the signature before it parses the body, and answers 400 for a malformed one.',
  }]);
  accept(stage, [{
    checkov: ['CKV_AWS_120'],
    reason: 'Responses must not be cached: every POST is a distinct delivery and GET /status must reflect the latest record.',
  }]);
  accept(webhooks.deadLetterQueue, [{
    nag: 'Serverless-SQSRedrivePolicy',
    reason: 'This queue is the dead-letter queue of the webhook queue: messages end here after maxReceiveCount failed receives and are alarmed on; a further redrive would only hide them.',
  }]);

  for (const fn of functions) {
    accept(fn, [
      {
        nag: 'Serverless-LambdaDLQ',
        checkov: ['CKV_AWS_116'],
        reason: 'No function is invoked asynchronously: API Gateway invokes ingest and status synchronously, and failures of the processor go to the queue\'s own dead-letter queue.',
      },
      ...(props.vpc ? [] : [{
        checkov: ['CKV_AWS_117'],
        reason: 'The functions call only public AWS APIs (SQS, S3, DynamoDB, Secrets Manager), so a VPC is opt-in (vpc): it adds endpoint or NAT costs and no isolation.',
      }]),
      {
        checkov: ['CKV_AWS_173'],
        reason: 'The environment holds no secrets, only resource names and secret ARNs, and Lambda encrypts it at rest.',
      },
    ]);
  }
  accept(webhooks.processorFunction.node.findAll().find((c) => c instanceof lambda.CfnEventSourceMapping), [{
    nag: 'Serverless-LambdaEventSourceMappingDestination',
    reason: 'SQS event source mappings take no on-failure destination; the queue\'s redrive policy moves failed messages to the dead-letter queue after maxReceiveCount receives.',
  }]);
  const unreserved = [
    ...(props.concurrency?.ingestReservedConcurrency === undefined ? [webhooks.ingestFunction] : []),
    ...(props.concurrency?.processorReservedConcurrency === undefined ? [webhooks.processorFunction] : []),
    webhooks.statusFunction,
  ];
  for (const fn of unreserved) {
    accept(fn, [{
      checkov: ['CKV_AWS_115'],
      reason: 'Reserved concurrency is opt-in (concurrency.ingestReservedConcurrency, concurrency.processorReservedConcurrency) because it takes from the account\'s pool; the processor is bounded by the event source\'s maximum concurrency.',
    }]);
  }

  accept(defaultPolicyOf(webhooks.ingestFunction.role), [{
    nag: 'AwsSolutions-IAM5',
    reason: 'The ingest function may write objects under the oversize/ prefix of the archive bucket only (keys are per delivery), and secrets imported by name are granted with the six-character suffix Secrets Manager appends.',
    appliesTo: [
      { regex: '/^Resource::<[A-Za-z0-9]+Archive[0-9A-F]{8}\\.Arn>\\/oversize\\/\\*$/' },
      { regex: '/^Resource::arn:.*:secretsmanager:.*-\\?\\?\\?\\?\\?\\?$/' },
    ],
  }]);
  accept(defaultPolicyOf(webhooks.processorFunction.role), [{
    nag: 'AwsSolutions-IAM5',
    reason: 'The processor may write objects under raw/ and read them under oversize/ in the archive bucket only, because archive keys are generated per batch and oversized bodies per delivery.',
    appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+Archive[0-9A-F]{8}\\.Arn>\\/(raw|oversize)\\/\\*$/' }],
  }]);
  accept(defaultPolicyOf(child(webhooks, 'EventPipeRole')), [{
    nag: 'AwsSolutions-IAM5',
    reason: 'The action dynamodb:ListStreams applies to all streams of the account by definition; the actions that read records are limited to the table\'s stream.',
    appliesTo: ['Resource::*'],
  }]);
  accept(child(webhooks.api, 'CloudWatchRole'), [{
    nag: 'AwsSolutions-IAM4',
    reason: 'The account-level API Gateway CloudWatch role (api.cloudWatchRole) uses AmazonAPIGatewayPushToCloudWatchLogs, the managed policy AWS documents for it.',
    appliesTo: [{ regex: '/^Policy::arn:<AWS::Partition>:iam::aws:policy\\/service-role\\/AmazonAPIGatewayPushToCloudWatchLogs$/' }],
  }]);

  const logGroups = [...webhooks.functionLogGroups, webhooks.accessLogGroup, webhooks.executionLogGroup];
  for (const logGroup of logGroups) {
    accept(logGroup, [{
      checkov: ['CKV_AWS_158'],
      reason: 'CloudWatch Logs encrypts every log group at rest; these logs hold no webhook bodies or secrets, so a customer managed key would add cost without protecting more.',
    }]);
  }
  if (!props.encryptionKey) {
    accept(webhooks.table, [{
      checkov: ['CKV_AWS_119'],
      reason: 'The table uses the AWS managed key unless encryptionKey is set: records hold metadata only, the raw bodies being in the archive.',
    }]);
    for (const queue of [webhooks.queue, webhooks.deadLetterQueue]) {
      accept(queue, [{
        checkov: ['CKV_AWS_27'],
        reason: 'The queue is encrypted with SSE-SQS (SqsManagedSseEnabled); the check only recognises a KMS key, which encryptionKey sets.',
      }]);
    }
  }

  if (props.vpc) {
    for (const fn of functions) {
      accept(fn.role, [{
        nag: 'AwsSolutions-IAM4',
        reason: 'Lambda attaches AWSLambdaVPCAccessExecutionRole to functions in a VPC; it grants only the network interface actions Lambda needs there.',
        appliesTo: [{ regex: '/^Policy::arn:<AWS::Partition>:iam::aws:policy\\/service-role\\/AWSLambdaVPCAccessExecutionRole$/' }],
      }]);
    }
  }

  if (props.tracing) {
    for (const fn of functions) {
      accept(defaultPolicyOf(fn.role), [{
        nag: 'AwsSolutions-IAM5',
        reason: 'The X-Ray actions PutTraceSegments and PutTelemetryRecords support no resource-level permissions.',
        appliesTo: ['Resource::*'],
      }]);
    }
  }

  // ---- choices left to the user, off by default ----
  if (!props.tracing) {
    for (const fn of functions) {
      accept(fn, [{ nag: 'Serverless-LambdaTracing', reason: 'X-Ray tracing is opt-in (tracing: true) because traces are billed for every webhook.' }]);
    }
    accept(stage, [{
      nag: 'Serverless-APIGWXrayEnabled',
      checkov: ['CKV_AWS_73'],
      reason: 'X-Ray tracing is opt-in (tracing: true) because traces are billed for every webhook.',
    }]);
  }
  if (!props.api?.webAclArn) {
    accept(stage, [{
      nag: 'AwsSolutions-APIG3',
      reason: 'A WAF web ACL is opt-in (api.webAclArn): deliveries are authenticated by signatures and the stage is throttled, and a web ACL costs per request.',
    }]);
  }
  if (!props.archiveAccessLogsBucket) {
    accept(webhooks.archiveBucket, [{
      nag: 'AwsSolutions-S1',
      checkov: ['CKV_AWS_18'],
      reason: 'Server access logs are opt-in (archiveAccessLogsBucket): only the construct\'s roles write the archive, and CloudTrail data events can audit reads.',
    }]);
  }
  if (props.api?.accessLogging === false) {
    accept(stage, ['AwsSolutions-APIG1', 'Serverless-APIGWAccessLogging'].map((nag) => ({
      nag,
      reason: 'Access logging was turned off with api.accessLogging, for accounts without the API Gateway CloudWatch Logs role.',
    })));
    accept(stage, [{
      checkov: ['CKV_AWS_76'],
      reason: 'Access logging was turned off with api.accessLogging, for accounts without the API Gateway CloudWatch Logs role.',
    }]);
  }
  if (props.api?.executionLogging === false) {
    accept(stage, [{
      nag: 'AwsSolutions-APIG6',
      reason: 'Execution logging was turned off with api.executionLogging, for accounts without the API Gateway CloudWatch Logs role.',
    }]);
  }
}

function child(scope: IConstruct, id: string): IConstruct | undefined {
  return scope.node.tryFindChild(id);
}

/** Where a role's grants land, and so where cdk-nag reports on them. */
function defaultPolicyOf(role: IConstruct | undefined): IConstruct | undefined {
  return role === undefined ? undefined : child(role, 'DefaultPolicy');
}
