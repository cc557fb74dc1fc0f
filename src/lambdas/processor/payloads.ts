/**
 * Loads the payload validator from the schema file the construct ships in the processor's layer
 * (Lambda extracts layers under /opt). The validator and Ajv are required only when there is a
 * file, from a file of their own (lazy/payload-validator.ts), so a processor without schemas
 * neither parses nor evaluates them at init.
 */
import * as fs from 'node:fs';
import type { PayloadValidator } from '../../runtime/payload-validation';

export function loadPayloadValidator(file: string | undefined): PayloadValidator | undefined {
  if (file === undefined || file === '') return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { payloadValidator } = require('./lazy/payload-validator') as typeof import('./lazy/payload-validator');
  return payloadValidator(JSON.parse(fs.readFileSync(file, 'utf8')));
}
