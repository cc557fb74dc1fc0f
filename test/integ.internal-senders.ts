/**
 * integ-runner case: senders you operate or issue credentials to (`internalSenders`): a provider
 * whose route requires an API key metered by a usage plan, an IAM-signed sender whose deliveries
 * API Gateway queues itself, and a provider behind the user's own token authorizer. Snapshot in
 * integ.internal-senders.ts.snapshot/.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack, aws_apigateway as apigw, aws_iam as iam, aws_lambda as lambda } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProcessor, WebhookProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookSenders');
const secret = (id: string) => new secretsmanager.Secret(stack, id, { removalPolicy: RemovalPolicy.DESTROY });

// The user's token authorizer (seed 003): here one that allows a fixed token, for the test only.
const authorizerFunction = new lambda.Function(stack, 'AuthorizerFunction', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline([
    'exports.handler = async (event) => ({',
    "  principalId: 'partner',",
    "  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: event.authorizationToken === 'Bearer integ-token' ? 'Allow' : 'Deny', Resource: event.methodArn }] },",
    '});',
  ].join('\n')),
});

const webhooks = new WebhookProcessor(stack, 'Webhooks', {
  providers: [
    WebhookProvider.stripe({ secrets: [secret('StripeSecret')] }),
    WebhookProvider.github({ secrets: [secret('GitHubSecret')] }),
  ],
  lifecycle: { removalPolicy: RemovalPolicy.DESTROY },
  internalSenders: {
    apiKeys: {
      senders: ['github', 'billing'],
      throttle: { rateLimit: 50, burstLimit: 100 },
      quota: { limit: 100000, period: apigw.Period.DAY },
      keyNames: ['partner-a'],
    },
    iamSenders: [{ name: 'billing' }],
    authorizers: [{ provider: 'stripe', authorizer: new apigw.TokenAuthorizer(stack, 'Authorizer', { handler: authorizerFunction }) }],
  },
});

// A service of yours that may send as 'billing'.
const billingService = new iam.Role(stack, 'BillingService', { assumedBy: new iam.AccountRootPrincipal() });
webhooks.grantSend(billingService, 'billing');

new IntegTest(app, 'InternalSendersTest', { testCases: [stack] });
