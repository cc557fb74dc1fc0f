/**
 * Cold start as a whole for bench:bundles: module init plus the first request a fresh process
 * handles, so that a setting which only moved work from init to the first request would show.
 * The ingest takes one small signed Stripe delivery (its Secrets Manager read and SQS send on the
 * common path), the status handler one GET (a DynamoDB read), seed 000's ingest one delivery (its
 * SQS send), against a stub endpoint in this process that answers as the services do (the SDK's
 * service-specific `AWS_ENDPOINT_URL_<SERVICE>` variables; SQS clients send to the queue URL's
 * host). Each answer is checked (202, 404, 200), so that a failing request cannot pass for a fast one.
 */
import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { encodeProviders } from '../src/providers/provider-encoding';

const run = promisify(execFile);
const SECRET = 'whsec_bench_secret';

/** What a fresh process loads and the first request it handles. */
export interface FirstRequestVariant {
  readonly label: string;
  readonly file: string;
  readonly kind: 'ingest' | 'status' | 'seed-ingest';
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** Secrets Manager, SQS (JSON and query protocols) and DynamoDB, as far as these requests need. */
function stubServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = String(req.headers['x-amz-target'] ?? '');
      const json = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'r' });
        res.end(JSON.stringify(value));
      };
      if (target.endsWith('.GetSecretValue')) return json({ ARN: 'arn:s', Name: 's', SecretString: SECRET, VersionId: 'v' });
      if (target.endsWith('.SendMessage')) return json({ MessageId: 'm', MD5OfMessageBody: md5((JSON.parse(body) as { MessageBody: string }).MessageBody) });
      if (target.endsWith('.GetItem')) return json({});
      const form = new URLSearchParams(body);
      if (form.get('Action') === 'SendMessage') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        return res.end(`<SendMessageResponse><SendMessageResult><MD5OfMessageBody>${md5(form.get('MessageBody') ?? '')}</MD5OfMessageBody><MessageId>m</MessageId></SendMessageResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SendMessageResponse>`);
      }
      res.writeHead(400).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function eventOf(kind: FirstRequestVariant['kind']): { event: unknown; expected: number } {
  if (kind === 'status') {
    return { event: { httpMethod: 'GET', path: '/status/stripe%3Aevt_1', resource: '/status/{id}', pathParameters: { id: 'stripe%3Aevt_1' }, headers: {}, body: null, isBase64Encoded: false, requestContext: {} }, expected: 404 };
  }
  const body = JSON.stringify({ id: 'evt_bench', type: 'payment_intent.succeeded', data: { object: { amount: 1000 } } });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');
  return {
    event: {
      httpMethod: 'POST',
      path: '/webhook/stripe',
      resource: '/webhook/{provider}',
      pathParameters: { provider: 'stripe' },
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${timestamp},v1=${signature}` },
      body,
      isBase64Encoded: false,
      requestContext: {},
    },
    expected: kind === 'seed-ingest' ? 200 : 202,
  };
}

/** Samples (ms) of init + first request per variant, `rounds` fresh processes each, variants interleaved. */
export async function firstRequestMillis(
  variants: readonly FirstRequestVariant[], rounds: number, env: Record<string, string>,
): Promise<Map<string, number[]>> {
  const server = await stubServer();
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const childEnv = {
    ...process.env,
    ...env,
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    QUEUE_URL: `${endpoint}/123456789012/q`,
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    SEED_ENDPOINT_SQS: endpoint,
    WEBHOOK_PROVIDERS: JSON.stringify(encodeProviders([{ name: 'stripe', scheme: 'stripe', secretArns: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:s'], toleranceSeconds: 300, eventId: { jsonPath: 'id' }, eventType: { jsonPath: 'type' } }], 300)),
  };
  const samples = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        const { event, expected } = eventOf(v.kind);
        const script = `const t=process.hrtime.bigint();const m=require(${JSON.stringify(v.file)});`
          + `m.handler(${JSON.stringify(event)}).then((r)=>{const ms=Number(process.hrtime.bigint()-t)/1e6;`
          + `if(r.statusCode!==${expected})throw new Error('answered '+r.statusCode+': '+r.body);process.stdout.write('\\nFIRST_REQUEST_MS='+ms)})`;
        const { stdout } = await run(process.execPath, ['-e', script], { env: childEnv, cwd: process.cwd() });
        samples.get(v.label)!.push(Number(/FIRST_REQUEST_MS=([\d.]+)$/.exec(stdout)![1]));
      }
    }
  } finally {
    server.close();
  }
  return samples;
}
