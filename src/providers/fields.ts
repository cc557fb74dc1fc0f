/**
 * Reads a delivery's id and event type from where its provider puts them: a header, or a dotted
 * path into the JSON body. Pure: no AWS clients.
 */
import type { FieldLocation } from './provider-config';
import type { JsonBody } from '../runtime/http';
import { jsonLiteralAt } from '../runtime/json-literal';

type Headers = Readonly<Record<string, string | undefined>>;

/**
 * The value at `location`: its header (lower-case name), else its fallback header, else its
 * dotted JSON path (e.g. `event.type`) in the body. A non-empty string or undefined. A number
 * is returned as written in the body (`12345678901234567890` stays exact, `-0` stays `-0`).
 * Only own properties are followed, so `__proto__` and friends read nothing.
 */
export function extractField(location: FieldLocation | undefined, headers: Headers, body: JsonBody | undefined): string | undefined {
  if (location === undefined) {
    return undefined;
  }
  for (const name of [location.header, location.fallbackHeader]) {
    const value = typeof name === 'string' ? headerValue(headers, name.toLowerCase()) : undefined;
    if (value !== undefined) {
      return value;
    }
  }
  if (typeof location.jsonPath === 'string' && location.jsonPath !== '' && body !== undefined) {
    const path = location.jsonPath.split('.');
    return fieldValue(valueAtPath(body.value, path), body.text, path);
  }
  return undefined;
}

/**
 * Whether a delivery id found at `location` is a function of the body's bytes alone: read from a
 * JSON path, with no header that could take precedence. Then the same bytes always carry the same
 * id, so a second delivery of them under another id cannot happen, and the record's conditional
 * write on its id already tells a repeat; the processor needs no replay guard item for them.
 */
export function idFromBodyOnly(location: FieldLocation | undefined): boolean {
  return location !== undefined && location.header === undefined && location.fallbackHeader === undefined
    && typeof location.jsonPath === 'string' && location.jsonPath !== '';
}

function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function valueAtPath(json: unknown, path: readonly string[]): unknown {
  let current = json;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, segment)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function fieldValue(value: unknown, text: string, path: readonly string[]): string | undefined {
  if (typeof value === 'string') {
    return value === '' ? undefined : value;
  }
  if (typeof value === 'number') {
    const literal = jsonLiteralAt(text, path);
    // The literal must denote the parsed number; if it ever did not, no id beats a wrong one.
    return literal !== undefined && Object.is(Number(literal), value) ? literal : undefined;
  }
  return undefined;
}
