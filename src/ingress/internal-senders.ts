/**
 * Senders you operate or issue credentials to (seeds 002 and 003), on the REST API front door:
 * API keys metered by a usage plan, senders that sign with AWS IAM (SigV4) whose requests API
 * Gateway queues itself (no function in the path), and your own authorizer on a provider's route.
 * Each is a resource of its own under `/webhook/`, which API Gateway prefers to `/webhook/{provider}`,
 * so a provider without any of these options keeps the shared route, and the template with none
 * of them is unchanged.
 */
import {
  Aws, Token,
  aws_apigateway as apigw,
  aws_iam as iam,
  type aws_lambda as lambda,
  type aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IamSenderOptions, InternalSendersOptions } from './internal-senders-options';
import { queuedResponseTemplate, sqsMessageTemplate } from './sqs-message-template';
import { accept, acceptPolicyFindings } from '../core/findings';

/** Default header of an IAM-signed sender's delivery id. */
export const DEFAULT_DELIVERY_ID_HEADER = 'x-webhook-id';
/** Default header of an IAM-signed sender's event type. */
export const DEFAULT_EVENT_TYPE_HEADER = 'x-webhook-type';
/** Content types an IAM-signed sender's route accepts by default (API Gateway answers 415 to others). */
export const DEFAULT_SENDER_CONTENT_TYPES = ['application/json', 'application/octet-stream', 'text/plain'];

/**
 * The largest body an IAM-signed sender should send (180 KiB). The queue message carries the body
 * base64-encoded (4/3 of its size) and the headers (API Gateway admits 10 KB of them, 4/3 again
 * once encoded), and SQS refuses a message over the queue's MaximumMessageSize, "Default: 262,144
 * (256 KiB)" in the CreateQueue reference
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html;
 * queues where SQS's 2025 increase to 1 MiB applies take more). This route has no claim check: the
 * ingest function's, for bodies up to 4 MiB, needs code in the path.
 */
export const MAX_DIRECT_BODY_BYTES = 180 * 1024;

/** The internal-sender features a configuration uses, by prop name (for front doors that lack them). */
export function internalSenderFeatures(options: InternalSendersOptions | undefined): string[] {
  if (options === undefined) return [];
  return [
    ...(options.apiKeys ? ['internalSenders.apiKeys'] : []),
    ...((options.iamSenders ?? []).length > 0 ? ['internalSenders.iamSenders'] : []),
    ...((options.authorizers ?? []).length > 0 ? ['internalSenders.authorizers'] : []),
  ];
}

/** Route names, as provider names (src/runtime/ids.ts's PROVIDER_NAME_PATTERN, which library code cannot import). */
const ROUTE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** Problems with `internalSenders`, each naming the prop and the fix. */
export function internalSendersProblems(options: InternalSendersOptions | undefined, providerNames: readonly string[]): string[] {
  if (options === undefined) return [];
  const errors: string[] = [];
  const senders = options.iamSenders ?? [];
  const senderNames = senders.map((s) => s.name);
  for (const sender of senders) {
    if (!ROUTE_NAME.test(sender.name)) {
      errors.push(`'internalSenders.iamSenders' name '${sender.name}' must be 1-32 lower-case letters, digits and hyphens, starting and ending with a letter or digit.`);
    }
    if (providerNames.includes(sender.name)) {
      errors.push(`'internalSenders.iamSenders' name '${sender.name}' is also a provider's name; give the IAM sender a distinct 'name'.`);
    }
    for (const [prop, header] of [['deliveryIdHeader', sender.deliveryIdHeader], ['eventTypeHeader', sender.eventTypeHeader]] as const) {
      if (header !== undefined && !HEADER_NAME.test(header)) {
        errors.push(`'internalSenders.iamSenders' '${sender.name}': '${prop}' must be a lower-case HTTP header name; '${header}' is not.`);
      }
    }
    if (sender.contentTypes !== undefined && sender.contentTypes.length === 0) {
      errors.push(`'internalSenders.iamSenders' '${sender.name}': 'contentTypes' must list at least one content type, or be left out for the defaults.`);
    }
  }
  const duplicates = [...new Set(senderNames.filter((n, i) => senderNames.indexOf(n) !== i))];
  if (duplicates.length > 0) {
    errors.push(`'internalSenders.iamSenders' has more than one sender named ${duplicates.map((d) => `'${d}'`).join(', ')}; give each a distinct 'name'.`);
  }
  const apiKeys = options.apiKeys;
  if (apiKeys !== undefined) {
    if (apiKeys.senders.length === 0) {
      errors.push("'internalSenders.apiKeys.senders' must name at least one provider or IAM sender whose route requires an API key.");
    }
    for (const name of apiKeys.senders.filter((n) => !providerNames.includes(n) && !senderNames.includes(n))) {
      errors.push(`'internalSenders.apiKeys.senders' names '${name}', which is neither a provider nor an IAM sender; use one of: ${[...providerNames, ...senderNames].join(', ')}.`);
    }
    const limit = apiKeys.quota?.limit;
    if (limit !== undefined && !Token.isUnresolved(limit) && !(Number.isInteger(limit) && limit > 0)) {
      errors.push("'internalSenders.apiKeys.quota.limit' must be a positive whole number of requests.");
    }
    const keyNames = apiKeys.keyNames ?? [];
    if (new Set(keyNames).size !== keyNames.length) {
      errors.push("'internalSenders.apiKeys.keyNames' lists a name more than once; give each key a distinct name.");
    }
  }
  const authorized = (options.authorizers ?? []).map((a) => a.provider);
  for (const name of authorized) {
    if (senderNames.includes(name)) {
      errors.push(`'internalSenders.authorizers' names '${name}', an IAM sender: its route is authorised by IAM; put the authorizer on a provider.`);
    } else if (!providerNames.includes(name)) {
      errors.push(`'internalSenders.authorizers' names '${name}', which is not a provider; use one of: ${providerNames.join(', ')}.`);
    }
  }
  const twice = [...new Set(authorized.filter((n, i) => authorized.indexOf(n) !== i))];
  if (twice.length > 0) {
    errors.push(`'internalSenders.authorizers' has more than one authorizer for ${twice.map((d) => `'${d}'`).join(', ')}; a route takes one.`);
  }
  return errors;
}

/** Properties of the internal senders part. */
export interface InternalSendersProps {
  /** The REST API whose `/webhook` resource receives the routes. */
  readonly api: apigw.RestApi;
  /** The ingest function's target (function or alias), behind providers' routes. */
  readonly ingest: lambda.IFunction;
  /** The queue IAM-signed senders' deliveries go to. */
  readonly queue: sqs.IQueue;
  /** Names of the providers that send GET handshakes (their route keeps a GET method). */
  readonly getHandshakeProviders: readonly string[];
  /** The options. */
  readonly options: InternalSendersOptions;
}

/** The routes, usage plan, keys and role of `internalSenders`. */
export class InternalSenders extends Construct {
  /** The usage plan; only with `apiKeys`. */
  public readonly usagePlan?: apigw.UsagePlan;
  /** The API keys created from `apiKeys.keyNames`. */
  public readonly apiKeys: apigw.IApiKey[];
  /** The role API Gateway sends IAM-signed senders' messages with; only with `iamSenders`. */
  public readonly sendRole?: iam.Role;
  /** Names of the IAM-signed senders. */
  public readonly iamSenderNames: string[];

  constructor(scope: Construct, id: string, props: InternalSendersProps) {
    super(scope, id);
    const { api, options } = props;
    const keyed = new Set(options.apiKeys?.senders ?? []);
    const authorizers = new Map((options.authorizers ?? []).map((a) => [a.provider, a.authorizer]));
    const senders = options.iamSenders ?? [];
    this.iamSenderNames = senders.map((s) => s.name);
    const webhook = api.root.getResource('webhook') ?? api.root.addResource('webhook');

    if (senders.length > 0) {
      this.sendRole = new iam.Role(this, 'SendRole', {
        assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        description: 'API Gateway sends IAM-signed webhook senders\' deliveries to the queue',
      });
      props.queue.grantSendMessages(this.sendRole);
      if (props.queue.encryptionMasterKey) {
        acceptPolicyFindings(this.sendRole, [{
          nag: 'AwsSolutions-IAM5',
          reason: 'Sending to the queue encrypted with encryptionKey needs kms:GenerateDataKey* and kms:ReEncrypt* on that one key, as SQS documents for KMS-encrypted queues; CDK grants them with the wildcard suffix.',
          appliesTo: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
        }]);
      }
    }
    for (const sender of senders) {
      const method = webhook.addResource(sender.name).addMethod('POST', this.sqsIntegration(props.queue, sender), {
        authorizationType: apigw.AuthorizationType.IAM,
        apiKeyRequired: keyed.has(sender.name),
        operationName: 'SendWebhook',
        methodResponses: ['202', '400', '503'].map((statusCode) => ({ statusCode })),
      });
      acceptNoCognito(method);
    }

    // Providers with an API key or an authorizer get a route of their own, to the same function.
    const providers = [...new Set([...keyed, ...authorizers.keys()])].filter((name) => !this.iamSenderNames.includes(name));
    for (const name of providers) {
      const resource = webhook.addResource(name);
      const authorizer = authorizers.get(name);
      const post = resource.addMethod('POST', new apigw.LambdaIntegration(props.ingest, { allowTestInvoke: false }), {
        ...(authorizer ? { authorizer } : { authorizationType: apigw.AuthorizationType.NONE }),
        apiKeyRequired: keyed.has(name),
        operationName: 'ReceiveWebhook',
      });
      if (!authorizer) acceptSignedOnly(post);
      acceptNoCognito(post);
      if (props.getHandshakeProviders.includes(name)) {
        // The provider's GET challenge carries neither a key nor the authorizer's token.
        const get = resource.addMethod('GET', new apigw.LambdaIntegration(props.ingest, { allowTestInvoke: false }), {
          authorizationType: apigw.AuthorizationType.NONE,
          operationName: 'AnswerWebhookHandshake',
        });
        acceptSignedOnly(get);
        acceptNoCognito(get);
      }
    }

    this.apiKeys = [];
    if (options.apiKeys) {
      this.usagePlan = api.addUsagePlan('UsagePlan', {
        description: `Webhook senders with API keys: ${options.apiKeys.senders.join(', ')}`,
        throttle: options.apiKeys.throttle,
        quota: options.apiKeys.quota,
        apiStages: [{ api, stage: api.deploymentStage }],
      });
      for (const keyName of options.apiKeys.keyNames ?? []) {
        const key = api.addApiKey(`ApiKey-${keyName}`, { apiKeyName: keyName, description: `Webhook sender key '${keyName}'` });
        this.usagePlan.addApiKey(key);
        this.apiKeys.push(key);
      }
    }
  }

  /**
   * SendMessage by API Gateway itself: the AWS integration with the SQS query API, the message
   * built by the mapping template; SQS's 4xx (the message refused: too large, or the queue's key
   * not usable) answered 400 and its 5xx 503, so that the sender retries only what may succeed.
   */
  private sqsIntegration(queue: sqs.IQueue, sender: IamSenderOptions): apigw.AwsIntegration {
    const template = sqsMessageTemplate({
      provider: sender.name,
      deliveryIdHeader: sender.deliveryIdHeader ?? DEFAULT_DELIVERY_ID_HEADER,
      eventTypeHeader: sender.eventTypeHeader ?? DEFAULT_EVENT_TYPE_HEADER,
    });
    return new apigw.AwsIntegration({
      service: 'sqs',
      path: `${Aws.ACCOUNT_ID}/${queue.queueName}`,
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: this.sendRole,
        // "NEVER: Rejects unmapped content types with an HTTP 415 'Unsupported Media Type' response."
        passthroughBehavior: apigw.PassthroughBehavior.NEVER,
        contentHandling: apigw.ContentHandling.CONVERT_TO_TEXT,
        requestParameters: { 'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'" },
        requestTemplates: Object.fromEntries((sender.contentTypes ?? DEFAULT_SENDER_CONTENT_TYPES).map((type) => [type, template])),
        integrationResponses: [
          { statusCode: '202', responseTemplates: { 'application/json': queuedResponseTemplate() } },
          {
            statusCode: '400',
            selectionPattern: '4\\d{2}',
            responseTemplates: { 'application/json': `{"error":"not_queued","message":"The queue refused the message: a body over ${MAX_DIRECT_BODY_BYTES} bytes, or a queue the integration cannot use."}` },
          },
          {
            statusCode: '503',
            selectionPattern: '5\\d{2}',
            responseTemplates: { 'application/json': '{"error":"enqueue_failed","message":"The webhook could not be queued; retry later."}' },
          },
        ],
      },
    });
  }
}

function acceptSignedOnly(method: apigw.Method): void {
  accept(method, [{
    nag: 'AwsSolutions-APIG4',
    checkov: ['CKV_AWS_59'],
    reason: 'Webhook providers cannot sign requests with IAM or present Cognito tokens; every delivery is authenticated by its provider signature, which the ingest function verifies before anything is queued.',
  }]);
}

function acceptNoCognito(method: apigw.Method): void {
  accept(method, [{
    nag: 'AwsSolutions-COG4',
    reason: 'No route serves Cognito users: webhook routes are authenticated by provider signatures, AWS_IAM or the user\'s own authorizer.',
  }]);
}
