import {
  Duration,
  Names,
  type RemovalPolicy,
  aws_apigateway as apigw,
  aws_iam as iam,
  aws_logs as logs,
  aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApiGatewayLoggingRole } from './api-gateway-logging-role';
import type { FrontDoor, FrontDoorMetrics } from './front-door';
import { RouteAuthorization, type WebhookRoute } from './routes';
import { accept } from '../core/findings';
import { acceptLogGroupFindings } from '../core/function-base';
import type { WebhookApiOptions } from '../webhook-processor-props';

/** Properties of the REST API front door. */
export interface RestApiFrontDoorProps {
  /** The routes to serve. */
  readonly routes: WebhookRoute[];
  /** Stage settings. */
  readonly options: WebhookApiOptions;
  /** Retention of the access and execution logs. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log groups. */
  readonly removalPolicy: RemovalPolicy;
  /** Active X-Ray tracing on the stage. */
  readonly tracing: boolean;
}

/**
 * An API Gateway REST API serving the routes: regional, every body passed through as bytes,
 * throttled, with JSON access logs and ERROR execution logs.
 */
export class RestApiFrontDoor extends Construct implements FrontDoor {
  /** The REST API. */
  public readonly api: apigw.RestApi;

  /** The stage's access logs; only when `accessLogging` is on. */
  public readonly accessLogGroup?: logs.LogGroup;

  /** The stage's execution logs (empty while `executionLogging` is off). */
  public readonly executionLogGroup: logs.LogGroup;

  private readonly domainName?: apigw.DomainNameOptions;

  constructor(scope: Construct, id: string, props: RestApiFrontDoorProps) {
    super(scope, id);
    const options = props.options;
    this.domainName = options.domainName;
    const { logRetention, removalPolicy } = props;
    const accessLogging = options.accessLogging ?? true;
    const executionLogging = options.executionLogging ?? true;
    const stageName = options.stageName ?? 'v1';
    this.accessLogGroup = accessLogging ? new logs.LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy }) : undefined;
    const disableExecuteApiEndpoint = options.disableExecuteApiEndpoint ?? false;
    const api = new apigw.RestApi(this, 'Api', {
      // Unique in the account and region, so that the API's metrics (dimension ApiName) are its own.
      restApiName: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      description: 'Webhook ingest and status API',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // Every body reaches the ingest function base64-encoded, byte for byte: signatures are
      // computed over the raw bytes, whatever the content type.
      binaryMediaTypes: ['*/*'],
      // The account's logging role is managed below, once per stack (ApiGatewayLoggingRole).
      cloudWatchRole: false,
      // TLS 1.2 unless the user chose otherwise: API Gateway's default policy still admits TLS 1.0.
      domainName: options.domainName ? { securityPolicy: apigw.SecurityPolicy.TLS_1_2, ...options.domainName } : undefined,
      disableExecuteApiEndpoint,
      deployOptions: {
        stageName,
        throttlingRateLimit: options.throttlingRateLimit ?? 1000,
        throttlingBurstLimit: options.throttlingBurstLimit ?? 2000,
        tracingEnabled: props.tracing,
        loggingLevel: executionLogging ? apigw.MethodLoggingLevel.ERROR : apigw.MethodLoggingLevel.OFF,
        dataTraceEnabled: false,
        ...(this.accessLogGroup ? {
          accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
          accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
            caller: true,
            httpMethod: true,
            ip: true,
            protocol: true,
            requestTime: true,
            resourcePath: true,
            responseLength: true,
            status: true,
            user: true,
          }),
        } : {}),
      },
    });
    this.api = api;
    if (disableExecuteApiEndpoint) {
      // Its URL would be an output nobody can call.
      api.node.tryRemoveChild('Endpoint');
    }
    // API Gateway would create this group itself, without retention. It exists whether execution
    // logging is on or not: a retained group that left the template when logging was turned off
    // would make turning it on again fail ("already exists").
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/${stageName}`,
      retention: logRetention,
      removalPolicy,
    });
    api.deploymentStage.node.addDependency(this.executionLogGroup);
    if ((accessLogging || executionLogging) && (options.cloudWatchRole ?? true)) {
      ApiGatewayLoggingRole.of(this).requiredBy(api.deploymentStage);
    }
    // Path parameters are checked by API Gateway; bodies are not, on purpose: signatures are
    // computed over the raw bytes of any content type, and the ingest function checks both.
    const requestValidator = api.addRequestValidator('PathValidator', { validateRequestParameters: true, validateRequestBody: false });
    for (const route of props.routes) {
      const resource = route.path.reduce((parent, part) => parent.getResource(part) ?? parent.addResource(part), api.root);
      const parameters = route.path.filter((part) => part.startsWith('{')).map((part) => `method.request.path.${part.slice(1, -1)}`);
      const method = resource.addMethod(route.method, new apigw.LambdaIntegration(route.handler, { allowTestInvoke: false }), {
        authorizationType: route.authorization === RouteAuthorization.IAM ? apigw.AuthorizationType.IAM : apigw.AuthorizationType.NONE,
        operationName: route.operationName,
        requestValidator,
        requestParameters: Object.fromEntries(parameters.map((p) => [p, true])),
      });
      if (route.authorization === RouteAuthorization.NONE) {
        accept(method, [{
          nag: 'AwsSolutions-APIG4',
          checkov: ['CKV_AWS_59'],
          reason: 'Webhook providers cannot sign requests with IAM or present Cognito tokens; every delivery is authenticated by its provider signature, which the ingest function verifies before anything is queued.',
        }]);
      }
      accept(method, [{
        nag: 'AwsSolutions-COG4',
        reason: 'No route serves Cognito users: POST /webhook is authenticated by provider signatures and the other routes by AWS_IAM, which the grant methods grant.',
      }]);
    }
    // API Gateway refuses bodies over 10 MB itself ("Payload size: 10 MB",
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html); answer like the
    // ingest's own 413. Bodies between the ingest's maximum and that limit that Lambda refuses
    // (6 MB invocation payload, base64 body) get API Gateway's 5xx: its gateway response type
    // also covers real integration failures, which must stay retryable.
    api.addGatewayResponse('RequestTooLarge', {
      type: apigw.ResponseType.REQUEST_TOO_LARGE,
      statusCode: '413',
      responseHeaders: { 'Content-Type': "'application/json'" },
      templates: { 'application/json': '{"error":"body_too_large","message":"The request body is larger than API Gateway accepts (10 MB)."}' },
    });
    if (options.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: api.deploymentStage.stageArn,
        webAclArn: options.webAclArn,
      });
    }
    this.acceptFindings(options, props.tracing);
  }

  /** The public URL of a path, on the custom domain when there is one. */
  public urlForPath(path: string): string {
    const domain = this.domainName;
    if (domain) {
      const basePath = domain.basePath ? `/${domain.basePath}` : '';
      return `https://${domain.domainName}${basePath}${path}`;
    }
    return this.api.urlForPath(path);
  }

  /** Allows a principal to call an IAM-authorised route (`path` may end in `*`). */
  public grantInvoke(grantee: iam.IGrantable, method: string, path: string): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.arnForExecuteApi(method, path, this.api.deploymentStage.stageName)],
    });
  }

  /** The stage's metrics: they carry both ApiName and Stage, so they count this API's stage only. */
  public metrics(): FrontDoorMetrics {
    const stage = this.api.deploymentStage;
    return {
      requests: stage.metricCount({ statistic: 'Sum' }),
      clientErrors: stage.metricClientError({ statistic: 'Sum' }),
      serverErrors: stage.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      latency: stage.metricLatency({ statistic: 'p99' }),
      integrationLatency: stage.metricIntegrationLatency({ statistic: 'p99' }),
    };
  }

  private acceptFindings(options: WebhookApiOptions, tracing: boolean): void {
    const stage = this.api.deploymentStage;
    acceptLogGroupFindings(this.accessLogGroup);
    acceptLogGroupFindings(this.executionLogGroup);
    accept(this.api, [{
      nag: 'AwsSolutions-APIG2',
      reason: 'API Gateway validates the path parameters only: signatures are computed over the raw bytes of any content type, so the ingest function verifies the signature before it parses the body, and answers 400 for a malformed one.',
    }]);
    accept(stage, [{
      checkov: ['CKV_AWS_120'],
      reason: 'Responses must not be cached: every POST is a distinct delivery and GET /status must reflect the latest record.',
    }]);

    // ---- choices left to the user, off by default ----
    if (!tracing) {
      accept(stage, [{
        nag: 'Serverless-APIGWXrayEnabled',
        checkov: ['CKV_AWS_73'],
        reason: 'X-Ray tracing is opt-in (tracing: true) because traces are billed for every webhook.',
      }]);
    }
    if (!options.webAclArn) {
      accept(stage, [{
        nag: 'AwsSolutions-APIG3',
        reason: 'A WAF web ACL is opt-in (api.webAclArn): deliveries are authenticated by signatures and the stage is throttled, and a web ACL costs per request.',
      }]);
    }
    if (options.accessLogging === false) {
      const reason = 'Access logging was turned off with api.accessLogging, for accounts without the API Gateway CloudWatch Logs role.';
      accept(stage, [
        { nag: 'AwsSolutions-APIG1', reason },
        { nag: 'Serverless-APIGWAccessLogging', reason },
        { checkov: ['CKV_AWS_76'], reason },
      ]);
    }
    if (options.executionLogging === false) {
      accept(stage, [{
        nag: 'AwsSolutions-APIG6',
        reason: 'Execution logging was turned off with api.executionLogging, for accounts without the API Gateway CloudWatch Logs role.',
      }]);
    }
  }
}
