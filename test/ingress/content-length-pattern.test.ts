import * as fc from 'fast-check';
import { greaterThanPattern } from '../../src/ingress/content-length-pattern';
import { MAX_BODY_BYTES } from '../../src/runtime/message';

const matches = (max: number, value: string) => new RegExp(greaterThanPattern(max)).test(value);

describe('Content-Length pattern (greater than the maximum)', () => {
  test('for the ingest maximum (4 MiB) it is the pattern worked out by hand', () => {
    expect(greaterThanPattern(MAX_BODY_BYTES)).toBe(
      '^0*(?:[1-9]\\d{7,}|[5-9]\\d{6}|4[2-9]\\d{5}|419[5-9]\\d{3}|4194[4-9]\\d{2}|41943[1-9]\\d|419430[5-9])$');
  });

  test.each([
    [MAX_BODY_BYTES - 1, false],
    [MAX_BODY_BYTES, false],
    [MAX_BODY_BYTES + 1, true],
    [10 * 1024 * 1024, true],
    [0, false],
    [9_999_999, true],
    [10_000_000, true],
  ])('at the 4 MiB boundary: %d matches: %s', (length, expected) => {
    expect(matches(MAX_BODY_BYTES, String(length))).toBe(expected);
  });

  test('any value matches exactly when it is greater than the maximum, for any maximum', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 10 ** 12 }),
      fc.integer({ min: 0, max: 10 ** 13 }),
      (max, value) => matches(max, String(value)) === value > max,
    ), { numRuns: 2000 });
  });

  test('values next to the maximum are decided right (off-by-one neighbourhood)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 10 ** 12 }),
      fc.integer({ min: -20, max: 20 }),
      (max, delta) => max + delta < 0 || matches(max, String(max + delta)) === delta > 0,
    ), { numRuns: 2000 });
  });

  test('leading zeros do not hide a large value, nor make a small one large', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 10 ** 9 }),
      fc.integer({ min: 1, max: 8 }),
      (value, zeros) => matches(MAX_BODY_BYTES, '0'.repeat(zeros) + String(value)) === value > MAX_BODY_BYTES,
    ));
  });

  test.each(['', 'abc', '4194305 ', '-5000000', '5e6', '5000000.0', '0x500000'])('a value that is not a plain decimal (%j) does not match', (value) => {
    expect(matches(MAX_BODY_BYTES, value)).toBe(false);
  });

  test('a maximum that is not a whole number is refused', () => {
    expect(() => greaterThanPattern(-1)).toThrow(/not a whole number/);
    expect(() => greaterThanPattern(1.5)).toThrow(/not a whole number/);
  });
});
