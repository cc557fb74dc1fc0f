#!/usr/bin/env node
/**
 * API documentation gate over the jsii assembly (.jsii, written by `npx projen compile`).
 *
 * Fails (exit 1, one line per problem) when a public type, property, method, method parameter
 * or enum member has no documentation summary, or when an optional property of a struct (a
 * props interface) has no `@default`. Constructor parameters are not checked: jsii-docgen
 * documents `scope`, `id` and `props` by their types, as the AWS CDK itself does.
 *
 * Usage: node scripts/check-api-docs.js [path/to/.jsii]
 */
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

function loadAssembly(file) {
  if (!fs.existsSync(file)) {
    fail(`${file} not found: run \`npx projen compile\` first.`);
  }
  const assembly = JSON.parse(fs.readFileSync(file, 'utf8'));
  // jsii may write a redirect to a compressed assembly.
  if (assembly.schema === 'jsii/file-redirect') {
    const target = path.resolve(path.dirname(file), assembly.filename);
    const raw = fs.readFileSync(target);
    return JSON.parse((assembly.compression === 'gzip' ? zlib.gunzipSync(raw) : raw).toString('utf8'));
  }
  return assembly;
}

function fail(message) {
  console.error(`check-api-docs: ${message}`);
  process.exit(1);
}

const hasSummary = (docs) => typeof docs?.summary === 'string' && docs.summary.trim().length > 0;
const hasDefault = (docs) => typeof docs?.default === 'string' && docs.default.trim().length > 0;

/** Every documentable element of the assembly, and the rules it breaks. */
function checkAssembly(assembly) {
  const problems = [];
  const counts = { types: 0, properties: 0, methods: 0, parameters: 0, enumMembers: 0, defaults: 0 };
  const where = (t, loc) => `${t.locationInModule?.filename ?? '?'}:${loc?.line ?? t.locationInModule?.line ?? '?'}`;

  for (const type of Object.values(assembly.types ?? {}).sort((a, b) => a.fqn.localeCompare(b.fqn))) {
    counts.types++;
    if (!hasSummary(type.docs)) problems.push(`${where(type)} ${type.kind} ${type.fqn}: no summary`);

    if (type.kind === 'enum') {
      for (const member of type.members ?? []) {
        counts.enumMembers++;
        if (!hasSummary(member.docs)) problems.push(`${where(type)} enum member ${type.fqn}.${member.name}: no summary`);
      }
      continue;
    }

    for (const prop of type.properties ?? []) {
      counts.properties++;
      const name = `${type.fqn}.${prop.name}`;
      if (!hasSummary(prop.docs)) problems.push(`${where(type, prop.locationInModule)} property ${name}: no summary`);
      // A struct's optional property needs @default: what happens when it is left out.
      if (type.datatype && prop.optional) {
        counts.defaults++;
        if (!hasDefault(prop.docs)) problems.push(`${where(type, prop.locationInModule)} property ${name}: optional but no @default`);
      }
    }

    for (const method of type.methods ?? []) {
      counts.methods++;
      const name = `${type.fqn}.${method.name}()`;
      if (!hasSummary(method.docs)) problems.push(`${where(type, method.locationInModule)} method ${name}: no summary`);
      for (const param of method.parameters ?? []) {
        counts.parameters++;
        if (!hasSummary(param.docs)) {
          problems.push(`${where(type, method.locationInModule)} parameter '${param.name}' of ${name}: no @param description`);
        }
      }
    }
  }
  return { problems, counts };
}

const file = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '.jsii'));
const assembly = loadAssembly(file);
const { problems, counts } = checkAssembly(assembly);
const c = counts;
console.log(`check-api-docs: ${assembly.name}@${assembly.version}: checked ${c.types} types, ${c.properties} properties `
  + `(${c.defaults} optional struct properties for @default), ${c.methods} methods, ${c.parameters} method parameters, `
  + `${c.enumMembers} enum members.`);
if (problems.length > 0) {
  console.error(`check-api-docs: ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log('check-api-docs: every public API element is documented.');
