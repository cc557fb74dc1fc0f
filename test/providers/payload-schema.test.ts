import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Lazy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { PayloadSchema, WebhookProvider } from '../../src';
import { synth } from '../util';

const stripeWith = (options: { schema?: PayloadSchema; eventSchemas?: Record<string, PayloadSchema> }) =>
  (stack: import('aws-cdk-lib').Stack) => ({ providers: [WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'S')], ...options })] });
const tempFile = (name: string, text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'schema-')), name);
  fs.writeFileSync(file, text);
  return file;
};

describe('payload schema validation at synth', () => {
  test('errors name the construct path, the provider and the prop', () => {
    expect(() => synth({}, stripeWith({ schema: PayloadSchema.fromObject({ type: 'nope' }) })))
      .toThrow(/Invalid WebhookProcessor props at Test\/Webhooks:\n- WebhookProvider 'stripe': 'schema' cannot be used: schema is invalid: data\/type must be equal to one of the allowed values/);
  });

  test('a schema must compile: unknown keywords are errors', () => {
    expect(() => synth({}, stripeWith({ schema: PayloadSchema.fromObject({ type: 'object', requried: ['id'] }) })))
      .toThrow(/'schema' cannot be used: strict mode: unknown keyword: "requried"/);
  });

  test('a schema must compile: $ref must resolve inside the schema', () => {
    expect(() => synth({}, stripeWith({ schema: PayloadSchema.fromObject({ $ref: 'https://example.com/other.json' }) })))
      .toThrow(/'schema' cannot be used: can't resolve reference https:\/\/example.com\/other.json/);
  });

  test('a schema must declare a supported draft', () => {
    expect(() => synth({}, stripeWith({ schema: PayloadSchema.fromObject({ $schema: 'http://json-schema.org/draft-04/schema#' }) })))
      .toThrow(/'schema' cannot be used: the schema declares '\$schema' "http:\/\/json-schema.org\/draft-04\/schema#"; supported are 'https:\/\/json-schema.org\/draft\/2020-12\/schema' \(the default\) and 'http:\/\/json-schema.org\/draft-07\/schema#'/);
  });

  test('draft-07 and 2020-12 schemas are accepted', () => {
    expect(() => synth({}, stripeWith({
      schema: PayloadSchema.fromObject({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }),
      eventSchemas: { 'charge.succeeded': PayloadSchema.fromObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', prefixItems: [{ type: 'string' }] }) },
    }))).not.toThrow();
  });

  test('a schema must be JSON-serializable', () => {
    expect(() => synth({}, stripeWith({ schema: PayloadSchema.fromObject({ type: 'object', default: () => 1 }) })))
      .toThrow(/'schema' cannot be used: PayloadSchema.fromObject\(\) is not JSON-serializable/);
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic.self = cyclic;
    expect(() => synth({}, stripeWith({ schema: PayloadSchema.fromObject(cyclic) }))).toThrow(/is not JSON-serializable: Converting circular structure/);
  });

  test('a schema must not hold unresolved tokens', () => {
    expect(() => synth({}, stripeWith({ schema: PayloadSchema.fromObject({ const: Lazy.string({ produce: () => 'x' }) }) })))
      .toThrow(/'schema' cannot be used: PayloadSchema.fromObject\(\) contains an unresolved token/);
  });

  test('a schema must be an object', () => {
    expect(() => synth({}, stripeWith({ schema: PayloadSchema.fromObject([] as never) }))).toThrow(/PayloadSchema.fromObject\(\) must be a JSON object/);
  });

  test('a schema file must exist and hold JSON', () => {
    expect(() => synth({}, stripeWith({ schema: PayloadSchema.fromFile('/nonexistent/schema.json') })))
      .toThrow(/'schema' cannot be used: PayloadSchema.fromFile\('\/nonexistent\/schema.json'\) cannot read the file: ENOENT/);
    const notJson = tempFile('bad.json', '{ type: object }');
    expect(() => synth({}, stripeWith({ schema: PayloadSchema.fromFile(notJson) }))).toThrow(/PayloadSchema.fromFile\('.*bad.json'\) is not JSON/);
  });

  test('a schema file is read at synth', () => {
    const file = tempFile('event.json', JSON.stringify({ type: 'object', required: ['id'] }));
    expect(() => synth({}, stripeWith({ schema: PayloadSchema.fromFile(file) }))).not.toThrow();
  });

  test('an event type schema names its type', () => {
    expect(() => synth({}, stripeWith({ eventSchemas: { 'charge.succeeded': PayloadSchema.fromObject({ minimum: 'one' }) } })))
      .toThrow(/WebhookProvider 'stripe': 'eventSchemas' \('charge.succeeded'\) cannot be used: schema is invalid/);
  });

  test('an event type must not be empty', () => {
    expect(() => synth({}, stripeWith({ eventSchemas: { '': PayloadSchema.fromObject({}) } }))).toThrow(/'eventSchemas' has an empty event type/);
  });

  test('eventSchemas need a provider that records an event type', () => {
    expect(() => synth({}, (stack) => ({
      providers: [WebhookProvider.apiKey({ name: 'legacy', secrets: [new secretsmanager.Secret(stack, 'K')], header: 'X-Api-Key', eventSchemas: { a: PayloadSchema.fromObject({}) } })],
    }))).toThrow(/WebhookProvider 'legacy': 'eventSchemas' needs an event type, but the provider records none; set 'eventTypeHeader' or 'eventTypeJsonPath', or use 'schema'/);
  });
});

test('different schemas must not share an $id (the processor compiles them together)', () => {
  const a = PayloadSchema.fromObject({ $id: 'https://example.com/event', type: 'object' });
  const b = PayloadSchema.fromObject({ $id: 'https://example.com/event', type: 'array' });
  expect(() => synth({}, stripeWith({ schema: a, eventSchemas: { 'charge.succeeded': a } }))).not.toThrow();
  expect(() => synth({}, stripeWith({ schema: a, eventSchemas: { 'charge.succeeded': b } })))
    .toThrow(/The providers' payload schemas cannot be compiled together, as the processor does: schema with key or id "https:\/\/example.com\/event" already exists; give each schema that has an '\$id' a distinct one/);
});
