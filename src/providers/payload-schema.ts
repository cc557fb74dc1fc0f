/**
 * JSON Schemas that a provider's deliveries are validated against (part of the public API).
 */
import * as fs from 'node:fs';
import { Token } from 'aws-cdk-lib';
import { compileProblem } from './schema-compiler';

/**
 * A JSON Schema (draft 2020-12, or draft-07 when its `$schema` says so) that the processor
 * validates a delivery's JSON body against. A signed delivery that fails it is still
 * acknowledged and archived, recorded with status `invalid` and the reason, counted and
 * alarmed, and never routed.
 *
 * The schema is compiled at synth with the same Ajv the processor uses, so a schema the
 * processor could not compile fails `cdk synth`. `format` is an annotation (not asserted);
 * unknown keywords are errors; `$ref` may point inside the schema only.
 *
 * @example
 * const schema = PayloadSchema.fromObject({
 *   type: 'object',
 *   required: ['id', 'type', 'data'],
 *   properties: { id: { type: 'string' }, type: { type: 'string' } },
 * });
 */
export class PayloadSchema {
  /**
   * A schema given as an object (e.g. a literal, or an imported JSON file).
   *
   * @param schema the JSON Schema document
   */
  public static fromObject(schema: { [key: string]: any }): PayloadSchema {
    return new PayloadSchema(serialized(schema, 'PayloadSchema.fromObject()'));
  }

  /**
   * A schema read from a JSON file at synth.
   *
   * @param path the file's path
   */
  public static fromFile(path: string): PayloadSchema {
    let text: string;
    try {
      text = fs.readFileSync(path, 'utf8');
    } catch (error) {
      return new PayloadSchema({ problem: `PayloadSchema.fromFile('${path}') cannot read the file: ${(error as Error).message}` });
    }
    try {
      return new PayloadSchema(serialized(JSON.parse(text), `PayloadSchema.fromFile('${path}')`));
    } catch (error) {
      return new PayloadSchema({ problem: `PayloadSchema.fromFile('${path}') is not JSON: ${(error as Error).message}` });
    }
  }

  private readonly schema?: Record<string, unknown>;
  private readonly problem?: string;

  private constructor(parsed: Parsed) {
    this.schema = parsed.schema;
    this.problem = parsed.problem;
  }

  /**
   * The schema as the processor reads it: a JSON-serializable object.
   *
   * @internal
   */
  public _document(): Record<string, unknown> {
    if (this.schema === undefined) throw new Error(this.problem ?? 'no schema');
    return this.schema;
  }

  /**
   * Why the schema cannot be used (it cannot be serialized, read, or compiled); undefined when
   * it can.
   *
   * @internal
   */
  public _problem(): string | undefined {
    return this.problem ?? compileProblem(this.schema!);
  }
}

interface Parsed {
  readonly schema?: Record<string, unknown>;
  readonly problem?: string;
}

/** The schema through JSON and back: exactly what the processor will read, or why it cannot be. */
function serialized(schema: unknown, source: string): Parsed {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    // `true` and `false` are schemas too, but say nothing useful about a delivery.
    return { problem: `${source} must be a JSON object (a schema document).` };
  }
  let text: string;
  try {
    text = JSON.stringify(schema);
  } catch (error) {
    return { problem: `${source} is not JSON-serializable: ${(error as Error).message}` };
  }
  if (Token.isUnresolved(text)) {
    return { problem: `${source} contains an unresolved token; a schema is read by the processor as plain JSON, so it must be known at synth.` };
  }
  const copy = JSON.parse(text) as Record<string, unknown>;
  if (!sameJson(schema, copy)) {
    return { problem: `${source} is not JSON-serializable: it holds values JSON cannot carry (a function, undefined, NaN, Infinity, a Date or a class instance).` };
  }
  return { schema: copy };
}

/** Whether `value` is plain JSON data that survives `JSON.stringify` unchanged. */
function sameJson(value: unknown, copy: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value === copy;
  if (typeof value === 'number') return Number.isFinite(value) && value === copy;
  if (Array.isArray(value)) {
    return Array.isArray(copy) && value.length === copy.length && value.every((v, i) => sameJson(v, copy[i]));
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const c = copy as Record<string, unknown>;
    const entries = Object.entries(value as Record<string, unknown>);
    return typeof copy === 'object' && copy !== null && entries.length === Object.keys(c).length
      && entries.every(([k, v]) => Object.prototype.hasOwnProperty.call(c, k) && sameJson(v, c[k]));
  }
  return false;
}
