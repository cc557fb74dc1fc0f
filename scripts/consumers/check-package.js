/**
 * Checks what the npm tarball ships (the Python wheel bundles the same tarball): the docs the
 * README links to, the handler bundles, and of lib/ exactly what lib/index.js and lib/index.d.ts
 * need, with no @internal members in the declarations and no requires of packages the library
 * does not depend on. Run by scripts/test-consumers.sh.
 *
 * Usage: node check-package.js dist/js/<name>.tgz
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { builtinModules } = require('module');
const { execFileSync } = require('child_process');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'package-'));
execFileSync('tar', ['-xzf', process.argv[2], '-C', dir]);
const root = path.join(dir, 'package');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

const shipped = [];
(function walk(rel) {
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const file = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) walk(file); else shipped.push(file);
  }
})('');
const isShipped = (file) => shipped.includes(file);
const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** Relative and bare module specifiers of a compiled file (`require(…)`, or `import … from` in a .d.ts). */
function specifiers(file) {
  const source = fs.readFileSync(path.join(root, file), 'utf8');
  const pattern = file.endsWith('.d.ts') ? /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g : /require\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...source.matchAll(pattern)].map((m) => m[1]);
}

/** The files reachable from `start` through relative specifiers, resolved with `extensions`. */
function closure(start, extensions) {
  const seen = new Set();
  const missing = [];
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of specifiers(file).filter((s) => s.startsWith('.'))) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const target = [base, ...extensions.map((e) => base + e), ...extensions.map((e) => `${base}/index${e}`)].find(isShipped);
      if (target) visit(target); else missing.push(`${spec} (from ${file})`);
    }
  };
  visit(start);
  return { files: [...seen], missing };
}

const js = closure('lib/index.js', ['.js']);
const dts = closure('lib/index.d.ts', ['.d.ts']);
const twin = (file) => file.replace(/\.d\.ts$/, '.js');

const checks = {
  'README.md, API.md (which the README links to), LICENSE and the jsii assembly ship': () => {
    const absent = ['README.md', 'API.md', 'LICENSE', '.jsii'].filter((f) => !isShipped(f));
    if (absent.length > 0) throw new Error(`missing: ${absent.join(', ')}`);
    if (!/\(\.\/API\.md\)/.test(fs.readFileSync(path.join(root, 'README.md'), 'utf8'))) throw new Error('the README no longer links to ./API.md');
  },
  'every handler bundle ships in assets/': () => {
    for (const name of ['ingest', 'processor', 'status', 'list', 'publisher', 'dead-letter-archiver', 'redrive', 'replay']) {
      if (!isShipped(`assets/lambdas/${name}/${name}.lambda/index.js`)) throw new Error(`no bundle for ${name}`);
    }
  },
  'every module a bundle requires lazily (./lazy/<module>) ships beside it': () => {
    const lazy = [];
    for (const bundle of shipped.filter((f) => /^assets\/lambdas\/[^/]+\/[^/]+\/index\.js$/.test(f))) {
      const source = fs.readFileSync(path.join(root, bundle), 'utf8');
      for (const [, module] of source.matchAll(/require\("\.\/(lazy\/[\w-]+)"\)/g)) lazy.push(path.posix.join(path.posix.dirname(bundle), `${module}.js`));
    }
    if (lazy.length === 0) throw new Error('no bundle requires a lazy module: the check would not notice a missing one');
    const missing = lazy.filter((f) => !isShipped(f));
    if (missing.length > 0) throw new Error(`required but not shipped: ${missing.join(', ')}`);
  },
  'everything lib/index.js and lib/index.d.ts import ships': () => {
    const missing = [...js.missing, ...dts.missing];
    if (missing.length > 0) throw new Error(`unresolved: ${missing.join(', ')}`);
  },
  'lib/ ships nothing else: no handler code compiled by jsii (only its bundles run)': () => {
    const needed = new Set([...js.files, ...dts.files, ...dts.files.map(twin)]);
    // Declarations of shipped modules ship with them.
    const extra = shipped.filter((f) => f.startsWith('lib/') && !needed.has(f) && !(f.endsWith('.d.ts') && js.files.includes(twin(f))));
    if (extra.length > 0) throw new Error(`not needed by lib/index: ${extra.join(', ')}`);
  },
  'shipped JavaScript requires only Node.js built-ins and declared dependencies': () => {
    const undeclared = shipped.filter((f) => f.startsWith('lib/') && f.endsWith('.js'))
      .flatMap((f) => specifiers(f).filter((s) => !s.startsWith('.')).map((s) => [f, s]))
      .filter(([, s]) => !builtinModules.includes(s.replace(/^node:/, '')) && !declared.has(packageOf(s)));
    if (undeclared.length > 0) throw new Error(undeclared.map(([f, s]) => `${f} requires ${s}`).join('\n'));
  },
  'shipped declarations import only declared dependencies and have no @internal members': () => {
    const declarations = shipped.filter((f) => f.startsWith('lib/') && f.endsWith('.d.ts'));
    const problems = declarations.flatMap((f) => [
      ...specifiers(f).filter((s) => !s.startsWith('.') && !declared.has(packageOf(s))).map((s) => `${f} imports ${s}`),
      ...(fs.readFileSync(path.join(root, f), 'utf8').includes('@internal') ? [`${f} declares @internal members`] : []),
    ]);
    if (problems.length > 0) throw new Error(problems.join('\n'));
  },
};

const failed = require('./run-checks')(checks);
console.log(`package: ${shipped.length} files, ${Object.keys(checks).length - failed} checks passed, ${failed} failed`);
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed === 0 ? 0 : 1);
