/**
 * Talks to a running local pipeline as its users do (POST a delivery, GET a status with SigV4)
 * and reads its state straight from the emulators (records, archived bytes, queue depths, the
 * dead-letter queue). Shared by the demo and the tests.
 */
import * as http from 'node:http';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CALLER_CREDENTIALS, LOCAL_REGION } from './emulators/aws';
import { sleep } from './emulators/emulators';
import type { Pipeline } from './pipeline';
import type { Delivery } from './signing';
import { signRequest } from './stand-ins/sigv4';

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: Record<string, unknown> | undefined;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

export function request(url: string, method: string, headers: Readonly<Record<string, string>>, body?: Buffer): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) }, agent, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes, json: parseJson(bytes) });
      });
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.once('error', reject);
    req.end(body);
  });
}

/** POSTs a delivery to `/webhook/<provider>` of the pipeline's API. */
export function postDelivery(baseUrl: string, delivery: Delivery, provider = delivery.provider): Promise<HttpResult> {
  return request(`${baseUrl}/webhook/${provider}`, 'POST', delivery.headers, delivery.body);
}

/** `GET /status/{id}`, signed with the local caller's credentials as IAM authorisation requires. */
export function getStatus(baseUrl: string, id: string, signed = true, service = 'execute-api'): Promise<HttpResult> {
  return signedGet(new URL(`${baseUrl}/status/${encodeURIComponent(id)}`), signed, service);
}

/** `GET /webhooks?…` (the listing), signed like `getStatus`. */
export function listWebhooks(baseUrl: string, params: Readonly<Record<string, string>>, signed = true, service = 'execute-api'): Promise<HttpResult> {
  const url = new URL(`${baseUrl}/webhooks`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return signedGet(url, signed, service);
}

/** SigV4 for `service`: `execute-api` on an API's IAM routes, `lambda` on an AWS_IAM function URL. */
function signedGet(url: URL, signed: boolean, service: string): Promise<HttpResult> {
  const headers: Record<string, string> = { host: url.host };
  const path = `${url.pathname}${url.search}`;
  const auth = signed ? signRequest({ method: 'GET', url: path, headers }, CALLER_CREDENTIALS, LOCAL_REGION, service) : {};
  return request(url.toString(), 'GET', { ...headers, ...auth });
}

export interface WebhookRecord {
  readonly id: string;
  readonly provider: string;
  readonly status: string;
  readonly eventType?: string;
  readonly bodyBytes: number;
  readonly bodySha256: string;
  readonly receivedAt: string;
  readonly processedAt: string;
  readonly archive: ArchivePointer;
  /** With status `replay`: the webhook whose bytes these are. */
  readonly replayOf?: string;
  /** Different bodies received under this id, with where each is archived. */
  readonly conflicts?: readonly ListedConflict[];
  readonly conflictDigests?: ReadonlySet<string>;
  readonly [other: string]: unknown;
}

export interface ListedConflict {
  readonly bodySha256: string;
  readonly bodyBytes: number;
  readonly receivedAt: string;
  readonly archive: ArchivePointer;
}

export interface ArchivePointer {
  readonly key: string;
  readonly offset: number;
  readonly length: number;
}

/** Webhook records have the index key; replay guards (`replay#…`) share the table but not the key. */
const RECORDS_ONLY = { FilterExpression: 'attribute_exists(providerDate)' } as const;

/** Every webhook record of the table (a paginated scan). */
export async function scanRecords(pipeline: Pipeline): Promise<WebhookRecord[]> {
  return await scanItems(pipeline, true) as WebhookRecord[];
}

/** Every item of the table, replay guards included, or only the webhook records. */
export async function scanItems(pipeline: Pipeline, recordsOnly = false): Promise<Array<Record<string, unknown>>> {
  const documents = DynamoDBDocumentClient.from(pipeline.clients.dynamodb);
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({
      TableName: pipeline.resources.tableName, ExclusiveStartKey: startKey, ...(recordsOnly ? RECORDS_ONLY : {}),
    }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

export async function countRecords(pipeline: Pipeline): Promise<number> {
  const documents = DynamoDBDocumentClient.from(pipeline.clients.dynamodb);
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: pipeline.resources.tableName, Select: 'COUNT', ExclusiveStartKey: startKey, ...RECORDS_ONLY }));
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

export interface ArchivedDelivery {
  /** The archive line's id, which must be the record's. */
  readonly id: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The delivery an archive pointer (a record's, or a listed conflict's) leads to: one ranged GET of its line. */
export async function archivedDelivery(pipeline: Pipeline, record: { readonly archive: ArchivePointer }): Promise<ArchivedDelivery> {
  const { key, offset, length } = record.archive;
  const object = await pipeline.clients.s3.send(new GetObjectCommand({
    Bucket: pipeline.resources.bucketName, Key: key, Range: `bytes=${offset}-${offset + length - 1}`,
  }));
  const line = Buffer.from(await object.Body!.transformToByteArray());
  if (line.length !== length) throw new Error(`archive range ${key}@${offset} returned ${line.length} bytes, expected ${length}`);
  const entry = JSON.parse(line.toString('utf8')) as { id: string; headers: Record<string, string>; body: string };
  return { id: entry.id, headers: entry.headers, body: Buffer.from(entry.body, 'base64') };
}

export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export async function queueDepth(pipeline: Pipeline, queueUrl: string): Promise<QueueDepth> {
  const { Attributes = {} } = await pipeline.clients.sqs.send(new GetQueueAttributesCommand({
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
  }));
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/**
 * Waits until the queue is empty (nothing visible, in flight or delayed) and no invocation runs,
 * twice in a row 250 ms apart. Throws after `timeoutMs`.
 */
export async function waitForDrain(pipeline: Pipeline, timeoutMs: number, onProgress?: (depth: QueueDepth) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietChecks = 0;
  while (Date.now() < deadline) {
    const depth = await queueDepth(pipeline, pipeline.resources.queue.url);
    onProgress?.(depth);
    const idle = depth.visible + depth.inFlight + depth.delayed === 0 && (pipeline.eventSource?.inFlight() ?? 0) === 0;
    quietChecks = idle ? quietChecks + 1 : 0;
    if (quietChecks >= 2) return;
    await sleep(250);
  }
  throw new Error(`the queue did not drain within ${timeoutMs} ms`);
}

/**
 * Waits until the queue drained and then until the stream stand-in has caught up with the
 * table's stream, the publisher is done and the bus has delivered every event: three checks in a
 * row, 300 ms apart (longer than the stream's poll interval). Throws after `timeoutMs`.
 */
export async function waitForEvents(pipeline: Pipeline, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await waitForDrain(pipeline, timeoutMs);
  let quietChecks = 0;
  while (Date.now() < deadline) {
    const idle = (pipeline.streamSource?.idle() ?? true) && (pipeline.bus?.idle() ?? true) && (pipeline.eventSource?.inFlight() ?? 0) === 0;
    // DynamoDB Local may show a write on the stream a while after it: idle only counts once every
    // processed record has its event (or went to the stream mapping's failure queue).
    quietChecks = idle && await everyRecordPublished(pipeline) ? quietChecks + 1 : 0;
    if (quietChecks >= 3) return;
    await sleep(300);
  }
  throw new Error(`the events were not all delivered within ${timeoutMs} ms: ${await eventsProgress(pipeline)}`);
}

/** What is still missing, for a timeout's message: processed records without an event, and the stand-ins' state. */
async function eventsProgress(pipeline: Pipeline): Promise<string> {
  const published = new Set([...pipeline.bus?.events().values() ?? []].map((e) => (e.detail as { id?: unknown }).id));
  const missing = (await scanRecords(pipeline)).filter((r) => r.status === 'processed' && !published.has(r.id));
  return `${missing.length} processed record(s) without an event (${missing.slice(0, 5).map((r) => `${r.id} at ${r.processedAt}`).join(', ')}); `
    + `stream ${pipeline.streamSource?.idle() ? 'idle' : 'busy'} ${JSON.stringify(pipeline.streamSource?.stats)}; bus ${pipeline.bus?.idle() ? 'idle' : 'busy'} `
    + `${JSON.stringify(pipeline.bus?.stats)}; processor event source in flight: ${pipeline.eventSource?.inFlight()}`;
}

export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  /** The body parsed, when it is a JSON object. */
  readonly json?: Record<string, unknown>;
  /** String message attributes. */
  readonly attributes: Record<string, string>;
}

async function everyRecordPublished(pipeline: Pipeline): Promise<boolean> {
  if (pipeline.bus === undefined || pipeline.streamSource === undefined) return true;
  const processed = (await scanRecords(pipeline)).filter((r) => r.status === 'processed').length;
  const published = new Set([...pipeline.bus.events().values()].map((e) => (e.detail as { id?: unknown }).id)).size;
  return published + pipeline.streamSource.stats.onFailureRecords >= processed;
}

/** Every message of a queue, each read once (a long visibility timeout), with its body parsed when it is JSON. */
export async function readQueue(pipeline: Pipeline, queueUrl: string): Promise<QueueMessage[]> {
  const messages = new Map<string, QueueMessage>();
  for (let emptyReceives = 0; emptyReceives < 2;) {
    const { Messages = [] } = await pipeline.clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600, WaitTimeSeconds: 0, MessageAttributeNames: ['All'],
    }));
    emptyReceives = Messages.length === 0 ? emptyReceives + 1 : 0;
    for (const m of Messages) {
      const json = parseJson(Buffer.from(m.Body ?? '', 'utf8'));
      messages.set(m.MessageId!, {
        messageId: m.MessageId!,
        body: m.Body ?? '',
        ...(json !== undefined ? { json } : {}),
        attributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? ''])),
      });
    }
  }
  return [...messages.values()];
}

/** Waits until the table holds at least `count` records; returns when that happened (ms epoch). */
export async function waitForRecordCount(pipeline: Pipeline, count: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await countRecords(pipeline) >= count) return Date.now();
    await sleep(100);
  }
  throw new Error(`fewer than ${count} records after ${timeoutMs} ms`);
}

export interface DeadLetter {
  readonly messageId: string;
  /** The webhook id in the message, when it is a webhook message. */
  readonly webhookId?: string;
  readonly receiveCount: number;
}

/** Every message in the dead-letter queue (received with a long visibility timeout, so each is read once). */
export async function readDeadLetters(pipeline: Pipeline): Promise<DeadLetter[]> {
  const letters = new Map<string, DeadLetter>();
  for (let emptyReceives = 0; emptyReceives < 2;) {
    const { Messages = [] } = await pipeline.clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl: pipeline.resources.deadLetterQueue.url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 600,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }));
    emptyReceives = Messages.length === 0 ? emptyReceives + 1 : 0;
    for (const m of Messages) {
      letters.set(m.MessageId!, {
        messageId: m.MessageId!,
        webhookId: webhookIdOf(m.Body),
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
      });
    }
  }
  return [...letters.values()];
}

/** Every dead letter the archiver saved under `dead-letters/` (a paginated listing, one GET each). */
export async function readArchivedDeadLetters(pipeline: Pipeline): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  let token: string | undefined;
  do {
    const page = await pipeline.clients.s3.send(new ListObjectsV2Command({
      Bucket: pipeline.resources.bucketName, Prefix: 'dead-letters/', ContinuationToken: token,
    }));
    for (const key of (page.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith('.json'))) {
      const object = await pipeline.clients.s3.send(new GetObjectCommand({ Bucket: pipeline.resources.bucketName, Key: key }));
      const letter = JSON.parse(await object.Body!.transformToString('utf8')) as { messageId: string; body: string; receiveCount: number };
      letters.push({ messageId: letter.messageId, webhookId: webhookIdOf(letter.body), receiveCount: letter.receiveCount });
    }
    token = page.NextContinuationToken;
  } while (token);
  return letters;
}

/** The `id` of a queued webhook message body, if it is one. */
export function webhookIdOf(body: string | undefined): string | undefined {
  const parsed = parseJson(Buffer.from(body ?? '', 'utf8'));
  return typeof parsed?.id === 'string' ? parsed.id : undefined;
}

function parseJson(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `task` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export function destroyHttpAgent(): void {
  agent.destroy();
}
