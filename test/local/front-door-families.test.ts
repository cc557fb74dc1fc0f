/**
 * Every front door end to end through the shipped bundles, with the local app that has a provider
 * of every scheme family (`everySchemeFamily`: Ed25519, ECDSA P-256, basic auth, URL + form
 * parameters, a signature in the body, templates with headers and RFC 3339 timestamps, hex keys,
 * numbered signature headers, besides the default providers): one local pipeline per front door.
 * Every provider's signed sample is answered 202, with its delivery id read where the provider
 * puts it, and ends processed with the exact bytes archived, readable by `GET /status/{id}`; a
 * tampered signature is a JSON 401 and recorded nowhere. (This replaces the REST-only
 * providers.test.ts of before.)
 *
 * URL-signed schemes (Twilio here) sign the URL configured at the provider. The ingest function
 * never rebuilds it from the event (a custom domain, the REST API's stage or a proxy change what
 * Lambda sees, and the event formats differ): it verifies against the provider's `publicUrl`, on
 * every front door alike. So a signature over the address the request reached locally is refused.
 */
import { Duration } from 'aws-cdk-lib';
import { acceptedProblems, FRONT_DOORS, refusedProblems, type Sent, sendEveryProvider } from './front-door-support';
import { say } from './support';
import { destroyHttpAgent, getStatus, postDelivery, waitForDrain, type HttpResult } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { LOCAL_PUBLIC_URL, sampleDelivery } from '../../local-pipeline/signing';
import { LOCAL_SCHEME_FAMILIES } from '../../local-pipeline/template/app';

afterAll(() => destroyHttpAgent());

describe.each(FRONT_DOORS)('%s', (_, frontDoor, expected) => {
  let pipeline: Pipeline;
  let sent: Sent[] = [];
  let reachedUrlSigned: HttpResult;

  beforeAll(async () => {
    pipeline = await startPipeline({
      everySchemeFamily: true,
      props: { frontDoor, processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) } },
      progress: (line) => say(`  ${line}`),
    });
    sent = await sendEveryProvider(pipeline, pipeline.allProviders, (name) => pipeline.secretsOf(name)[0] ?? '');
    const twilio = pipeline.allProviders.find((p) => p.name === 'twilio')!;
    const reached = { ...twilio, publicUrl: `${pipeline.url}/webhook/twilio` };
    reachedUrlSigned = await postDelivery(pipeline.url, sampleDelivery(reached, pipeline.secretsOf('twilio')[0], { deliveryId: 'door-reached-url-1' }));
    await waitForDrain(pipeline, 60_000);
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  test('the stand-in emulates the front door the template has', () => {
    expect(pipeline.frontDoor).toBe(expected);
  });

  test('the app has a provider of every scheme family', () => {
    expect(pipeline.providers.map((p) => p.name)).toEqual(expect.arrayContaining(Object.keys(LOCAL_SCHEME_FAMILIES)));
    const families = new Set(pipeline.providers.map((p) => p.scheme));
    expect([...families].sort()).toEqual(['api-key', 'basic-auth', 'github', 'hmac', 'public-key', 'shopify', 'slack', 'standard-webhooks', 'stripe']);
  });

  test('every provider of every scheme family is delivered: 202, then processed with the exact bytes archived', async () => {
    expect(sent.map((s) => s.provider)).toEqual(pipeline.allProviders.map((p) => p.name));
    expect(await acceptedProblems(pipeline, sent)).toEqual([]);
  });

  test('the delivery id is read where each provider puts it', () => {
    for (const s of sent) {
      const config = pipeline.allProviders.find((p) => p.name === s.provider)!;
      if (config.eventId !== undefined) expect(s.signed.json?.id).toBe(`${s.provider}:door-${s.provider}-1`);
    }
  });

  test('GET /status/{id} answers for each (SigV4-signed)', async () => {
    for (const s of sent) {
      const id = s.signed.json?.id as string;
      const status = await getStatus(pipeline.url, id, true, pipeline.iamService);
      expect(status.json).toMatchObject({ id, status: 'processed', provider: s.provider });
    }
  });

  test('a tampered signature is refused with a JSON 401 and recorded nowhere', async () => {
    expect(await refusedProblems(pipeline, sent)).toEqual([]);
  });

  test('Twilio is verified against its configured public URL, not the address the request reached', () => {
    expect(pipeline.allProviders.find((p) => p.name === 'twilio')?.publicUrl).toBe(`${LOCAL_PUBLIC_URL}/twilio`);
    expect(sent.find((s) => s.provider === 'twilio')?.signed.status).toBe(202);
    expect([reachedUrlSigned.status, reachedUrlSigned.json?.error]).toEqual([401, 'invalid_signature']);
  });
});
