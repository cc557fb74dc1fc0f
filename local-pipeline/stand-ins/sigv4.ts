/**
 * AWS Signature Version 4 for requests to the local API's IAM-authorised routes: a signer for the
 * local callers (tests, demo) and the check API Gateway makes. Pure: node:crypto only.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SignableRequest {
  readonly method: string;
  /** Path and query as sent on the wire, e.g. `/status/stripe%3Aevt_1?x=1`. */
  readonly url: string;
  /** Lower-case names. Must include `host`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** API Gateway refuses signatures more than 15 minutes away from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/** The headers to add to `request`: `x-amz-date` and `authorization`. */
export function signRequest(
  request: SignableRequest, credentials: Credentials, region: string, service: string, now = new Date(),
): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const headers = { ...request.headers, 'x-amz-date': amzDate };
  const signedHeaders = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
  const signature = signatureOf({ ...request, headers }, signedHeaders, amzDate, scope, credentials.secretAccessKey, true);
  return {
    'x-amz-date': amzDate,
    'authorization': `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  };
}

export type SignatureCheck =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly message: string };

/** What API Gateway answers (403 with this message) for a request to an AWS_IAM route, or ok. */
export function checkSignature(
  request: SignableRequest, knownCredentials: readonly Credentials[], region: string, service: string, now = new Date(),
): SignatureCheck {
  const authorization = request.headers.authorization;
  if (authorization === undefined || authorization === '') {
    return { ok: false, message: 'Missing Authentication Token' };
  }
  const parsed = parseAuthorization(authorization);
  if (parsed === undefined) {
    return { ok: false, message: `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${createHash('sha256').update(authorization).digest('base64')}'.` };
  }
  const [accessKeyId, date, scopeRegion, scopeService, terminator] = parsed.credential.split('/');
  const credentials = knownCredentials.find((c) => c.accessKeyId === accessKeyId);
  if (credentials === undefined) {
    return { ok: false, message: 'The security token included in the request is invalid.' };
  }
  if (scopeRegion !== region || scopeService !== service || terminator !== 'aws4_request') {
    return { ok: false, message: `Credential should be scoped to correct service: '${service}'. ` };
  }
  const amzDate = request.headers['x-amz-date'];
  const signedAt = amzDate === undefined ? NaN : parseAmzDate(amzDate);
  if (Number.isNaN(signedAt) || !amzDate!.startsWith(date)) {
    return { ok: false, message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
  }
  if (Math.abs(now.getTime() - signedAt) > MAX_SKEW_MS) {
    return { ok: false, message: `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(new Date(now.getTime() - MAX_SKEW_MS))}` };
  }
  if (!parsed.signedHeaders.includes('host') || parsed.signedHeaders.some((h) => request.headers[h] === undefined)) {
    return { ok: false, message: 'The request signature we calculated does not match the signature you provided.' };
  }
  const scope = `${date}/${region}/${service}/aws4_request`;
  const provided = Buffer.from(parsed.signature, 'hex');
  // Clients differ in whether they escape the already-encoded path once more; both are accepted.
  const matches = [true, false].some((doubleEncode) => {
    const expected = Buffer.from(signatureOf(request, parsed.signedHeaders, amzDate!, scope, credentials.secretAccessKey, doubleEncode), 'hex');
    return expected.length === provided.length && timingSafeEqual(expected, provided);
  });
  if (!matches) {
    return {
      ok: false,
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return { ok: true, accessKeyId: credentials.accessKeyId };
}

function signatureOf(
  request: SignableRequest, signedHeaders: readonly string[], amzDate: string, scope: string, secret: string, doubleEncode: boolean,
): string {
  const canonical = canonicalRequest(request, signedHeaders, doubleEncode);
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
  const [date, region, service] = scope.split('/');
  let key: Buffer = hmac(`AWS4${secret}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

export function canonicalRequest(request: SignableRequest, signedHeaders: readonly string[], doubleEncode: boolean): string {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
  const canonicalPath = doubleEncode ? rawPath.split('/').map(escape).join('/') : rawPath;
  const canonicalQuery = query === '' ? '' : query.split('&').filter((p) => p !== '').map((pair) => {
    const eq = pair.indexOf('=');
    const [k, v] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    return [escape(decodeLoose(k)), escape(decodeLoose(v))];
  }).sort(([ak, av], [bk, bv]) => (ak === bk ? compare(av, bv) : compare(ak, bk))).map(([k, v]) => `${k}=${v}`).join('&');
  const headerLines = signedHeaders.map((h) => `${h}:${(request.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  return [request.method, canonicalPath || '/', canonicalQuery, headerLines, signedHeaders.join(';'), sha256Hex(request.body ?? Buffer.alloc(0))].join('\n');
}

function parseAuthorization(value: string): { credential: string; signedHeaders: string[]; signature: string } | undefined {
  if (!value.startsWith(`${ALGORITHM} `)) return undefined;
  const fields = new Map(value.slice(ALGORITHM.length + 1).split(',').map((part) => {
    const [k, ...rest] = part.trim().split('=');
    return [k, rest.join('=')] as const;
  }));
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature || !/^[0-9a-f]{64}$/.test(signature)) return undefined;
  return { credential, signedHeaders: signedHeaders.split(';'), signature };
}

/** RFC 3986 escaping as SigV4 defines it (unreserved characters kept). */
function escape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeLoose(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
