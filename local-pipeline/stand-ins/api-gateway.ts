/**
 * A local stand-in for the construct's API Gateway REST API: an HTTP server on 127.0.0.1 that
 * routes by the template's resources and methods and turns each request into the Lambda proxy
 * event API Gateway sends (binaryMediaTypes honoured, headers and multiValueHeaders, path
 * parameters, requestContext), checks SigV4 on AWS_IAM methods, and answers what API Gateway
 * answers when there is no route (403 Missing Authentication Token) or the function fails (502).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { onCleanup } from '../cleanup';
import type { InvocationResult, LocalFunction } from './functions';
import { checkSignature, type Credentials } from './sigv4';
import { integrateSqs } from './sqs-integration';
import type { ApiRoute, GatewayResponseSpec } from '../template/template';

/** API Gateway's payload limit (10 MB); larger requests are refused before any integration runs. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/** Lambda's synchronous invocation payload limit (6 MB); a larger event fails the integration. */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** API Gateway REST integrations time out after 29 s. */
const INTEGRATION_TIMEOUT_MS = 29_000;

export interface RouteMatch {
  readonly route: ApiRoute;
  readonly pathParameters: Record<string, string> | null;
}

/**
 * The route of a method and path, or undefined (API Gateway then answers 403). Segments match
 * literally or fill a `{param}`; parameters keep their percent-encoding, as API Gateway passes them.
 */
export function matchRoute(routes: readonly ApiRoute[], method: string, path: string): RouteMatch | undefined {
  const segments = path.split('/').slice(1);
  // API Gateway prefers a literal segment to a parameter (`/webhook/billing` over `/webhook/{provider}`).
  const literalFirst = [...routes].sort((a, b) => parameterCount(a) - parameterCount(b));
  for (const route of literalFirst) {
    if (route.httpMethod !== method && route.httpMethod !== 'ANY') continue;
    const pattern = route.resourcePath.split('/').slice(1);
    if (pattern.length !== segments.length) continue;
    const parameters: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const param = /^\{(.+)\}$/.exec(part);
      if (param) {
        parameters[param[1]] = segments[i];
        return segments[i] !== '';
      }
      return part === segments[i];
    });
    if (matches) return { route, pathParameters: Object.keys(parameters).length > 0 ? parameters : null };
  }
  return undefined;
}

function parameterCount(route: ApiRoute): number {
  return route.resourcePath.split('/').filter((part) => part.startsWith('{')).length;
}

/** Whether API Gateway base64-encodes a body of this content type (it defaults to application/json). */
export function isBinaryMediaType(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  const mediaType = (contentType ?? 'application/json').split(';', 1)[0].trim().toLowerCase();
  const [type, subtype] = mediaType.split('/');
  return binaryMediaTypes.some((pattern) => {
    const [pType, pSubtype] = pattern.toLowerCase().split('/');
    return (pType === '*' || pType === type) && (pSubtype === '*' || pSubtype === subtype);
  });
}

export interface ProxyRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  /** Names as sent (case kept), in order: [name, value, name, value, …] like Node's rawHeaders. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
}

export interface ProxyEventOptions {
  readonly match: RouteMatch;
  readonly stage: string;
  readonly binaryMediaTypes: readonly string[];
  readonly accountId: string;
  readonly apiId: string;
  readonly requestId?: string;
  readonly now?: Date;
  /** The caller of an AWS_IAM method. */
  readonly accessKeyId?: string;
}

/** The Lambda proxy integration event API Gateway builds for `request`. */
export function toProxyEvent(request: ProxyRequest, options: ProxyEventOptions): APIGatewayProxyEvent {
  const now = options.now ?? new Date();
  const requestId = options.requestId ?? randomUUID();
  const queryStart = request.url.indexOf('?');
  const path = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : request.url.slice(queryStart + 1));

  // Collected in Maps: header and parameter names are the client's, `toString` and `__proto__` included.
  const headerMap = new Map<string, string[]>();
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    headerMap.set(request.rawHeaders[i], [...(headerMap.get(request.rawHeaders[i]) ?? []), request.rawHeaders[i + 1]]);
  }
  const { single: headers, multi: multiValueHeaders } = toRecords(headerMap);
  const forwardedFor = headerValue(headers, 'x-forwarded-for');
  setHeader(headers, multiValueHeaders, 'X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp);
  setHeader(headers, multiValueHeaders, 'X-Forwarded-Port', '443');
  setHeader(headers, multiValueHeaders, 'X-Forwarded-Proto', 'https');
  setHeader(headers, multiValueHeaders, 'X-Amzn-Trace-Id', `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`);

  const hasBody = request.body.length > 0;
  const binary = isBinaryMediaType(headerValue(headers, 'content-type'), options.binaryMediaTypes);
  const queryMap = new Map<string, string[]>();
  for (const [k, v] of query) queryMap.set(k, [...(queryMap.get(k) ?? []), v]);
  const { single: queryParameters, multi: multiValueQueryParameters } = toRecords(queryMap);
  const hasQuery = queryMap.size > 0;
  const userAgent = headerValue(headers, 'user-agent') ?? null;
  const iam = options.match.route.authorizationType === 'AWS_IAM' && options.accessKeyId !== undefined;
  const userArn = iam ? `arn:aws:iam::${options.accountId}:user/local-caller` : null;

  return {
    resource: options.match.route.resourcePath,
    path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? queryParameters : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQueryParameters : null,
    pathParameters: options.match.pathParameters,
    stageVariables: null,
    requestContext: {
      resourceId: options.match.route.resourceLogicalId.slice(0, 6).toLowerCase(),
      resourcePath: options.match.route.resourcePath,
      httpMethod: request.method,
      extendedRequestId: randomBytes(8).toString('base64').slice(0, 11) + '=',
      requestTime: formatRequestTime(now),
      path: `/${options.stage}${path}`,
      accountId: options.accountId,
      protocol: 'HTTP/1.1',
      stage: options.stage,
      domainPrefix: options.apiId,
      requestTimeEpoch: now.getTime(),
      requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: iam ? options.accountId : null,
        cognitoIdentityId: null,
        caller: iam ? options.accessKeyId! : null,
        sourceIp: request.sourceIp,
        principalOrgId: null,
        accessKey: iam ? options.accessKeyId! : null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn,
        userAgent,
        user: iam ? options.accessKeyId! : null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
      },
      domainName: `${options.apiId}.execute-api.us-east-1.amazonaws.com`,
      apiId: options.apiId,
      authorizer: null,
    },
    body: hasBody ? request.body.toString(binary ? 'base64' : 'utf8') : null,
    isBase64Encoded: hasBody && binary,
  } as unknown as APIGatewayProxyEvent;
}

export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

/** Answers made by API Gateway itself (not by a function), which gateway responses customize. */
const GATEWAY_ANSWERS = new WeakSet<HttpAnswer>();

/** API Gateway's own JSON error answer. */
export function gatewayError(statusCode: number, message: string, errorType: string): HttpAnswer {
  const answer = {
    statusCode,
    headers: [['Content-Type', 'application/json'], ['x-amzn-ErrorType', errorType]] as const,
    body: Buffer.from(JSON.stringify({ message })),
  };
  GATEWAY_ANSWERS.add(answer);
  return answer;
}

const INTERNAL_ERROR = () => gatewayError(502, 'Internal server error', 'InternalServerErrorException');

/**
 * Gateway response types the stand-in knows where to answer. The 502 of a failed Lambda
 * integration is left to DEFAULT_5XX: which specific type API Gateway files it under is not
 * emulated, so a template customizing another type makes the API throw at start.
 */
const EMULATED_RESPONSE_TYPES = new Set(['REQUEST_TOO_LARGE', 'MISSING_AUTHENTICATION_TOKEN', 'INTEGRATION_TIMEOUT', 'DEFAULT_4XX', 'DEFAULT_5XX']);

/** API Gateway's own answer as the template customizes it: its response type's, else DEFAULT_4XX/5XX. */
export function customized(answer: HttpAnswer, type: string | undefined, responses: Readonly<Record<string, GatewayResponseSpec>>): HttpAnswer {
  const spec = (type !== undefined ? responses[type] : undefined) ?? responses[answer.statusCode >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'];
  if (spec === undefined) return answer;
  const replaced = new Set(spec.headers.map(([name]) => name.toLowerCase()));
  return {
    statusCode: spec.statusCode ?? answer.statusCode,
    headers: [...answer.headers.filter(([name]) => !replaced.has(name.toLowerCase())), ...spec.headers],
    body: spec.body !== undefined ? Buffer.from(spec.body, 'utf8') : answer.body,
  };
}

/** The HTTP answer for a function's result: its proxy response, or 502 for an error or a malformed response. */
export function toHttpAnswer(result: InvocationResult): HttpAnswer {
  if (!result.ok) return INTERNAL_ERROR();
  const value = result.value as Record<string, unknown> | null;
  if (typeof value !== 'object' || value === null || !Number.isInteger(value.statusCode)) return INTERNAL_ERROR();
  const statusCode = value.statusCode as number;
  if (statusCode < 100 || statusCode > 599) return INTERNAL_ERROR();
  const headers: Array<[string, string]> = [];
  for (const [name, v] of Object.entries((value.headers ?? {}) as Record<string, unknown>)) headers.push([name, String(v)]);
  for (const [name, values] of Object.entries((value.multiValueHeaders ?? {}) as Record<string, unknown>)) {
    if (!Array.isArray(values)) return INTERNAL_ERROR();
    for (const v of values) headers.push([name, String(v)]);
  }
  if (value.body !== undefined && value.body !== null && typeof value.body !== 'string') return INTERNAL_ERROR();
  const body = typeof value.body === 'string' ? value.body : '';
  const decoded = value.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  return { statusCode, headers, body: decoded };
}

export interface ApiServerOptions {
  readonly routes: readonly ApiRoute[];
  /** Function per route's `functionLogicalId`. */
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly stage: string;
  readonly binaryMediaTypes: readonly string[];
  /** The template's customized gateway responses, by response type. */
  readonly gatewayResponses?: Readonly<Record<string, GatewayResponseSpec>>;
  readonly accountId: string;
  readonly region: string;
  /** Queue URLs by logical id, for SQS integrations. */
  readonly queueUrls?: ReadonlyMap<string, string>;
  /** Callers accepted on AWS_IAM routes. */
  readonly callers: readonly Credentials[];
  /** 0 for any free port. */
  readonly port: number;
  /** Called after every request, e.g. for an access log. */
  readonly onRequest?: (entry: { method: string; path: string; status: number; ms: number }) => void;
}

export interface ApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const notEmulated = Object.keys(options.gatewayResponses ?? {}).filter((type) => !EMULATED_RESPONSE_TYPES.has(type));
  if (notEmulated.length > 0) throw new Error(`gateway responses not emulated: ${notEmulated.join(', ')}`);
  const apiId = randomBytes(5).toString('hex');
  return serveAnswers(options.port, (req) => handleRequest(req, options, apiId), {
    extraHeaders: () => ['x-amzn-RequestId', randomUUID()],
    errorLabel: 'local API error',
    onRequest: options.onRequest,
  });
}

/** How serveAnswers answers beyond the handler's own answer. */
export interface ServeOptions {
  /** Headers added to every answer (name, value, name, value…). */
  readonly extraHeaders?: () => string[];
  /** How a handler's failure is named in its 500 answer. */
  readonly errorLabel: string;
  readonly onRequest?: (entry: { method: string; path: string; status: number; ms: number }) => void;
}

/**
 * An HTTP server on 127.0.0.1 that answers every request with what `handle` resolves to (a
 * handler failure is a JSON 500), kept alive as a front door would, and stopped at cleanup.
 */
export async function serveAnswers(
  port: number, handle: (req: http.IncomingMessage) => Promise<HttpAnswer>, options: ServeOptions,
): Promise<ApiServer> {
  const server = http.createServer((req, res) => {
    const started = Date.now();
    void handle(req).then((answer) => {
      res.writeHead(answer.statusCode, [...answer.headers.flat(), ...(options.extraHeaders?.() ?? []), 'Content-Length', String(answer.body.length)]);
      res.end(answer.body);
      options.onRequest?.({ method: req.method ?? '', path: req.url ?? '', status: answer.statusCode, ms: Date.now() - started });
    }, (error: Error) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `${options.errorLabel}: ${error.message}` }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const stop = onCleanup(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  return { url: `http://127.0.0.1:${address.port}`, port: address.port, stop };
}

async function handleRequest(req: http.IncomingMessage, options: ApiServerOptions, apiId: string): Promise<HttpAnswer> {
  const gateway = (type: string | undefined, answer: HttpAnswer) => customized(answer, type, options.gatewayResponses ?? {});
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === undefined) return gateway('REQUEST_TOO_LARGE', gatewayError(413, 'Request Too Long', 'RequestTooLongException'));
  const url = req.url ?? '/';
  const path = url.split('?', 1)[0];
  const method = req.method ?? 'GET';
  const match = matchRoute(options.routes, method, path);
  if (match === undefined) return gateway('MISSING_AUTHENTICATION_TOKEN', gatewayError(403, 'Missing Authentication Token', 'MissingAuthenticationTokenException'));

  let accessKeyId: string | undefined;
  if (match.route.authorizationType === 'AWS_IAM') {
    const lowerHeaders: Record<string, string> = {};
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lowerHeaders[req.rawHeaders[i].toLowerCase()] = req.rawHeaders[i + 1];
    const check = checkSignature({ method, url, headers: lowerHeaders, body }, options.callers, options.region, 'execute-api');
    if (!check.ok) {
      const missing = check.message === 'Missing Authentication Token';
      return gateway(missing ? 'MISSING_AUTHENTICATION_TOKEN' : undefined,
        gatewayError(403, check.message, missing ? 'MissingAuthenticationTokenException' : 'IncompleteSignatureException'));
    }
    accessKeyId = check.accessKeyId;
  }

  const event = toProxyEvent(
    { method, url, rawHeaders: req.rawHeaders, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
    { match, stage: options.stage, binaryMediaTypes: options.binaryMediaTypes, accountId: options.accountId, apiId, accessKeyId },
  );
  const sqs = match.route.sqs;
  if (sqs !== undefined) {
    const queueUrl = options.queueUrls?.get(sqs.queueLogicalId);
    if (queueUrl === undefined) return gateway(undefined, INTERNAL_ERROR());
    const answer = await integrateSqs(sqs, event, queueUrl, options.region);
    return { statusCode: answer.statusCode, headers: [['Content-Type', 'application/json']], body: Buffer.from(answer.body) };
  }
  const fn = options.functions.get(match.route.functionLogicalId);
  if (fn === undefined) return gateway(undefined, INTERNAL_ERROR());
  if (Buffer.byteLength(JSON.stringify(event)) > MAX_INVOKE_PAYLOAD_BYTES) return gateway(undefined, INTERNAL_ERROR());
  const result = await Promise.race([
    fn.invoke(event),
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), INTEGRATION_TIMEOUT_MS).unref()),
  ]);
  if (result === 'timeout') return gateway('INTEGRATION_TIMEOUT', gatewayError(504, 'Endpoint request timed out', 'IntegrationTimeout'));
  const answer = toHttpAnswer(result);
  // A malformed function response or a function error is API Gateway's own 502.
  return GATEWAY_ANSWERS.has(answer) ? gateway(undefined, answer) : answer;
}

/** The whole body, or undefined once it exceeds `limit` bytes. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function headerValue(headers: Record<string, string>, lowerName: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === lowerName);
  return key === undefined ? undefined : headers[key];
}

/** API Gateway's two views of repeated names: the last value, and every value. */
function toRecords(values: Map<string, string[]>): { single: Record<string, string>; multi: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, list] of values) {
    Object.defineProperty(single, name, { value: list[list.length - 1], enumerable: true, writable: true, configurable: true });
    Object.defineProperty(multi, name, { value: list, enumerable: true, writable: true, configurable: true });
  }
  return { single, multi };
}

/** Replaces a header whatever the case it was sent in, under API Gateway's spelling. */
function setHeader(headers: Record<string, string>, multi: Record<string, string[]>, name: string, value: string): void {
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name.toLowerCase()) {
      delete headers[key];
      delete multi[key];
    }
  }
  Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(multi, name, { value: [value], enumerable: true, writable: true, configurable: true });
}

/** `09/Apr/2015:12:34:56 +0000` */
function formatRequestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}
