/**
 * The payload validator and the Ajv it compiles schemas with, in a file of their own
 * (`lazy/payload-validator.js`), required only when the construct ships a schema file: a
 * processor without schemas never parses them at its cold start.
 */
export { payloadValidator } from '../../../runtime/payload-validation';
