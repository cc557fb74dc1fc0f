/**
 * One request, whatever front door delivered it: the REST API's Lambda proxy event (payload
 * format 1.0), the HTTP API's payload format 2.0, or a Lambda function URL's event (2.0-shaped).
 * Pure: no AWS clients. Every handler behind a front door (ingest, status, listing) reads its
 * request through `requestOf`, so that none of them depends on which front door was chosen.
 *
 * What AWS documents about each format, and what it means for the exact bytes:
 *
 * - REST API (1.0): `headers` keeps the client's spelling, `multiValueHeaders` has every value of
 *   a repeated header, `multiValueQueryStringParameters` every value of a repeated parameter
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html).
 *   The construct sets `binaryMediaTypes: ['*\/*']`, so every body arrives base64-encoded and no
 *   byte is altered.
 * - HTTP API (2.0), https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html:
 *   "Format 2.0 doesn't have multiValueHeaders or multiValueQueryStringParameters fields.
 *   Duplicate headers are combined with commas and included in the headers field. Duplicate query
 *   strings are combined with commas and included in the queryStringParameters field."; "Format
 *   2.0 includes a new cookies field. All cookie headers in the request are combined with commas
 *   and added to the cookies field."; header names arrive lowercased. `rawQueryString` is the
 *   query as sent, so repeated parameters are read from it, not from the comma-joined map.
 * - Function URL, https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html: "The request
 *   and response event formats follow the same schema as the Amazon API Gateway payload format
 *   version 2.0."; `body`: "The body of the request. If the content type of the request is
 *   binary, the body is base64-encoded."; `isBase64Encoded`: "TRUE if the body is a binary
 *   payload and base64-encoded. FALSE otherwise."; `pathParameters`: "Function URLs don't use
 *   this parameter", so the route is read from `rawPath`.
 *
 * Bytes of a text body: HTTP APIs and function URLs decide by content type (neither has
 * `binaryMediaTypes`), and hand a text body (JSON, form, text/…) over as a string. Its bytes are
 * the string's UTF-8 encoding: exactly what the sender sent when the body was UTF-8 (every
 * provider here sends UTF-8 JSON or form bodies, non-ASCII characters included, which the tests
 * verify). A text body in another charset (say ISO-8859-1 with bytes above 0x7F) cannot be
 * recovered byte for byte from the string, and its signature will not verify: such a sender
 * needs the REST API, which passes every body through as base64.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { isStrictBase64, normalizeHeaders, queryOf, type Headers } from './http';

/** An event of any front door. */
export type FrontDoorEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** Query parameter name → every value, decoded, in order. */
export type Query = Readonly<Record<string, readonly string[]>>;

/** The parts of a request the handlers read. */
export interface FrontDoorRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The path below the stage (e.g. `/webhook/stripe`), as sent (percent-encoding kept). */
  readonly path: string;
  /** Values of the route's `{param}` segments, as sent (percent-encoding kept). */
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Lower-case header name → value; repeated headers joined with ', '. */
  readonly headers: Headers;
  readonly query: Query;
  /** The body's bytes; undefined for a body that claims to be base64 and is not. */
  readonly body: Buffer | undefined;
  /** The client's IP address, as the front door saw it. */
  readonly sourceIp?: string;
  /**
   * Whether the front door matched the method and path to this function's route (REST and HTTP
   * APIs); a function URL invokes its function for every method and path, so the handler must.
   */
  readonly routed: boolean;
}

/** Whether the event is payload format 2.0 (HTTP API or function URL). */
export function isPayloadV2(event: FrontDoorEvent): event is APIGatewayProxyEventV2 {
  return (event as APIGatewayProxyEventV2).version === '2.0';
}

/**
 * The request of an event. `route` (e.g. `/webhook/{provider}`) fills `pathParameters` from the
 * path when the front door does not route (function URLs); a path that does not match leaves
 * them empty.
 */
export function requestOf(event: FrontDoorEvent, route?: string): FrontDoorRequest {
  if (isPayloadV2(event)) {
    return requestOfV2(event, route);
  }
  return {
    method: (event.httpMethod ?? '').toUpperCase(),
    path: event.path ?? '',
    // `resource` rather than `path`: a custom domain's base path is in `path`, and a provider with a
    // resource of its own (`/webhook/github`, internal senders' API keys) has no path parameters.
    pathParameters: withRoute(event.pathParameters, event.resource ?? event.path ?? '', route),
    headers: normalizeHeaders(event),
    query: queryOf(event),
    body: bodyOf(event.body, event.isBase64Encoded),
    sourceIp: event.requestContext?.identity?.sourceIp,
    routed: true,
  };
}

function requestOfV2(event: APIGatewayProxyEventV2, route: string | undefined): FrontDoorRequest {
  const path = event.rawPath ?? '';
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    headers[key] = Object.hasOwn(headers, key) ? `${headers[key]}, ${value}` : value;
  }
  // The cookies were taken out of the headers; put them back as the one header a client sends.
  if (event.cookies !== undefined && event.cookies.length > 0 && !Object.hasOwn(headers, 'cookie')) {
    headers.cookie = event.cookies.join('; ');
  }
  return {
    method: (event.requestContext?.http?.method ?? '').toUpperCase(),
    path,
    pathParameters: withRoute(event.pathParameters, path, route),
    headers,
    query: parseQueryString(event.rawQueryString ?? ''),
    body: bodyOf(event.body, event.isBase64Encoded),
    sourceIp: event.requestContext?.http?.sourceIp,
    // A function URL's routeKey: "Function URLs don't use this parameter. Lambda sets this to
    // $default as a placeholder." An HTTP API's is the route's, e.g. `GET /webhooks`.
    routed: event.routeKey !== undefined && event.routeKey !== '$default',
  };
}

/** The front door's path parameters, else those of `route` matched against `path`. */
function withRoute(
  given: Readonly<Record<string, string | undefined>> | null | undefined,
  path: string,
  route: string | undefined,
): Readonly<Record<string, string>> {
  const result: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(given ?? {})) {
    if (value !== undefined) result[name] = value;
  }
  if (Object.keys(result).length > 0 || route === undefined) return result;
  return matchRoute(route, path) ?? result;
}

/**
 * The `{param}` values of `path` under `route` (`/webhook/{provider}`), or undefined when it does
 * not match. A trailing slash is tolerated; an empty parameter is not.
 */
export function matchRoute(route: string, path: string): Record<string, string> | undefined {
  const pattern = route.split('/').filter((s) => s !== '');
  const segments = path.split('/').filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));
  if (pattern.length !== segments.length) return undefined;
  const result: Record<string, string> = Object.create(null);
  for (let i = 0; i < pattern.length; i++) {
    const param = /^\{(.+)\}$/.exec(pattern[i]);
    if (param) {
      if (segments[i] === '') return undefined;
      result[param[1]] = segments[i];
    } else if (pattern[i] !== segments[i]) {
      return undefined;
    }
  }
  return result;
}

/** Every value of every parameter of a raw query string (`a=1&a=2&b`), decoded. */
export function parseQueryString(raw: string): Query {
  const result: Record<string, string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(raw)) {
    (result[name] ??= []).push(value);
  }
  return result;
}

/** The body's bytes: base64-decoded (strictly), or the UTF-8 encoding of a text body. */
export function bodyOf(body: string | null | undefined, isBase64Encoded: boolean | undefined): Buffer | undefined {
  const text = body ?? '';
  if (!isBase64Encoded) return Buffer.from(text, 'utf8');
  return isStrictBase64(text) ? Buffer.from(text, 'base64') : undefined;
}

/**
 * One value per query parameter, for handlers that take one: the last when repeated, as the
 * REST API's `queryStringParameters` holds it.
 */
export function singleValues(query: Query): Record<string, string> {
  const result: Record<string, string> = Object.create(null);
  for (const [name, values] of Object.entries(query)) {
    if (values.length > 0) result[name] = values[values.length - 1];
  }
  return result;
}
