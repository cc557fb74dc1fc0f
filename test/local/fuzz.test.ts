/**
 * Property-based fuzzing of the shipped ingest bundle: at least 10 000 malformed or hostile
 * API Gateway events (bad JSON, huge headers, invalid base64, wrong methods, odd content types,
 * missing, garbage and almost-right signatures, unknown providers, bodies at and around the
 * maximum size, handshake queries, headers and bodies), sent straight to the ingest function's
 * process (generators and property in fuzz-support.ts). The local app here has the default
 * providers and those with handshakes (Meta, X, Dropbox, Microsoft Graph's client state, Asana,
 * Okta, Zoom, Discord's Ed25519, Twitch); fuzz-families.test.ts runs the same property on the app
 * with a provider of every other scheme family. Every refusal must be a JSON 4xx with an `error`
 * field, a 2xx only a handshake's answer, none may crash the function or answer 5xx, and nothing
 * may reach the queue or the oversize prefix. Then signed deliveries with 64-bit and larger
 * integer ids, each of which must keep its literal id.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import * as fc from 'fast-check';
import { assertEveryRefusalIsJson4xx, FUZZ_RUNS as RUNS, FUZZ_SEED as SEED, proxyEvent, startIngestOnlyPipeline } from './fuzz-support';
import { say } from './support';
import { destroyHttpAgent, queueDepth } from '../../local-pipeline/inspect';
import type { Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery } from '../../local-pipeline/signing';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startIngestOnlyPipeline();
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

test(`${RUNS} malformed or hostile requests: each a JSON 4xx with an error (or a handshake's answer), no crash, nothing enqueued`, async () => {
  const statuses = await assertEveryRefusalIsJson4xx(pipeline, RUNS, SEED);
  // The providers with handshakes were reached, not only refused by name.
  expect([...statuses.keys()].some((k) => k.endsWith('handshake'))).toBe(true);
});

test('nothing reached the queue or the oversize prefix', async () => {
  expect(await queueDepth(pipeline, pipeline.resources.queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  const listed = await pipeline.clients.s3.send(new ListObjectsV2Command({ Bucket: pipeline.resources.bucketName, Prefix: 'oversize/' }));
  expect(listed.KeyCount ?? 0).toBe(0);
});

test('the same function accepts a correct delivery, so the refusals were not a broken setup', async () => {
  const config: ProviderRuntimeConfig = pipeline.providers.find((p) => p.name === 'github')!;
  const good = sampleDelivery(config, pipeline.secretsOf('github')[0], { deliveryId: 'fuzz-control-1' });
  const result = await pipeline.functions.ingest.invoke(proxyEvent('POST', 'github', Object.entries(good.headers), good.body));
  expect(result.ok && (result.value as { statusCode: number }).statusCode).toBe(202);
});

test('signed deliveries with 64-bit and larger integer ids keep the literal id', async () => {
  const fromBody = pipeline.providers.filter((p) => p.eventId?.jsonPath !== undefined && p.eventId.header === undefined);
  expect(fromBody.map((p) => p.name).sort()).toEqual(['partner', 'slack', 'stripe']);
  const literal = fc.oneof(
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String),
    fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n }).map(String),
    fc.constantFrom('-0', '0', '9007199254740993', '18446744073709551615', '18446744073709551616', '1e3', '1.50', '-1.0E-7'),
  );
  const seen = new Set<string>();
  await fc.assert(fc.asyncProperty(fc.constantFrom(...fromBody), literal, async (config, id) => {
    const path = config.eventId!.jsonPath!.split('.');
    const signed = Buffer.from(path.reduceRight((inner, key) => `{"type":"event_callback","event":{"type":"x"},${JSON.stringify(key)}:${inner}}`, id));
    const delivery = sampleDelivery(config, pipeline.secretsOf(config.name)[0], { deliveryId: 'unused', body: signed });
    const result = await pipeline.functions.ingest.invoke(proxyEvent('POST', config.name, Object.entries(delivery.headers), signed));
    const response = result.ok ? result.value as { statusCode: number; body: string } : undefined;
    const webhookId = `${config.name}:${id}`;
    expect([response?.statusCode, JSON.parse(response?.body ?? '{}').id]).toEqual([202, webhookId]);
    seen.add(webhookId);
  }), { numRuns: 300, seed: SEED });
  say(`  fuzz: ${seen.size} distinct integer ids, each kept literally`);
});
