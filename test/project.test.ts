import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const release = readFileSync(join(root, '.github/workflows/release.yml'), 'utf8');

test('published to npm as cdk-webhook-processor and to PyPI as cdk-webhook-processor / cdk_webhook_processor', () => {
  expect(pkg.name).toBe('cdk-webhook-processor');
  expect(pkg.jsii.targets.python).toEqual({ distName: 'cdk-webhook-processor', module: 'cdk_webhook_processor' });
});

test('the release workflow publishes to npm and PyPI', () => {
  expect(release).toMatch(/^ {2}release_npm:/m);
  expect(release).toMatch(/^ {2}release_pypi:/m);
});

test('aws-cdk-lib is a peer dependency from the version the tests run against', () => {
  expect(pkg.peerDependencies['aws-cdk-lib']).toBe(`^${pkg.devDependencies['aws-cdk-lib']}`);
});

test('the handler bundles ship in the package', () => {
  const npmignore = readFileSync(join(root, '.npmignore'), 'utf8');
  expect(npmignore).toContain('!/assets/');
  // The handlers' dependencies are bundled into assets/; the library itself depends on Ajv only
  // (payload schemas are compiled at synth), bundled into the package so that it resolves for
  // jsii's Python users too.
  expect(Object.keys(pkg.dependencies ?? {})).toEqual(['ajv']);
  expect(pkg.bundledDependencies).toEqual(Object.keys(pkg.dependencies));
});

test('API.md ships (the README links to it); the handler code jsii compiles to lib/ does not', () => {
  // scripts/consumers/check-package.js checks the packed tarball itself.
  const npmignore = readFileSync(join(root, '.npmignore'), 'utf8').split('\n');
  expect(npmignore).not.toContain('/API.md');
  expect(npmignore).toEqual(expect.arrayContaining(['/lib/lambdas/**/*.*', '!/lib/lambdas/*/*-function.js', '/lib/runtime/**/*.*']));
});

test('declarations are emitted again without @internal members, which jsii keeps', () => {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.dts.json'), 'utf8').replace(/^\/\/.*\n/, ''));
  expect(tsconfig.compilerOptions).toEqual({ stripInternal: true, emitDeclarationOnly: true });
  const compile = JSON.parse(readFileSync(join(root, '.projen/tasks.json'), 'utf8')).tasks.compile.steps.map((s: any) => s.exec);
  expect(compile.indexOf('tsc -p tsconfig.dts.json')).toBeGreaterThan(compile.findIndex((e: string) => e?.startsWith('jsii')));
});
