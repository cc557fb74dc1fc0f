/**
 * Shared by the local pipeline tests: progress output that jest does not decorate, and the
 * checks that a delivery ended as exactly one record whose archived bytes are the sent bytes.
 */
import { randomBytes } from 'node:crypto';
import { archivedDelivery, type WebhookRecord } from '../../local-pipeline/inspect';
import type { Pipeline } from '../../local-pipeline/pipeline';

/** A line on stderr, undecorated (jest prefixes console.log with a stack location). */
export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Bytes that are not valid UTF-8 (lone continuation bytes, 0xff/0xfe) around random ones. */
export function binaryBody(size: number): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]), randomBytes(Math.max(0, size - 6))]);
}

/**
 * Bytes of a binary delivery the ingest stores under `oversize/` (claim check): base64 in the
 * message makes 800 KiB about 1.07 MB, over MAX_INLINE_MESSAGE_BYTES (1 MiB less 16 KiB).
 */
export const OVERSIZE_BODY_BYTES = 800 * 1024;

export const UNICODE_TEXT = 'héllo wörld — ✓ 你好 👋 \u2028 \u0000 "quoted" \\ backslash';

/** Why `record` does not hold `sent` (its pointer, id or bytes), or undefined when it does. */
export async function archiveMismatch(pipeline: Pipeline, record: WebhookRecord, sent: Buffer): Promise<string | undefined> {
  if (record.status !== 'processed') return `status ${record.status}`;
  if (record.bodyBytes !== sent.length) return `bodyBytes ${record.bodyBytes} ≠ ${sent.length}`;
  const archived = await archivedDelivery(pipeline, record);
  if (archived.id !== record.id) return `the archive pointer leads to ${archived.id}`;
  if (!archived.body.equals(sent)) return 'archived bytes differ from the bytes sent';
  return undefined;
}

/** Polls `probe` every 500 ms until it returns a value, or throws after `timeoutMs` naming `what`. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
