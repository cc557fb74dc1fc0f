import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The README's level-2 sections, in order. */
const sections = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);

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

// The README is also the package's page on npm and PyPI (jsii's long description), where users
// come to install it: contributor steps go last, and PyPI renders no mermaid diagrams.
test('the README opens with Install and Usage; contributor steps come last, under Development', () => {
  expect(sections.slice(0, 2)).toEqual(['Install', 'Usage']);
  expect(sections[sections.length - 1]).toBe('Development');
  const development = readme.indexOf('\n## Development\n');
  for (const step of ['npm ci', 'npx projen demo', 'Java 17']) {
    expect(readme.indexOf(step)).toBeGreaterThan(development);
  }
});

test('the README has no mermaid diagram, which PyPI and npm cannot render', () => {
  expect(readme).not.toMatch(/```mermaid/);
});

test('the README states the minimum aws-cdk-lib (the peer dependency) and the supported cdk-nag majors', () => {
  const install = readme.slice(readme.indexOf('\n## Install\n'), readme.indexOf('\n## Usage\n'));
  const minimum = pkg.peerDependencies['aws-cdk-lib'].replace(/^\^/, '');
  expect(install).toContain(`| \`aws-cdk-lib\` | ${minimum} or later`);
  expect(install).toMatch(/\| cdk-nag \| majors 2 and 3 /);
});
