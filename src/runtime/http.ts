/**
 * API Gateway (REST, Lambda proxy) request parsing and JSON responses. Pure: no AWS clients.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** Lower-case header name → value; repeated headers are joined with ', ' as HTTP allows. */
export type Headers = Readonly<Record<string, string>>;

/** Strict base64 (RFC 4648, padded): API Gateway never sends anything else. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

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
 * The exact bytes the client sent. With `binaryMediaTypes: ['*\/*']` API Gateway always
 * base64-encodes, so no byte is altered by a text round-trip.
 * Returns undefined for a body that claims to be base64 and is not.
 */
export function rawBodyOf(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): Buffer | undefined {
  const body = event.body ?? '';
  if (!event.isBase64Encoded) {
    return Buffer.from(body, 'utf8');
  }
  if (!BASE64.test(body)) {
    return undefined;
  }
  return Buffer.from(body, 'base64');
}

/** Whether the content type says JSON (`application/json`, `application/*+json`, `text/json`). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  return mediaType === 'application/json' || mediaType === 'text/json' || mediaType.endsWith('+json');
}

/**
 * Parses a JSON body. `undefined` result means "not JSON"; malformed JSON is reported, not thrown.
 */
export function parseJsonBody(rawBody: Buffer): { readonly ok: true; readonly value: unknown } | { readonly ok: false } {
  try {
    return { ok: true, value: JSON.parse(rawBody.toString('utf8')) };
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
