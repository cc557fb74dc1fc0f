// Longer than 400 lines: one reader per kind of resource the local pipeline emulates (functions,
// API routes and integrations, event sources, rules), each small, sharing the resolver below.
/**
 * Reads what the local pipeline needs from a synthesized CloudFormation template: resources by
 * type, the functions, the API routes and the SQS event source mappings, and resolves the
 * intrinsic functions the construct uses against the resources created in the emulators.
 * Pure: no I/O.
 */
import type { CfnResource, CfnTemplate } from './app';

/** What `Ref` and `Fn::GetAtt` of each created resource (and the pseudo parameters) resolve to. */
export interface ResolveContext {
  /** Logical id → the value of `Ref`. */
  readonly refs: Readonly<Record<string, string>>;
  /** `<logical id>.<attribute>` → the value of `Fn::GetAtt`. */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface FunctionSpec {
  readonly logicalId: string;
  /** `index.handler`: the module file and its export. */
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The S3 key of the code asset, which names it in the asset manifest. */
  readonly codeKey: string;
  /** The S3 keys of the assets of its layers (`AWS::Lambda::LayerVersion` of this template), in order. */
  readonly layerKeys: readonly string[];
  readonly reservedConcurrency?: number;
  /** `Environment.Variables`, unresolved. */
  readonly environment: Readonly<Record<string, unknown>>;
}

export interface ApiRoute {
  readonly httpMethod: string;
  /** The resource path with its parameters, e.g. `/webhook/{provider}`. */
  readonly resourcePath: string;
  readonly resourceLogicalId: string;
  readonly authorizationType: string;
  /** Logical id of the Lambda function of an AWS_PROXY integration (empty for an SQS integration). */
  readonly functionLogicalId: string;
  /** The SQS `SendMessage` integration of an IAM-signed sender's route (src/ingress/internal-senders.ts). */
  readonly sqs?: SqsRouteIntegration;
}

/** An AWS integration with SQS: the queue, the request templates by content type, the responses. */
export interface SqsRouteIntegration {
  readonly queueLogicalId: string;
  readonly requestTemplates: Readonly<Record<string, string>>;
  /** `[status code, selection pattern (undefined: the default), response template]`, in order. */
  readonly responses: ReadonlyArray<readonly [string, string | undefined, string]>;
}

export interface SqsEventSource {
  readonly functionLogicalId: string;
  readonly queueLogicalId: string;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly maximumConcurrency?: number;
  readonly reportBatchItemFailures: boolean;
}

/**
 * A DynamoDB stream → function event source mapping, with Lambda's defaults for DynamoDB where
 * the template leaves a setting out.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html
 */
export interface StreamEventSource {
  readonly logicalId: string;
  readonly functionLogicalId: string;
  readonly tableLogicalId: string;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  /** FilterCriteria patterns, parsed; a record passes when it matches any (none: every record passes). */
  readonly filterPatterns: readonly unknown[];
  readonly reportBatchItemFailures: boolean;
  readonly bisectBatchOnFunctionError: boolean;
  /** -1: until the record expires. */
  readonly maximumRetryAttempts: number;
  /** -1: until the record expires. */
  readonly maximumRecordAgeSeconds: number;
  readonly parallelizationFactor: number;
  /** DestinationConfig.OnFailure.Destination, unresolved. */
  readonly onFailureDestination?: unknown;
}

/** An EventBridge rule target, as the template declares it (ARNs unresolved). */
export interface RuleTargetSpec {
  readonly id: string;
  readonly arn: unknown;
  /** Constant JSON text sent instead of the event. */
  readonly input?: string;
  /** JSONPath (`$.detail`…) of the part of the event sent. */
  readonly inputPath?: string;
  /** EventBridge's defaults: 185 retries within 24 hours. */
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  readonly deadLetterArn?: unknown;
}

export interface EventRuleSpec {
  readonly logicalId: string;
  /** The construct id of the rule (the `onWebhook()` id), read from its logical id. */
  readonly constructId: string;
  /** Logical id of the AWS::Events::EventBus, or undefined for the account's default bus. */
  readonly busLogicalId?: string;
  readonly eventPattern: unknown;
  readonly enabled: boolean;
  readonly targets: readonly RuleTargetSpec[];
}

/** A customized gateway response (AWS::ApiGateway::GatewayResponse) with a static JSON body. */
export interface GatewayResponseSpec {
  readonly statusCode?: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The `application/json` template, which must be static (no VTL). */
  readonly body?: string;
}

export interface ApiSettings {
  readonly binaryMediaTypes: readonly string[];
  readonly stageName: string;
  /** Customized gateway responses by response type, e.g. `REQUEST_TOO_LARGE`. */
  readonly gatewayResponses: Readonly<Record<string, GatewayResponseSpec>>;
}

/** CloudFormation defaults of AWS::Lambda::Function. */
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_MB = 128;

export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function onlyResourceOfType(template: CfnTemplate, type: string): [string, CfnResource] {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${type} in the template, found ${found.length}`);
  }
  return found[0];
}

export function propertiesOf(resource: CfnResource): Record<string, unknown> {
  return resource.Properties ?? {};
}

/**
 * Resolves the intrinsic functions a construct library emits: Ref, Fn::GetAtt, Fn::Join,
 * Fn::Select, Fn::Split and Fn::Sub. Anything else throws, so nothing is passed on unresolved.
 */
export function resolve(value: unknown, context: ResolveContext): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => resolve(v, context));
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const entries = Object.entries(value);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    return resolveIntrinsic(entries[0][0], entries[0][1], context);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, context)]));
}

export function resolveString(value: unknown, context: ResolveContext): string {
  const resolved = resolve(value, context);
  if (typeof resolved !== 'string' && typeof resolved !== 'number' && typeof resolved !== 'boolean') {
    throw new Error(`expected a scalar, got ${JSON.stringify(resolved)}`);
  }
  return String(resolved);
}

function resolveIntrinsic(name: string, argument: unknown, context: ResolveContext): unknown {
  switch (name) {
    case 'Ref':
      return lookup(context.refs, String(argument), 'Ref');
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(argument) ? argument : String(argument).split(/\.(.*)/s);
      return lookup(context.attributes, `${id}.${attribute}`, 'Fn::GetAtt');
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown[]];
      return (resolve(parts, context) as unknown[]).map(String).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = argument as [unknown, unknown];
      const items = resolve(list, context) as unknown[];
      const i = Number(resolve(index, context));
      if (!Array.isArray(items) || !(i >= 0 && i < items.length)) throw new Error(`Fn::Select index ${i} out of range`);
      return items[i];
    }
    case 'Fn::Split': {
      const [separator, source] = argument as [string, unknown];
      return resolveString(source, context).split(separator);
    }
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(argument) ? argument as [string, Record<string, unknown>] : [String(argument), {}];
      return text.replace(/\$\{([^}!][^}]*)\}/g, (_, key: string) => {
        if (Object.prototype.hasOwnProperty.call(variables, key)) return resolveString(variables[key], context);
        return key.includes('.') ? resolveString({ 'Fn::GetAtt': key }, context) : resolveString({ Ref: key }, context);
      });
    }
    default:
      throw new Error(`the local pipeline cannot resolve ${name}`);
  }
}

function lookup(table: Readonly<Record<string, string>>, key: string, what: string): string {
  if (!Object.prototype.hasOwnProperty.call(table, key)) {
    throw new Error(`${what} ${key} refers to something the local pipeline did not create`);
  }
  return table[key];
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt: [id, …] }` points at, if it is one. */
export function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** Every logical id referenced anywhere inside `value`. */
export function referencedIds(value: unknown): string[] {
  const direct = referencedId(value);
  if (direct !== undefined) return [direct];
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(referencedIds);
  return [];
}

export function functionSpecs(template: CfnTemplate): FunctionSpec[] {
  return resourcesOfType(template, 'AWS::Lambda::Function').map(([logicalId, resource]) => {
    const p = propertiesOf(resource);
    const code = p.Code as { S3Key?: unknown } | undefined;
    if (typeof code?.S3Key !== 'string') {
      throw new Error(`function ${logicalId} has no asset code (S3Key); inline code is not supported locally`);
    }
    const environment = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const layerKeys = ((p.Layers as unknown[] | undefined) ?? []).map((layer) => layerKey(template, logicalId, layer));
    return {
      logicalId,
      handler: String(p.Handler),
      runtime: String(p.Runtime),
      timeoutSeconds: Number(p.Timeout ?? DEFAULT_TIMEOUT_SECONDS),
      memoryMb: Number(p.MemorySize ?? DEFAULT_MEMORY_MB),
      codeKey: code.S3Key,
      layerKeys,
      ...(p.ReservedConcurrentExecutions !== undefined ? { reservedConcurrency: Number(p.ReservedConcurrentExecutions) } : {}),
      environment,
    };
  });
}

/** The S3 key of the asset of a layer the template creates; any other layer cannot be run locally. */
function layerKey(template: CfnTemplate, functionId: string, layer: unknown): string {
  const id = referencedId(layer);
  const resource = id === undefined ? undefined : template.Resources[id];
  const key = (resource?.Properties?.Content as { S3Key?: unknown } | undefined)?.S3Key;
  if (resource?.Type !== 'AWS::Lambda::LayerVersion' || typeof key !== 'string') {
    throw new Error(`function ${functionId} has a layer that is not an asset of this template (${JSON.stringify(layer)}); it cannot be run locally`);
  }
  return key;
}

/** The API's methods with their full resource paths and the functions they proxy to. */
export function apiRoutes(template: CfnTemplate): ApiRoute[] {
  const [apiId] = onlyResourceOfType(template, 'AWS::ApiGateway::RestApi');
  const pathOf = (resourceRef: unknown): { path: string; id: string } => {
    const getAtt = (resourceRef as Record<string, unknown>)['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[0] === apiId && getAtt[1] === 'RootResourceId') {
      return { path: '/', id: `${apiId}.RootResourceId` };
    }
    const id = referencedId(resourceRef);
    const resource = id === undefined ? undefined : template.Resources[id];
    if (id === undefined || resource?.Type !== 'AWS::ApiGateway::Resource') {
      throw new Error(`unexpected API Gateway resource reference ${JSON.stringify(resourceRef)}`);
    }
    const props = propertiesOf(resource);
    const parent = pathOf(props.ParentId).path;
    return { path: `${parent === '/' ? '' : parent}/${String(props.PathPart)}`, id };
  };
  return resourcesOfType(template, 'AWS::ApiGateway::Method').map(([logicalId, resource]) => {
    const p = propertiesOf(resource);
    const integration = p.Integration as { Type?: string; Uri?: unknown } | undefined;
    const sqs = sqsIntegrationOf(template, integration);
    if (sqs !== undefined) {
      const { path, id } = pathOf(p.ResourceId);
      return { httpMethod: String(p.HttpMethod), resourcePath: path, resourceLogicalId: id, authorizationType: String(p.AuthorizationType ?? 'NONE'), functionLogicalId: '', sqs };
    }
    const functionIds = referencedIds(integration?.Uri).filter((id) => template.Resources[id]?.Type === 'AWS::Lambda::Function');
    if (integration?.Type !== 'AWS_PROXY' || functionIds.length !== 1) {
      throw new Error(`method ${logicalId} is not a Lambda proxy integration; only those are emulated`);
    }
    const { path, id } = pathOf(p.ResourceId);
    return {
      httpMethod: String(p.HttpMethod),
      resourcePath: path,
      resourceLogicalId: id,
      authorizationType: String(p.AuthorizationType ?? 'NONE'),
      functionLogicalId: functionIds[0],
    };
  });
}

/** The SQS integration of a method (`arn:aws:apigateway:<region>:sqs:path/<account>/<queue>`), if it is one. */
function sqsIntegrationOf(template: CfnTemplate, integration: Record<string, unknown> | undefined): SqsRouteIntegration | undefined {
  if (integration?.Type !== 'AWS' || !JSON.stringify(integration.Uri).includes(':sqs:path/')) return undefined;
  const queueIds = referencedIds(integration.Uri).filter((id) => template.Resources[id]?.Type === 'AWS::SQS::Queue');
  if (queueIds.length !== 1) throw new Error(`SQS integration ${JSON.stringify(integration.Uri)} names no queue of this template`);
  const responses = (integration.IntegrationResponses ?? []) as Array<Record<string, unknown>>;
  return {
    queueLogicalId: queueIds[0],
    requestTemplates: (integration.RequestTemplates ?? {}) as Record<string, string>,
    responses: responses.map((r) => [
      String(r.StatusCode),
      r.SelectionPattern === undefined ? undefined : String(r.SelectionPattern),
      String((r.ResponseTemplates as Record<string, string> | undefined)?.['application/json'] ?? ''),
    ] as const),
  };
}

/** Which front door the template has: a REST API, an HTTP API or function URLs. */
export type LocalFrontDoor = 'rest-api' | 'http-api' | 'function-url';

export function frontDoorOf(template: CfnTemplate): LocalFrontDoor {
  if (resourcesOfType(template, 'AWS::ApiGateway::RestApi').length > 0) return 'rest-api';
  if (resourcesOfType(template, 'AWS::ApiGatewayV2::Api').length > 0) return 'http-api';
  if (resourcesOfType(template, 'AWS::Lambda::Url').length > 0) return 'function-url';
  throw new Error('the template has no front door (REST API, HTTP API or function URL)');
}

/** The function a reference (an Arn, or an alias of a function of the template) points at. */
function functionBehind(template: CfnTemplate, value: unknown, what: string): string {
  const ids = referencedIds(value).flatMap((id) => {
    const resource = template.Resources[id];
    if (resource?.Type === 'AWS::Lambda::Function') return [id];
    if (resource?.Type === 'AWS::Lambda::Alias') return referencedIds(propertiesOf(resource).FunctionName).filter((f) => template.Resources[f]?.Type === 'AWS::Lambda::Function');
    return [];
  });
  if (ids.length !== 1) throw new Error(`${what} does not point at one Lambda function of the template; only those are emulated`);
  return ids[0];
}

/** The HTTP API's routes (`AWS::ApiGatewayV2::Route`, Lambda proxy integrations of payload format 2.0 only). */
export function httpApiRoutes(template: CfnTemplate): ApiRoute[] {
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([logicalId, resource]) => {
    const p = propertiesOf(resource);
    const [method, path] = String(p.RouteKey).split(' ');
    const integrationId = referencedIds(p.Target).find((id) => template.Resources[id]?.Type === 'AWS::ApiGatewayV2::Integration');
    const integration = integrationId === undefined ? undefined : propertiesOf(template.Resources[integrationId]);
    if (integration?.IntegrationType !== 'AWS_PROXY' || integration.PayloadFormatVersion !== '2.0') {
      throw new Error(`route ${logicalId} is not a Lambda proxy integration of payload format 2.0; only those are emulated`);
    }
    return {
      httpMethod: method,
      resourcePath: path,
      resourceLogicalId: logicalId,
      authorizationType: String(p.AuthorizationType ?? 'NONE'),
      functionLogicalId: functionBehind(template, integration.IntegrationUri, `route ${logicalId}`),
    };
  });
}

/** The function URLs (`AWS::Lambda::Url`): each one's function and AuthType. */
export function functionUrlsOf(template: CfnTemplate): Array<{ readonly functionLogicalId: string; readonly authType: 'NONE' | 'AWS_IAM' }> {
  return resourcesOfType(template, 'AWS::Lambda::Url').map(([logicalId, resource]) => {
    const p = propertiesOf(resource);
    if (p.AuthType !== 'NONE' && p.AuthType !== 'AWS_IAM') throw new Error(`function URL ${logicalId} has AuthType ${String(p.AuthType)}`);
    if (p.InvokeMode !== undefined && p.InvokeMode !== 'BUFFERED') throw new Error(`function URL ${logicalId}: only InvokeMode BUFFERED is emulated`);
    return { functionLogicalId: functionBehind(template, p.TargetFunctionArn, `function URL ${logicalId}`), authType: p.AuthType };
  });
}

export function apiSettings(template: CfnTemplate): ApiSettings {
  const [, api] = onlyResourceOfType(template, 'AWS::ApiGateway::RestApi');
  const [, stage] = onlyResourceOfType(template, 'AWS::ApiGateway::Stage');
  const gatewayResponses: Record<string, GatewayResponseSpec> = {};
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse')) {
    const p = propertiesOf(resource);
    gatewayResponses[String(p.ResponseType)] = gatewayResponseSpec(logicalId, p);
  }
  return {
    binaryMediaTypes: (propertiesOf(api).BinaryMediaTypes as string[] | undefined) ?? [],
    stageName: String(propertiesOf(stage).StageName),
    gatewayResponses,
  };
}

/** Static header values and a static JSON body only: anything else is not emulated, so it throws. */
function gatewayResponseSpec(logicalId: string, p: Record<string, unknown>): GatewayResponseSpec {
  const headers = Object.entries((p.ResponseParameters ?? {}) as Record<string, string>).map(([name, value]): [string, string] => {
    const header = /^gatewayresponse\.header\.(.+)$/.exec(name)?.[1];
    const literal = /^'(.*)'$/.exec(value)?.[1];
    if (header === undefined || literal === undefined) throw new Error(`gateway response ${logicalId}: parameter ${name} = ${value} is not a static header`);
    return [header, literal];
  });
  const templates = (p.ResponseTemplates ?? {}) as Record<string, string>;
  const unsupported = Object.keys(templates).filter((type) => type !== 'application/json');
  const body = templates['application/json'];
  if (unsupported.length > 0 || body?.includes('$')) throw new Error(`gateway response ${logicalId}: only a static application/json template is emulated`);
  return { ...(p.StatusCode !== undefined ? { statusCode: Number(p.StatusCode) } : {}), headers, ...(body !== undefined ? { body } : {}) };
}

/** Each event source mapping's kind by the resource its EventSourceArn names; any other kind throws. */
function mappingsOf(template: CfnTemplate, type: 'AWS::SQS::Queue' | 'AWS::DynamoDB::Table'): Array<[string, CfnResource]> {
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(([logicalId, resource]) => {
    const sourceId = referencedId(propertiesOf(resource).EventSourceArn);
    const sourceType = sourceId === undefined ? undefined : template.Resources[sourceId]?.Type;
    if (sourceType !== 'AWS::SQS::Queue' && sourceType !== 'AWS::DynamoDB::Table') {
      throw new Error(`event source mapping ${logicalId} reads neither an SQS queue nor a DynamoDB stream; only those are emulated`);
    }
    return sourceType === type;
  });
}

export function sqsEventSources(template: CfnTemplate): SqsEventSource[] {
  return mappingsOf(template, 'AWS::SQS::Queue').map(([logicalId, resource]) => {
    const p = propertiesOf(resource);
    const queueId = referencedId(p.EventSourceArn);
    const functionId = referencedId(p.FunctionName);
    if (queueId === undefined || functionId === undefined) {
      throw new Error(`event source mapping ${logicalId} is not an SQS queue → function mapping`);
    }
    const scaling = p.ScalingConfig as { MaximumConcurrency?: number } | undefined;
    return {
      functionLogicalId: functionId,
      queueLogicalId: queueId,
      // Lambda's defaults for SQS when the template leaves them out.
      batchSize: Number(p.BatchSize ?? 10),
      maximumBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
      ...(scaling?.MaximumConcurrency !== undefined ? { maximumConcurrency: Number(scaling.MaximumConcurrency) } : {}),
      reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
    };
  });
}

/** Properties of a DynamoDB stream mapping the stream stand-in applies (anything else throws). */
const STREAM_MAPPING_PROPERTIES = new Set([
  'EventSourceArn', 'FunctionName', 'StartingPosition', 'BatchSize', 'MaximumBatchingWindowInSeconds', 'FilterCriteria',
  'FunctionResponseTypes', 'BisectBatchOnFunctionError', 'MaximumRetryAttempts', 'MaximumRecordAgeInSeconds',
  'DestinationConfig', 'ParallelizationFactor', 'Enabled',
]);

export function streamEventSources(template: CfnTemplate): StreamEventSource[] {
  return mappingsOf(template, 'AWS::DynamoDB::Table').map(([logicalId, resource]) => {
    const p = propertiesOf(resource);
    const unsupported = Object.keys(p).filter((name) => !STREAM_MAPPING_PROPERTIES.has(name));
    if (unsupported.length > 0) throw new Error(`stream event source mapping ${logicalId}: ${unsupported.join(', ')} not supported locally`);
    const getAtt = (p.EventSourceArn as Record<string, unknown>)['Fn::GetAtt'];
    const functionId = referencedId(p.FunctionName);
    if (!Array.isArray(getAtt) || getAtt[1] !== 'StreamArn' || functionId === undefined) {
      throw new Error(`event source mapping ${logicalId} is not a table stream → function mapping`);
    }
    if (p.Enabled === false) throw new Error(`stream event source mapping ${logicalId} is disabled; a disabled mapping is not emulated`);
    const position = String(p.StartingPosition);
    if (position !== 'TRIM_HORIZON' && position !== 'LATEST') throw new Error(`stream event source mapping ${logicalId}: StartingPosition ${position} not supported locally`);
    const filters = ((p.FilterCriteria as { Filters?: Array<{ Pattern: string }> } | undefined)?.Filters ?? []);
    const responseTypes = (p.FunctionResponseTypes as string[] | undefined) ?? [];
    if (responseTypes.some((t) => t !== 'ReportBatchItemFailures')) throw new Error(`stream event source mapping ${logicalId}: FunctionResponseTypes ${responseTypes.join(', ')} not supported locally`);
    const destination = p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined;
    const otherDestinations = Object.keys(destination ?? {}).filter((k) => k !== 'OnFailure');
    if (otherDestinations.length > 0) throw new Error(`stream event source mapping ${logicalId}: DestinationConfig.${otherDestinations.join(', ')} not supported locally`);
    return {
      logicalId,
      functionLogicalId: functionId,
      tableLogicalId: String(getAtt[0]),
      startingPosition: position,
      // Lambda's defaults for DynamoDB streams.
      batchSize: Number(p.BatchSize ?? 100),
      maximumBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
      filterPatterns: filters.map((f) => JSON.parse(f.Pattern) as unknown),
      reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
      bisectBatchOnFunctionError: p.BisectBatchOnFunctionError === true,
      maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? -1),
      maximumRecordAgeSeconds: Number(p.MaximumRecordAgeInSeconds ?? -1),
      parallelizationFactor: Number(p.ParallelizationFactor ?? 1),
      ...(destination?.OnFailure?.Destination !== undefined ? { onFailureDestination: destination.OnFailure.Destination } : {}),
    };
  });
}

const RULE_PROPERTIES = new Set(['Description', 'EventBusName', 'EventPattern', 'State', 'Targets', 'Name']);
const TARGET_PROPERTIES = new Set(['Id', 'Arn', 'Input', 'InputPath', 'RetryPolicy', 'DeadLetterConfig', 'RoleArn']);

/** The template's EventBridge rules with their targets; what the bus stand-in cannot apply throws. */
export function eventRules(template: CfnTemplate): EventRuleSpec[] {
  return resourcesOfType(template, 'AWS::Events::Rule').map(([logicalId, resource]) => {
    const p = propertiesOf(resource);
    const unsupported = Object.keys(p).filter((name) => !RULE_PROPERTIES.has(name));
    if (unsupported.length > 0) throw new Error(`rule ${logicalId}: ${unsupported.join(', ')} not supported locally (only event patterns are)`);
    const busLogicalId = p.EventBusName === undefined ? undefined : referencedId(p.EventBusName);
    if (p.EventBusName !== undefined && busLogicalId === undefined) throw new Error(`rule ${logicalId}: EventBusName must reference a bus of the template`);
    return {
      logicalId,
      // `<processor id>Routes<route id><hash>` for the routes of onWebhook().
      constructId: logicalId.replace(/[0-9A-F]{8}$/, '').replace(/^.*?Routes/, ''),
      ...(busLogicalId !== undefined ? { busLogicalId } : {}),
      eventPattern: p.EventPattern,
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
      targets: ((p.Targets ?? []) as Array<Record<string, unknown>>).map((t): RuleTargetSpec => {
        const extra = Object.keys(t).filter((name) => !TARGET_PROPERTIES.has(name));
        if (extra.length > 0) throw new Error(`rule ${logicalId}, target ${String(t.Id)}: ${extra.join(', ')} not supported locally`);
        const retry = (t.RetryPolicy ?? {}) as { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
        return {
          id: String(t.Id),
          arn: t.Arn,
          ...(t.Input !== undefined ? { input: String(t.Input) } : {}),
          ...(t.InputPath !== undefined ? { inputPath: String(t.InputPath) } : {}),
          // EventBridge's defaults: 185 retries, 24 hours.
          maximumRetryAttempts: Number(retry.MaximumRetryAttempts ?? 185),
          maximumEventAgeSeconds: Number(retry.MaximumEventAgeInSeconds ?? 86_400),
          ...(t.DeadLetterConfig !== undefined ? { deadLetterArn: (t.DeadLetterConfig as { Arn: unknown }).Arn } : {}),
        };
      }),
    };
  });
}
