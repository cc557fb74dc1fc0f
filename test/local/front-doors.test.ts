/**
 * Every front door end to end through the shipped bundles, with the default local app (its
 * default providers and its providers with handshakes; front-door-families.test.ts has the app
 * with a provider of every scheme family): one local pipeline per front door (the stand-in
 * emulating the REST API's payload format 1.0 or the payload format 2.0 of HTTP APIs and function
 * URLs, chosen by what the synthesized template contains). On each: every handshake, GET and
 * POST, is answered as its provider documents, and identically on every front door; then every
 * provider's signed sample (non-ASCII JSON, which the 2.0 front doors hand over as text), the
 * providers with handshakes included, is answered 202 and ends as a processed record whose
 * archived bytes are the bytes sent; a tampered signature is a JSON 401 and recorded nowhere; a
 * binary body (base64 in the event) verifies; the status and listing routes answer a SigV4-signed
 * caller and refuse an unsigned one.
 */
import { Duration } from 'aws-cdk-lib';
import { acceptedProblems, FRONT_DOORS, refusedProblems, type Sent, sendEveryProvider } from './front-door-support';
import { say } from './support';
import { ASANA_HOOK_SECRET, performHandshakes } from '../../local-pipeline/handshakes';
import { destroyHttpAgent, getStatus, listWebhooks, postDelivery, request, waitForDrain, type HttpResult } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery } from '../../local-pipeline/signing';
import { LOCAL_HANDSHAKE_PROVIDERS } from '../../local-pipeline/template/app';

/** Each front door's handshake answers (status, content type, body, handshake headers), by front door. */
const answersByDoor = new Map<string, string[]>();

afterAll(() => destroyHttpAgent());

describe.each(FRONT_DOORS)('%s', (door, frontDoor, expected) => {
  let pipeline: Pipeline;
  let sent: Sent[] = [];
  let handshakeProblems: string[] = [];
  let binary: HttpResult;

  beforeAll(async () => {
    pipeline = await startPipeline({
      props: { frontDoor, processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) } },
      progress: (line) => say(`  ${line}`),
    });
    // Handshakes first: Asana's establishes the secret its deliveries are signed with.
    const outcomes = await performHandshakes(pipeline);
    handshakeProblems = outcomes.flatMap((o) => o.problems.map((p) => `${o.testCase.method} ${o.testCase.path}: ${p}`));
    answersByDoor.set(door, outcomes.map(({ testCase, response: r }) => JSON.stringify([
      testCase.method, testCase.path.split('?')[0], testCase.handshake, r.status, r.headers['content-type'], r.headers['x-hook-secret'], r.headers['x-content-type-options'], r.body.toString(),
    ])));
    sent = await sendEveryProvider(pipeline, pipeline.allProviders, (name) => name === 'asana' ? ASANA_HOOK_SECRET : pipeline.secretsOf(name)[0] ?? '');
    const acme = pipeline.providers.find((p) => p.name === 'acme')!;
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x7f, 0xc3, 0x28]);
    binary = await postDelivery(pipeline.url, sampleDelivery(acme, pipeline.secretsOf('acme')[0], { deliveryId: 'door-binary-1', body: bytes, contentType: 'application/octet-stream' }));
    await waitForDrain(pipeline, 60_000);
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  test('the stand-in emulates the front door the template has', () => {
    expect(pipeline.frontDoor).toBe(expected);
  });

  test('every handshake, GET and POST, is answered as its provider documents', () => {
    expect(handshakeProblems).toEqual([]);
  });

  test('every provider, those with handshakes included, is delivered: 202, then processed with the exact bytes archived', async () => {
    expect(sent.map((s) => s.provider)).toEqual(expect.arrayContaining([...LOCAL_HANDSHAKE_PROVIDERS, 'stripe', 'github', 'shopify', 'slack', 'standard-webhooks', 'acme', 'partner']));
    expect(await acceptedProblems(pipeline, sent)).toEqual([]);
  });

  test('a tampered signature is refused with a JSON 401 and recorded nowhere', async () => {
    expect(await refusedProblems(pipeline, sent)).toEqual([]);
  });

  test('a binary body (base64 in the event) verifies', () => {
    expect(binary.status).toBe(202);
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
    // An API has no PUT route (REST: 403 Missing Authentication Token; HTTP: 404); a function URL passes it to the function (405).
    expect(r.status).toBe({ 'rest-api': 403, 'http-api': 404, 'function-url': 405 }[expected]);
  });
});

test('each handshake is answered identically on every front door', () => {
  const [rest, ...others] = FRONT_DOORS.map(([door]) => answersByDoor.get(door));
  expect(rest?.length).toBeGreaterThan(10);
  for (const answers of others) expect(answers).toEqual(rest);
});
