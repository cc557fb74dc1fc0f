import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_iam as iam,
  aws_lambda as lambda,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { FrontDoor, FrontDoorMetrics } from './front-door';
import { accept } from '../core/findings';

/** Properties of the function URL front door. */
export interface FunctionUrlFrontDoorProps {
  /** What answers `POST`/`GET /webhook/{provider}` (the ingest function or its alias). */
  readonly ingest: lambda.IFunction;
  /** The ingest function itself (for its metrics). */
  readonly ingestFunction: lambda.IFunction;
  /** What answers `GET /status/{id}`. */
  readonly status: lambda.IFunction;
  /** What answers `GET /webhooks`. */
  readonly list: lambda.IFunction;
}

/**
 * Lambda function URLs: the ingest function's with AuthType NONE (providers cannot sign with
 * SigV4; every delivery is authenticated by its signature), and AuthType AWS_IAM ones for the
 * status and listing functions. A function URL invokes its function for every method and path;
 * the handlers route themselves (src/runtime/front-door-request.ts).
 *
 * "To invoke a function URL, you must have lambda:InvokeFunctionUrl and lambda:InvokeFunction
 * permissions." (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html): for the
 * public URL, the resource policy gets both, lambda:InvokeFunction only with
 * `lambda:InvokedViaFunctionUrl`, so that nobody can invoke the function directly; the grants
 * give callers of the IAM URLs the same pair.
 *
 * Limits: "6 MB each for request and response (synchronous)" (the event, a base64 body included)
 * and "1 MB for the total combined size of request line and header values"
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */
export class FunctionUrlFrontDoor extends Construct implements FrontDoor {
  /** The webhooks' URL (AuthType NONE). */
  public readonly ingestUrl: lambda.FunctionUrl;
  /** The status function's URL (AuthType AWS_IAM). */
  public readonly statusUrl: lambda.FunctionUrl;
  /** The listing function's URL (AuthType AWS_IAM). */
  public readonly listUrl: lambda.FunctionUrl;

  private readonly ingestFunction: lambda.IFunction;

  constructor(scope: Construct, id: string, props: FunctionUrlFrontDoorProps) {
    super(scope, id);
    this.ingestFunction = props.ingestFunction;
    this.ingestUrl = new lambda.FunctionUrl(this, 'Ingest', { function: props.ingest, authType: lambda.FunctionUrlAuthType.NONE });
    accept(this.ingestUrl, [{
      checkov: ['CKV_AWS_258'],
      reason: 'Webhook providers cannot sign requests with SigV4; every delivery is authenticated by its provider signature, which the ingest function verifies before anything is queued.',
    }]);
    // FunctionUrl adds lambda:InvokeFunctionUrl for AuthType NONE; the second permission AWS requires:
    const invoke = new lambda.CfnPermission(this, 'IngestInvoke', {
      action: 'lambda:InvokeFunction',
      functionName: props.ingest.functionArn,
      principal: '*',
    });
    // CloudFormation's InvokedViaFunctionUrl (newer than this aws-cdk-lib's CfnPermission).
    invoke.addPropertyOverride('InvokedViaFunctionUrl', true);
    this.statusUrl = new lambda.FunctionUrl(this, 'Status', { function: props.status, authType: lambda.FunctionUrlAuthType.AWS_IAM });
    this.listUrl = new lambda.FunctionUrl(this, 'List', { function: props.list, authType: lambda.FunctionUrlAuthType.AWS_IAM });
  }

  /** The URL of a route's path: the webhooks on the ingest URL, the others on their own. */
  public urlForPath(path: string): string {
    const url = path.startsWith('/status') ? this.statusUrl : path.startsWith('/webhooks') ? this.listUrl : this.ingestUrl;
    // A function URL ends with '/'.
    return `${url.url}${path.replace(/^\//, '')}`;
  }

  /** Allows a principal to call the IAM URL that serves `path` (any method). */
  public grantInvoke(grantee: iam.IGrantable, _method: string, path: string): iam.Grant {
    const url = path.startsWith('/status') ? this.statusUrl : this.listUrl;
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['lambda:InvokeFunctionUrl'],
      resourceArns: [url.functionArn],
      conditions: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
    }).combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [url.functionArn],
      conditions: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
    }));
  }

  /**
   * The webhook URL's metrics: namespace AWS/Lambda, `UrlRequestCount`, `Url4xxCount`,
   * `Url5xxCount`, `UrlRequestLatency`, by FunctionName
   * (https://docs.aws.amazon.com/lambda/latest/dg/urls-monitoring.html). Lambda counts the
   * function's own 5xx answers and its errors and throttles (a throttled request is a 5xx).
   */
  public metrics(): FrontDoorMetrics {
    const metric = (metricName: string, statistic: string, period?: Duration) => new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: this.ingestFunction.functionName },
      statistic,
      ...(period ? { period } : {}),
    });
    return {
      requests: metric('UrlRequestCount', 'Sum'),
      clientErrors: metric('Url4xxCount', 'Sum'),
      serverErrors: metric('Url5xxCount', 'Sum', Duration.minutes(5)),
      latency: metric('UrlRequestLatency', 'p99'),
    };
  }
}
