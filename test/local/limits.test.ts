/**
 * Body sizes and hostile shapes through the shipped bundles: every provider at the documented
 * maximum (signed 202, unsigned 401) and one byte over it (JSON 413); the sizes that used to
 * overflow the base64 check; what the front door answers above what reaches the function; an
 * unexpected error reported as itself; Slack's handshake without a challenge; a JSON body with
 * a byte order mark.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { archiveMismatch, say } from './support';
import { destroyHttpAgent, postDelivery, scanRecords, waitForDrain, type HttpResult } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, withBadSignature, type Delivery } from '../../local-pipeline/signing';
import { matchRoute, MAX_INVOKE_PAYLOAD_BYTES, MAX_REQUEST_BYTES, toProxyEvent } from '../../local-pipeline/stand-ins/api-gateway';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { MAX_BODY_BYTES } from '../../src/runtime/message';

let pipeline: Pipeline;

interface Sent {
  readonly label: string;
  readonly provider: string;
  readonly delivery: Delivery;
  readonly response: HttpResult;
}

const atMaximum: Sent[] = [];
const unsignedAtMaximum: Sent[] = [];
const overMaximum: Sent[] = [];
const formerOverflow: Sent[] = [];

const provider = (name: string): ProviderRuntimeConfig => pipeline.providers.find((p) => p.name === name)!;
const secret = (name: string) => pipeline.secretsOf(name)[0];

/** A signed delivery of exactly `size` bytes: the provider's sample JSON, padded with spaces. */
function deliveryOfSize(config: ProviderRuntimeConfig, deliveryId: string, size: number): Delivery {
  const sample = sampleDelivery(config, secret(config.name), { deliveryId });
  const body = Buffer.alloc(size, 0x20);
  sample.body.copy(body);
  return sampleDelivery(config, secret(config.name), { deliveryId, body });
}

async function send(label: string, delivery: Delivery): Promise<Sent> {
  return { label, provider: delivery.provider, delivery, response: await postDelivery(pipeline.url, delivery) };
}

beforeAll(async () => {
  pipeline = await startPipeline({
    props: { processing: { maxBatchingWindow: Duration.seconds(1), batchSize: 2 }, concurrency: { processorMaxConcurrency: 2 } },
    progress: (line) => say(`  ${line}`),
  });
  for (const config of pipeline.providers) {
    const max = deliveryOfSize(config, `max-${config.name}`, MAX_BODY_BYTES);
    atMaximum.push(await send(`${config.name} at the maximum`, max));
    unsignedAtMaximum.push(await send(`${config.name} unsigned at the maximum`, withBadSignature(config, max)));
    overMaximum.push(await send(`${config.name} one byte over`, deliveryOfSize(config, `over-${config.name}`, MAX_BODY_BYTES + 1)));
  }
  // The band where the base64 check used to overflow V8's regular expression stack.
  for (const size of [3_355_144, 3_356_143]) {
    formerOverflow.push(await send(`stripe ${size} bytes`, deliveryOfSize(provider('stripe'), `band-${size}`, size)));
  }
  await waitForDrain(pipeline, 240_000);
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

const statuses = (sent: Sent[]) => sent.map((s) => [s.label, s.response.status, s.response.json?.error]);

describe('up to the documented maximum', () => {
  test(`every provider answers 202 for a signed body of ${MAX_BODY_BYTES} bytes`, () => {
    expect(statuses([...atMaximum, ...formerOverflow])).toEqual([...atMaximum, ...formerOverflow].map((s) => [s.label, 202, undefined]));
  });

  test('and 401 when it is not signed', () => {
    expect(statuses(unsignedAtMaximum)).toEqual(unsignedAtMaximum.map((s) => [s.label, 401, 'invalid_signature']));
  });

  test('each is recorded with its exact bytes', async () => {
    const records = new Map((await scanRecords(pipeline)).map((r) => [r.id, r]));
    for (const sent of [...atMaximum, ...formerOverflow]) {
      const record = records.get(sent.response.json?.id as string);
      expect({ label: sent.label, problem: record ? await archiveMismatch(pipeline, record, sent.delivery.body) : 'no record' })
        .toEqual({ label: sent.label, problem: undefined });
    }
  });
});

describe('above the maximum', () => {
  test('one byte over is a JSON 413 from the ingest function on every provider', () => {
    expect(statuses(overMaximum)).toEqual(overMaximum.map((s) => [s.label, 413, 'body_too_large']));
    expect(overMaximum.every((s) => s.response.headers['content-type'] === 'application/json')).toBe(true);
  });

  test('a body that still reaches the function is its JSON 413', async () => {
    const sent = await send('stripe 4 500 000 bytes', deliveryOfSize(provider('stripe'), 'big-4500000', 4_500_000));
    expect([sent.response.status, sent.response.json?.error]).toEqual([413, 'body_too_large']);
  });

  test("over API Gateway's 10 MB the template's gateway response answers a JSON 413", async () => {
    const sent = await send('stripe over 10 MiB', deliveryOfSize(provider('stripe'), 'huge', MAX_REQUEST_BYTES + 1));
    expect(sent.response.status).toBe(413);
    expect(sent.response.headers['content-type']).toBe('application/json');
    expect(sent.response.json).toEqual({ error: 'body_too_large', message: expect.stringContaining('10 MB') });
  });

  test('in between, Lambda refuses the invocation and API Gateway answers 502: the gap left to a WAF rule', async () => {
    const delivery = deliveryOfSize(provider('stripe'), 'seven', 7 * 1024 * 1024);
    const event = toProxyEvent(
      { method: 'POST', url: '/webhook/stripe', rawHeaders: Object.entries(delivery.headers).flat(), body: delivery.body, sourceIp: '127.0.0.1' },
      { match: matchRoute(pipeline.routes, 'POST', '/webhook/stripe')!, stage: 'v1', binaryMediaTypes: ['*/*'], accountId: '1', apiId: 'a' },
    );
    expect(Buffer.byteLength(JSON.stringify(event))).toBeGreaterThan(MAX_INVOKE_PAYLOAD_BYTES);
    expect((await send('stripe 7 MiB', delivery)).response.status).toBe(502);
  });
});

describe('unexpected errors', () => {
  test('are a JSON 500 internal_error with their own log line, never blamed on the secrets', async () => {
    const delivery = sampleDelivery(provider('github'), secret('github'), { deliveryId: 'broken-event' });
    const event = toProxyEvent(
      { method: 'POST', url: '/webhook/github', rawHeaders: Object.entries(delivery.headers).flat(), body: delivery.body, sourceIp: '127.0.0.1' },
      { match: matchRoute(pipeline.routes, 'POST', '/webhook/github')!, stage: 'v1', binaryMediaTypes: ['*/*'], accountId: '1', apiId: 'a' },
    );
    // API Gateway never sends a header list that is not a list; a defect would throw the same way.
    const result = await pipeline.functions.ingest.invoke({ ...event, multiValueHeaders: { 'X-Broken': 'not a list' } });
    const response = result.ok ? result.value as { statusCode: number; body: string } : undefined;
    expect([response?.statusCode, JSON.parse(response?.body ?? '{}').error]).toEqual([500, 'internal_error']);
    const log = await logLineContaining(pipeline, 'ingest', 'unexpected error');
    expect(log).toMatchObject({ level: 'ERROR', error: expect.stringMatching(/^TypeError/) });
    expect(fs.readFileSync(logFile(pipeline, 'ingest'), 'utf8')).not.toContain('signing secrets could not be loaded');
  });
});

describe('odd but valid shapes', () => {
  test("Slack's url_verification without a string challenge is a 400, not an event", async () => {
    const body = Buffer.from(JSON.stringify({ type: 'url_verification', token: 't', event_id: 'Ev-handshake' }));
    const sent = await send('slack handshake without challenge', sampleDelivery(provider('slack'), secret('slack'), { deliveryId: 'Ev-handshake', body }));
    expect([sent.response.status, sent.response.json?.error]).toEqual([400, 'malformed_url_verification']);
    await waitForDrain(pipeline, 60_000);
    expect((await scanRecords(pipeline)).some((r) => r.id === 'slack:Ev-handshake')).toBe(false);
  });

  test('a JSON body that starts with a UTF-8 byte order mark is accepted (RFC 8259) and archived as sent', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":"evt_bom_1","type":"charge.succeeded"}')]);
    const sent = await send('stripe with BOM', sampleDelivery(provider('stripe'), secret('stripe'), { deliveryId: 'evt_bom_1', body }));
    expect([sent.response.status, sent.response.json?.id]).toEqual([202, 'stripe:evt_bom_1']);
    await waitForDrain(pipeline, 60_000);
    const record = (await scanRecords(pipeline)).find((r) => r.id === 'stripe:evt_bom_1');
    expect(record && await archiveMismatch(pipeline, record, body)).toBeUndefined();
  });
});

function logFile(p: Pipeline, fn: string): string {
  return path.join(p.runDir, 'logs', `${fn}.log`);
}

/** The first JSON log line of a function that contains `text` (the log is written asynchronously). */
async function logLineContaining(p: Pipeline, fn: string, text: string): Promise<Record<string, unknown> | undefined> {
  for (let i = 0; i < 50; i++) {
    const line = fs.readFileSync(logFile(p, fn), 'utf8').split('\n').find((l) => l.includes(text) && l.trim().startsWith('{'));
    if (line !== undefined) return JSON.parse(line) as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}
