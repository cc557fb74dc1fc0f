import type { aws_lambda as lambda } from 'aws-cdk-lib';

/** Who may call a route. */
export enum RouteAuthorization {
  /** Anyone: the handler authenticates the request itself (provider signatures). */
  NONE = 'NONE',
  /** Callers with IAM credentials allowed `execute-api:Invoke` (SigV4). */
  IAM = 'IAM',
}

/**
 * One route of the construct's HTTP contract. Every front door (REST API today) serves the same
 * routes, so a new front door is a new part that takes this list.
 */
export interface WebhookRoute {
  /** HTTP method. */
  readonly method: string;
  /** Path segments, e.g. `['webhook', '{provider}']`. */
  readonly path: string[];
  /** The function that answers it. */
  readonly handler: lambda.IFunction;
  /** Who may call it. */
  readonly authorization: RouteAuthorization;
  /** The operation name in the API's description. */
  readonly operationName: string;
}
