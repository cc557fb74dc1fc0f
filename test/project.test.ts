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
  expect(pkg.dependencies ?? {}).toEqual({});
});
