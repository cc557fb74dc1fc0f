/**
 * Helpers of the local replay tests, exported for the end-to-end tests that build on them (a
 * consumer that fails for a while, is fixed, and gets exactly the affected webhooks replayed):
 * a PutEvents capture server the functions' EventBridge client is pointed at, the publisher's
 * events for recorded webhooks (by invoking the real publisher bundle with their stream
 * records), and replay invocations that follow `nextCursor` to the end.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { WebhookRecord } from '../../local-pipeline/inspect';
import type { Pipeline } from '../../local-pipeline/pipeline';

/** An entry as PutEvents received it. */
export interface CapturedEvent {
  readonly Source: string;
  readonly DetailType: string;
  readonly EventBusName: string;
  readonly detail: Record<string, unknown>;
}

export interface CaptureServer {
  /** `http://127.0.0.1:<port>`: the value of AWS_ENDPOINT_URL_EVENTBRIDGE. */
  readonly endpoint: string;
  /** Every entry received, in order. */
  readonly events: CapturedEvent[];
  /** PutEvents requests received, with their entry counts and arrival times. */
  readonly requests: Array<{ readonly entries: number; readonly atMs: number }>;
  /** Refuses entries for which `refuse` is true (ErrorCode InternalFailure) until set back to undefined. */
  refuse?: (event: CapturedEvent) => boolean;
  /** Forgets what was captured. */
  clear(): void;
  stop(): Promise<void>;
}

/** A minimal EventBridge stand-in that answers PutEvents (AWS JSON 1.1) and keeps what it got. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const capture: CaptureServer = {
    endpoint: '',
    events: [],
    requests: [],
    clear: () => {
      capture.events.length = 0;
      capture.requests.length = 0;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      if (target !== 'AWSEvents.PutEvents') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `not emulated: ${String(target)}` }));
        return;
      }
      type Entry = { Source: string; DetailType: string; Detail: string; EventBusName: string };
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries: Entry[] };
      capture.requests.push({ entries: body.Entries.length, atMs: Date.now() });
      const results = body.Entries.map((entry) => {
        const { Detail, ...envelope } = entry;
        const event: CapturedEvent = { ...envelope, detail: JSON.parse(Detail) };
        if (capture.refuse?.(event)) return { ErrorCode: 'InternalFailure', ErrorMessage: 'refused by the test' };
        capture.events.push(event);
        return { EventId: randomUUID() };
      });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (capture as { endpoint: string }).endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return capture;
}

/**
 * The events the real publisher bundle puts for these records: it is invoked with the stream
 * records DynamoDB would send for their inserts (the local pipeline drives no stream).
 */
export async function publishedEvents(pipeline: Pipeline, capture: CaptureServer, records: readonly WebhookRecord[]): Promise<CapturedEvent[]> {
  const before = capture.events.length;
  const result = await pipeline.functions.publisher.invoke({
    Records: records.map((record, i) => ({
      eventID: `local-${i}`,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { SequenceNumber: String(1000 + i), NewImage: marshall(record, { removeUndefinedValues: true, convertClassInstanceToMap: true }) },
    })),
  });
  if (!result.ok || (result.value as { batchItemFailures: unknown[] }).batchItemFailures.length > 0) {
    throw new Error(`the publisher failed: ${JSON.stringify(result)}`);
  }
  return capture.events.slice(before);
}

export interface ReplayRun {
  /** The result of each invocation, in order. */
  readonly invocations: Array<Record<string, unknown>>;
  readonly replayed: number;
  readonly skipped: ReadonlyArray<{ id: string; reason: string; status?: string }>;
}

/** Invokes the replay function with `input`, then again with each `nextCursor` until there is none. */
export async function replayAll(pipeline: Pipeline, input: Record<string, unknown>, maxInvocations = 50): Promise<ReplayRun> {
  const invocations: Array<Record<string, unknown>> = [];
  let cursor: string | undefined;
  do {
    const result = await pipeline.functions.replay.invoke({ ...input, ...(cursor ? { cursor } : {}) });
    if (!result.ok) throw new Error(`the replay function failed: ${JSON.stringify(result.error)}`);
    const value = result.value as Record<string, unknown>;
    invocations.push(value);
    if (value.error !== undefined) break;
    cursor = value.nextCursor as string | undefined;
  } while (cursor !== undefined && invocations.length < maxInvocations);
  return {
    invocations,
    replayed: invocations.reduce((n, v) => n + ((v.replayed as number | undefined) ?? 0), 0),
    skipped: invocations.flatMap((v) => (v.skipped as ReplayRun['skipped'] | undefined) ?? []),
  };
}

/** An event's detail without its replay marker: what the publisher put. */
export function withoutMarker(detail: Record<string, unknown>): Record<string, unknown> {
  const { replay: _, ...rest } = detail;
  return rest;
}
