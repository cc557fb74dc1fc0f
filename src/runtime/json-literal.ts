/**
 * The source text of one value of a JSON document, found by a dotted path. JSON.parse turns
 * numbers into doubles, so `12345678901234567890` and `12345678901234567891` both become
 * `12345678901234567000` and `-0` becomes `0`; ids taken from a body keep the text as sent.
 * Pure, and iterative (no recursion, so no depth can exhaust the stack).
 */

/**
 * The literal text of the value at `path` in `text`, which must be JSON that JSON.parse
 * accepted. Object keys match after unescaping, and a repeated key means its last occurrence,
 * as with JSON.parse; array elements are addressed by index. Undefined when there is no such
 * value.
 */
export function jsonLiteralAt(text: string, path: readonly string[]): string | undefined {
  let start = skipWhitespace(text, 0);
  for (const segment of path) {
    const found = text[start] === '{' ? memberOf(text, start, segment) : text[start] === '[' ? elementOf(text, start, segment) : undefined;
    if (found === undefined) {
      return undefined;
    }
    start = found;
  }
  return text.slice(start, valueEnd(text, start));
}

/** Where the value of the last member named `key` starts, in the object at `start`. */
function memberOf(text: string, start: number, key: string): number | undefined {
  let found: number | undefined;
  let i = skipWhitespace(text, start + 1);
  while (text[i] === '"') {
    const keyEnd = stringEnd(text, i);
    const name = text.slice(i, keyEnd);
    const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    if (decodeKey(name) === key) {
      found = valueStart;
    }
    i = nextItem(text, valueEnd(text, valueStart));
  }
  return found;
}

/** Where element `index` (decimal digits only) starts, in the array at `start`. */
function elementOf(text: string, start: number, index: string): number | undefined {
  if (!/^(?:0|[1-9][0-9]{0,8})$/.test(index)) {
    return undefined;
  }
  let remaining = Number(index);
  let i = skipWhitespace(text, start + 1);
  while (text[i] !== ']' && i < text.length) {
    if (remaining === 0) {
      return i;
    }
    remaining--;
    i = nextItem(text, valueEnd(text, i));
  }
  return undefined;
}

/** After a value: past the `,` to the next key or element, or at the closing bracket. */
function nextItem(text: string, afterValue: number): number {
  const i = skipWhitespace(text, afterValue);
  return text[i] === ',' ? skipWhitespace(text, i + 1) : i;
}

/** The index just past the value starting at `start`. */
function valueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') {
    return stringEnd(text, start);
  }
  if (first !== '{' && first !== '[') {
    let i = start;
    while (i < text.length && !isDelimiter(text.charCodeAt(i))) i++;
    return i;
  }
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = stringEnd(text, i);
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    i++;
    if (depth === 0) {
      return i;
    }
  }
  return i;
}

/** The index just past the string whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
    } else if (c === '"') {
      return i + 1;
    } else {
      i++;
    }
  }
  return i;
}

function decodeKey(quoted: string): string {
  return quoted.includes('\\') ? JSON.parse(quoted) as string : quoted.slice(1, -1);
}

function skipWhitespace(text: string, start: number): number {
  let i = start;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** JSON whitespace: space, tab, line feed, carriage return. */
function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isDelimiter(code: number): boolean {
  return isWhitespace(code) || code === 0x2c || code === 0x7d || code === 0x5d; // , } ]
}
