import * as fc from 'fast-check';
import { jsonLiteralAt } from '../../src/runtime/json-literal';

test('finds the literal text of a value by path', () => {
  const text = '{"a": {"b": [10, {"c": 12345678901234567890}]}, "d": "x"}';
  expect(jsonLiteralAt(text, ['a', 'b', '1', 'c'])).toBe('12345678901234567890');
  expect(jsonLiteralAt(text, ['a', 'b', '0'])).toBe('10');
  expect(jsonLiteralAt(text, ['d'])).toBe('"x"');
  expect(jsonLiteralAt(text, ['a', 'b'])).toBe('[10, {"c": 12345678901234567890}]');
});

test.each([
  [['missing']], [['a', 'x']], [['a', 'b', '2']], [['a', 'b', '01']], [['d', '0']], [['a', 'b', '-1']],
])('is undefined where there is no value: %j', (path) => {
  expect(jsonLiteralAt('{"a": {"b": [10, 11]}, "d": "x"}', path)).toBeUndefined();
});

test('strings with quotes, brackets and escapes do not confuse it', () => {
  const text = '{"k":"\\"}],{[\\\\","id":5,"n":{"k":"\\u0022"},"id":-0}';
  expect(jsonLiteralAt(text, ['id'])).toBe('-0');
});

test('every value of any JSON document is found where JSON.parse puts it', () => {
  fc.assert(fc.property(fc.json({ maxDepth: 5 }), fc.nat(), (text, pick) => {
    const parsed: unknown = JSON.parse(text);
    const paths = pathsOf(parsed);
    const path = paths[pick % paths.length];
    const literal = jsonLiteralAt(text, path);
    expect(literal).toBeDefined();
    expect(JSON.parse(literal!)).toEqual(valueAt(parsed, path));
  }), { numRuns: 2000 });
});

test('values nested a million deep are skipped without exhausting the stack', () => {
  const depth = 1_000_000;
  const text = `{"deep":${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)},"id":5}`;
  expect(jsonLiteralAt(text, ['id'])).toBe('5');
});

function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  const paths = [prefix];
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key !== '__proto__') paths.push(...pathsOf(child, [...prefix, key]));
    }
  }
  return paths;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce((node, key) => (node as Record<string, unknown>)[key], value);
}
