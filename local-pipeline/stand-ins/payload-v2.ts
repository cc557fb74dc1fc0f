/**
 * Local stand-ins for the two front doors that send payload format 2.0: an API Gateway HTTP API
 * (routes and the IAM authorizer from the template's `AWS::ApiGatewayV2::Route`s) and Lambda
 * function URLs (`AWS::Lambda::Url`, AuthType NONE or AWS_IAM). What they emulate, with AWS's words:
 *
 * - The event: "Format 2.0 doesn't have multiValueHeaders or multiValueQueryStringParameters
 *   fields. Duplicate headers are combined with commas and included in the headers field.
 *   Duplicate query strings are combined with commas and included in the queryStringParameters
 *   field."; "All cookie headers in the request are combined with commas and added to the cookies
 *   field." (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html);
 *   header names lower-cased. Function URLs: "The request and response event formats follow the
 *   same schema as the Amazon API Gateway payload format version 2.0", `routeKey` and `stage`
 *   `$default`, no `pathParameters` (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html).
 * - Bodies: "If the content type of the request is binary, the body is base64-encoded." AWS does
 *   not list which content types count as text; the stand-in's choice is TEXT_TYPES below (the
 *   handlers accept either encoding of any body, so the choice cannot hide a defect, and the
 *   tests send bodies of both kinds).
 * - Limits: HTTP API payload 10 MB (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html);
 *   function URLs "6 MB each for request and response (synchronous)"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). Lambda's 6 MB
 *   invocation payload applies to the event behind an HTTP API too.
 * - Answers of the front door itself (not documented word for word; these are what they send):
 *   HTTP API 404 `{"message":"Not Found"}` without a route, 403 `{"message":"Forbidden"}` for a
 *   failed IAM check, 500 `{"message":"Internal Server Error"}` for a failed integration, 413 for
 *   a request too large; function URLs 403 `{"Message":"Forbidden"}`, 502 for a function error,
 *   413 for a request too large.
 *
 * The three function URLs share one local port: the first path segment picks the URL (`webhook`
 * → the ingest URL, `status` → the status URL, `webhooks` → the listing URL), as the three hosts
 * do in AWS; each URL then passes every method and path to its function, which routes itself.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { matchRoute, readBody, serveAnswers, type HttpAnswer } from './api-gateway';
import type { InvocationResult, LocalFunction } from './functions';
import { checkSignature, type Credentials } from './sigv4';
import type { ApiRoute } from '../template/template';

/** An HTTP API's payload limit (10 MB). */
export const HTTP_API_MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/** A function URL's request limit, and Lambda's invocation payload limit (6 MB). */
export const FUNCTION_URL_MAX_REQUEST_BYTES = 6 * 1024 * 1024;
const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Media types the stand-ins pass as text (the rest base64-encoded). */
const TEXT_TYPES = [/^text\//, /^application\/(.+\+)?json$/, /^application\/(.+\+)?xml$/, /^application\/javascript$/, /^application\/x-www-form-urlencoded$/];

export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  return TEXT_TYPES.some((pattern) => pattern.test(mediaType));
}

export interface V2Request {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
}

export interface V2EventOptions {
  /** `POST /webhook/{provider}` on an HTTP API, `$default` on a function URL. */
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string>;
  readonly accountId: string;
  readonly apiId: string;
  readonly domainName: string;
  /** The caller of an IAM route or URL. */
  readonly accessKeyId?: string;
  readonly now?: Date;
}

/** The payload format 2.0 event for `request`. */
export function toV2Event(request: V2Request, options: V2EventOptions): APIGatewayProxyEventV2 {
  const now = options.now ?? new Date();
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i].toLowerCase();
    const value = request.rawHeaders[i + 1];
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((c) => c.trim()).filter((c) => c !== ''));
      continue;
    }
    const joined = Object.hasOwn(headers, name) ? `${headers[name]},${value}` : value;
    Object.defineProperty(headers, name, { value: joined, enumerable: true, writable: true, configurable: true });
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-proto'] = 'https';
  headers['x-forwarded-port'] = '443';
  headers['x-amzn-trace-id'] = `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    query[name] = Object.hasOwn(query, name) ? `${query[name]},${value}` : value;
  }
  const hasBody = request.body.length > 0;
  const text = isTextContentType(headers['content-type']);
  const iam = options.accessKeyId !== undefined;
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: options.accountId,
      apiId: options.apiId,
      domainName: options.domainName,
      domainPrefix: options.apiId,
      http: { method: request.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: request.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: options.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(iam ? { authorizer: { iam: { accessKey: options.accessKeyId, accountId: options.accountId, callerId: options.accessKeyId, userArn: `arn:aws:iam::${options.accountId}:user/local-caller`, userId: options.accessKeyId } } } : {}),
    } as unknown as APIGatewayProxyEventV2['requestContext'],
    ...(hasBody ? { body: request.body.toString(text ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
}

function json(statusCode: number, body: object): HttpAnswer {
  return { statusCode, headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify(body)) };
}

/**
 * The answer for a function's 2.0 response: with a `statusCode`, its parts (and `cookies` as
 * Set-Cookie); without one, "API Gateway assumes … statusCode 200, content-type
 * application/json" and the value as the body; `failed` for an error or malformed response.
 */
export function toV2Answer(result: InvocationResult, failed: HttpAnswer): HttpAnswer {
  if (!result.ok) return failed;
  const value = result.value as Record<string, unknown> | null;
  if (typeof value !== 'object' || value === null || !('statusCode' in value)) {
    return json(200, value ?? {});
  }
  const statusCode = value.statusCode as number;
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return failed;
  if (value.body !== undefined && value.body !== null && typeof value.body !== 'string') return failed;
  const headers: Array<[string, string]> = Object.entries((value.headers ?? {}) as Record<string, unknown>).map(([n, v]) => [n, String(v)]);
  for (const cookie of (value.cookies ?? []) as unknown[]) headers.push(['Set-Cookie', String(cookie)]);
  const body = typeof value.body === 'string' ? value.body : '';
  return { statusCode, headers, body: value.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8') };
}

/** One function URL: the first path segments it serves locally, its function and AuthType. */
export interface LocalFunctionUrl {
  readonly firstSegment: string;
  readonly functionLogicalId: string;
  readonly authType: 'NONE' | 'AWS_IAM';
}

export interface V2ServerOptions {
  /** HTTP API routes; given for an HTTP API. */
  readonly routes?: readonly ApiRoute[];
  /** Function URLs; given for function URLs. */
  readonly functionUrls?: readonly LocalFunctionUrl[];
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly accountId: string;
  readonly region: string;
  readonly callers: readonly Credentials[];
  readonly port: number;
  readonly onRequest?: (entry: { method: string; path: string; status: number; ms: number }) => void;
}

export interface V2Server {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startV2Server(options: V2ServerOptions): Promise<V2Server> {
  const apiId = randomBytes(5).toString('hex');
  return serveAnswers(options.port, (req) => handle(req, options, apiId), { errorLabel: 'local front door error', onRequest: options.onRequest });
}

async function handle(req: http.IncomingMessage, options: V2ServerOptions, apiId: string): Promise<HttpAnswer> {
  const isUrl = options.functionUrls !== undefined;
  const limit = isUrl ? FUNCTION_URL_MAX_REQUEST_BYTES : HTTP_API_MAX_REQUEST_BYTES;
  const body = await readBody(req, limit);
  if (body === undefined) return json(413, { message: 'Request Entity Too Large' });
  const url = req.url ?? '/';
  const path = url.split('?', 1)[0];
  const method = req.method ?? 'GET';

  let target: { functionLogicalId: string; iam: boolean; routeKey: string; pathParameters?: Record<string, string> };
  if (isUrl) {
    const first = path.split('/')[1] ?? '';
    const fnUrl = options.functionUrls!.find((u) => u.firstSegment === first) ?? options.functionUrls!.find((u) => u.firstSegment === 'webhook')!;
    target = { functionLogicalId: fnUrl.functionLogicalId, iam: fnUrl.authType === 'AWS_IAM', routeKey: '$default' };
  } else {
    const match = matchRoute(options.routes ?? [], method, path);
    if (match === undefined) return json(404, { message: 'Not Found' });
    target = {
      functionLogicalId: match.route.functionLogicalId,
      iam: match.route.authorizationType === 'AWS_IAM',
      routeKey: `${match.route.httpMethod} ${match.route.resourcePath}`,
      ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
    };
  }
  let accessKeyId: string | undefined;
  if (target.iam) {
    const lowerHeaders: Record<string, string> = {};
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lowerHeaders[req.rawHeaders[i].toLowerCase()] = req.rawHeaders[i + 1];
    const check = checkSignature({ method, url, headers: lowerHeaders, body }, options.callers, options.region, isUrl ? 'lambda' : 'execute-api');
    if (!check.ok) return json(403, isUrl ? { Message: 'Forbidden' } : { message: 'Forbidden' });
    accessKeyId = check.accessKeyId;
  }
  const failed = isUrl ? json(502, { Message: 'Internal Server Error' }) : json(500, { message: 'Internal Server Error' });
  const fn = options.functions.get(target.functionLogicalId);
  if (fn === undefined) return failed;
  const domainName = isUrl ? `${apiId}.lambda-url.${options.region}.on.aws` : `${apiId}.execute-api.${options.region}.amazonaws.com`;
  const event = toV2Event(
    { method, url, rawHeaders: req.rawHeaders, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
    { routeKey: target.routeKey, pathParameters: target.pathParameters, accountId: options.accountId, apiId, domainName, accessKeyId },
  );
  if (Buffer.byteLength(JSON.stringify(event)) > MAX_INVOKE_PAYLOAD_BYTES) {
    // A function URL refuses the invocation as too large; an HTTP API's integration fails.
    return isUrl ? json(413, { Message: 'Request Entity Too Large' }) : failed;
  }
  return toV2Answer(await fn.invoke(event), failed);
}
