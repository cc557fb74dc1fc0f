/**
 * The CDK app the local pipeline is built from: one stack with a WebhookProcessor and a provider
 * of every signature scheme, each with Secrets Manager secrets. Synthesized, never deployed: the
 * emulated resources, the functions' environment and the code are all read from its template.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  HmacAlgorithm, OrderingKey, PayloadSchema, SignatureEncoding, WebhookProcessor, WebhookProvider,
  type WebhookOrderingOptions, type WebhookProcessorProps,
} from '../../src';
import { defaultRuntime } from '../../src/core/function-base';
import { LOCAL_PUBLIC_KEYS, LOCAL_PUBLIC_URL, localDiscordKey } from '../signing';

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
  // ---- providers with handshakes ----
  MetaAppSecret: 'local-meta-app-secret-1d9f',
  MetaVerifyToken: 'local-meta-verify-token-77',
  TwitterConsumerSecret: 'local-twitter-consumer-secret-a3c2',
  DropboxAppSecret: 'local-dropbox-app-secret-5e11',
  GraphClientState: 'local-graph-client-state-0b7d',
  // Until Asana's handshake establishes the webhook's secret (WebhookProvider.asana()).
  AsanaSecret: 'pending',
  OktaAuthorization: 'local-okta-authorization-9c4a',
  ZoomSecret: 'local-zoom-secret-token-2f60',
  // The scheme-family providers (LOCAL_SCHEME_FAMILIES).
  PostmarkCredentials: 'hooks:local-postmark-pa55',
  TwilioAuthToken: 'local-twilio-auth-token-2b9c',
  MailgunSigningKey: 'local-mailgun-signing-key-8d1e',
  TwitchSecret: 'local-twitch-eventsub-secret-0a4f',
  AdyenHmacKey: '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056',
  DocusignConnectKey: 'local-docusign-connect-key-77c2',
};

/**
 * The extra providers of the local app with `everySchemeFamily`, one per family of the signature
 * engine not already covered by the default providers (Stripe, GitHub, Shopify, Slack, Standard
 * Webhooks, a configurable HMAC, an API key), by route name: what each exercises.
 */
export const LOCAL_SCHEME_FAMILIES: Readonly<Record<string, string>> = {
  // Discord with handshakes is `discord` (test/local/handshakes.test.ts); this one is signed by the sample signer's key.
  'discord-events': 'Ed25519 public key (hex), timestamp + body',
  'sendgrid': 'ECDSA P-256 public key, timestamp + body',
  'postmark': 'HTTP basic auth',
  'twilio': 'URL + sorted form parameters (publicUrl)',
  'mailgun': 'signature carried in the body',
  // Twitch with its handshake is `twitch` (test/local/handshakes.test.ts); this one receives the signed samples.
  'twitch-events': 'template with a header and an RFC 3339 timestamp',
  'adyen-platform': 'hex-encoded HMAC key',
  'docusign': 'numbered signature headers',
};

/**
 * The local app's providers with handshakes (test/local/handshakes.test.ts): left out of the
 * pipeline's `providers`, for which signing.ts signs samples of any body.
 */
export const LOCAL_HANDSHAKE_PROVIDERS: readonly string[] = ['meta', 'twitter', 'dropbox', 'microsoft-graph', 'asana', 'okta', 'zoom', 'discord', 'twitch'];

// The local Discord application's key (its public key is configured inline), kept with the signer, which signs its deliveries.
export { LOCAL_DISCORD_SEED, localDiscordKey } from '../signing';

/** Where the local app's Lambda rule targets live: `targets/<name>/index.js`, plain JavaScript. */
export const LOCAL_TARGETS_DIR = path.join(__dirname, '..', 'targets');

/**
 * The routes (`onWebhook()`) of the local app, by construct id, with the samples they are meant
 * for. The bus stand-in matches their synthesized patterns with Event Ruler; the tests also keep
 * hand-written expectations of a few.
 */
export const LOCAL_ROUTES = {
  /** Stripe payments of at least 1 000 → an SQS queue. */
  Payments: 'Payments',
  /** GitHub pushes → a Lambda function (the recorder in targets/). */
  GithubPushes: 'GithubPushes',
  /** Shopify orders → an SNS topic (recorded by the bus, not executed). */
  ShopifyOrders: 'ShopifyOrders',
  /** Stripe refunds → an SQS queue; no sample is a refund. */
  Refunds: 'Refunds',
  /** Every webhook → a catch-all SQS queue. */
  Everything: 'Everything',
} as const;
/** The payload schema of the `partner` provider's `payout.created` events (payload validation). */
export const LOCAL_PAYOUT_SCHEMA = {
  type: 'object',
  required: ['id', 'event', 'amount'],
  properties: { amount: { type: 'integer', minimum: 1 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
};

/**
 * The local app's FIFO variant (`startPipeline({ props: { ordering: LOCAL_ORDERING } })`, see
 * test/local/ordering.test.ts): Stripe deliveries in order per customer, Shopify ones per order.
 */
export const LOCAL_ORDERING: WebhookOrderingOptions = {
  keys: {
    stripe: OrderingKey.fromJsonPath('$.data.object.customer'),
    shopify: OrderingKey.fromHeader('X-Shopify-Order-Id'),
  },
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

/** Which providers the local app has, beyond the default ones. */
export interface LocalAppOptions {
  /** Add a provider of each remaining scheme family (LOCAL_SCHEME_FAMILIES). @default false */
  readonly everySchemeFamily?: boolean;
  /** Add the local routes (LOCAL_ROUTES), and with them the event bus and the publisher. @default true */
  readonly routes?: boolean;
}

/** Builds the stack; `props` override the construct's defaults (e.g. a short processing timeout). */
export function buildLocalStack(app: App, props: LocalProcessorProps = {}, options: LocalAppOptions = {}): Stack {
  const stack = new Stack(app, STACK_NAME);
  const secret = (id: string) => new secretsmanager.Secret(stack, id, { description: `Local test secret ${id}` });
  const webhooks = new WebhookProcessor(stack, 'Webhooks', {
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
      // Both sets do not fit one ingest function's 4 KB environment (validation.ts says so at synth):
      // the providers with handshakes (test/local/handshakes.test.ts; through every front door,
      // test/local/front-doors.test.ts), or, with `everySchemeFamily`, one provider of each remaining
      // scheme family (through every front door, test/local/front-door-families.test.ts).
      ...(options.everySchemeFamily === true ? schemeFamilyProviders(secret) : handshakeProviders(secret)),
    ],
  });
  if (options.routes ?? true) addLocalRoutes(stack, webhooks);
  return stack;
}

/** The providers with handshakes, one per kind (test/local/handshakes.test.ts, LOCAL_HANDSHAKE_PROVIDERS). */
function handshakeProviders(secret: (id: string) => secretsmanager.ISecret): WebhookProvider[] {
  return [
    WebhookProvider.meta({ secrets: [secret('MetaAppSecret')], verifyToken: secret('MetaVerifyToken') }),
    WebhookProvider.twitter({ secrets: [secret('TwitterConsumerSecret')] }),
    WebhookProvider.dropbox({ secrets: [secret('DropboxAppSecret')] }),
    WebhookProvider.microsoftGraph({ secrets: [secret('GraphClientState')] }),
    WebhookProvider.asana({ secrets: [secret('AsanaSecret')] }),
    WebhookProvider.okta({ secrets: [secret('OktaAuthorization')] }),
    WebhookProvider.zoom({ secrets: [secret('ZoomSecret')] }),
    WebhookProvider.discord({ publicKey: localDiscordKey().publicKeyHex }),
    WebhookProvider.twitch({ secrets: [secret('TwitchSecret')] }),
  ];
}

/**
 * One provider of each remaining scheme family. The public-key ones are configured with the
 * signer's fixed test keys; the URL-signing one with a fixed public URL, which the ingest function
 * uses as the signed URL whatever address the local API listens on (as behind a custom domain).
 */
function schemeFamilyProviders(secret: (id: string) => secretsmanager.ISecret): WebhookProvider[] {
  return [
    WebhookProvider.discord({ publicKey: LOCAL_PUBLIC_KEYS.ed25519Hex, name: 'discord-events' }),
    WebhookProvider.sendgrid({ publicKey: LOCAL_PUBLIC_KEYS.ecdsaP256 }),
    WebhookProvider.postmark({ secrets: [secret('PostmarkCredentials')] }),
    WebhookProvider.twilio({ secrets: [secret('TwilioAuthToken')], publicUrl: `${LOCAL_PUBLIC_URL}/twilio` }),
    WebhookProvider.mailgun({ secrets: [secret('MailgunSigningKey')] }),
    WebhookProvider.twitch({ secrets: [secret('TwitchSecret')], name: 'twitch-events' }),
    WebhookProvider.adyenPlatform({ secrets: [secret('AdyenHmacKey')] }),
    WebhookProvider.docusign({ secrets: [secret('DocusignConnectKey')] }),
  ];
}

/** Routes to every kind of local target: SQS queues, a Lambda function, and an SNS topic that is only recorded. */
function addLocalRoutes(stack: Stack, webhooks: WebhookProcessor): void {
  const queue = (id: string) => new sqs.Queue(stack, id, { enforceSSL: true });
  const deadLetters = queue('RouteDeadLetters');
  // Short retry bounds, so a target that keeps failing reaches its dead-letter queue within a test.
  const delivery = { deadLetterQueue: deadLetters, retryAttempts: 3, maxEventAge: Duration.minutes(5) };
  const recorder = new lambda.Function(stack, 'Recorder', {
    runtime: defaultRuntime(),
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(LOCAL_TARGETS_DIR, 'recorder')),
    timeout: Duration.seconds(5),
  });
  webhooks.onWebhook(LOCAL_ROUTES.Payments, {
    providers: ['stripe'],
    eventTypes: ['payment_intent.succeeded'],
    payload: { data: { object: { amount: [{ numeric: ['>=', 1000] }] } } },
    targets: [new targets.SqsQueue(queue('PaymentsQueue'), delivery)],
  });
  webhooks.onWebhook(LOCAL_ROUTES.GithubPushes, {
    providers: ['github'], eventTypes: ['push'], targets: [new targets.LambdaFunction(recorder, delivery)],
  });
  webhooks.onWebhook(LOCAL_ROUTES.ShopifyOrders, {
    providers: ['shopify'], eventTypes: ['orders/create'], targets: [new targets.SnsTopic(new sns.Topic(stack, 'OrderAlerts'), delivery)],
  });
  webhooks.onWebhook(LOCAL_ROUTES.Refunds, {
    providers: ['stripe'], eventTypes: ['charge.refunded'], targets: [new targets.SqsQueue(queue('RefundsQueue'), delivery)],
  });
  webhooks.onWebhook(LOCAL_ROUTES.Everything, { targets: [new targets.SqsQueue(queue('AllWebhooksQueue'), delivery)] });
}

/** Synthesizes the app into `outdir` and reads back the template and the asset manifest. */
export function synthesizeLocalApp(outdir: string, props: LocalProcessorProps = {}, options: LocalAppOptions = {}): SynthesizedApp {
  const app = new App({ outdir });
  const stack = buildLocalStack(app, props, options);
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const assetManifestFile = fs.readdirSync(outdir).find((f) => f === `${stack.artifactId}.assets.json`);
  const assetManifest: AssetManifest = assetManifestFile
    ? JSON.parse(fs.readFileSync(path.join(outdir, assetManifestFile), 'utf8'))
    : {};
  return { template: artifact.template as CfnTemplate, outdir, assetManifest };
}
