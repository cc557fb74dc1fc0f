/**
 * The CDK app the local pipeline is built from: one stack with a WebhookProcessor and a provider
 * of every signature scheme, each with Secrets Manager secrets. Synthesized, never deployed: the
 * emulated resources, the functions' environment and the code are all read from its template.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  HmacAlgorithm, PayloadSchema, SignatureEncoding, WebhookProcessor, WebhookProvider,
  type WebhookProcessorProps,
} from '../../src';

export const STACK_NAME = 'LocalWebhooks';

/**
 * The value the emulated Secrets Manager holds for each secret of the app, by the construct id of
 * the secret (the prefix of its logical id). Test values only.
 */
export const LOCAL_SECRET_VALUES: Readonly<Record<string, string>> = {
  StripeSecret: 'whsec_local_stripe_current_0123456789abcdef',
  // A second live secret, as during a rotation: deliveries signed with either are accepted.
  StripePreviousSecret: 'whsec_local_stripe_previous_fedcba9876543210',
  GithubSecret: 'local-github-secret-6c1f0e2b',
  ShopifySecret: 'local-shopify-secret-98a7c3d1',
  SlackSecret: 'local-slack-signing-secret-4e2d91aa',
  StandardWebhooksSecret: `whsec_${Buffer.from('local standard webhooks key 0123456789').toString('base64')}`,
  AcmeSecret: 'local-acme-hmac-secret-71b0',
  PartnerApiKey: 'local-partner-api-key-5f3e8c',
};

/** The payload schema of the `partner` provider's `payout.created` events (payload validation). */
export const LOCAL_PAYOUT_SCHEMA = {
  type: 'object',
  required: ['id', 'event', 'amount'],
  properties: { amount: { type: 'integer', minimum: 1 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
};

/** WebhookProcessor props a caller may set (everything but the providers, which are fixed here). */
export type LocalProcessorProps = Omit<WebhookProcessorProps, 'providers'>;

export interface SynthesizedApp {
  /** The stack's CloudFormation template. */
  readonly template: CfnTemplate;
  /** The cloud assembly directory. */
  readonly outdir: string;
  /** The stack's asset manifest (what a deployment would upload). */
  readonly assetManifest: AssetManifest;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

export interface AssetManifest {
  readonly files?: Record<string, {
    readonly source: { readonly path: string; readonly packaging?: string };
    readonly destinations: Record<string, { readonly objectKey: string }>;
  }>;
}

/** Builds the stack; `props` override the construct's defaults (e.g. a short processing timeout). */
export function buildLocalStack(app: App, props: LocalProcessorProps = {}): Stack {
  const stack = new Stack(app, STACK_NAME);
  const secret = (id: string) => new secretsmanager.Secret(stack, id, { description: `Local test secret ${id}` });
  new WebhookProcessor(stack, 'Webhooks', {
    ...props,
    providers: [
      WebhookProvider.stripe({ secrets: [secret('StripeSecret'), secret('StripePreviousSecret')] }),
      WebhookProvider.github({ secrets: [secret('GithubSecret')] }),
      WebhookProvider.shopify({ secrets: [secret('ShopifySecret')] }),
      WebhookProvider.slack({ secrets: [secret('SlackSecret')] }),
      WebhookProvider.standardWebhooks({ secrets: [secret('StandardWebhooksSecret')] }),
      WebhookProvider.hmac({
        name: 'acme',
        secrets: [secret('AcmeSecret')],
        signatureHeader: 'X-Acme-Signature',
        algorithm: HmacAlgorithm.SHA512,
        encoding: SignatureEncoding.BASE64,
        signaturePrefix: 'v1=',
        timestampHeader: 'X-Acme-Timestamp',
        eventIdHeader: 'X-Acme-Delivery',
        eventTypeJsonPath: 'type',
      }),
      WebhookProvider.apiKey({
        name: 'partner',
        secrets: [secret('PartnerApiKey')],
        header: 'X-Partner-Key',
        eventIdJsonPath: 'id',
        eventTypeJsonPath: 'event',
        eventSchemas: { 'payout.created': PayloadSchema.fromObject(LOCAL_PAYOUT_SCHEMA) },
      }),
    ],
  });
  return stack;
}

/** Synthesizes the app into `outdir` and reads back the template and the asset manifest. */
export function synthesizeLocalApp(outdir: string, props: LocalProcessorProps = {}): SynthesizedApp {
  const app = new App({ outdir });
  const stack = buildLocalStack(app, props);
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const assetManifestFile = fs.readdirSync(outdir).find((f) => f === `${stack.artifactId}.assets.json`);
  const assetManifest: AssetManifest = assetManifestFile
    ? JSON.parse(fs.readFileSync(path.join(outdir, assetManifestFile), 'utf8'))
    : {};
  return { template: artifact.template as CfnTemplate, outdir, assetManifest };
}
