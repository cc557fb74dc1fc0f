/**
 * integ-runner case: the managed web ACL (api.webAcl) — body size 413, a provider allow-list of
 * Stripe's published webhook addresses, a rate limit per IP, and the AWS managed rule sets with
 * the rules that would block legitimate webhooks counted. Snapshot in integ.waf.ts.snapshot/;
 * `npx projen integ:update` rewrites it offline.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProcessor, WebhookProvider, WebhookWebAcl } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorWaf');
const secret = (id: string) => new secretsmanager.Secret(stack, id, { removalPolicy: RemovalPolicy.DESTROY });

new WebhookProcessor(stack, 'Webhooks', {
  providers: [
    WebhookProvider.stripe({ secrets: [secret('StripeSecret')] }),
    WebhookProvider.github({ secrets: [secret('GitHubSecret')] }),
  ],
  api: {
    webAcl: WebhookWebAcl.managed({
      rateLimit: 2000,
      rateLimitWindow: Duration.minutes(2),
      // A few of the addresses in https://stripe.com/files/ips/ips_webhooks.txt; a real stack
      // lists them all and refreshes them (see the README's "Managed WAF").
      providerIpRanges: [{ provider: 'stripe', ipv4: ['3.18.12.63/32', '3.130.192.231/32', '13.235.14.237/32'] }],
    }),
  },
  lifecycle: { removalPolicy: RemovalPolicy.DESTROY },
});

new IntegTest(app, 'WafTest', { testCases: [stack] });
