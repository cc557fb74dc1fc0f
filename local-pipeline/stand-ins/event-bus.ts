/**
 * A local EventBridge: an HTTP server speaking the PutEvents action of the EventBridge JSON 1.1
 * protocol (`X-Amz-Target: AWSEvents.PutEvents`), so the publisher bundle's own SDK client talks
 * to it through AWS_ENDPOINT_URL_EVENTBRIDGE. Each accepted entry is wrapped in the event envelope
 * and matched against the template's enabled rules on its bus with AWS Event Ruler (the matching
 * library EventBridge is built on, in one long-lived Java process per bus); each match is
 * delivered to the rule's targets with their retry policy and dead-letter queue:
 *
 * - SQS queues: SendMessage to the queue in moto, the body being the event (or Input/InputPath);
 * - Lambda functions: an asynchronous invocation of the local function (Lambda accepts it, then
 *   runs it with up to two retries on a function error, as for any asynchronous invocation);
 * - anything else (Step Functions, SNS, log groups, API destinations…): recorded in the delivery
 *   log, not executed.
 *
 * Optionally a seeded share of entries is refused with ErrorCode InternalFailure, as EventBridge
 * may answer, so that the publisher's retries and its event source mapping's are exercised.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalFunction } from './functions';
import { onCleanup } from '../cleanup';
import { startRuleMatcher, type RuleMatcherProcess } from '../event-ruler/ruler';
import { seededRandom } from '../fault-proxy';

/**
 * "The maximum size for a PutEvents event entry is 1 MB" (256 KB until January 2026), counted as
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html describes: Time
 * (14 bytes when set), Source, DetailType, Detail and each Resource, UTF-8. The same bound applies
 * to the whole request.
 */
export const PUT_EVENTS_MAX_BYTES = 1024 * 1024;
/** "Entries: … Array Members: Minimum number of 1 item. Maximum number of 10 items." (PutEvents API reference) */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** Lambda retries a failed asynchronous invocation twice by default. */
const LAMBDA_ASYNC_ATTEMPTS = 3;
/** EventBridge backs off exponentially with jitter over up to 24 hours; locally the pauses stay short. */
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 2_000;

export interface BusTarget {
  readonly id: string;
  readonly arn: string;
  readonly input?: string;
  readonly inputPath?: string;
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  readonly deadLetterArn?: string;
}

export interface BusRule {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  readonly eventPattern: unknown;
  readonly enabled: boolean;
  readonly targets: readonly BusTarget[];
}

export type TargetKind = 'sqs' | 'lambda' | 'recorded';

/** One line of the delivery log. */
export interface Delivery {
  readonly rule: string;
  readonly targetId: string;
  readonly targetArn: string;
  readonly kind: TargetKind;
  readonly eventId: string;
  /** `detail.id` of the event: the webhook id. */
  readonly webhookId?: string;
  readonly attempt: number;
  /**
   * delivered: the target accepted it (queue: sent; Lambda: the asynchronous invocation was
   * accepted); recorded: a kind that is not executed locally; failed: this attempt failed and
   * will be retried; dead-lettered / dropped: retries exhausted, with or without a dead-letter
   * queue; invoked / invocation-failed: a Lambda target's run (asynchronous, after `delivered`).
   */
  readonly outcome: 'delivered' | 'recorded' | 'failed' | 'dead-lettered' | 'dropped' | 'invoked' | 'invocation-failed';
  readonly error?: string;
  readonly at: string;
}

export interface EventBusStats {
  requests: number;
  entries: number;
  accepted: number;
  /** Entries refused, by ErrorCode. */
  refused: Record<string, number>;
  /** Refusals injected (InternalFailure). */
  injectedFailures: number;
  /** Accepted events that matched at least one rule. */
  matched: number;
}

export interface EventBusOptions {
  readonly rules: readonly BusRule[];
  /** Bus names served; entries naming another bus are refused. */
  readonly busNames: readonly string[];
  readonly region: string;
  readonly accountId: string;
  readonly sqs: SQSClient;
  /** Queue URL by queue ARN (targets and dead-letter queues). */
  readonly queueUrlByArn: ReadonlyMap<string, string>;
  /** The local function a Lambda target ARN names (looked up at delivery, so functions may be created later). */
  readonly functionByArn: (arn: string) => LocalFunction | undefined;
  /** Refuse this share of entries with InternalFailure. */
  readonly faults?: { readonly rate: number; readonly seed: number };
}

export interface EventBus {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_EVENTBRIDGE. */
  readonly endpoint: string;
  readonly stats: Readonly<EventBusStats>;
  /** The delivery log, in order. */
  deliveries(): readonly Delivery[];
  /** Every accepted event, by event id. */
  events(): ReadonlyMap<string, Record<string, unknown>>;
  /** True when no event is being matched or delivered. */
  idle(): boolean;
  stop(): Promise<void>;
}

interface PutEventsEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly EventBusName?: unknown;
  readonly Resources?: unknown;
  readonly Time?: unknown;
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export async function startEventBus(options: EventBusOptions): Promise<EventBus> {
  const stats: EventBusStats = { requests: 0, entries: 0, accepted: 0, refused: {}, injectedFailures: 0, matched: 0 };
  const log: Delivery[] = [];
  const accepted = new Map<string, Record<string, unknown>>();
  const inFlight = new Set<Promise<void>>();
  const random = options.faults ? seededRandom(options.faults.seed) : undefined;
  for (const target of options.rules.flatMap((r) => r.targets)) targetInput(target, {});
  const rulesByName = new Map(options.rules.map((r) => [r.name, r]));
  const matchers = new Map<string, RuleMatcherProcess>();
  for (const busName of options.busNames) {
    const rules = options.rules.filter((r) => r.busName === busName && r.enabled);
    if (rules.length > 0) matchers.set(busName, await startRuleMatcher(Object.fromEntries(rules.map((r) => [r.name, r.eventPattern]))));
  }
  let stopped = false;

  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const putEntry = (entry: PutEventsEntry): EntryResult => {
    const problem = entryProblem(entry, options.busNames);
    if (problem) return problem;
    if (random && random() < options.faults!.rate) {
      stats.injectedFailures++;
      return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Failure (injected by the local event bus)' };
    }
    const busName = busNameOf(entry.EventBusName);
    const event: Record<string, unknown> = {
      'version': '0',
      'id': randomUUID(),
      'detail-type': entry.DetailType,
      'source': entry.Source,
      'account': options.accountId,
      'time': eventTime(entry.Time),
      'region': options.region,
      'resources': Array.isArray(entry.Resources) ? entry.Resources : [],
      'detail': JSON.parse(String(entry.Detail)),
    };
    accepted.set(event.id as string, event);
    track(route(busName, event));
    return { EventId: event.id as string };
  };

  const route = async (busName: string, event: Record<string, unknown>): Promise<void> => {
    const matcher = matchers.get(busName);
    if (matcher === undefined) return;
    const names = await matcher.match(event);
    if (names.length > 0) stats.matched++;
    await Promise.all(names.flatMap((name) => rulesByName.get(name)!.targets.map((target) => deliver(rulesByName.get(name)!, target, event))));
  };

  const record = (rule: BusRule, target: BusTarget, kind: TargetKind, event: Record<string, unknown>, attempt: number, outcome: Delivery['outcome'], error?: string) => {
    const webhookId = (event.detail as { id?: unknown } | undefined)?.id;
    log.push({
      rule: rule.name,
      targetId: target.id,
      targetArn: target.arn,
      kind,
      eventId: event.id as string,
      ...(typeof webhookId === 'string' ? { webhookId } : {}),
      attempt,
      outcome,
      ...(error ? { error } : {}),
      at: new Date().toISOString(),
    });
  };

  const deliver = async (rule: BusRule, target: BusTarget, event: Record<string, unknown>): Promise<void> => {
    const kind = targetKind(target.arn);
    if (kind === 'recorded') {
      record(rule, target, kind, event, 1, 'recorded');
      return;
    }
    const payload = targetInput(target, event);
    const born = Date.now();
    let lastError = '';
    for (let attempt = 1; attempt <= target.maximumRetryAttempts + 1 && !stopped; attempt++) {
      if (attempt > 1 && (Date.now() - born) / 1000 > target.maximumEventAgeSeconds) break;
      try {
        if (kind === 'sqs') {
          await options.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(target.arn), MessageBody: payload }));
        } else {
          const fn = options.functionByArn(target.arn);
          if (fn === undefined) throw Object.assign(new Error(`function ${target.arn} does not exist locally`), { name: 'ResourceNotFoundException' });
          track(invokeAsync(rule, target, fn, payload, event));
        }
        record(rule, target, kind, event, attempt, 'delivered');
        return;
      } catch (error) {
        lastError = `${(error as Error).name}: ${(error as Error).message}`;
        record(rule, target, kind, event, attempt, 'failed', lastError);
        await pause(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1)));
      }
    }
    if (target.deadLetterArn === undefined) {
      record(rule, target, kind, event, 0, 'dropped', lastError);
      return;
    }
    // EventBridge adds these attributes to a dead-lettered event:
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
    await options.sqs.send(new SendMessageCommand({
      QueueUrl: queueUrl(target.deadLetterArn),
      MessageBody: payload,
      MessageAttributes: {
        RULE_ARN: { DataType: 'String', StringValue: rule.arn },
        TARGET_ARN: { DataType: 'String', StringValue: target.arn },
        ERROR_CODE: { DataType: 'String', StringValue: lastError.split(':')[0] || 'Unknown' },
        ERROR_MESSAGE: { DataType: 'String', StringValue: lastError || 'unknown' },
      },
    }));
    record(rule, target, kind, event, 0, 'dead-lettered', lastError);
  };

  const invokeAsync = async (rule: BusRule, target: BusTarget, fn: LocalFunction, payload: string, event: Record<string, unknown>): Promise<void> => {
    for (let attempt = 1; attempt <= LAMBDA_ASYNC_ATTEMPTS && !stopped; attempt++) {
      const result = await fn.invoke(JSON.parse(payload));
      if (result.ok) {
        record(rule, target, 'lambda', event, attempt, 'invoked');
        return;
      }
      record(rule, target, 'lambda', event, attempt, 'invocation-failed', `${result.error.errorType}: ${result.error.errorMessage}`);
    }
  };

  const queueUrl = (arn: string): string => {
    const url = options.queueUrlByArn.get(arn);
    if (url === undefined) throw Object.assign(new Error(`queue ${arn} does not exist locally`), { name: 'ResourceNotFoundException' });
    return url;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/_local/deliveries') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(log));
        return;
      }
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() });
        res.end(JSON.stringify(body));
      };
      const target = req.headers['x-amz-target'];
      if (target !== 'AWSEvents.PutEvents') {
        answer(400, { __type: 'UnknownOperationException', message: `the local event bus serves AWSEvents.PutEvents only, not ${String(target)}` });
        return;
      }
      let request: { Entries?: unknown };
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: unknown };
      } catch {
        answer(400, { __type: 'SerializationException', message: 'Start of structure or map found where not expected.' });
        return;
      }
      stats.requests++;
      const entries = request.Entries;
      if (!Array.isArray(entries) || entries.length < 1 || entries.length > PUT_EVENTS_MAX_ENTRIES) {
        answer(400, {
          __type: 'ValidationException',
          message: `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${PUT_EVENTS_MAX_ENTRIES} and greater than or equal to 1`,
        });
        return;
      }
      const total = (entries as PutEventsEntry[]).reduce((n, e) => n + entrySize(e), 0);
      if (total > PUT_EVENTS_MAX_BYTES) {
        answer(400, { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' });
        return;
      }
      stats.entries += entries.length;
      const results = (entries as PutEventsEntry[]).map(putEntry);
      const failed = results.filter((r) => 'ErrorCode' in r) as Array<{ ErrorCode: string }>;
      stats.accepted += results.length - failed.length;
      failed.forEach((f) => { stats.refused[f.ErrorCode] = (stats.refused[f.ErrorCode] ?? 0) + 1; });
      answer(200, { FailedEntryCount: failed.length, Entries: results });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = (server.address() as AddressInfo);
  const stop = onCleanup(async () => {
    stopped = true;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await Promise.allSettled([...inFlight]);
    await Promise.all([...matchers.values()].map((m) => m.stop()));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    deliveries: () => log,
    events: () => accepted,
    idle: () => inFlight.size === 0,
    stop,
  };
}

/** Why EventBridge would refuse the entry (its per-entry ErrorCode), or undefined. */
function entryProblem(entry: PutEventsEntry, busNames: readonly string[]): EntryResult | undefined {
  const missing = (['Source', 'DetailType', 'Detail'] as const).filter((k) => typeof entry[k] !== 'string' || entry[k] === '');
  if (missing.length > 0) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter(s) ${missing.join(', ')} must be specified.` };
  }
  let detail: unknown;
  try {
    detail = JSON.parse(String(entry.Detail));
  } catch {
    detail = undefined;
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (entrySize(entry) > PUT_EVENTS_MAX_BYTES) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Entry size exceeds the maximum.' };
  }
  const busName = busNameOf(entry.EventBusName);
  if (!busNames.includes(busName)) {
    return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
  }
  return undefined;
}

/** The entry's size as EventBridge counts it (eb-putevent-size). */
export function entrySize(entry: PutEventsEntry): number {
  const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  return (entry.Time !== undefined ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail)
    + (Array.isArray(entry.Resources) ? entry.Resources.reduce((n: number, r) => n + bytes(r), 0) : 0);
}

/** A bus name or ARN → the name; none is the account's default bus. */
function busNameOf(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'default';
  return value.startsWith('arn:') ? value.slice(value.lastIndexOf('/') + 1) : value;
}

/** The SDK sends Time as epoch seconds; the envelope has it to the second, UTC. */
function eventTime(time: unknown): string {
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date();
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function targetKind(arn: string): TargetKind {
  if (/^arn:[^:]+:sqs:/.test(arn)) return 'sqs';
  if (/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(arn)) return 'lambda';
  return 'recorded';
}

/** What a target receives: Input as is, the InputPath's part of the event, or the event. */
export function targetInput(target: Pick<BusTarget, 'input' | 'inputPath'>, event: Record<string, unknown>): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath === undefined || target.inputPath === '$') return JSON.stringify(event);
  const path = /^\$((?:\.[A-Za-z0-9_-]+)+)$/.exec(target.inputPath)?.[1];
  if (path === undefined) throw new Error(`InputPath ${target.inputPath} is not a simple $.a.b path; other JSONPaths are not emulated`);
  let value: unknown = event;
  for (const key of path.slice(1).split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return JSON.stringify(value ?? null);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
