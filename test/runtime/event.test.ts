import { EVENT_DETAIL_TYPE, EVENT_SOURCE, PayloadOmitted, archiveRanges, entrySize, recordedWebhook, toEventEntry, toRequests, type RecordedWebhook } from '../../src/runtime/event';

const webhook: RecordedWebhook = {
  id: 'stripe:evt_1',
  provider: 'stripe',
  eventType: 'payment_intent.succeeded',
  receivedAt: '2026-11-24T10:00:00.000Z',
  processedAt: '2026-11-24T10:00:01.000Z',
  bodyBytes: 42,
  bodySha256: 'ab'.repeat(32),
  archive: { key: 'raw/dt=2026-11-24/hr=10/x.ndjson', offset: 120, length: 300 },
};
const context = { processor: 'Test-Webhooks', bucket: 'archive', eventBusName: 'bus' };
const detail = (body: Buffer | undefined, maxEntryBytes?: number) => JSON.parse(toEventEntry(webhook, body, { ...context, maxEntryBytes }).Detail);

test('a JSON body rides in the event as parsed JSON, numbers as numbers', () => {
  const d = detail(Buffer.from('{"data":{"object":{"amount":12000}}}'));
  expect(d).toMatchObject({
    processor: 'Test-Webhooks',
    id: 'stripe:evt_1',
    provider: 'stripe',
    type: 'payment_intent.succeeded',
    payloadIncluded: true,
    payload: { data: { object: { amount: 12000 } } },
    archive: { bucket: 'archive', key: webhook.archive.key, offset: 120, length: 300 },
  });
  expect(typeof d.archive.offset).toBe('number');
  expect(d.payloadOmitted).toBeUndefined();
});

test('the entry has the construct\'s source and detail type', () => {
  const entry = toEventEntry(webhook, Buffer.from('{}'), context);
  expect(entry).toMatchObject({ Source: EVENT_SOURCE, DetailType: EVENT_DETAIL_TYPE, EventBusName: 'bus' });
});

test('a body that is not JSON travels by reference, with the reason', () => {
  expect(detail(Buffer.from('a=1&b=2'))).toMatchObject({ payloadIncluded: false, payloadOmitted: PayloadOmitted.NOT_JSON });
  expect(detail(Buffer.from('a=1')).payload).toBeUndefined();
});

test('a JSON body with a UTF-8 byte order mark is JSON', () => {
  expect(detail(Buffer.from('\ufeff{"a":1}'))).toMatchObject({ payloadIncluded: true, payload: { a: 1 } });
});

test('a payload that would push the entry over the ceiling travels by reference', () => {
  const body = Buffer.from(JSON.stringify({ blob: 'x'.repeat(2000) }));
  expect(detail(body, 1500)).toMatchObject({ payloadIncluded: false, payloadOmitted: PayloadOmitted.TOO_LARGE });
  expect(detail(body, 5000)).toMatchObject({ payloadIncluded: true });
});

test('entry size counts Source, DetailType and Detail in UTF-8 bytes', () => {
  expect(entrySize({ Source: 'ab', DetailType: 'c', Detail: 'é', EventBusName: 'ignored' })).toBe(5);
});

test('requests hold at most 10 entries and at most the byte limit', () => {
  const entries = Array.from({ length: 23 }, () => toEventEntry(webhook, Buffer.from('{}'), context));
  expect(toRequests(entries).map((r) => r.length)).toEqual([10, 10, 3]);
  const size = entrySize(entries[0]);
  expect(toRequests(entries.slice(0, 5), size * 2).map((r) => r.length)).toEqual([2, 2, 1]);
});

test('one range per archive object, covering every entry of it', () => {
  expect(archiveRanges([
    { key: 'a', offset: 100, length: 50 }, { key: 'b', offset: 0, length: 10 }, { key: 'a', offset: 0, length: 100 },
  ])).toEqual([{ key: 'a', start: 0, end: 149 }, { key: 'b', start: 0, end: 9 }]);
});

test('a stream image that is not a recorded webhook is recognised', () => {
  expect(recordedWebhook({ id: 'x' })).toBeUndefined();
  expect(recordedWebhook({ ...webhook, archive: { ...webhook.archive } })).toEqual(webhook);
});
