/**
 * The HTTP API and function URL front doors, end to end through the shipped bundles: one local
 * pipeline per front door (the stand-in emulating its payload format 2.0 events, chosen by what the
 * synthesized template contains), each with every provider of the local app. Each provider's
 * signed sample (non-ASCII JSON, which these front doors hand over as text) is answered 202 and
 * ends as a processed record with the exact bytes; a broken signature is a 401; a binary body
 * (base64 in the event) verifies too; every handshake, GET and POST, is answered as its provider
 * documents; the status and listing routes answer a SigV4-signed caller and refuse an unsigned one.
 * The REST API is covered by the other tests of this folder.
 */
import { createHash } from 'node:crypto';
import { Duration } from 'aws-cdk-lib';
import { say, UNICODE_TEXT } from './support';
import { performHandshakes } from '../../local-pipeline/handshakes';
import { destroyHttpAgent, getStatus, listWebhooks, postDelivery, request, scanRecords, waitForDrain, type HttpResult } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, withBadSignature } from '../../local-pipeline/signing';
import { WebhookFrontDoor } from '../../src';

interface Sent {
  readonly provider: string;
  readonly signed: HttpResult;
  readonly broken: HttpResult;
  readonly bodySha256: string;
}

afterAll(() => destroyHttpAgent());

describe.each([
  ['HTTP API', WebhookFrontDoor.HTTP_API, 'http-api'],
  ['function URLs', WebhookFrontDoor.FUNCTION_URL, 'function-url'],
])('%s', (_, frontDoor, expected) => {
  let pipeline: Pipeline;
  const sent: Sent[] = [];
  let handshakeProblems: string[] = [];
  let binary: HttpResult;

  beforeAll(async () => {
    pipeline = await startPipeline({
      props: { frontDoor, processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) } },
      progress: (line) => say(`  ${line}`),
    });
    for (const config of pipeline.providers) {
      const secret = pipeline.secretsOf(config.name)[0] ?? '';
      const delivery = sampleDelivery(config, secret, { deliveryId: `door-${config.name}-1`, data: { note: UNICODE_TEXT } });
      const signed = await postDelivery(pipeline.url, delivery);
      const broken = await postDelivery(pipeline.url, withBadSignature(config, sampleDelivery(config, secret, { deliveryId: `broken-${config.name}-1` })));
      sent.push({ provider: config.name, signed, broken, bodySha256: createHash('sha256').update(delivery.body).digest('hex') });
    }
    const acme = pipeline.providers.find((p) => p.name === 'acme')!;
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x7f, 0xc3, 0x28]);
    binary = await postDelivery(pipeline.url, sampleDelivery(acme, pipeline.secretsOf('acme')[0], { deliveryId: 'door-binary-1', body: bytes, contentType: 'application/octet-stream' }));
    handshakeProblems = (await performHandshakes(pipeline)).flatMap((o) => o.problems.map((p) => `${o.testCase.path}: ${p}`));
    await waitForDrain(pipeline, 60_000);
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  test('the stand-in emulates the front door the template has', () => {
    expect(pipeline.frontDoor).toBe(expected);
  });

  test('each provider\'s signed sample is answered 202, and ends processed with the exact bytes', async () => {
    const records = new Map((await scanRecords(pipeline)).map((r) => [r.id, r]));
    for (const s of sent) {
      expect({ provider: s.provider, status: s.signed.status }).toEqual({ provider: s.provider, status: 202 });
      const record = records.get(s.signed.json?.id as string);
      expect({ provider: s.provider, status: record?.status, sha: record?.bodySha256 }).toEqual({ provider: s.provider, status: 'processed', sha: s.bodySha256 });
    }
    expect(sent.length).toBeGreaterThanOrEqual(5);
  });

  test('a broken signature is answered 401', () => {
    for (const s of sent) expect({ provider: s.provider, status: s.broken.status }).toEqual({ provider: s.provider, status: 401 });
  });

  test('a binary body (base64 in the event) verifies', () => {
    expect(binary.status).toBe(202);
  });

  test('every handshake, GET and POST, is answered as its provider documents', () => {
    expect(handshakeProblems).toEqual([]);
  });

  test('GET /status/{id} answers a SigV4-signed caller and refuses an unsigned one with 403', async () => {
    const id = sent[0].signed.json?.id as string;
    const signed = await getStatus(pipeline.url, id, true, pipeline.iamService);
    const unsigned = await getStatus(pipeline.url, id, false, pipeline.iamService);
    expect([signed.status, signed.json?.id, unsigned.status]).toEqual([200, id, 403]);
  });

  test('GET /webhooks answers a SigV4-signed caller and refuses an unsigned one with 403', async () => {
    const signed = await listWebhooks(pipeline.url, { provider: sent[0].provider }, true, pipeline.iamService);
    const unsigned = await listWebhooks(pipeline.url, {}, false, pipeline.iamService);
    expect([signed.status, Array.isArray(signed.json?.items), unsigned.status]).toEqual([200, true, 403]);
  });

  test('a method the webhook route does not serve is refused', async () => {
    const r = await request(`${pipeline.url}/webhook/stripe`, 'PUT', { 'Content-Type': 'application/json' }, Buffer.from('{}'));
    // An HTTP API has no PUT route (404); a function URL passes it to the function (405).
    expect(r.status).toBe(expected === 'http-api' ? 404 : 405);
  });
});
