import { DRAFT_07 } from '../../src/providers/schema-compiler';
import { MAX_LISTED_ERRORS, MAX_REASON_LENGTH, formatReason, payloadValidator } from '../../src/runtime/payload-validation';

const envelope = {
  type: 'object',
  required: ['id', 'type'],
  properties: { id: { type: 'string' }, type: { type: 'string' } },
};
const charge = {
  type: 'object',
  required: ['data'],
  properties: { data: { type: 'object', required: ['amount'], properties: { amount: { type: 'integer', minimum: 1 } } } },
};

const validator = payloadValidator({
  v: 1,
  providers: {
    stripe: { schema: envelope, eventSchemas: { 'charge.succeeded': charge } },
    typed: { eventSchemas: { 'order.created': { type: 'object', required: ['order'] } } },
  },
});
const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const reasonOf = (verdict: ReturnType<typeof validator.validate>) => (verdict.valid ? undefined : verdict.reason);

test('a body that satisfies its provider schema is valid', () => {
  expect(validator.validate('stripe', 'customer.created', body({ id: 'evt_1', type: 'customer.created' }))).toEqual({ valid: true });
});

test('a body missing a required property is invalid, with the schema, the path and the message', () => {
  expect(reasonOf(validator.validate('stripe', undefined, body({ id: 'evt_1' })))).toBe("schema: (root) must have required property 'type'");
});

test('several errors are all reported, with their instance paths', () => {
  const reason = reasonOf(validator.validate('stripe', undefined, body({ id: 7, type: false })));
  expect(reason).toBe('schema: /id must be string; schema: /type must be string');
});

test('beyond the listed errors the rest are counted', () => {
  const many = payloadValidator({ v: 1, providers: { p: { schema: { type: 'object', properties: Object.fromEntries('abcdef'.split('').map((k) => [k, { type: 'string' }])) } } } });
  const reason = reasonOf(many.validate('p', undefined, body({ a: 1, b: 2, c: 3, d: 4, e: 5 })));
  expect(reason).toBe(`schema: /a must be string; schema: /b must be string; schema: /c must be string; and ${5 - MAX_LISTED_ERRORS} more`);
});

test('the reason is truncated to MAX_REASON_LENGTH', () => {
  const long = formatReason(['x'.repeat(300), 'y'.repeat(300)]);
  expect(long).toHaveLength(MAX_REASON_LENGTH);
  expect(long.endsWith('…')).toBe(true);
});

test('an additional property is named', () => {
  const closed = payloadValidator({ v: 1, providers: { p: { schema: { type: 'object', additionalProperties: false } } } });
  expect(reasonOf(closed.validate('p', undefined, body({ extra: 1 })))).toBe("schema: (root) must NOT have additional properties ('extra')");
});

test('a body that is not JSON is invalid when a schema applies', () => {
  expect(reasonOf(validator.validate('stripe', undefined, Buffer.from('amount=1')))).toBe('the body is not JSON, and schema applies to it.');
});

test('a JSON body with a byte order mark is read as JSON', () => {
  expect(validator.validate('stripe', 'x', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body({ id: 'a', type: 'x' })]))).toEqual({ valid: true });
});

test('the schema of the event type applies in addition to the provider schema', () => {
  expect(validator.validate('stripe', 'charge.succeeded', body({ id: 'evt_1', type: 'charge.succeeded', data: { amount: 100 } }))).toEqual({ valid: true });
  expect(reasonOf(validator.validate('stripe', 'charge.succeeded', body({ id: 'evt_1', data: { amount: 0 } })))).toBe(
    "schema: (root) must have required property 'type'; eventSchemas['charge.succeeded']: /data/amount must be >= 1",
  );
});

test('a delivery of a type without a schema is checked against the provider schema only', () => {
  expect(validator.validate('stripe', 'charge.refunded', body({ id: 'evt_1', type: 'charge.refunded', data: {} }))).toEqual({ valid: true });
});

test('with only event type schemas, other types and untyped deliveries (even non-JSON) are valid', () => {
  expect(validator.validate('typed', 'order.updated', Buffer.from('not json'))).toEqual({ valid: true });
  expect(validator.validate('typed', undefined, body({}))).toEqual({ valid: true });
  expect(reasonOf(validator.validate('typed', 'order.created', body({})))).toBe("eventSchemas['order.created']: (root) must have required property 'order'");
});

test('a provider without schemas accepts anything', () => {
  expect(validator.validate('github', 'push', Buffer.from('\u0000'))).toEqual({ valid: true });
});

test('draft-07 schemas are compiled as draft-07', () => {
  const draft7 = payloadValidator({ v: 1, providers: { p: { schema: { $schema: DRAFT_07, definitions: { n: { type: 'number' } }, properties: { n: { $ref: '#/definitions/n' } } } } } });
  expect(reasonOf(draft7.validate('p', undefined, body({ n: 'one' })))).toBe('schema: /n must be number');
});

test('format is an annotation, not asserted', () => {
  const formatted = payloadValidator({ v: 1, providers: { p: { schema: { type: 'string', format: 'date-time' } } } });
  expect(formatted.validate('p', undefined, body('yesterday'))).toEqual({ valid: true });
});

test('one schema used for several providers and types compiles once and is shared safely (even with an $id)', () => {
  const shared = { $id: 'https://example.com/envelope', ...envelope };
  const both = payloadValidator({ v: 1, providers: { a: { schema: shared, eventSchemas: { t: shared } }, b: { schema: shared } } });
  expect(both.validate('b', undefined, body({ id: 'x', type: 'y' }))).toEqual({ valid: true });
});

test('a schema file of another version is refused', () => {
  expect(() => payloadValidator({ v: 2, providers: {} })).toThrow(/version 2/);
});
