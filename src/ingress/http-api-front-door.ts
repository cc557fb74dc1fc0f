import {
  Duration,
  Names,
  Stack,
  type RemovalPolicy,
  aws_apigateway as apigw,
  aws_apigatewayv2 as apigwv2,
  aws_apigatewayv2_authorizers as authorizers,
  aws_apigatewayv2_integrations as integrations,
  aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { FrontDoor, FrontDoorMetrics } from './front-door';
import { RouteAuthorization, type WebhookRoute } from './routes';
import { accept } from '../core/findings';
import { acceptLogGroupFindings } from '../core/function-base';
import type { WebhookApiOptions } from '../webhook-processor-props';

/** Properties of the HTTP API front door. */
export interface HttpApiFrontDoorProps {
  /** The routes to serve. */
  readonly routes: WebhookRoute[];
  /** Stage settings (validation refused the ones an HTTP API does not have). */
  readonly options: WebhookApiOptions;
  /** Retention of the access logs. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log group. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * An API Gateway HTTP API serving the routes on its `$default` stage (so that the URL has no stage
 * segment and `rawPath` is the route's path), with payload format 2.0, stage throttling, JSON
 * access logs and the IAM authorizer on the status and listing routes.
 *
 * Bodies: an HTTP API has no `binaryMediaTypes`; it hands a text body over as a string and
 * base64-encodes the others (see src/runtime/front-door-request.ts for what that means for the
 * exact bytes). Its payload limit is 10 MB, like the REST API's
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
 */
export class HttpApiFrontDoor extends Construct implements FrontDoor {
  /** The HTTP API. */
  public readonly api: apigwv2.HttpApi;

  /** Its `$default` stage. */
  public readonly stage: apigwv2.HttpStage;

  /** The stage's access logs; only when `accessLogging` is on. */
  public readonly accessLogGroup?: logs.LogGroup;

  /** The custom domain; only with `domainName`. */
  public readonly domainName?: apigwv2.DomainName;

  private readonly customDomain?: apigw.DomainNameOptions;

  constructor(scope: Construct, id: string, props: HttpApiFrontDoorProps) {
    super(scope, id);
    const { options, logRetention, removalPolicy } = props;
    const accessLogging = options.accessLogging ?? true;
    this.accessLogGroup = accessLogging ? new logs.LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy }) : undefined;
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      description: 'Webhook ingest and status API',
      createDefaultStage: false,
      disableExecuteApiEndpoint: options.disableExecuteApiEndpoint ?? false,
    });
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: options.throttlingRateLimit ?? 1000,
        burstLimit: options.throttlingBurstLimit ?? 2000,
      },
      // HTTP APIs log through CloudWatch Logs log delivery, not the account's API Gateway role.
      ...(this.accessLogGroup ? {
        accessLogSettings: {
          destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
          format: apigw.AccessLogFormat.custom(JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            caller: '$context.identity.caller',
            user: '$context.identity.user',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            integrationError: '$context.integrationErrorMessage',
          })),
        },
      } : {}),
    });
    const iamAuthorizer = new authorizers.HttpIamAuthorizer();
    for (const route of props.routes) {
      const path = `/${route.path.join('/')}`;
      const routes = this.api.addRoutes({
        path,
        methods: [route.method as apigwv2.HttpMethod],
        // Payload format 2.0, which the handlers read (src/runtime/front-door-request.ts).
        integration: new integrations.HttpLambdaIntegration(route.operationName, route.handler, {
          payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
        }),
        ...(route.authorization === RouteAuthorization.IAM ? { authorizer: iamAuthorizer } : {}),
      });
      for (const r of routes) {
        if (route.authorization === RouteAuthorization.NONE) {
          accept(r, [{
            nag: 'AwsSolutions-APIG4',
            reason: 'Webhook providers cannot sign requests with IAM or present Cognito tokens; every delivery is authenticated by its provider signature, which the ingest function verifies before anything is queued.',
          }]);
        }
      }
    }
    if (options.domainName) {
      const domain = options.domainName;
      this.customDomain = domain;
      this.domainName = new apigwv2.DomainName(this, 'DomainName', {
        domainName: domain.domainName,
        certificate: domain.certificate,
        // TLS 1.2 unless the user chose otherwise.
        securityPolicy: domain.securityPolicy === apigw.SecurityPolicy.TLS_1_0 ? apigwv2.SecurityPolicy.TLS_1_0 : apigwv2.SecurityPolicy.TLS_1_2,
        ...(domain.mtls ? { mtls: { bucket: domain.mtls.bucket, key: domain.mtls.key, version: domain.mtls.version } } : {}),
      });
      new apigwv2.ApiMapping(this, 'Mapping', {
        api: this.api,
        domainName: this.domainName,
        stage: this.stage,
        apiMappingKey: domain.basePath,
      });
    }
    this.acceptFindings(options);
  }

  /** The public URL of a path, on the custom domain when there is one. */
  public urlForPath(path: string): string {
    const domain = this.customDomain;
    if (domain) {
      const basePath = domain.basePath ? `/${domain.basePath}` : '';
      return `https://${domain.domainName}${basePath}${path}`;
    }
    return `https://${this.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}${path}`;
  }

  /** Allows a principal to call an IAM-authorised route (`path` may end in `*`). */
  public grantInvoke(grantee: iam.IGrantable, method: string, path: string): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.arnForExecuteApi(method, path, this.stage.stageName)],
    });
  }

  /**
   * The stage's metrics: namespace AWS/ApiGateway with dimensions ApiId and Stage, metric names
   * `Count`, `4xx`, `5xx`, `Latency`, `IntegrationLatency`
   * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html).
   */
  public metrics(): FrontDoorMetrics {
    return {
      requests: this.stage.metricCount({ statistic: 'Sum' }),
      clientErrors: this.stage.metricClientError({ statistic: 'Sum' }),
      serverErrors: this.stage.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      latency: this.stage.metricLatency({ statistic: 'p99' }),
      integrationLatency: this.stage.metricIntegrationLatency({ statistic: 'p99' }),
    };
  }

  private acceptFindings(options: WebhookApiOptions): void {
    acceptLogGroupFindings(this.accessLogGroup);
    if (options.accessLogging === false) {
      const reason = 'Access logging was turned off with api.accessLogging.';
      accept(this.stage, [
        { nag: 'AwsSolutions-APIG1', reason },
        { nag: 'Serverless-APIGWAccessLogging', reason },
        { checkov: ['CKV_AWS_95'], reason },
      ]);
    }
  }
}
