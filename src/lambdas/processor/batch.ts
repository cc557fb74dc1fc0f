/**
 * Turns the SQS records of one batch into archive entries. Pure: no AWS clients; the handler
 * passes in how to read an oversized body.
 */
import type { SQSRecord } from 'aws-lambda';
import type { ArchiveEntry } from '../../runtime/archive';
import { checkedBody, decodeMessage, inlineBody, type WebhookMessage } from '../../runtime/message';

/** Reading an oversized body from S3 failed: transient, so the message is retried, not poison. */
export class BodyReadError extends Error {
  constructor(key: string, cause: unknown) {
    super(`could not read the body at ${key}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'BodyReadError';
  }
}

export interface DecodedRecord {
  readonly messageId: string;
  readonly message: WebhookMessage;
  readonly entry: ArchiveEntry;
  /** The raw body bytes, checked against the message's digest. */
  readonly body: Buffer;
}

/** Per SQS messageId: the decoded record, or why it cannot be processed. */
export type DecodeResult = { readonly ok: true; readonly record: DecodedRecord } | { readonly ok: false; readonly error: Error };

export async function decodeRecords(
  records: readonly SQSRecord[],
  readBodyRef: (key: string) => Promise<Buffer>,
): Promise<Map<string, DecodeResult>> {
  const results = await Promise.all(records.map(async (record): Promise<[string, DecodeResult]> => {
    try {
      return [record.messageId, { ok: true, record: await decodeRecord(record, readBodyRef) }];
    } catch (error) {
      return [record.messageId, { ok: false, error: error instanceof Error ? error : new Error(String(error)) }];
    }
  }));
  return new Map(results);
}

async function readBody(key: string, readBodyRef: (key: string) => Promise<Buffer>): Promise<Buffer> {
  try {
    return await readBodyRef(key);
  } catch (error) {
    throw new BodyReadError(key, error);
  }
}

async function decodeRecord(record: SQSRecord, readBodyRef: (key: string) => Promise<Buffer>): Promise<DecodedRecord> {
  const message = decodeMessage(record.body);
  const body = message.bodyRef !== undefined ? checkedBody(message, await readBody(message.bodyRef, readBodyRef)) : inlineBody(message);
  return {
    messageId: record.messageId,
    message,
    body,
    entry: {
      id: message.id,
      provider: message.provider,
      ...(message.eventType !== undefined ? { eventType: message.eventType } : {}),
      receivedAt: message.receivedAt,
      headers: message.headers,
      bodyBytes: message.bodyBytes,
      bodySha256: message.bodySha256,
      body: body.toString('base64'),
    },
  };
}
