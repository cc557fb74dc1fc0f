/**
 * A local SQS event source mapping with the template's settings: a receiver long-polls the queue,
 * gathers up to BatchSize messages within MaximumBatchingWindowInSeconds, invokes the function
 * with an SQS event, and deletes exactly the messages that succeeded. Failed messages are left
 * alone: they reappear after the visibility timeout, and SQS's redrive policy moves them to the
 * dead-letter queue after maxReceiveCount receives. At most MaximumConcurrency invocations run
 * at once.
 *
 * On a FIFO queue (ordering) it keeps SQS's FIFO semantics where the emulator does not: a
 * message group is in one invocation at a time, and a group's messages are invoked in their
 * sequence order. moto blocks a group while one of its messages is in flight, but when several
 * failed messages of one group become visible again it hands out the last of them first (its
 * receive loop unblocks the group only on reaching the last one). So the stand-in remembers each
 * group's outstanding messages (received, not deleted, not yet due for the dead-letter queue) and
 * releases, uninvoked and visible again at once, any received message of a group whose earliest
 * outstanding message is not in the batch or that another invocation runs (`groupsHeldBack`);
 * moto then returns the group from its first message. (moto counted that receive, so a release
 * brings a message one receive closer to the dead-letter queue; tests of ordering leave room.) It also counts `orderViolations`: messages
 * the function's batch response let be deleted although an earlier message of their group in the
 * same batch failed, which real Lambda would delete too, processing the group out of order (so
 * the processor must never answer that way).
 */
import { ChangeMessageVisibilityCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalFunction } from './functions';
import type { SqsEventSource } from '../template/template';

/**
 * Long polls are kept short (SQS allows 20 s): deletes wait for the receive in flight (see
 * `sqsTurns` below), and must not wait long enough for their messages to become visible again.
 */
const LONG_POLL_SECONDS = 1;
/** Pause after a failed receive, so a broken queue does not spin. */
const RECEIVE_ERROR_PAUSE_MS = 500;
/** Without MaximumConcurrency Lambda starts with 5 concurrent batches and scales up; locally it stays at 5. */
const DEFAULT_CONCURRENCY = 5;

export interface EventSourceStats {
  receives: number;
  messagesReceived: number;
  invocations: number;
  /** Invocations that failed as a whole (error, timeout, crash, invalid response): the batch is left for redelivery. */
  failedInvocations: number;
  /** Messages reported in batchItemFailures. */
  itemFailures: number;
  messagesDeleted: number;
  deleteFailures: number;
  largestBatch: number;
  /** FIFO: received messages released uninvoked, their group being in another invocation or an earlier message of it outstanding. */
  groupsHeldBack: number;
  /** FIFO: messages deleted although an earlier message of their group in the same batch failed. */
  orderViolations: number;
}

export interface EventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly mapping: SqsEventSource;
  readonly fn: LocalFunction;
  /** Caps the pollers below the mapping's MaximumConcurrency (e.g. on a small machine). */
  readonly maxLocalConcurrency?: number;
  /** The queue's maxReceiveCount (its redrive policy): a FIFO message failed that often is no longer outstanding. */
  readonly maxReceiveCount?: number;
  /** Sees every message received, before the function does. */
  readonly onReceive?: (messages: readonly Message[]) => void;
  /** Sees every invocation's outcome. */
  readonly onBatch?: (outcome: BatchOutcome) => void;
}

export interface BatchOutcome {
  readonly messageIds: readonly string[];
  /** Message ids left for redelivery. */
  readonly failed: readonly string[];
  readonly invocationError?: string;
  readonly durationMs: number;
}

export interface EventSourceHandle {
  readonly stats: Readonly<EventSourceStats>;
  /** Invocations running now. */
  inFlight(): number;
  stop(): Promise<void>;
}

export function startSqsEventSource(options: EventSourceOptions): EventSourceHandle {
  const stats: EventSourceStats = {
    receives: 0,
    messagesReceived: 0,
    invocations: 0,
    failedInvocations: 0,
    itemFailures: 0,
    messagesDeleted: 0,
    deleteFailures: 0,
    largestBatch: 0,
    groupsHeldBack: 0,
    orderViolations: 0,
  };
  const fifo = options.queueUrl.endsWith('.fifo');
  /** FIFO: the message groups of the invocations running now. */
  const groupsInFlight = new Set<string>();
  /**
   * FIFO: per group, the ids of its messages received and not deleted, in the order they were
   * first invoked, which is their order in the group (moto's SequenceNumbers are random digits).
   */
  const outstanding = new Map<string, Set<string>>();
  const abort = new AbortController();
  const concurrency = Math.min(options.mapping.maximumConcurrency ?? DEFAULT_CONCURRENCY, options.maxLocalConcurrency ?? Infinity);
  const running = new Set<Promise<void>>();
  const slotFreed: Array<() => void> = [];

  // moto's queue is not thread-safe either between a receive and a delete: a delete that lands
  // while a receive iterates the in-flight messages fails that receive (`Set changed size during
  // iteration`, HTTP 500) after it counted its messages as received, so they reach the
  // dead-letter queue after fewer invocations than maxReceiveCount. Receives and deletes take turns.
  let sqsTurns: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(call: () => Promise<T>): Promise<T> => {
    const turn = sqsTurns.then(call, call);
    sqsTurns = turn.catch(() => undefined);
    return turn;
  };

  // One receiver gathers every batch; the invocations run concurrently. Receives are never
  // concurrent because moto's ReceiveMessage is not thread-safe while it moves messages to the
  // dead-letter queue (two receives move one message: `list.remove(x): x not in list`, HTTP 500,
  // and the other messages that call had marked received are never returned).
  const receive = async (max: number, waitSeconds: number): Promise<Message[]> => {
    stats.receives++;
    const { Messages = [] } = await inTurn(() => options.sqs.send(new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: Math.min(10, max),
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }), { abortSignal: abort.signal }));
    stats.messagesReceived += Messages.length;
    if (Messages.length > 0) options.onReceive?.(Messages);
    return Messages;
  };

  /** Up to BatchSize messages: a long poll waits for the first, then the window bounds the rest. */
  const gather = async (): Promise<Message[]> => {
    const { batchSize, maximumBatchingWindowSeconds } = options.mapping;
    const batch = await receive(batchSize, LONG_POLL_SECONDS);
    if (batch.length === 0 || maximumBatchingWindowSeconds === 0) return batch;
    const deadline = Date.now() + maximumBatchingWindowSeconds * 1000;
    while (batch.length < batchSize && !abort.signal.aborted) {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) break;
      // WaitTimeSeconds is whole seconds: under one second left, poll without waiting, briefly apart.
      const more = await receive(batchSize - batch.length, Math.min(LONG_POLL_SECONDS, Math.floor(remainingMs / 1000)));
      if (more.length === 0 && remainingMs < 1000) await pause(Math.min(remainingMs, 50));
      batch.push(...more);
    }
    return batch;
  };

  const slotAvailable = async (): Promise<void> => {
    while (running.size >= concurrency) await new Promise<void>((resolve) => slotFreed.push(resolve));
  };

  const receiver = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      await slotAvailable();
      if (abort.signal.aborted) break;
      let batch: Message[];
      try {
        batch = await gather();
      } catch {
        if (!abort.signal.aborted) await pause(RECEIVE_ERROR_PAUSE_MS);
        continue;
      }
      if (fifo) batch = await holdBackGroupsInFlight(batch);
      if (batch.length === 0) continue;
      const groups = fifo ? new Set(batch.map(groupOf)) : new Set<string>();
      groups.forEach((g) => groupsInFlight.add(g));
      const invocation: Promise<void> = processBatch(batch).finally(() => {
        groups.forEach((g) => groupsInFlight.delete(g));
        running.delete(invocation);
        slotFreed.shift()?.();
      });
      running.add(invocation);
    }
  };

  /**
   * Releases (visible again at once, in place) the messages of groups another invocation runs, or
   * whose earliest outstanding message is not in the batch; remembers the rest as outstanding.
   */
  const holdBackGroupsInFlight = async (batch: Message[]): Promise<Message[]> => {
    const outOfTurn = (group: string): boolean => {
      const earliest = [...(outstanding.get(group) ?? [])][0];
      return groupsInFlight.has(group) || (earliest !== undefined && !batch.some((m) => m.MessageId === earliest));
    };
    const heldGroups = new Set([...new Set(batch.map(groupOf))].filter(outOfTurn));
    const held = batch.filter((m) => heldGroups.has(groupOf(m)));
    for (const m of held) {
      stats.groupsHeldBack++;
      // moto counted this receive: at maxReceiveCount its next receive moves it to the dead-letter queue.
      if (dueForDeadLetterQueue(m)) outstanding.get(groupOf(m))?.delete(m.MessageId!);
      const release = new ChangeMessageVisibilityCommand({ QueueUrl: options.queueUrl, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 });
      await inTurn(() => options.sqs.send(release))
        .catch(() => undefined);
    }
    const accepted = batch.filter((m) => !held.includes(m));
    for (const m of accepted) {
      outstanding.set(groupOf(m), (outstanding.get(groupOf(m)) ?? new Set<string>()).add(m.MessageId!));
    }
    return accepted;
  };

  /** FIFO: a deleted message, or one SQS will move to the dead-letter queue at its next receive, is no longer outstanding. */
  const settle = (batch: readonly Message[], failed: ReadonlySet<string> | 'all'): void => {
    for (const m of batch) {
      const deleted = failed !== 'all' && !failed.has(m.MessageId!);
      if (deleted || dueForDeadLetterQueue(m)) outstanding.get(groupOf(m))?.delete(m.MessageId!);
    }
  };

  const dueForDeadLetterQueue = (m: Message): boolean => Number(m.Attributes?.ApproximateReceiveCount ?? 0) >= (options.maxReceiveCount ?? Infinity);

  const processBatch = async (batch: Message[]): Promise<void> => {
    stats.invocations++;
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    const result = await options.fn.invoke(toSqsEvent(batch, options.queueArn, options.region));
    const ids = batch.map((m) => m.MessageId!);
    const failed = result.ok ? failedMessageIds(result.value, ids, options.mapping.reportBatchItemFailures) : 'all';
    if (fifo) settle(batch, failed);
    if (failed === 'all') {
      stats.failedInvocations++;
      const invocationError = result.ok ? 'invalid batch response' : `${result.error.errorType}: ${result.error.errorMessage}`;
      options.onBatch?.({ messageIds: ids, failed: ids, invocationError, durationMs: result.durationMs });
      return;
    }
    stats.itemFailures += failed.size;
    if (fifo) stats.orderViolations += outOfOrderDeletes(batch, failed);
    await deleteMessages(batch.filter((m) => !failed.has(m.MessageId!)));
    options.onBatch?.({ messageIds: ids, failed: [...failed], durationMs: result.durationMs });
  };

  const deleteMessages = async (messages: Message[]): Promise<void> => {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      try {
        const { Failed } = await inTurn(() => options.sqs.send(new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
        })));
        stats.deleteFailures += Failed?.length ?? 0;
        stats.messagesDeleted += chunk.length - (Failed?.length ?? 0);
      } catch {
        // Undeleted messages are redelivered, as they are when Lambda's delete fails.
        stats.deleteFailures += chunk.length;
      }
    }
  };

  const receiving = receiver();
  return {
    stats,
    inFlight: () => running.size,
    async stop(): Promise<void> {
      abort.abort();
      slotFreed.splice(0).forEach((wake) => wake());
      await receiving;
      await Promise.allSettled([...running]);
    },
  };
}

/** The SQS event Lambda delivers for `messages`. */
export function toSqsEvent(messages: readonly Message[], queueArn: string, region: string): SQSEvent {
  return {
    Records: messages.map((m): SQSRecord => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: m.Attributes as unknown as SQSRecord['attributes'],
      messageAttributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([name, a]) => [name, {
        stringValue: a.StringValue,
        binaryValue: a.BinaryValue ? Buffer.from(a.BinaryValue).toString('base64') : undefined,
        stringListValues: a.StringListValues ?? [],
        binaryListValues: (a.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
        dataType: a.DataType!,
      }])),
      md5OfBody: m.MD5OfBody!,
      ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}

/**
 * Which messages failed, by Lambda's rules for ReportBatchItemFailures: an empty or null response
 * or list means all succeeded; an entry without a valid message id of the batch, or a response
 * that is not the expected shape, fails the whole batch. Without the setting, a successful
 * invocation succeeds for every message.
 */
export function failedMessageIds(response: unknown, batchIds: readonly string[], reportBatchItemFailures: boolean): Set<string> | 'all' {
  if (!reportBatchItemFailures || response === null || response === undefined) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return 'all';
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.includes(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

/** A FIFO message's group (SQS returns it with MessageSystemAttributeNames All). */
function groupOf(m: Message): string {
  return m.Attributes?.MessageGroupId ?? '';
}

/** Messages that would be deleted although an earlier message of their group in the batch failed. */
export function outOfOrderDeletes(batch: readonly Message[], failed: ReadonlySet<string>): number {
  const stopped = new Set<string>();
  let count = 0;
  for (const m of batch) {
    if (failed.has(m.MessageId!)) stopped.add(groupOf(m));
    else if (stopped.has(groupOf(m))) count++;
  }
  return count;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
