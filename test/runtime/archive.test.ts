import { archiveKey, buildArchiveObject, parseArchiveLine, type ArchiveEntry } from '../../src/runtime/archive';

const entry = (id: string, body: string): ArchiveEntry => ({
  id, provider: 'p', receivedAt: '2026-11-23T10:00:00.000Z', headers: { 'x-é': 'ü' }, bodyBytes: body.length, bodySha256: 'h', body: Buffer.from(body).toString('base64'),
});

test('archive keys are partitioned by date and hour', () => {
  expect(archiveKey('raw/', new Date('2026-11-23T07:08:09.010Z'), 'b1')).toBe('raw/dt=2026-11-23/hr=07/20261123T070809010Z-b1.ndjson');
});

test('each pointer addresses exactly its line, multi-byte characters included', () => {
  const object = buildArchiveObject('k', [entry('a', 'é😀'), entry('b', 'x'), entry('c', '')]);
  expect(object.pointers.map((p) => p.key)).toEqual(['k', 'k', 'k']);
  object.pointers.forEach((p, i) => {
    const line = object.body.subarray(p.offset, p.offset + p.length);
    expect(line[line.length - 1]).toBe(0x0a);
    expect(parseArchiveLine(line).id).toBe(['a', 'b', 'c'][i]);
  });
  const last = object.pointers[2];
  expect(last.offset + last.length).toBe(object.body.length);
});
