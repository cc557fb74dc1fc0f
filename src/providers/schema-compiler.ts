/**
 * Compiles payload JSON Schemas with Ajv, the same way at synth (so that a schema the processor
 * could not compile fails `cdk synth`) and in the processor. Shared by the construct and the
 * handler; not part of the public API.
 */
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';

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
 * A validator for one schema, compiled in an Ajv instance of its own: schemas never see each
 * other's `$id`s, so one schema may be used for several providers or types. Throws with Ajv's
 * reason when the schema does not compile.
 */
export function compileSchema(schema: Readonly<Record<string, unknown>>): ValidateFunction {
  const found = draftOf(schema);
  if ('error' in found) throw new Error(`the schema ${found.error}`);
  const ajv = found.draft === 'draft-07' ? new Ajv(OPTIONS) : new Ajv2020(OPTIONS);
  return ajv.compile(schema);
}

/** Why a schema does not compile; undefined when it does. */
export function compileProblem(schema: Readonly<Record<string, unknown>>): string | undefined {
  try {
    compileSchema(schema);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
