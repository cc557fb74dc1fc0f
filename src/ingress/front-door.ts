import type { aws_cloudwatch as cloudwatch, aws_iam as iam } from 'aws-cdk-lib';

/** Which service receives the webhooks (`frontDoor`). */
export enum WebhookFrontDoor {
  /**
   * An API Gateway REST API: AWS WAF, usage plans, execution logs, custom domains, stage
   * throttling; payload format 1.0 with every body passed through as base64.
   */
  REST_API = 'REST_API',
  /**
   * An API Gateway HTTP API: stage throttling, access logs and custom domains, IAM authorizer on
   * the status and listing routes, no WAF; payload format 2.0. About a third of the REST API's
   * price per request.
   */
  HTTP_API = 'HTTP_API',
  /**
   * Lambda function URLs: one with AuthType NONE on the ingest function for the webhooks, and
   * one with AuthType AWS_IAM on each of the status and listing functions. No WAF, no custom
   * domain, no throttling but the ingest function's reserved concurrency
   * (`concurrency.ingestReservedConcurrency`); nothing billed beyond the functions.
   */
  FUNCTION_URL = 'FUNCTION_URL',
}

/**
 * The front door's traffic metrics, so that alarms and the dashboard need not know which front
 * door produced them.
 */
export interface FrontDoorMetrics {
  /** Requests, summed. */
  readonly requests: cloudwatch.IMetric;
  /** 4xx answers, summed. */
  readonly clientErrors: cloudwatch.IMetric;
  /** 5xx answers, summed over 5 minutes. */
  readonly serverErrors: cloudwatch.IMetric;
  /** Time to answer, p99. */
  readonly latency: cloudwatch.IMetric;
  /** Time spent in the function, p99; only where the front door measures it apart (API Gateway). */
  readonly integrationLatency?: cloudwatch.IMetric;
}

/** What the construct needs of any front door. */
export interface FrontDoor {
  /** The public URL of a route's path (`/webhook/stripe`, `/status/…`, `/webhooks`). */
  urlForPath(path: string): string;
  /** Allows a principal to call an IAM-authorised route (`path` may end in `*`). */
  grantInvoke(grantee: iam.IGrantable, method: string, path: string): iam.Grant;
  /** The traffic metrics. */
  metrics(): FrontDoorMetrics;
}
