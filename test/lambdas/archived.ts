/**
 * Webhooks archived in one object, as the processor writes them, and the S3 stand-in that serves
 * its byte ranges: what the publisher and replay tests read their bodies back from.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { buildArchiveObject, type ArchiveEntry } from '../../src/runtime/archive';
import type { WebhookMessage } from '../../src/runtime/message';

/** The archive object of `messages`, in order, under one key. */
export function archiveOf(messages: readonly WebhookMessage[]) {
  const entries: ArchiveEntry[] = messages.map((m) => ({
    id: m.id,
    provider: m.provider,
    eventType: m.eventType,
    receivedAt: m.receivedAt,
    headers: {},
    bodyBytes: m.bodyBytes,
    bodySha256: m.bodySha256,
    body: m.body!,
  }));
  return buildArchiveObject('raw/dt=2026-11-24/hr=10/a.ndjson', entries);
}

/** Answers every ranged GetObject with those bytes of `body`. */
export function serveRanges(s3: AwsClientStub<S3Client>, body: Buffer): void {
  s3.on(GetObjectCommand).callsFake((input: { Range: string }) => {
    const [start, end] = input.Range.replace('bytes=', '').split('-').map(Number);
    return { Body: { transformToByteArray: async () => new Uint8Array(body.subarray(start, end + 1)) } as never };
  });
}
