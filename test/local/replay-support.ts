/**
 * Helpers of the local replay tests: replay invocations that follow `nextCursor` to the end, and
 * the events the local bus accepted, told apart by their replay marker.
 */
import type { Pipeline } from '../../local-pipeline/pipeline';

/** An event as the local bus accepted it (the EventBridge envelope). */
export interface BusEvent {
  readonly 'id': string;
  readonly 'source': string;
  readonly 'detail-type': string;
  readonly 'detail': Record<string, unknown>;
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

/** Every event the local bus accepted, in order. */
export function busEvents(pipeline: Pipeline): BusEvent[] {
  return [...pipeline.bus!.events().values()] as unknown as BusEvent[];
}

/** The events of one replay, in the order the bus accepted them. */
export function replayEvents(pipeline: Pipeline, replayId: string): BusEvent[] {
  return busEvents(pipeline).filter((e) => (e.detail.replay as { id?: string } | undefined)?.id === replayId);
}

/** The events the publisher put (no replay marker), by webhook id; the first of each if repeated. */
export function publishedEvents(pipeline: Pipeline): Map<string, BusEvent> {
  const byId = new Map<string, BusEvent>();
  for (const event of busEvents(pipeline)) {
    const id = event.detail.id as string;
    if (event.detail.replay === undefined && !byId.has(id)) byId.set(id, event);
  }
  return byId;
}

/** An event's detail without its replay marker: what the publisher put. */
export function withoutMarker(detail: Record<string, unknown>): Record<string, unknown> {
  const { replay: _, ...rest } = detail;
  return rest;
}

/** Waits until the bus has nothing in flight, three checks in a row. */
export async function waitForBusIdle(pipeline: Pipeline, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 3) {
    if (Date.now() > deadline) throw new Error(`the bus was still busy after ${timeoutMs} ms`);
    quiet = pipeline.bus!.idle() ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
