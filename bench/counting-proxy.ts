/**
 * A counting HTTP proxy in front of an emulator (or the local event bus): it forwards every
 * request unchanged, except that DynamoDB requests are asked for their consumed capacity
 * (`ReturnConsumedCapacity: TOTAL` added when absent), and counts what AWS bills: SQS requests in
 * 64 KiB chunks of their payload, S3 requests by kind and bytes stored, DynamoDB read and write
 * units as DynamoDB Local reports them, EventBridge entries in 64 KiB chunks, Secrets Manager
 * calls. The handlers run unchanged; only their endpoints point here. Both SDKs send SQS
 * requests to the host of the queue URL (the emulator's), not the configured endpoint, so
 * bench/cost.bench.ts counts SQS from the messages instead; the proxy counts what does reach it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const CHUNK = 64 * 1024;
const chunks = (bytes: number) => Math.max(1, Math.ceil(bytes / CHUNK));

export interface Counts {
  sqsSendChunks: number;
  sqsReceiveChunks: number;
  sqsOtherRequests: number;
  s3Puts: number;
  s3Gets: number;
  s3Lists: number;
  s3BytesPut: number;
  dynamoWriteUnits: number;
  dynamoReadUnits: number;
  dynamoRequests: number;
  /** Requests DynamoDB Local answered without ConsumedCapacity (units then unknown). */
  dynamoUnmetered: number;
  eventBridgeChunks: number;
  /** Bytes of the PutEvents entries (what an interface endpoint would process). */
  eventBridgeBytes: number;
  secretsManagerCalls: number;
  /** Every request, by `<service> <operation>`. */
  readonly byOperation: Record<string, number>;
}

export function emptyCounts(): Counts {
  return {
    sqsSendChunks: 0,
    sqsReceiveChunks: 0,
    sqsOtherRequests: 0,
    s3Puts: 0,
    s3Gets: 0,
    s3Lists: 0,
    s3BytesPut: 0,
    dynamoWriteUnits: 0,
    dynamoReadUnits: 0,
    dynamoRequests: 0,
    dynamoUnmetered: 0,
    eventBridgeChunks: 0,
    eventBridgeBytes: 0,
    secretsManagerCalls: 0,
    byOperation: {},
  };
}

export interface CountingProxy {
  readonly endpoint: string;
  /** Where requests go; set once the emulator is up. */
  setTarget(target: string): void;
  stop(): Promise<void>;
}

const DYNAMO_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const DYNAMO_METERED = new Set([...DYNAMO_WRITES, 'GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** Adds everything the proxy sees to `counts`. */
export async function startCountingProxy(counts: Counts): Promise<CountingProxy> {
  let target: URL | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      let body = Buffer.concat(parts);
      const amzTarget = String(req.headers['x-amz-target'] ?? '');
      const [prefix, operation = ''] = amzTarget.split('.');
      const headers = { ...req.headers };
      let dynamoOp: string | undefined;
      if (prefix.startsWith('DynamoDB_') && DYNAMO_METERED.has(operation)) {
        dynamoOp = operation;
        const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        if (input.ReturnConsumedCapacity === undefined || input.ReturnConsumedCapacity === 'NONE') {
          input.ReturnConsumedCapacity = 'TOTAL';
          body = Buffer.from(JSON.stringify(input));
          headers['content-length'] = String(body.length);
        }
      }
      const label = countRequest(counts, req.method ?? 'GET', req.url ?? '/', amzTarget, body);
      counts.byOperation[label] = (counts.byOperation[label] ?? 0) + 1;
      const options = { host: target!.hostname, port: target!.port, method: req.method, path: req.url, headers, agent };
      const upstream = http.request(options, (upstreamRes) => {
        const out: Buffer[] = [];
        upstreamRes.on('data', (c: Buffer) => out.push(c));
        upstreamRes.on('end', () => {
          const response = Buffer.concat(out);
          if (amzTarget === 'AmazonSQS.ReceiveMessage') counts.sqsReceiveChunks += chunks(response.length);
          if (dynamoOp !== undefined && (upstreamRes.statusCode ?? 500) < 300) countCapacity(counts, dynamoOp, response);
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.rawHeaders);
          res.end(response);
        });
      });
      upstream.once('error', () => req.socket.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setTarget: (t) => { target = new URL(t); },
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      agent.destroy();
    }),
  };
}

function countRequest(counts: Counts, method: string, url: string, amzTarget: string, body: Buffer): string {
  if (amzTarget.startsWith('AmazonSQS.')) {
    const op = amzTarget.slice('AmazonSQS.'.length);
    // "Each 64 KB chunk of a payload is billed as 1 request" (SQS pricing); the receive's
    // chunks are counted from its response.
    if (op === 'SendMessage' || op === 'SendMessageBatch') counts.sqsSendChunks += chunks(body.length);
    else if (op !== 'ReceiveMessage') counts.sqsOtherRequests++;
    return `sqs ${op}`;
  }
  if (amzTarget.startsWith('DynamoDB_')) {
    counts.dynamoRequests++;
    return `dynamodb ${amzTarget.split('.')[1]}`;
  }
  if (amzTarget.startsWith('AWSEvents.')) {
    const op = amzTarget.slice('AWSEvents.'.length);
    if (op === 'PutEvents') {
      // "Each 64 KB chunk of a payload is billed as 1 event" (EventBridge pricing).
      const entries = (JSON.parse(body.toString('utf8')) as { Entries?: unknown[] }).Entries ?? [];
      for (const entry of entries) counts.eventBridgeChunks += chunks(Buffer.byteLength(JSON.stringify(entry)));
      counts.eventBridgeBytes += body.length;
    }
    return `events ${op}`;
  }
  if (amzTarget.startsWith('secretsmanager.')) {
    counts.secretsManagerCalls++;
    return `secretsmanager ${amzTarget.split('.')[1]}`;
  }
  if (amzTarget === '' && body.length > 0 && /(^|&)Action=/.test(body.toString('latin1', 0, Math.min(body.length, 4096)))) {
    // SQS's query protocol (older SDK v2 releases).
    const op = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('latin1'))![1];
    if (op === 'SendMessage' || op === 'SendMessageBatch') counts.sqsSendChunks += chunks(body.length);
    else counts.sqsOtherRequests++;
    return `sqs ${op}`;
  }
  // S3 (REST): PUT/COPY/POST/LIST are billed as PUT-class requests, GET/HEAD as GET-class.
  const [path, query = ''] = url.split('?');
  const isObject = path.split('/').filter((s) => s !== '').length >= 2;
  if (method === 'PUT' || method === 'POST' || (method === 'GET' && !isObject)) {
    if (method === 'GET') counts.s3Lists++;
    else counts.s3Puts++;
    if (method === 'PUT' && isObject && !/uploadId|tagging|acl/.test(query)) counts.s3BytesPut += body.length;
    return method === 'GET' ? 's3 List' : `s3 ${method}`;
  }
  if (method === 'GET' || method === 'HEAD') {
    counts.s3Gets++;
    return `s3 ${method}`;
  }
  return `s3 ${method}`;
}

function countCapacity(counts: Counts, op: string, response: Buffer): void {
  const out = JSON.parse(response.toString('utf8')) as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> };
  const list = out.ConsumedCapacity === undefined ? [] : Array.isArray(out.ConsumedCapacity) ? out.ConsumedCapacity : [out.ConsumedCapacity];
  if (list.length === 0) {
    counts.dynamoUnmetered++;
    return;
  }
  const units = list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
  if (DYNAMO_WRITES.has(op)) counts.dynamoWriteUnits += units;
  else counts.dynamoReadUnits += units;
}
