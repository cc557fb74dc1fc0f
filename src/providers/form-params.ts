/**
 * Form-encoded bodies as Twilio signs them: the parameters sorted by name, each name followed by
 * its values. Pure: ships in the ingest bundle only.
 */

/** Twilio's signed parameters: each name (sorted), followed by each of its distinct values (sorted). */
export function sortedForm(body: Buffer): string {
  const params = formParameters(body.toString('utf8'));
  if (params.length > 1) params.sort(comparePairs);
  let text = '';
  let previous: [string, string] | undefined;
  for (const pair of params) {
    // Sorted, so a repeated name and value is next to its twin: each value counts once.
    if (previous === undefined || previous[0] !== pair[0] || previous[1] !== pair[1]) text += pair[0] + pair[1];
    previous = pair;
  }
  return text;
}

/** By name, then by value, both by UTF-16 code units (as `Array.prototype.sort` orders strings). */
function comparePairs(a: [string, string], b: [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/**
 * The name-value pairs of a form-encoded body, as `URLSearchParams` (the WHATWG
 * application/x-www-form-urlencoded parser) reads them, several times faster: the native
 * `decodeURIComponent` decodes each part, and a body it cannot decode (a stray `%`, percent-encoded
 * bytes that are not UTF-8) is left to `URLSearchParams`, whose lenient decoding is the reference.
 */
function formParameters(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  try {
    // URLSearchParams drops one leading '?' of a string.
    for (const sequence of (text.startsWith('?') ? text.slice(1) : text).split('&')) {
      if (sequence === '') continue;
      const at = sequence.indexOf('=');
      const name = at === -1 ? sequence : sequence.slice(0, at);
      const value = at === -1 ? '' : sequence.slice(at + 1);
      pairs.push([decodeFormPart(name), decodeFormPart(value)]);
    }
    return pairs;
  } catch {
    return [...new URLSearchParams(text)];
  }
}

function decodeFormPart(part: string): string {
  const spaced = part.includes('+') ? part.replace(/\+/g, ' ') : part;
  return spaced.includes('%') ? decodeURIComponent(spaced) : spaced;
}
