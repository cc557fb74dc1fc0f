/**
 * integ-runner case: the functions in a VPC without NAT gateways, reaching S3, DynamoDB, SQS,
 * Secrets Manager and EventBridge through the endpoints the construct creates
 * (`vpcEndpoints: WebhookVpcEndpoints.create()`). Snapshot in integ.vpc-endpoints.ts.snapshot/;
 * `npx projen integ:update` rewrites it offline.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProcessor, WebhookProvider, WebhookVpcEndpoints } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorVpcEndpoints');

// Isolated subnets only: without the endpoints, no function could reach any AWS service.
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  flowLogs: { rejected: { trafficType: ec2.FlowLogTrafficType.REJECT } },
  restrictDefaultSecurityGroup: false,
});

new WebhookProcessor(stack, 'Webhooks', {
  providers: [WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'StripeSecret', { removalPolicy: RemovalPolicy.DESTROY })] })],
  vpc,
  vpcEndpoints: WebhookVpcEndpoints.create(),
  eventBus: new events.EventBus(stack, 'WebhookEvents'),
  lifecycle: { removalPolicy: RemovalPolicy.DESTROY },
});

new IntegTest(app, 'VpcEndpointsTest', { testCases: [stack] });
