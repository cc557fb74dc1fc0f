/**
 * Compiles payload JSON Schemas with Ajv, the same way at synth (so that a schema the processor
 * could not compile fails `cdk synth`) and in the processor. Shared by the construct and the
 * handler; not part of the public API.
 */
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { PayloadSchemasDocument } from './provider-config';

/** The `$schema` of each supported draft; a schema without `$schema` is read as 2020-12. */
export const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';
export const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

export type { ErrorObject, ValidateFunction };

/**
 * Every error, not just the first (the reason lists a few); formats are annotations, as 2020-12
 * has them by default (Ajv would need ajv-formats to assert them); unknown keywords are errors
 * (Ajv's default strict mode), so a typo fails the synth instead of silently checking nothing.
 */
const OPTIONS: Options = { allErrors: true, validateFormats: false, logger: false };

type Draft = 'draft-07' | '2020-12';

/** The draft a schema declares, or why it cannot be compiled. */
export function draftOf(schema: Readonly<Record<string, unknown>>): { readonly draft: Draft } | { readonly error: string } {
  const declared = schema.$schema;
  if (declared === undefined) return { draft: '2020-12' };
  if (typeof declared === 'string') {
    const normalized = declared.replace(/#$/, '');
    if (normalized === DRAFT_2020_12) return { draft: '2020-12' };
    if (normalized === DRAFT_07.replace(/#$/, '')) return { draft: 'draft-07' };
  }
  return { error: `declares '$schema' ${JSON.stringify(declared)}; supported are '${DRAFT_2020_12}' (the default) and '${DRAFT_07}'.` };
}

/**
 * A compiler of schemas, one Ajv instance per draft (each instance compiles its draft's
 * meta-schema once, which costs more than a typical payload schema): an identical schema is
 * compiled once, however many providers or types use it; two different schemas with the same
 * `$id` are an error. Throws with Ajv's reason when a schema does not compile.
 */
export function schemaCompiler(): (schema: Readonly<Record<string, unknown>>) => ValidateFunction {
  const instances = new Map<Draft, Ajv>();
  const compiled = new Map<string, ValidateFunction>();
  return (schema) => {
    const key = JSON.stringify(schema);
    const known = compiled.get(key);
    if (known !== undefined) return known;
    const found = draftOf(schema);
    if ('error' in found) throw new Error(`the schema ${found.error}`);
    let ajv = instances.get(found.draft);
    if (ajv === undefined) {
      ajv = found.draft === 'draft-07' ? new Ajv(OPTIONS) : new Ajv2020(OPTIONS);
      instances.set(found.draft, ajv);
    }
    const validate = ajv.compile(schema);
    compiled.set(key, validate);
    return validate;
  };
}

/** Why a schema does not compile on its own; undefined when it does. */
export function compileProblem(schema: Readonly<Record<string, unknown>>): string | undefined {
  return problemOf(() => schemaCompiler()(schema));
}

/** Why the schemas of every provider cannot be compiled together, as the processor does; undefined when they can. */
export function compileAllProblem(document: PayloadSchemasDocument): string | undefined {
  const compile = schemaCompiler();
  return problemOf(() => {
    for (const { schema, eventSchemas } of Object.values(document.providers)) {
      if (schema !== undefined) compile(schema);
      Object.values(eventSchemas ?? {}).forEach(compile);
    }
  });
}

function problemOf(attempt: () => unknown): string | undefined {
  try {
    attempt();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
