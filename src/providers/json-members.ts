/**
 * Values read from a parsed JSON body by a dotted path of own properties, as the signature
 * engine signs them: a non-empty string as it is, a finite number as JavaScript writes it. Pure:
 * ships in the ingest bundle only.
 */

/** A string (or a number, as JS writes it) at a dotted path (split) of own properties. */
export function stringAt(json: unknown, path: readonly string[]): string | undefined {
  return signedString(memberAt(json, path, path.length));
}

/** What the first `count` segments of `path` lead to through own properties, if anything. */
export function memberAt(json: unknown, path: readonly string[], count: number): unknown {
  let current = json;
  for (let i = 0; i < count && current !== undefined; i++) current = member(current, path[i]);
  return current;
}

/** An own property of an object (parsed JSON holds no undefined, so an absent one is found without the own-property check). */
export function member(object: unknown, key: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const next = (object as Record<string, unknown>)[key];
  return next === undefined || !Object.prototype.hasOwnProperty.call(object, key) ? undefined : next;
}

/** A non-empty string as it is, a finite number as JavaScript writes it; anything else is no value. */
export function signedString(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
