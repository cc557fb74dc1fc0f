/**
 * integ-runner case: seed 001's payment routing done right. Stripe payments are routed by amount
 * with onWebhook(): above 10 000 to a Step Functions EXPRESS fraud workflow (a fraud-check
 * Lambda and an SNS notification in parallel), 1 000 to 10 000 to an SNS topic, below 1 000 to a
 * log group; each target with its own retry policy and dead-letter queue. The patterns are
 * checked with AWS Event Ruler in test/delivery/event-ruler.test.ts. Snapshot in
 * integ.routing.ts.snapshot/; `npx projen integ:update` rewrites it offline.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { routePayments } from './payment-routing';
import { WebhookProcessor, WebhookProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorRouting');
const secret = new secretsmanager.Secret(stack, 'StripeSecret', { removalPolicy: RemovalPolicy.DESTROY });

const webhooks = new WebhookProcessor(stack, 'Webhooks', {
  providers: [WebhookProvider.stripe({ secrets: [secret] })],
});
routePayments(stack, webhooks);
// The log group target's resource policy is written by aws-cdk-lib's shared AwsCustomResource
// function, whose runtime on the minimum aws-cdk-lib (2.193) is one cfn-lint reports as
// deprecated; newer aws-cdk-lib versions pick a current one. It is the fixture's, not the construct's.
const provider = stack.node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287') as CfnResource | undefined;
(provider?.node.defaultChild as CfnResource | undefined)?.addMetadata('cfn-lint', { config: { ignore_checks: ['W1034'] } });

new IntegTest(app, 'RoutingTest', { testCases: [stack] });
