/**
 * The raw archive: one newline-delimited JSON object per processed batch, partitioned by date
 * and hour (`dt=YYYY-MM-DD/hr=HH/`), so one S3 PUT carries up to a whole batch and Athena can
 * read it with the JSON SerDe and partition projection. Each record keeps the byte range of its
 * line, so a single delivery is fetched with one ranged GET. Pure: no AWS clients.
 */
import type { Headers } from './http';

export interface ArchiveEntry {
  readonly id: string;
  readonly provider: string;
  readonly eventType?: string;
  readonly receivedAt: string;
  readonly headers: Headers;
  readonly bodyBytes: number;
  readonly bodySha256: string;
  /** The raw body bytes, base64. */
  readonly body: string;
}

/** Where one entry sits in an archive object: `Range: bytes=offset-(offset+length-1)`. */
export interface ArchivePointer {
  readonly key: string;
  readonly offset: number;
  readonly length: number;
}

export interface ArchiveObject {
  readonly key: string;
  readonly body: Buffer;
  /** One pointer per entry, in entry order. */
  readonly pointers: readonly ArchivePointer[];
}

export function archiveKey(prefix: string, processedAt: Date, batchId: string): string {
  const iso = processedAt.toISOString();
  const compact = iso.replace(/[-:.]/g, '');
  return `${prefix}dt=${iso.slice(0, 10)}/hr=${iso.slice(11, 13)}/${compact}-${batchId}.ndjson`;
}

export function buildArchiveObject(key: string, entries: readonly ArchiveEntry[]): ArchiveObject {
  const lines: Buffer[] = [];
  const pointers: ArchivePointer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    pointers.push({ key, offset, length: line.length });
    lines.push(line);
    offset += line.length;
  }
  return { key, body: Buffer.concat(lines), pointers };
}

/** Reads an entry back from the bytes of its range (the line, newline included or not). */
export function parseArchiveLine(line: Buffer | string): ArchiveEntry {
  return JSON.parse(line.toString()) as ArchiveEntry;
}
