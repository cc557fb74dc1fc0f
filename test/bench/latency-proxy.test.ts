import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NO_LATENCY, RequestKind, requestKind, startLatencyProxy } from '../../bench/latency-proxy';

test('requests are classed as S3 PUTs, DynamoDB writes or other', () => {
  expect(requestKind('PUT', '/bucket/archive/2026/key.ndjson', '')).toBe(RequestKind.S3_PUT);
  expect(requestKind('PUT', '/bucket', '')).toBe(RequestKind.OTHER);
  expect(requestKind('GET', '/bucket/key', '')).toBe(RequestKind.OTHER);
  expect(requestKind('POST', '/', 'DynamoDB_20120810.PutItem')).toBe(RequestKind.DYNAMODB_WRITE);
  expect(requestKind('POST', '/', 'DynamoDB_20120810.UpdateItem')).toBe(RequestKind.DYNAMODB_WRITE);
  expect(requestKind('POST', '/', 'DynamoDB_20120810.GetItem')).toBe(RequestKind.OTHER);
  expect(requestKind('POST', '/', 'AmazonSQS.SendMessage')).toBe(RequestKind.OTHER);
});

test('the proxy forwards requests unchanged and records the upstream time of each by kind', async () => {
  const seen: string[] = [];
  const upstream = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${Buffer.concat(parts).toString('utf8')}`);
      res.writeHead(201, { 'x-upstream': 'yes' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const proxy = await startLatencyProxy();
  proxy.setTarget(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  proxy.setLatency({ ...NO_LATENCY, [RequestKind.S3_PUT]: 5 });
  try {
    const response = await fetch(`${proxy.endpoint}/bucket/key`, { method: 'PUT', body: 'bytes' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(await response.text()).toBe('ok');
    expect(seen).toEqual(['PUT /bucket/key bytes']);
    const taken = proxy.takeUpstreamMs();
    expect(taken[RequestKind.S3_PUT]).toHaveLength(1);
    expect(taken[RequestKind.DYNAMODB_WRITE]).toHaveLength(0);
    expect(proxy.takeUpstreamMs()[RequestKind.S3_PUT]).toHaveLength(0);
  } finally {
    await proxy.stop();
    upstream.close();
  }
});
