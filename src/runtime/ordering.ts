/**
 * Ordering on a FIFO queue (the `ordering` prop): which message group a delivery joins, its
 * deduplication id, and processing a batch in group order. Pure: no AWS clients.
 *
 * SQS FIFO keeps order within a message group: "Messages within the same message group are always
 * processed one at a time, in strict order, ensuring that no two messages from the same group are
 * processed simultaneously" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-key-terms.html).
 * The group is the entity a delivery is about (a customer, an order), so that order holds per
 * entity and unrelated entities never wait for each other; the provider's name when a delivery
 * names none.
 */
import { createHash } from 'node:crypto';
import type { Headers, JsonBody } from './http';
import { REDACTED } from './message';
import { extractField } from '../providers/fields';
import type { FieldLocation } from '../providers/provider-config';

/** Where a provider's ordering key is: the first of these locations that has a value. */
export type OrderingKeyLocations = readonly FieldLocation[];

/**
 * "The length of MessageGroupId is 128 characters. Valid values: alphanumeric characters and
 * punctuation (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~)"; the same holds for MessageDeduplicationId
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html).
 */
const SQS_ID_PATTERN = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/** Marks a hashed key: no literal key can be mistaken for another's hash. */
const HASHED = '#sha256:';

/** The ordering key of a delivery: the first location with a value; undefined when none has one. */
export function orderingKeyOf(locations: OrderingKeyLocations, headers: Headers, body: JsonBody | undefined): string | undefined {
  for (const location of locations) {
    const value = extractField(location, headers, body);
    // A credential header's value is redacted before this is read: no key, rather than one group of all.
    if (value !== undefined && value !== REDACTED) return value;
  }
  return undefined;
}

/**
 * The message group of a delivery: `<provider>:<key>`, or the provider's name when the delivery
 * has no key. A key that SQS would refuse (other characters, or too long) is replaced by its
 * SHA-256, so the same entity always maps to the same valid group.
 */
export function messageGroupId(provider: string, key: string | undefined): string {
  if (key === undefined || key === '') return provider;
  const literal = `${provider}:${key}`;
  return SQS_ID_PATTERN.test(literal) && !key.startsWith(HASHED)
    ? literal
    : `${provider}:${HASHED}${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/**
 * The deduplication id of a delivery: SHA-256 of its webhook id and body digest, hex. The webhook
 * id alone would make SQS drop, silently and after the ingest answered 202, a delivery with a
 * different body under an id already sent within 5 minutes ("any messages sent with the same
 * MessageDeduplicationId are accepted successfully but aren't delivered during the 5-minute
 * deduplication interval", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html):
 * the processor would never list that conflict. With the digest, SQS drops only true retries
 * (same id, same bytes) within 5 minutes; later retries are caught by the table, as on a
 * standard queue.
 */
export function deduplicationId(webhookId: string, bodySha256: string): string {
  return createHash('sha256').update(`${webhookId}\n${bodySha256}`, 'utf8').digest('hex');
}

/**
 * The deduplication id of a redrive of the dead letter with SQS message id `deadLetterMessageId`:
 * distinct from the delivery's own (which SQS may still remember), and the same for a second
 * redrive of the same dead letter, which SQS then drops within 5 minutes.
 */
export function redriveDeduplicationId(deadLetterMessageId: string): string {
  return `redrive:${createHash('sha256').update(deadLetterMessageId, 'utf8').digest('hex')}`;
}

/** Whether a queue URL or ARN is of a FIFO queue ("The name of a FIFO queue must end with the .fifo suffix"). */
export function isFifoQueue(urlOrArn: string): boolean {
  return urlOrArn.endsWith('.fifo');
}

/** What happened to each item of a batch processed in group order. */
export interface GroupOrderOutcome<T> {
  /** Items whose handler threw. */
  readonly failed: readonly T[];
  /** Items never handled because an earlier item of their group failed in this batch. */
  readonly skipped: readonly T[];
}

/**
 * Handles a batch in group order: the items of one group one after another, in batch order;
 * groups concurrently. Once an item fails, the later items of its group are not handled (they
 * are `skipped`) and must be reported failed too, so that SQS delivers them again after the
 * failed one; the other groups go on. AWS's guidance for FIFO is stricter ("your function should
 * stop processing messages after the first failure and return all failed and unprocessed messages
 * in batchItemFailures", https://docs.aws.amazon.com/prescriptive-guidance/latest/lambda-event-filtering-partial-batch-responses-for-sqs/best-practices-partial-batch-responses.html)
 * because it assumes one group per batch; order is kept per group, so only the failed group stops.
 */
export async function inGroupOrder<T>(
  items: readonly T[], groupOf: (item: T) => string, handle: (item: T) => Promise<void>,
): Promise<GroupOrderOutcome<T>> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groupOf(item);
    groups.set(group, [...(groups.get(group) ?? []), item]);
  }
  const failed: T[] = [];
  const skipped: T[] = [];
  await Promise.all([...groups.values()].map(async (members) => {
    for (let i = 0; i < members.length; i++) {
      try {
        await handle(members[i]);
      } catch {
        failed.push(members[i]);
        skipped.push(...members.slice(i + 1));
        return;
      }
    }
  }));
  return { failed, skipped };
}

/**
 * What a redrive to a FIFO queue sends besides the body: the dead letter's own message group (the
 * group the ingest gave it, which SQS kept), else its provider's name; and a deduplication id of
 * its own (redriveDeduplicationId). Undefined for a standard queue.
 */
export function redriveFifoParams(
  queueUrl: string, deadLetter: { readonly messageId: string; readonly messageGroupId?: string; readonly provider?: string },
): { readonly MessageGroupId: string; readonly MessageDeduplicationId: string } | undefined {
  if (!isFifoQueue(queueUrl)) return undefined;
  return {
    MessageGroupId: deadLetter.messageGroupId ?? deadLetter.provider ?? 'redriven',
    MessageDeduplicationId: redriveDeduplicationId(deadLetter.messageId),
  };
}
