/**
 * Proves the local pipeline runs the code that ships: each function's synthesized asset (what a
 * deployment would upload: the handler's bundle and the modules it requires on first use,
 * `lazy/*.js`) must be byte-identical, file for file, to one bundle directory in assets/lambdas/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AssetManifest } from './app';
import type { FunctionSpec } from './template';

export interface ShippedBundle {
  /** The bundle's name: `<x>` of `assets/lambdas/<x>/<x>.lambda/index.js`. */
  readonly name: string;
  /** Absolute path of the shipped bundle file that is run. */
  readonly file: string;
  /** The export called, e.g. `handler`. */
  readonly exportName: string;
  /** The synthesized asset directory it was compared with. */
  readonly assetDir: string;
  /**
   * The staged directory of the function's layer, which Lambda would extract to /opt; only when
   * it has one. Lambda merges several layers into /opt, which is not done here: one at most.
   */
  readonly layerDir?: string;
}

/** `<root>/<x>/` directories, by `<x>`: the local app's target functions (`local-pipeline/targets/`). */
export function localTargetDirs(root: string): Map<string, string> {
  if (!fs.existsSync(root)) return new Map();
  return new Map(fs.readdirSync(root)
    .map((name): [string, string] => [name, path.join(root, name)])
    .filter(([, dir]) => fs.statSync(dir).isDirectory()));
}

/** `assets/lambdas/<x>/<x>.lambda/` directories, by `<x>`. */
export function shippedBundleDirs(repoRoot: string): Map<string, string> {
  const root = path.join(repoRoot, 'assets', 'lambdas');
  if (!fs.existsSync(root)) throw new Error('assets/lambdas/ is missing: run `npx projen bundle` first.');
  const dirs = new Map<string, string>();
  for (const name of fs.readdirSync(root)) {
    const dir = path.join(root, name, `${name}.lambda`);
    if (fs.existsSync(dir)) dirs.set(name, dir);
  }
  return dirs;
}

/** The shipped bundle each function runs, checked byte for byte against its synthesized asset. */
export function matchShippedBundles(
  functions: readonly FunctionSpec[], assetManifest: AssetManifest, cloudAssemblyDir: string, repoRoot: string,
  /** Directories of the local app's own functions (rule targets), by name, also accepted. */
  localDirs: ReadonlyMap<string, string> = new Map(),
): Map<string, ShippedBundle> {
  const shipped = new Map([...shippedBundleDirs(repoRoot), ...localDirs]);
  const result = new Map<string, ShippedBundle>();
  for (const fn of functions) {
    const [moduleName, exportName] = splitHandler(fn.handler);
    const assetDir = assetDirOf(fn.codeKey, fn.logicalId, assetManifest, cloudAssemblyDir);
    if (fn.layerKeys.length > 1) throw new Error(`${fn.logicalId} has ${fn.layerKeys.length} layers; the local pipeline runs one at most`);
    const layerDir = fn.layerKeys.length === 1 ? assetDirOf(fn.layerKeys[0], `the layer of ${fn.logicalId}`, assetManifest, cloudAssemblyDir) : undefined;
    // The handler's file and the modules it requires on first use (`lazy/*.js`), nothing else.
    const assetFiles = filesUnder(assetDir);
    if (!assetFiles.includes(`${moduleName}.js`) || assetFiles.some((f) => f !== `${moduleName}.js` && !/^lazy\/[^/]+\.js$/.test(f))) {
      throw new Error(`the asset of ${fn.logicalId} holds ${assetFiles.join(', ')}; expected ${moduleName}.js and lazy/*.js only`);
    }
    const match = [...shipped].find(([, dir]) => sameFiles(assetDir, assetFiles, dir));
    if (match === undefined) {
      throw new Error(`the synthesized code of ${fn.logicalId} (${assetDir}) is not byte-identical to any bundle directory in assets/lambdas/`);
    }
    const [name, dir] = match;
    if ([...result.values()].some((b) => b.name === name)) {
      throw new Error(`two functions run the same bundle ${name}; the local pipeline names functions by bundle`);
    }
    result.set(fn.logicalId, { name, file: path.join(dir, `${moduleName}.js`), exportName, assetDir, ...(layerDir !== undefined ? { layerDir } : {}) });
  }
  return result;
}

/** The files under `dir`, as relative POSIX paths, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(dir, rel) : [rel];
  }).sort();
}

/** Whether `dir` holds exactly `files` (relative to `assetDir`), each byte-identical. */
function sameFiles(assetDir: string, files: readonly string[], dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  const theirs = filesUnder(dir);
  return theirs.length === files.length && files.every((f, i) => theirs[i] === f
    && fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(assetDir, f))));
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`unexpected handler '${handler}'`);
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

/** The asset manifest maps an S3 key (of code or a layer) to the staged directory that would be zipped and uploaded. */
function assetDirOf(objectKey: string, what: string, manifest: AssetManifest, cloudAssemblyDir: string): string {
  const entry = Object.values(manifest.files ?? {}).find((file) =>
    Object.values(file.destinations).some((d) => d.objectKey === objectKey));
  if (entry === undefined) throw new Error(`no asset of the manifest is uploaded as ${objectKey} (${what})`);
  if (entry.source.packaging !== 'zip') throw new Error(`the asset of ${what} is not a zipped directory`);
  return path.join(cloudAssemblyDir, entry.source.path);
}
