/**
 * Presets whose provider publishes no verifier on npm and no signed vector, cross-checked against
 * the provider's own code: its official verification sample, or the code that signs its
 * deliveries, ported literally below as an independent oracle (each quoted with its source). On
 * random keys and bodies, the preset (through the configuration the construct writes) accepts
 * exactly what the provider's code accepts: valid, tampered body, wrong key. Also stale and
 * future timestamps where one is signed, and every signed header missing.
 * Published vectors and the presets with only documentation: published-vectors.test.ts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as fc from 'fast-check';
import { WebhookProvider } from '../../src';
import { verifiedHandshake } from '../../src/providers/handshake';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { decodeProviders, encodeProviders } from '../../src/providers/provider-encoding';
import { verifySignature } from '../../src/providers/verify';

type Headers = Record<string, string>;
const stack = new Stack(new App(), 'S');
const secret = new secretsmanager.Secret(stack, 'Secret');
const NOW = Math.floor(Date.now() / 1000);

function runtime(provider: WebhookProvider): ProviderRuntimeConfig {
  return decodeProviders(JSON.stringify(encodeProviders([provider._runtimeConfig(Duration.minutes(5), stack)], 300)))[0];
}

// ---- the providers' code, ported literally (comments quote the original) ----

/**
 * Zoom, official sample app https://github.com/zoom/webhook-sample index.js
 * (commit 1d3936462478f392f249bf2da2047b8759caa870):
 *   var message = `v0:${req.headers['x-zm-request-timestamp']}:${JSON.stringify(req.body)}`
 *   var signature = `v0=${crypto.createHmac('sha256', process.env.ZOOM_WEBHOOK_SECRET_TOKEN).update(message).digest('hex')}`
 *   if (req.headers['x-zm-signature'] === signature) {
 *     if(req.body.event === 'endpoint.url_validation') {
 *       var hash = crypto.createHmac('sha256', process.env.ZOOM_WEBHOOK_SECRET_TOKEN).update(req.body.payload.plainToken).digest('hex')
 *       response = { message: { plainToken: req.body.payload.plainToken, encryptedToken: hash }, status: 200 }
 * `req.body` is bodyParser.json()'s parse of the raw body: JSON.parse here.
 */
const zoomSample = {
  signature: (token: string, headers: Headers, raw: Buffer) => {
    const req = { headers, body: JSON.parse(raw.toString()) };
    const message = `v0:${req.headers['x-zm-request-timestamp']}:${JSON.stringify(req.body)}`;
    return `v0=${createHmac('sha256', token).update(message).digest('hex')}`;
  },
  accepts: (token: string, headers: Headers, raw: Buffer) => headers['x-zm-signature'] === zoomSample.signature(token, headers, raw),
  urlValidation: (token: string, body: { payload: { plainToken: string } }) => ({
    plainToken: body.payload.plainToken,
    encryptedToken: createHmac('sha256', token).update(body.payload.plainToken).digest('hex'),
  }),
};

/**
 * Typeform, official documentation https://www.typeform.com/developers/webhooks/secure-your-webhooks/
 * (Ruby sample):
 *   hash = OpenSSL::HMAC.digest(OpenSSL::Digest.new('sha256'), ENV['SECRET_TOKEN'], payload_body)
 *   actual_signature = 'sha256=' + Base64.strict_encode64(hash)
 *   return halt 500, "Signatures don't match!" unless Rack::Utils.secure_compare(actual_signature, received_signature)
 */
const typeformSample = {
  actualSignature: (secretToken: string, payloadBody: Buffer) => 'sha256=' + createHmac('sha256', secretToken).update(payloadBody).digest('base64'),
  accepts: (secretToken: string, headers: Headers, payloadBody: Buffer) => typeformSample.actualSignature(secretToken, payloadBody) === headers['typeform-signature'],
};

/**
 * DocuSign, official code examples https://github.com/docusign/code-examples-node
 * lib/connect/examples/validateWebhookMessage.js (commit 0be034e04b2798875722d239f8fb69240fdde87d):
 *   const computeHash = (args) => { const hmac = crypto.createHmac('sha256', args.secret);
 *     hmac.write(args.payload); hmac.end(); return hmac.read().toString('base64'); };
 *   const isHashValid = (args) => crypto.timingSafeEqual(Buffer.from(args.verify, 'base64'), Buffer.from(computeHash(args), 'base64'));
 * (timingSafeEqual throws on a length mismatch: a refusal.)
 */
const docusignSample = {
  computeHash: (args: { secret: string; payload: Buffer }) => {
    const h = createHmac('sha256', args.secret);
    h.write(args.payload);
    h.end();
    return (h.read() as Buffer).toString('base64');
  },
  isHashValid: (args: { verify: string; secret: string; payload: Buffer }) => {
    try {
      return timingSafeEqual(Buffer.from(args.verify, 'base64'), Buffer.from(docusignSample.computeHash(args), 'base64'));
    } catch {
      return false;
    }
  },
};

/**
 * Cal.com, the code that signs its deliveries: https://github.com/calcom/cal.com
 * packages/features/webhooks/lib/sendPayload.ts (commit 869be581acee93b8f5db97374627a6f0775fe0c1):
 *   const secretSignature = secretKey
 *     ? createHmac("sha256", secretKey).update(`${body}`).digest("hex")
 *     : "no-secret-provided";
 *   headers: { "Content-Type": contentType, "X-Cal-Signature-256": secretSignature }
 */
const calComSender = (secretKey: string | null, body: string) => (secretKey ? createHmac('sha256', secretKey).update(`${body}`).digest('hex') : 'no-secret-provided');

/**
 * Sentry, the code that signs its deliveries: https://github.com/getsentry/sentry
 * src/sentry/sentry_apps/models/sentry_app.py (commit b729c468f4411edf51cf1f7907ff2774991b87ed):
 *   def build_signature(self, body):
 *       secret = self.application.client_secret
 *       return hmac.new(key=secret.encode("utf-8"), msg=body.encode("utf-8"), digestmod=sha256).hexdigest()
 */
const sentryBuildSignature = (clientSecret: string, body: string) => createHmac('sha256', Buffer.from(clientSecret, 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex');

/**
 * Twitch, the receiver in its official CLI's tests: https://github.com/twitchdev/twitch-cli
 * internal/events/trigger/forward_event_test.go (commit 23d4e83ca1d5324e19caf70743ec2901ebd31c74):
 *   mac := hmac.New(sha256.New, []byte(secret))
 *   timestamp, err := time.Parse(time.RFC3339Nano, r.Header.Get("Twitch-Eventsub-Message-Timestamp"))
 *   id := r.Header.Get("Twitch-Eventsub-Message-Id")
 *   mac.Write(timestamp.AppendFormat([]byte(id), time.RFC3339Nano))
 *   mac.Write(body)
 *   hash := fmt.Sprintf("sha256=%x", mac.Sum(nil))
 *   a.Equal(hash, r.Header.Get("Twitch-Eventsub-Message-Signature"))
 * Go's RFC3339Nano re-formats a UTC stamp as written when its fraction has no trailing zero (as here).
 */
const twitchCli = (secretKey: string, headers: Headers, body: Buffer) => {
  const mac = createHmac('sha256', Buffer.from(secretKey));
  mac.update(Buffer.from(headers['twitch-eventsub-message-id'] + headers['twitch-eventsub-message-timestamp']));
  mac.update(body);
  return `sha256=${mac.digest('hex')}`;
};

/**
 * Zendesk, official documentation https://developer.zendesk.com/documentation/webhooks/verifying/:
 * "Sign the body and signature timestamp with the webhook secret key using SHA256, then base64
 * encoding the resulting digest. Represented simply: base64(HMACSHA256(TIMESTAMP + BODY))"
 * (its Node sample is not reproduced here in full; see published-vectors.test.ts for the page's
 * superseded vector).
 */
const zendeskDocs = (signingSecret: string, timestamp: string, body: Buffer) => createHmac('sha256', signingSecret).update(timestamp).update(body).digest('base64');

/**
 * Paystack, official documentation snippets https://github.com/PaystackOSS/doc-code-snippets
 * doc/payments/webhooks/verifying-transactions.js (commit f9fd8fe5cbbe209a86b906da33eb7703fd77d21b),
 * the PHP sample (its JS sample hashes JSON.stringify(req.body), a re-serialization):
 *   $input = @file_get_contents("php://input");
 *   if($_SERVER['HTTP_X_PAYSTACK_SIGNATURE'] !== hash_hmac('sha512', $input, PAYSTACK_SECRET_KEY)) exit();
 */
const paystackSample = (secretKey: string, headers: Headers, input: Buffer) => headers['x-paystack-signature'] === createHmac('sha512', secretKey).update(input).digest('hex');

/**
 * Lemon Squeezy, its official Next.js billing template https://github.com/lmsqueezy/nextjs-billing
 * src/app/api/webhook/route.ts (commit 689354f56dd6c8d14b0cd1bc36776eee0618dfaa):
 *   const hmac = crypto.createHmac("sha256", secret);
 *   const digest = Buffer.from(hmac.update(rawBody).digest("hex"), "utf8");
 *   const signature = Buffer.from(request.headers.get("X-Signature") ?? "", "utf8");
 *   if (!crypto.timingSafeEqual(digest, signature)) { return new Response("Invalid signature", { status: 400 }); }
 * (timingSafeEqual throws on a length mismatch: a refusal.)
 */
const lemonSqueezyTemplate = {
  digest: (secretKey: string, rawBody: string) => createHmac('sha256', secretKey).update(rawBody).digest('hex'),
  accepts: (secretKey: string, headers: Headers, rawBody: Buffer) => {
    try {
      return timingSafeEqual(Buffer.from(lemonSqueezyTemplate.digest(secretKey, rawBody.toString()), 'utf8'), Buffer.from(headers['x-signature'] ?? '', 'utf8'));
    } catch {
      return false;
    }
  },
};

// ---- the cross-checks ----

interface Port {
  readonly factory: string;
  readonly provider: WebhookProvider;
  /** Headers the provider's code produces for `body` at `ts` with `key`. */
  readonly sign: (key: string, body: Buffer, ts: number) => Headers;
  /** The provider's own verdict on a delivery (verifier samples); senders' ports: valid iff same key and body. */
  readonly accepts?: (key: string, headers: Headers, body: Buffer) => boolean;
  /** Bodies the provider sends (Zoom: JSON objects, as its sample parses them). */
  readonly bodies?: fc.Arbitrary<string>;
  /** A change in transit (default: a trailing space). */
  readonly tamper?: (body: Buffer) => Buffer;
  readonly timed: boolean;
}

const isoWithNanos = (ts: number, nanos: string) => new Date(ts * 1000).toISOString().replace(/\.\d{3}Z$/, `.${nanos}Z`);
const PORTS: Port[] = [
  {
    factory: 'zoom',
    provider: WebhookProvider.zoom({ secrets: [secret] }),
    sign: (key, body, ts) => {
      const headers = { 'x-zm-request-timestamp': String(ts) };
      return { ...headers, 'x-zm-signature': zoomSample.signature(key, headers, body) };
    },
    accepts: zoomSample.accepts,
    bodies: fc.dictionary(fc.string(), fc.jsonValue()).map((o) => JSON.stringify(o)),
    // The sample compares re-serialized JSON, blind to whitespace: tamper with the content.
    tamper: (body) => Buffer.from(`[${body.toString()}]`),
    timed: true,
  },
  {
    factory: 'typeform',
    provider: WebhookProvider.typeform({ secrets: [secret] }),
    sign: (key, body) => ({ 'typeform-signature': typeformSample.actualSignature(key, body) }),
    accepts: typeformSample.accepts,
    timed: false,
  },
  {
    factory: 'docusign',
    provider: WebhookProvider.docusign({ secrets: [secret] }),
    sign: (key, body) => ({ 'x-docusign-signature-1': docusignSample.computeHash({ secret: key, payload: body }) }),
    accepts: (key, headers, body) => docusignSample.isHashValid({ verify: headers['x-docusign-signature-1'], secret: key, payload: body }),
    timed: false,
  },
  {
    factory: 'paystack',
    provider: WebhookProvider.paystack({ secrets: [secret] }),
    sign: (key, body) => ({ 'x-paystack-signature': createHmac('sha512', key).update(body).digest('hex') }),
    accepts: paystackSample,
    timed: false,
  },
  {
    factory: 'lemonSqueezy',
    provider: WebhookProvider.lemonSqueezy({ secrets: [secret] }),
    sign: (key, body) => ({ 'x-signature': lemonSqueezyTemplate.digest(key, body.toString()) }),
    accepts: lemonSqueezyTemplate.accepts,
    timed: false,
  },
  {
    factory: 'calCom',
    provider: WebhookProvider.calCom({ secrets: [secret] }),
    sign: (key, body) => ({ 'x-cal-signature-256': calComSender(key, body.toString()) }),
    timed: false,
  },
  {
    factory: 'sentry',
    provider: WebhookProvider.sentry({ secrets: [secret] }),
    sign: (key, body) => ({ 'sentry-hook-signature': sentryBuildSignature(key, body.toString()) }),
    timed: false,
  },
  {
    factory: 'twitch',
    provider: WebhookProvider.twitch({ secrets: [secret] }),
    sign: (key, body, ts) => {
      const headers = { 'twitch-eventsub-message-id': 'e76c6bd4-55c9-4987-8304-da1588d8988b', 'twitch-eventsub-message-timestamp': isoWithNanos(ts, '634234626') };
      return { ...headers, 'twitch-eventsub-message-signature': twitchCli(key, headers, body) };
    },
    accepts: (key, headers, body) => twitchCli(key, headers, body) === headers['twitch-eventsub-message-signature'],
    timed: true,
  },
  {
    factory: 'zendesk',
    provider: WebhookProvider.zendesk({ secrets: [secret] }),
    sign: (key, body, ts) => {
      const timestamp = new Date(ts * 1000).toISOString().replace('.000Z', 'Z');
      return { 'x-zendesk-webhook-signature-timestamp': timestamp, 'x-zendesk-webhook-signature': zendeskDocs(key, timestamp, body) };
    },
    timed: true,
  },
];

// Secrets as the providers issue them: printable, no surrounding blanks.
const keys = fc.string({ minLength: 1, maxLength: 48 }).filter((k) => k.trim() === k && k.length > 0);

describe.each(PORTS.map((p) => [p.factory, p] as const))("%s: the provider's own code as the oracle", (_factory, p) => {
  const config = runtime(p.provider);

  test('on random keys and bodies, the preset accepts exactly what the provider accepts (valid, tampered, wrong key)', () => {
    fc.assert(fc.property(keys, p.bodies ?? fc.string({ unit: 'grapheme' }), fc.boolean(), fc.boolean(), (key, text, tamper, wrongKey) => {
      const sent = Buffer.from(text);
      const headers = p.sign(wrongKey ? `${key}!` : key, sent, NOW);
      const received = !tamper ? sent : p.tamper ? p.tamper(sent) : Buffer.concat([sent, Buffer.from(' ')]);
      const expected = p.accepts ? p.accepts(key, headers, received) : !tamper && !wrongKey;
      expect(verifySignature(config, [key], headers, received, NOW).valid).toBe(expected);
      if (!tamper && !wrongKey) expect(expected).toBe(true);
    }));
  });

  test('every header the provider signs with is required', () => {
    const body = Buffer.from('{"id":"evt_1","event":"x"}');
    const headers = p.sign('k3y', body, NOW);
    for (const name of Object.keys(headers)) {
      const without = { ...headers };
      delete without[name];
      expect([name, verifySignature(config, ['k3y'], without, body, NOW).valid]).toEqual([name, false]);
    }
  });

  if (p.timed) {
    test.each([[-1, 'stale_timestamp'], [1, 'future_timestamp']] as const)('signed by the provider beyond the tolerance (%i): refused', (direction, reason) => {
      const ts = NOW + direction * (config.toleranceSeconds + 5);
      const body = Buffer.from('{"id":"evt_1"}');
      const headers = p.sign('k3y', body, ts);
      expect(p.accepts?.('k3y', headers, body) ?? true).toBe(true);
      expect(verifySignature(config, ['k3y'], headers, body, NOW)).toEqual({ valid: false, reason });
    });
  }
});

test("Cal.com: a subscription without a secret sends `no-secret-provided` (its sender's code), which is refused", () => {
  const config = runtime(WebhookProvider.calCom({ secrets: [secret] }));
  const body = '{"triggerEvent":"BOOKING_CREATED"}';
  expect(verifySignature(config, ['k3y'], { 'x-cal-signature-256': calComSender(null, body) }, Buffer.from(body), NOW).valid).toBe(false);
});

test('Zoom: where its sample re-serializes the JSON, the preset checks the bytes Zoom signed (whitespace added in transit is refused)', () => {
  const zoom = runtime(WebhookProvider.zoom({ secrets: [secret] }));
  const sent = Buffer.from('{"event":"meeting.started","payload":{"object":{"id":"1"}}}');
  const headers = PORTS[0].sign('k3y', sent, NOW);
  const reformatted = Buffer.from(JSON.stringify(JSON.parse(sent.toString()), null, 1));
  expect(zoomSample.accepts('k3y', headers, reformatted)).toBe(true);
  expect(verifySignature(zoom, ['k3y'], headers, sent, NOW)).toEqual({ valid: true });
  expect(verifySignature(zoom, ['k3y'], headers, reformatted, NOW)).toEqual({ valid: false, reason: 'invalid_signature' });
});

test("Zoom: endpoint.url_validation is answered exactly as Zoom's sample answers it", () => {
  const zoom = runtime(WebhookProvider.zoom({ secrets: [secret] }));
  fc.assert(fc.property(keys, fc.string({ minLength: 1, maxLength: 40 }), (key, plainToken) => {
    const body = { payload: { plainToken }, event_ts: 1654503849680, event: 'endpoint.url_validation' };
    const outcome = verifiedHandshake(zoom, body, [key]) as { response: { statusCode: number; body: string } };
    expect(outcome.response.statusCode).toBe(200);
    expect(JSON.parse(outcome.response.body)).toEqual(zoomSample.urlValidation(key, body));
  }));
});
