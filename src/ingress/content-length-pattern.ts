/**
 * A regular expression matching the decimal integers greater than `max` (leading zeros allowed),
 * for a WAF rule on the `Content-Length` header: WAF has no numeric comparison of a header's
 * value, and a size constraint on the body sees only the first 16-64 KB that API Gateway forwards
 * ("the underlying host service only forwards the contents that are within the limit to AWS WAF
 * for inspection", https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-setting-body-inspection-limit.html).
 *
 * A number is greater than `max` when it has more digits, or the same number of digits and, at the
 * first digit where they differ, a larger one. For 4194304:
 * `^0*(?:[1-9]\d{7,}|[5-9]\d{6}|4[2-9]\d{5}|419[5-9]\d{3}|4194[4-9]\d{2}|41943[1-9]\d|419430[5-9])$`.
 * Only what AWS WAF's regex syntax supports is used: anchors, character classes, counted repeats.
 */
export function greaterThanPattern(max: number): string {
  if (!Number.isSafeInteger(max) || max < 0) {
    throw new Error(`greaterThanPattern: ${max} is not a whole number of at least 0.`);
  }
  const digits = String(max);
  const alternatives = [`[1-9]\\d{${digits.length},}`];
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    if (digit === 9) continue;
    alternatives.push(`${digits.slice(0, i)}${range(digit + 1, 9)}${repeat(digits.length - i - 1)}`);
  }
  return `^0*(?:${alternatives.join('|')})$`;
}

function range(from: number, to: number): string {
  return from === to ? String(from) : `[${from}-${to}]`;
}

function repeat(count: number): string {
  if (count === 0) return '';
  return count === 1 ? '\\d' : `\\d{${count}}`;
}
