import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The fenced block right after each `<!-- example: path -->` marker. */
const examples = [...readme.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]] as const);

test('the README shows both example apps', () => {
  expect(examples.map(([path]) => path).sort()).toEqual(['examples/python/app.py', 'examples/typescript/app.ts']);
});

test.each(examples)('the README shows %s exactly as tested', (path, shown) => {
  expect(shown).toBe(readFileSync(join(root, path), 'utf8'));
});

test('the README has exactly two commands for a fresh clone: the demo and the full test suite', () => {
  const commands = [...readme.matchAll(/```sh\n(.*?)\n```/g)].map((m) => m[1]);
  expect(commands).toEqual(['npm ci && npx projen demo', 'npm ci && npx projen build']);
  expect(readFileSync(join(root, '.ci/run'), 'utf8')).toContain(`\n${commands[1]}\n`);
});
