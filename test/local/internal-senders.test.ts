/**
 * An IAM-signed sender (`internalSenders.iamSenders`) end to end: SigV4-signed requests to
 * `POST /webhook/billing`, which the API Gateway stand-in sends to the queue itself through the
 * template's SQS integration (mapping template rendered with velocityjs, the form POSTed to the
 * SQS emulator), processed by the shipped processor bundle into the same records as the ingest
 * path: exact bytes archived, one record per delivery id, readable by `GET /status/{id}`.
 */
import { Duration } from 'aws-cdk-lib';
import { archiveMismatch, binaryBody, say } from './support';
import { CALLER_CREDENTIALS, LOCAL_REGION } from '../../local-pipeline/emulators/aws';
import { destroyHttpAgent, getStatus, request, scanRecords, waitForDrain, type HttpResult, type WebhookRecord } from '../../local-pipeline/inspect';
import { startPipeline, type Pipeline } from '../../local-pipeline/pipeline';
import { signRequest, type Credentials } from '../../local-pipeline/stand-ins/sigv4';

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline({
    props: {
      internalSenders: { iamSenders: [{ name: 'billing' }] },
      processing: { timeout: Duration.seconds(5), maxBatchingWindow: Duration.seconds(1) },
    },
    progress: (line) => say(`  ${line}`),
  });
});

afterAll(async () => {
  await pipeline?.stop();
  destroyHttpAgent();
});

/** POST /webhook/billing, signed with `credentials` (SigV4, service execute-api) unless null. */
function send(body: Buffer, headers: Record<string, string>, credentials: Credentials | null = CALLER_CREDENTIALS): Promise<HttpResult> {
  const url = new URL(`${pipeline.url}/webhook/billing`);
  const all = { 'host': url.host, 'content-type': 'application/json', ...headers };
  const auth = credentials ? signRequest({ method: 'POST', url: url.pathname, headers: all, body }, credentials, LOCAL_REGION, 'execute-api') : {};
  return request(url.toString(), 'POST', { ...all, ...auth }, body);
}

async function recordsById(): Promise<Map<string, WebhookRecord>> {
  await waitForDrain(pipeline, 120_000);
  return new Map((await scanRecords(pipeline)).map((r) => [r.id, r]));
}

test('a signed JSON delivery is queued by API Gateway and recorded under the sender\'s delivery id', async () => {
  const body = Buffer.from('{"invoice":"inv-1","amount":1250}');
  const response = await send(body, { 'x-webhook-id': 'inv-1', 'x-webhook-type': 'invoice.paid' });
  expect(response.status).toBe(202);
  expect(response.json).toMatchObject({ status: 'queued' });
  const record = (await recordsById()).get('billing:inv-1');
  expect(record).toMatchObject({ provider: 'billing', eventType: 'invoice.paid', status: 'processed' });
  expect(await archiveMismatch(pipeline, record!, body)).toBeUndefined();
});

test('a binary body keeps every byte', async () => {
  const body = binaryBody(4096);
  expect((await send(body, { 'content-type': 'application/octet-stream', 'x-webhook-id': 'bin-1' })).status).toBe(202);
  const record = (await recordsById()).get('billing:bin-1');
  expect(await archiveMismatch(pipeline, record!, body)).toBeUndefined();
});

test('a retry under the same delivery id is one record', async () => {
  const body = Buffer.from('{"invoice":"inv-2"}');
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await send(body, { 'x-webhook-id': 'inv-2' })).status);
  expect(statuses).toEqual([202, 202, 202]);
  const records = [...(await recordsById()).keys()].filter((id) => id === 'billing:inv-2');
  expect(records).toHaveLength(1);
});

test('without a delivery id, the API request id is the delivery id', async () => {
  expect((await send(Buffer.from('{"n":1}'), {})).status).toBe(202);
  const ids = [...(await recordsById()).keys()].filter((id) => /^billing:[0-9a-f-]{36}$/.test(id));
  expect(ids).toHaveLength(1);
});

test('the record is readable with GET /status/{id}, as any provider\'s', async () => {
  await send(Buffer.from('{"invoice":"inv-3"}'), { 'x-webhook-id': 'inv-3', 'x-webhook-type': 'invoice.voided' });
  await waitForDrain(pipeline, 120_000);
  const status = await getStatus(pipeline.url, 'billing:inv-3');
  expect(status.status).toBe(200);
  expect(status.json).toMatchObject({ id: 'billing:inv-3', provider: 'billing', type: 'invoice.voided', status: 'processed' });
});

test('unsigned or wrongly signed requests get 403 and are never queued', async () => {
  const before = (await recordsById()).size;
  const unsigned = await send(Buffer.from('{"x":1}'), { 'x-webhook-id': 'forged-1' }, null);
  const wrongKey = await send(Buffer.from('{"x":1}'), { 'x-webhook-id': 'forged-2' }, { accessKeyId: CALLER_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
  expect([unsigned.status, wrongKey.status]).toEqual([403, 403]);
  const after = await recordsById();
  expect(after.size).toBe(before);
  expect(after.has('billing:forged-1') || after.has('billing:forged-2')).toBe(false);
});

test('a content type without a mapping template gets 415', async () => {
  expect((await send(Buffer.from('<a/>'), { 'content-type': 'application/xml', 'x-webhook-id': 'xml-1' })).status).toBe(415);
});

test('a body larger than SQS accepts gets 400 not_queued, never a 2xx', async () => {
  // 1 MiB of body is more than 1 MiB of message once base64-encoded: over what SQS (and the emulator) accepts.
  const response = await send(Buffer.alloc(1024 * 1024, 0x61), { 'content-type': 'text/plain', 'x-webhook-id': 'big-1' });
  expect(response.status).toBe(400);
  expect(response.json).toMatchObject({ error: 'not_queued' });
  expect((await recordsById()).has('billing:big-1')).toBe(false);
});
