/**
 * API Gateway (REST, Lambda proxy) request parsing and JSON responses. Pure: no AWS clients.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** Lower-case header name → value; repeated headers are joined with ', ' as HTTP allows. */
export type Headers = Readonly<Record<string, string>>;


export function normalizeHeaders(event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>): Headers {
  // No prototype: a header named `constructor` or `__proto__` is just a header.
  const result: Record<string, string> = Object.create(null);
  const multi = event.multiValueHeaders ?? {};
  for (const [name, values] of Object.entries(multi)) {
    if (values && values.length > 0) {
      append(result, name, values.join(', '));
    }
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    const key = name.toLowerCase();
    if (value !== undefined && !Object.hasOwn(result, key)) {
      result[key] = value;
    }
  }
  return result;
}

function append(target: Record<string, string>, name: string, value: string): void {
  const key = name.toLowerCase();
  target[key] = Object.hasOwn(target, key) ? `${target[key]}, ${value}` : value;
}

/**
 * The provider a delivery is addressed to: the `{provider}` path parameter of the shared route, or
 * the last segment of a provider's own resource (`/webhook/stripe`, created for API keys or an
 * authorizer), where API Gateway passes no path parameters.
 */
export function providerNameOf(event: Pick<APIGatewayProxyEvent, 'pathParameters' | 'resource'>): string | undefined {
  const parameter = event.pathParameters?.provider;
  if (parameter !== undefined) return parameter;
  const match = /^\/webhook\/([^/{}]+)$/.exec(event.resource ?? '');
  return match ? match[1] : undefined;
}

/**
 * Query parameters with every value, decoded. "API Gateway passes to the integrated Lambda
 * function an event object, except that the order of the request parameters is not preserved"
 * and repeated parameters are in `multiValueQueryStringParameters`, while `queryStringParameters`
 * holds one value of each
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html).
 */
export function queryOf(event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>): Readonly<Record<string, readonly string[]>> {
  const result: Record<string, readonly string[]> = Object.create(null);
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) result[name] = [value];
  }
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values !== undefined && values.length > 0) result[name] = values;
  }
  return result;
}

/**
 * The exact bytes the client sent. With `binaryMediaTypes: ['*\/*']` API Gateway always
 * base64-encodes, so no byte is altered by a text round-trip.
 * Returns undefined for a body that claims to be base64 and is not.
 */
export function rawBodyOf(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): Buffer | undefined {
  const body = event.body ?? '';
  if (!event.isBase64Encoded) {
    return Buffer.from(body, 'utf8');
  }
  if (!isStrictBase64(body)) {
    return undefined;
  }
  return Buffer.from(body, 'base64');
}

/**
 * Whether `text` is strict base64 (RFC 4648 alphabet, padded to a multiple of 4, `=` only at
 * the end): API Gateway never sends anything else. A plain loop, not a regular expression: a
 * repeated group backtracks once per 4 characters, and on bodies above ~3.2 MiB V8 runs out of
 * backtracking stack (`RangeError: Maximum call stack size exceeded`).
 */
export function isStrictBase64(text: string): boolean {
  if (text.length % 4 !== 0) {
    return false;
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const end = text.length - padding;
  for (let i = 0; i < end; i++) {
    if (!isBase64Char(text.charCodeAt(i))) {
      return false;
    }
  }
  return true;
}

function isBase64Char(code: number): boolean {
  return (code >= 65 && code <= 90) // A-Z
    || (code >= 97 && code <= 122) // a-z
    || (code >= 48 && code <= 57) // 0-9
    || code === 43 || code === 47; // + /
}

/** Whether the content type says JSON (`application/json`, `application/*+json`, `text/json`). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  return mediaType === 'application/json' || mediaType === 'text/json' || mediaType.endsWith('+json');
}

/** A parsed JSON body and the text it was parsed from (for the literal text of numbers). */
export interface JsonBody {
  readonly value: unknown;
  readonly text: string;
}

const BYTE_ORDER_MARK = '\uFEFF';

/** What parseJsonBody found: the parsed body, or that it is not JSON. */
export type ParsedJsonBody = { readonly ok: true; readonly body: JsonBody } | { readonly ok: false };

/**
 * Parses a JSON body; malformed JSON is reported, not thrown. A leading UTF-8 byte order mark
 * is skipped, as RFC 8259 (section 8.1) lets parsers do.
 */
export function parseJsonBody(rawBody: Buffer): ParsedJsonBody {
  const decoded = rawBody.toString('utf8');
  const text = decoded.startsWith(BYTE_ORDER_MARK) ? decoded.slice(BYTE_ORDER_MARK.length) : decoded;
  try {
    return { ok: true, body: { value: JSON.parse(text), text } };
  } catch {
    return { ok: false };
  }
}

const JSON_HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function jsonResponse(statusCode: number, body: object): APIGatewayProxyResult {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** A 4xx/5xx with a stable machine-readable `error` code and a human `message`. */
export function errorResponse(statusCode: number, error: string, message: string): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error, message });
}
