/**
 * A latency-injecting HTTP proxy in front of an emulator: it holds each request for a service
 * latency typical of AWS in the same region (by kind: S3 PUT, DynamoDB write, anything else),
 * then forwards it unchanged. Requests are held concurrently (one timer each), so requests in
 * flight overlap as they do on AWS, where a DynamoDB table or an S3 bucket serves them in
 * parallel. The emulator's own time comes on top of the injected latency; the proxy records it
 * per kind, so the bench can say how much of it remains in a figure.
 *
 * The latency can be changed between runs (`setLatency`), so the same functions, pointed at the
 * proxy once, are measured with and without it in one run.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export enum RequestKind {
  S3_PUT = 'S3 PUT',
  DYNAMODB_WRITE = 'DynamoDB write',
  OTHER = 'other',
}

export type Latency = Readonly<Record<RequestKind, number>>;
export const NO_LATENCY: Latency = { [RequestKind.S3_PUT]: 0, [RequestKind.DYNAMODB_WRITE]: 0, [RequestKind.OTHER]: 0 };

export interface LatencyProxy {
  readonly endpoint: string;
  /** Where requests go; set once the emulator is up. */
  setTarget(target: string): void;
  setLatency(latency: Latency): void;
  /** The emulator's own time (ms) of each request forwarded since the last call, by kind; resets them. */
  takeUpstreamMs(): Record<RequestKind, number[]>;
  stop(): Promise<void>;
}

const DYNAMO_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** The kind of a request, from its method, path and `X-Amz-Target` (DynamoDB's JSON protocol). */
export function requestKind(method: string, url: string, amzTarget: string): RequestKind {
  if (amzTarget.startsWith('DynamoDB_')) {
    return DYNAMO_WRITES.has(amzTarget.split('.')[1] ?? '') ? RequestKind.DYNAMODB_WRITE : RequestKind.OTHER;
  }
  if (amzTarget !== '') return RequestKind.OTHER;
  const [path] = url.split('?');
  const isObject = path.split('/').filter((s) => s !== '').length >= 2;
  return method === 'PUT' && isObject ? RequestKind.S3_PUT : RequestKind.OTHER;
}

export async function startLatencyProxy(): Promise<LatencyProxy> {
  let upstreamUrl: URL | undefined;
  let latency: Latency = NO_LATENCY;
  let upstreamMs: Record<RequestKind, number[]> = { [RequestKind.S3_PUT]: [], [RequestKind.DYNAMODB_WRITE]: [], [RequestKind.OTHER]: [] };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const kind = requestKind(req.method ?? 'GET', req.url ?? '/', String(req.headers['x-amz-target'] ?? ''));
      const forward = () => {
        const started = process.hrtime.bigint();
        const options = { host: upstreamUrl!.hostname, port: upstreamUrl!.port, method: req.method, path: req.url, headers: req.headers, agent };
        const upstream = http.request(options, (upstreamRes) => {
          const out: Buffer[] = [];
          upstreamRes.on('data', (c: Buffer) => out.push(c));
          upstreamRes.on('end', () => {
            upstreamMs[kind].push(Number(process.hrtime.bigint() - started) / 1e6);
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.rawHeaders);
            res.end(Buffer.concat(out));
          });
        });
        upstream.once('error', () => req.socket.destroy());
        upstream.end(body);
      };
      const hold = latency[kind];
      if (hold > 0) setTimeout(forward, hold);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setTarget: (t) => { upstreamUrl = new URL(t); },
    setLatency: (l) => { latency = l; },
    takeUpstreamMs: () => {
      const taken = upstreamMs;
      upstreamMs = { [RequestKind.S3_PUT]: [], [RequestKind.DYNAMODB_WRITE]: [], [RequestKind.OTHER]: [] };
      return taken;
    },
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      agent.destroy();
    }),
  };
}
