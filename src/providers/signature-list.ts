/**
 * Signature lists in one header value (`t=<ts>,v1=<sig>,v1=<sig>`: Stripe-like, Paddle's
 * `ts=…;h1=…`): the signature entries and the timestamp entry, read in place where no trimming is
 * needed. Split from signed-content.ts, the engine that uses it. Pure: ships in the ingest bundle only.
 */
import type { SignatureList } from './provider-config';

/**
 * Adds the list's signature entries to `signatures` and returns its timestamp entry (the last one
 * wins). Entries are trimmed; one without a key is skipped. An entry that needs no trimming (the
 * usual case) is read in place, without slicing it out first.
 */
export function parseList(value: string, list: SignatureList, signatures: string[]): string | undefined {
  let timestamp: string | undefined;
  if (list.separator === '') {
    for (const entry of value.split('')) {
      const trimmed = entry.trim();
      timestamp = readEntry(trimmed, 0, trimmed.length, list, signatures, timestamp);
    }
    return timestamp;
  }
  let start = 0;
  while (start <= value.length) {
    const found = value.indexOf(list.separator, start);
    let from = start;
    let to = found === -1 ? value.length : found;
    // ASCII white space (`, v1=…`) is skipped in place; anything else `trim()` removes is rare.
    while (from < to && isAsciiSpace(value.charCodeAt(from))) from++;
    while (to > from && isAsciiSpace(value.charCodeAt(to - 1))) to--;
    if (to > from && isUntrimmed(value.charCodeAt(from)) && isUntrimmed(value.charCodeAt(to - 1))) {
      timestamp = readEntry(value, from, to, list, signatures, timestamp);
    } else if (to > from) {
      const end = found === -1 ? value.length : found;
      const trimmed = value.slice(start, end).trim();
      timestamp = readEntry(trimmed, 0, trimmed.length, list, signatures, timestamp);
    }
    start = found === -1 ? value.length + 1 : found + list.separator.length;
  }
  return timestamp;
}

/** Tab, line feed, vertical tab, form feed, carriage return, space: ASCII that `trim()` removes. */
function isAsciiSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** Printable ASCII other than the space: `trim()` would not remove it. */
function isUntrimmed(code: number): boolean {
  return code > 32 && code < 127;
}

/** Reads the trimmed entry `text.slice(start, end)`: a signature, the timestamp (returned), or nothing. */
function readEntry(
  text: string, start: number, end: number, list: SignatureList, signatures: string[], timestamp: string | undefined,
): string | undefined {
  // The first key separator within the entry (one found later, or running past its end, is none).
  const found = text.indexOf(list.keySeparator, start);
  if (found === -1 || found + list.keySeparator.length > end) return timestamp;
  const at = found - start;
  if (at <= 0) return timestamp;
  const rest = found + list.keySeparator.length;
  if (isKeyAt(text, start, at, list.signatureKey)) signatures.push(text.slice(rest, end));
  else if (list.timestampKey !== undefined && isKeyAt(text, start, at, list.timestampKey)) return text.slice(rest, end);
  return timestamp;
}

/** Whether the entry's key (its `at` characters from `start`) is `key`. */
function isKeyAt(text: string, start: number, at: number, key: string): boolean {
  return at === key.length && text.startsWith(key, start);
}
