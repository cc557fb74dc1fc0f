/**
 * Payload validation in the processor: which schemas apply to a delivery (its provider's
 * `schema`, plus the one for its event type), whether its JSON body satisfies them, and a short
 * reason when it does not. Every schema is compiled once, when the validator is built (at init).
 * Pure: no AWS clients.
 */
import { parseJsonBody } from './http';
import { PAYLOAD_SCHEMAS_VERSION, type PayloadSchemasDocument } from '../providers/provider-config';
import { schemaCompiler, type ErrorObject, type ValidateFunction } from '../providers/schema-compiler';

/** Errors listed in a reason; the rest are counted. */
export const MAX_LISTED_ERRORS = 3;
/** The longest reason recorded (it is stored on the record and shown by `/status`). */
export const MAX_REASON_LENGTH = 500;

export type PayloadVerdict = { readonly valid: true } | { readonly valid: false; readonly reason: string };

export interface PayloadValidator {
  /** Whether the delivery's body satisfies every schema that applies to it. */
  validate(provider: string, eventType: string | undefined, body: Buffer): PayloadVerdict;
}

interface CompiledSchema {
  /** How the reason names it: `schema` or `eventSchemas['<type>']`. */
  readonly label: string;
  readonly validate: ValidateFunction;
}

interface ProviderValidators {
  readonly schema?: CompiledSchema;
  readonly byType: ReadonlyMap<string, CompiledSchema>;
}

const VALID: PayloadVerdict = { valid: true };

/** Compiles every schema of the document; throws when it is not one this processor reads. */
export function payloadValidator(document: PayloadSchemasDocument): PayloadValidator {
  if (document.v !== PAYLOAD_SCHEMAS_VERSION) {
    throw new Error(`payload schema file version ${String(document.v)} is not ${PAYLOAD_SCHEMAS_VERSION}`);
  }
  const compileSchema = schemaCompiler();
  const compile = (label: string, schema: Readonly<Record<string, unknown>>): CompiledSchema => ({ label, validate: compileSchema(schema) });
  const providers = new Map<string, ProviderValidators>();
  for (const [name, schemas] of Object.entries(document.providers)) {
    providers.set(name, {
      ...(schemas.schema !== undefined ? { schema: compile('schema', schemas.schema) } : {}),
      byType: new Map(Object.entries(schemas.eventSchemas ?? {}).map(([type, schema]) => [type, compile(`eventSchemas['${type}']`, schema)])),
    });
  }
  return {
    validate(provider, eventType, body) {
      const validators = providers.get(provider);
      const typed = eventType === undefined ? undefined : validators?.byType.get(eventType);
      const applicable = [validators?.schema, typed].filter((s): s is CompiledSchema => s !== undefined);
      if (applicable.length === 0) return VALID;
      const parsed = parseJsonBody(body);
      if (!parsed.ok) {
        return { valid: false, reason: bounded(`the body is not JSON, and ${applicable.map((s) => s.label).join(' and ')} applies to it.`) };
      }
      const errors = applicable.flatMap((s) => (s.validate(parsed.body.value) ? [] : (s.validate.errors ?? []).map((e) => `${s.label}: ${describeError(e)}`)));
      return errors.length === 0 ? VALID : { valid: false, reason: formatReason(errors) };
    },
  };
}

/** The first few errors, and how many more there are, within MAX_REASON_LENGTH. */
export function formatReason(errors: readonly string[]): string {
  const listed = errors.slice(0, MAX_LISTED_ERRORS).join('; ');
  const more = errors.length - MAX_LISTED_ERRORS;
  return bounded(more > 0 ? `${listed}; and ${more} more` : listed);
}

/** One Ajv error: where in the body (a JSON Pointer, `(root)` for the whole body) and what. */
export function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const property = error.keyword === 'additionalProperties' ? ` ('${String(error.params.additionalProperty)}')` : '';
  return `${where} ${error.message ?? `fails '${error.keyword}'`}${property}`;
}

function bounded(reason: string): string {
  return reason.length <= MAX_REASON_LENGTH ? reason : `${reason.slice(0, MAX_REASON_LENGTH - 1)}…`;
}
