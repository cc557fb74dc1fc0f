/**
 * The public options of `internalSenders` (interfaces only: the part that builds them is
 * internal-senders.ts). REST API front door only.
 */
import type { aws_apigateway as apigw } from 'aws-cdk-lib';

/** API keys and a usage plan for the routes of chosen senders. */
export interface WebhookApiKeyOptions {
  /**
   * Names of the providers and IAM-signed senders whose `POST /webhook/{name}` requires an API key
   * (header `x-api-key`). An API key identifies and meters a sender: it is not authentication
   * (the provider's signature or IAM still is).
   */
  readonly senders: string[];
  /**
   * Throttling of each key across the plan's routes.
   *
   * @default - none beyond the stage's throttling
   */
  readonly throttle?: apigw.ThrottleSettings;
  /**
   * Requests each key may make per day, week or month.
   *
   * @default - no quota
   */
  readonly quota?: apigw.QuotaSettings;
  /**
   * Names of API keys to create (API Gateway generates their values) and add to the plan; add
   * others with `usagePlan.addApiKey()`.
   *
   * @default - no key is created
   */
  readonly keyNames?: string[];
}

/** A sender that signs its requests with AWS IAM (SigV4), queued by API Gateway itself. */
export interface IamSenderOptions {
  /** The route name: `POST /webhook/{name}`, lower-case letters, digits and hyphens (as provider names). */
  readonly name: string;
  /**
   * Header holding the sender's delivery id: its retries under one id map to one record.
   *
   * @default 'x-webhook-id' (the API request id when the header is absent)
   */
  readonly deliveryIdHeader?: string;
  /**
   * Header holding the event type.
   *
   * @default 'x-webhook-type'
   */
  readonly eventTypeHeader?: string;
  /**
   * Content types the route accepts; API Gateway answers 415 to others (a mapping template is
   * chosen by exact content type).
   *
   * @default - application/json, application/octet-stream and text/plain
   */
  readonly contentTypes?: string[];
}

/** Your own API Gateway authorizer on one provider's route. */
export interface ProviderAuthorizerOptions {
  /** The provider's `name`. */
  readonly provider: string;
  /** The authorizer (e.g. an `apigw.TokenAuthorizer`); the provider's signature is still verified after it. */
  readonly authorizer: apigw.IAuthorizer;
}

/** Options for senders you operate or issue credentials to (REST API front door only). */
export interface InternalSendersOptions {
  /**
   * API keys with a usage plan for chosen senders' routes.
   *
   * @default - no route requires an API key
   */
  readonly apiKeys?: WebhookApiKeyOptions;
  /**
   * Senders that sign with AWS IAM: `POST /webhook/{name}`, AWS_IAM-authorised, sends the
   * delivery to the queue directly; grant callers with `grantSend()`.
   *
   * @default - none
   */
  readonly iamSenders?: IamSenderOptions[];
  /**
   * Your own authorizers on providers' routes.
   *
   * @default - providers' routes have no authorizer (signatures authenticate deliveries)
   */
  readonly authorizers?: ProviderAuthorizerOptions[];
}
