/**
 * The fuzz property of fuzz.test.ts (fuzz-support.ts) on the local app with a provider of every
 * remaining scheme family (LOCAL_SCHEME_FAMILIES: Ed25519 and ECDSA public keys, basic auth, URL +
 * form signing, a signature in the body, an RFC 3339 timestamp template, a hex-encoded key,
 * numbered signature headers): every refusal a JSON 4xx, no crash, nothing enqueued.
 */
import { assertEveryRefusalIsJson4xx, defectsOf, FUZZ_RUNS as RUNS, FUZZ_SEED as SEED, startIngestOnlyPipeline } from './fuzz-support';
import { destroyHttpAgent, queueDepth } from '../../local-pipeline/inspect';
import type { Pipeline } from '../../local-pipeline/pipeline';
import { LOCAL_SCHEME_FAMILIES } from '../../local-pipeline/template/app';

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startIngestOnlyPipeline({ everySchemeFamily: true });
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

test('the app has a provider of every scheme family, each with defects that must be refused', () => {
  const names = pipeline.allProviders.map((p) => p.name);
  expect(names).toEqual(expect.arrayContaining(Object.keys(LOCAL_SCHEME_FAMILIES)));
  const defects = Object.fromEntries(Object.keys(LOCAL_SCHEME_FAMILIES)
    .map((name) => [name, defectsOf(pipeline.allProviders.find((p) => p.name === name)!)]));
  // The body-borne signature (Mailgun) and basic auth (Postmark) do not sign the body, so a tampered body is no defect of theirs.
  expect(defects).toMatchObject({
    mailgun: ['stale', 'future', 'wrong-secret'],
    postmark: ['malformed-json', 'wrong-secret'],
    sendgrid: ['tampered-body', 'stale', 'future', 'malformed-json'],
  });
});

test(`${RUNS} malformed or hostile requests to every scheme family: each a JSON 4xx with an error, no crash`, async () => {
  await assertEveryRefusalIsJson4xx(pipeline, RUNS, SEED);
});

test('nothing reached the queue', async () => {
  expect(await queueDepth(pipeline, pipeline.resources.queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
});
