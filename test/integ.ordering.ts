/**
 * integ-runner case: ordering — deliveries on FIFO queues (queue, dead-letter queue and
 * archive-failure queue, in high throughput mode), grouped per Stripe customer and per Shopify
 * order, processed in order within each group. Snapshot in integ.ordering.ts.snapshot/;
 * `npx projen integ:update` rewrites it offline.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { OrderingKey, WebhookProcessor, WebhookProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorOrdering');
const secret = (id: string) => new secretsmanager.Secret(stack, id, { removalPolicy: RemovalPolicy.DESTROY });

new WebhookProcessor(stack, 'Webhooks', {
  providers: [
    WebhookProvider.stripe({ secrets: [secret('StripeSecret')] }),
    WebhookProvider.shopify({ secrets: [secret('ShopifySecret')] }),
  ],
  ordering: {
    keys: {
      // The customer an event is about: `data.object.customer`, or the customer itself in `customer.*` events.
      stripe: OrderingKey.firstOf(OrderingKey.fromJsonPath('$.data.object.customer'), OrderingKey.fromJsonPath('$.data.object.id')),
      shopify: OrderingKey.fromHeader('X-Shopify-Order-Id'),
    },
  },
  lifecycle: { removalPolicy: RemovalPolicy.DESTROY },
});

new IntegTest(app, 'OrderingTest', { testCases: [stack] });
