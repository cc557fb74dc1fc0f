/**
 * A faulty HTTP proxy in front of an emulator: it forwards every request, except that a chosen
 * share of the targeted writes (DynamoDB PutItem, S3 PutObject) fail in one of the ways a real
 * network and service fail: a 5xx error answered instead of the write, the connection dropped
 * before the write, or the connection dropped after the write was applied (the caller cannot
 * tell it succeeded). Decisions come from a seeded generator, so a run can be repeated.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup';

export type FaultKind = 'error-500' | 'error-503' | 'drop-before' | 'drop-after';
export const FAULT_KINDS: readonly FaultKind[] = ['error-500', 'error-503', 'drop-before', 'drop-after'];

/** Which request a fault applies to; undefined for requests that are always forwarded. */
export type WriteKind = 'dynamodb:PutItem' | 's3:PutObject';

export interface FaultProxyOptions {
  /** `http://127.0.0.1:<port>` of the emulator. */
  readonly target: string;
  /** Share of targeted writes that fail, 0-1. */
  readonly rate: number;
  readonly seed: number;
}

export interface FaultStats {
  /** Targeted writes seen, by kind. */
  readonly writes: Record<string, number>;
  /** Faults injected, by `<write kind> <fault kind>`. */
  readonly injected: Record<string, number>;
  total(): number;
}

export interface FaultProxy {
  readonly endpoint: string;
  readonly stats: FaultStats;
  /** Stops injecting (requests are still forwarded). */
  disable(): void;
  /** Injects again, after `disable()`. */
  enable(): void;
  stop(): Promise<void>;
}

/** The targeted write a request is, from what is on the wire. */
export function classifyWrite(method: string, url: string, headers: http.IncomingHttpHeaders): WriteKind | undefined {
  if (headers['x-amz-target'] === 'DynamoDB_20120810.PutItem') return 'dynamodb:PutItem';
  const [path, query = ''] = url.split('?');
  const isObjectPath = path.split('/').filter((s) => s !== '').length >= 2;
  const isPlainPut = !/(^|&)(uploadId|partNumber|tagging|acl|retention|legal-hold)(=|&|$)/.test(query) && headers['x-amz-copy-source'] === undefined;
  if (method === 'PUT' && isObjectPath && isPlainPut) return 's3:PutObject';
  return undefined;
}

/** A seeded generator in [0, 1): SHA-256 of seed and counter, so a run's faults can be repeated. */
export function seededRandom(seed: number): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}:${counter++}`).digest().readUInt32BE(0) / 0x1_0000_0000;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const writes: Record<string, number> = {};
  const injected: Record<string, number> = {};
  let enabled = true;

  const server = http.createServer((req, res) => {
    const write = classifyWrite(req.method ?? '', req.url ?? '', req.headers);
    let fault: FaultKind | undefined;
    if (write !== undefined) {
      writes[write] = (writes[write] ?? 0) + 1;
      if (enabled && random() < options.rate) {
        fault = FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)];
        injected[`${write} ${fault}`] = (injected[`${write} ${fault}`] ?? 0) + 1;
      }
    }
    if (fault === 'drop-before') {
      req.socket.destroy();
      return;
    }
    if (fault === 'error-500' || fault === 'error-503') {
      req.resume();
      req.once('end', () => answerError(res, write!, fault === 'error-500' ? 500 : 503));
      return;
    }
    const upstream = http.request({
      host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent,
    }, (upstreamRes) => {
      if (fault === 'drop-after') {
        // The write has been applied; the caller only sees its connection reset.
        upstreamRes.resume();
        upstreamRes.once('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.rawHeaders);
      upstreamRes.pipe(res);
    });
    upstream.once('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const stop = onCleanup(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
    agent.destroy();
  }));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats: { writes, injected, total: () => Object.values(injected).reduce((a, b) => a + b, 0) },
    disable: () => { enabled = false; },
    enable: () => { enabled = true; },
    stop,
  };
}

/** The error body each service sends for a 500 or 503, so the SDK parses it as the real one. */
function answerError(res: http.ServerResponse, write: WriteKind, status: 500 | 503): void {
  if (write === 'dynamodb:PutItem') {
    const type = status === 500 ? 'InternalServerError' : 'ServiceUnavailable';
    res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'local-fault' });
    res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `${type} (injected by the local fault proxy)` }));
    return;
  }
  const code = status === 500 ? 'InternalError' : 'SlowDown';
  res.writeHead(status, { 'Content-Type': 'application/xml', 'x-amz-request-id': 'local-fault' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code} (injected by the local fault proxy)</Message><RequestId>local-fault</RequestId></Error>`);
}
