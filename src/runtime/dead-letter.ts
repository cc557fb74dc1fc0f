/**
 * Dead letters: a queued webhook that failed processing `maxReceiveCount` times. The dead-letter
 * queue keeps it at most 14 days, and its body exists nowhere else (small bodies live only in the
 * message, large ones under `oversize/`, which expires), so the archiver writes each one, byte for
 * byte, to the archive bucket and marks its record `dead_lettered`. Redrive sends an archived dead
 * letter back to the queue exactly as it was. Pure: no AWS clients.
 */
import { providerDateOf } from './index-shards';
import { decodeMessage, type WebhookMessage } from './message';
import { STATUS_DEAD_LETTERED } from './record';

export const DEAD_LETTER_VERSION = 1;

/** A message attribute as Lambda's SQS event carries it (binary values base64). */
export interface DeadLetterMessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: string;
}

/** The SQS message as the archiver received it from the dead-letter queue. */
export interface DeadLetterInput {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody?: string;
  /** SQS system attributes (ApproximateReceiveCount, SentTimestamp, ...). */
  readonly attributes: Readonly<Record<string, string | undefined>>;
  readonly messageAttributes: Readonly<Record<string, DeadLetterMessageAttribute>>;
  readonly eventSourceARN?: string;
}

/** Where the archiver keeps the oversized body a dead letter points at. */
export interface OversizeCopy {
  /** The message's `bodyRef` under `oversize/`, where the processor reads the body. */
  readonly sourceKey: string;
  /** The copy next to the dead letter; absent when the body was already gone. */
  readonly key?: string;
}

/** One archived dead letter: everything needed to send the message again as it was. */
export interface DeadLetterObject {
  readonly v: number;
  readonly messageId: string;
  /** The exact message body, as the ingest sent it. */
  readonly body: string;
  readonly md5OfBody?: string;
  readonly attributes: Readonly<Record<string, string | undefined>>;
  readonly messageAttributes: Readonly<Record<string, DeadLetterMessageAttribute>>;
  /** The dead-letter queue it came from. */
  readonly queueArn?: string;
  /** Receives the main queue allowed before it moved the message (the failures it took). */
  readonly maxReceiveCount: number;
  /** SQS's receive count as the archiver saw it (the failures, plus the archiver's own receives). */
  readonly receiveCount: number;
  readonly archivedAt: string;
  readonly webhookId?: string;
  readonly provider?: string;
  readonly oversizeBody?: OversizeCopy;
}

/** The webhook message in a dead letter, or undefined when the body is not one (poison). */
export function webhookMessageOf(body: string): WebhookMessage | undefined {
  try {
    return decodeMessage(body);
  } catch {
    return undefined;
  }
}

/**
 * Key of a dead letter: `<prefix>YYYY/MM/DD/<webhook id>-<message id>.json`, dated by the
 * message's SentTimestamp (its enqueue time, the same on every receive), so that a retried
 * archiving overwrites its own object with the same bytes instead of writing another.
 */
export function deadLetterKey(prefix: string, input: Pick<DeadLetterInput, 'messageId' | 'attributes'>, webhookId: string | undefined): string {
  const sent = Number(input.attributes.SentTimestamp);
  const date = new Date(Number.isFinite(sent) && sent > 0 ? sent : 0).toISOString();
  const [yyyy, mm, dd] = [date.slice(0, 4), date.slice(5, 7), date.slice(8, 10)];
  return `${prefix}${yyyy}/${mm}/${dd}/${encodeURIComponent(webhookId ?? 'undecodable')}-${input.messageId}.json`;
}

/** Key of the copy of a dead letter's oversized body, next to the dead letter. */
export function oversizeCopyKey(deadLetterObjectKey: string): string {
  return deadLetterObjectKey.replace(/\.json$/, '.body');
}

/** Where a redriven dead letter (and its body copy) moves: the same path under `toPrefix`. */
export function movedKey(key: string, fromPrefix: string, toPrefix: string): string {
  if (!key.startsWith(fromPrefix)) throw new Error(`${key} is not under ${fromPrefix}`);
  return `${toPrefix}${key.slice(fromPrefix.length)}`;
}

export interface DeadLetterOptions {
  readonly maxReceiveCount: number;
  readonly archivedAt: Date;
  readonly oversizeBody?: OversizeCopy;
}

export function buildDeadLetter(input: DeadLetterInput, options: DeadLetterOptions): DeadLetterObject {
  const message = webhookMessageOf(input.body);
  return {
    v: DEAD_LETTER_VERSION,
    messageId: input.messageId,
    body: input.body,
    ...(input.md5OfBody !== undefined ? { md5OfBody: input.md5OfBody } : {}),
    attributes: input.attributes,
    messageAttributes: input.messageAttributes,
    ...(input.eventSourceARN !== undefined ? { queueArn: input.eventSourceARN } : {}),
    maxReceiveCount: options.maxReceiveCount,
    receiveCount: Number(input.attributes.ApproximateReceiveCount ?? 0),
    archivedAt: options.archivedAt.toISOString(),
    ...(message ? { webhookId: message.id, provider: message.provider } : {}),
    ...(options.oversizeBody ? { oversizeBody: options.oversizeBody } : {}),
  };
}

/** Parses an archived dead letter; throws with a reason when it is not one. */
export function parseDeadLetter(text: string): DeadLetterObject {
  const value = JSON.parse(text) as Partial<DeadLetterObject> | null;
  if (value === null || typeof value !== 'object') throw new Error('dead letter is not a JSON object');
  if (value.v !== DEAD_LETTER_VERSION) throw new Error(`unsupported dead letter version ${String(value.v)}`);
  if (typeof value.body !== 'string' || typeof value.messageId !== 'string') throw new Error('dead letter has no body or message id');
  return value as DeadLetterObject;
}

export interface DeadLetteredPut {
  readonly Item: Readonly<Record<string, unknown>>;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Readonly<Record<string, string>>;
  readonly ExpressionAttributeValues: Readonly<Record<string, unknown>>;
}

/**
 * The record of a dead-lettered webhook, so that `/status` and the listing say where it is.
 * Written only where no record exists or an earlier dead letter's does: a webhook that was
 * recorded after all (its write succeeded but the answer was lost) keeps its record.
 */
export function deadLetteredPut(message: WebhookMessage, key: string, archivedAt: Date, ttlSeconds?: number): DeadLetteredPut {
  return {
    Item: {
      id: message.id,
      provider: message.provider,
      providerDate: providerDateOf(message.provider, message.receivedAt, message.id),
      ...(message.eventType !== undefined ? { eventType: message.eventType } : {}),
      status: STATUS_DEAD_LETTERED,
      receivedAt: message.receivedAt,
      deadLetteredAt: archivedAt.toISOString(),
      bodyBytes: message.bodyBytes,
      bodySha256: message.bodySha256,
      deadLetter: { key },
      ...(ttlSeconds !== undefined ? { expiresAt: Math.floor(archivedAt.getTime() / 1000) + ttlSeconds } : {}),
    },
    ConditionExpression: 'attribute_not_exists(id) OR #status = :deadLettered',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':deadLettered': STATUS_DEAD_LETTERED },
  };
}

/** A message attribute as SendMessage takes it. */
export interface SendableAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: Uint8Array;
}

/** The dead letter's message attributes in SendMessage's form, so a redrive sends them unchanged. */
export function sendableAttributes(attributes: Readonly<Record<string, DeadLetterMessageAttribute>>): Record<string, SendableAttribute> {
  return Object.fromEntries(Object.entries(attributes).map(([name, a]) => [name, {
    DataType: a.dataType,
    ...(a.stringValue !== undefined && a.stringValue !== null ? { StringValue: a.stringValue } : {}),
    ...(a.binaryValue !== undefined && a.binaryValue !== null ? { BinaryValue: Buffer.from(a.binaryValue, 'base64') } : {}),
  }]));
}
