import { App, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HmacAlgorithm, SignatureEncoding, WebhookProcessor, WebhookProvider } from 'cdk-webhook-processor';

/** Webhooks from Stripe, GitHub, a Standard Webhooks sender and an in-house HMAC service. */
export class WebhooksStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The signing secrets are created outside the stack, each holding the secret exactly as the
    // provider shows it (e.g. `whsec_…`).
    const secret = (logicalId: string, name: string) => secretsmanager.Secret.fromSecretNameV2(this, logicalId, name);

    const providers = [
      // Two Stripe secrets while rolling the endpoint secret: either signature is accepted.
      WebhookProvider.stripe({
        secrets: [secret('StripeSecret', 'webhooks/stripe'), secret('StripeSecretNext', 'webhooks/stripe-next')],
      }),
      WebhookProvider.github({ secrets: [secret('GitHubSecret', 'webhooks/github')] }),
      WebhookProvider.standardWebhooks({ name: 'billing', secrets: [secret('BillingSecret', 'webhooks/billing')] }),
      WebhookProvider.hmac({
        name: 'acme',
        secrets: [secret('AcmeSecret', 'webhooks/acme')],
        signatureHeader: 'X-Acme-Signature',
        algorithm: HmacAlgorithm.SHA256,
        encoding: SignatureEncoding.HEX,
        signaturePrefix: 'sha256=',
        timestampHeader: 'X-Acme-Timestamp',
        eventIdHeader: 'X-Acme-Delivery',
        eventTypeJsonPath: 'event.type',
      }),
    ];

    const webhooks = new WebhookProcessor(this, 'Webhooks', {
      providers,
      processing: { batchSize: 25, maxBatchingWindow: Duration.seconds(10) },
      alarms: { alarmTopic: new sns.Topic(this, 'Alerts', { enforceSSL: true }) },
      lifecycle: { archiveExpiration: Duration.days(400), recordExpiration: Duration.days(90) },
    });

    for (const { name } of providers) {
      new CfnOutput(this, `${name}Url`, {
        description: `Webhook endpoint to register with ${name}`,
        value: webhooks.webhookUrl(name),
      });
    }
  }
}

const app = new App();
new WebhooksStack(app, 'WebhooksExample');
app.synth();
