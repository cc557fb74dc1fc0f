/**
 * The generic signature engine behind the configurable schemes and most presets: where the
 * signature and its timestamp are, what bytes are signed (a template), and the HMAC family's
 * check (the public-key family is in public-key.ts). Pure: no AWS SDK, no I/O; the only state is
 * each configuration's compiled plan and small bounded caches.
 *
 * A template is literal text and placeholders: `{body}` (the raw bytes as received), `{ts}`
 * (the signed timestamp as written), `{url}` (the configured public URL), `{method}` (`POST`:
 * only POSTs reach verification), `{form}` (the form-encoded body's parameters sorted by name,
 * each as name then value: Twilio's), `{h:<header>}` and `{j:<dotted json path>}`.
 *
 * Per delivery the engine does only what the provider's scheme needs: the plan (template parts,
 * whether the body is parsed, whether a timestamp is checked) is compiled once per configuration;
 * the body goes to the HMAC as received (never copied or decoded unless `{form}` or a JSON path
 * needs it), after the text before it joined into one update. The common shapes (one signature
 * in a header or the JSON body, the body at most once and last) have a path of their own that
 * builds only the text before the body. A body the caller has parsed already (the ingest parses
 * each body once) is read, not parsed again.
 *
 * Over 400 lines: the plan compiler and the three paths that verify with a plan (the general
 * one, the direct one, the siblings one) share the private plan type; the two fast paths are held
 * to the general one by properties (test/providers/signed-content.test.ts). The list parser and
 * the JSON members are modules of their own.
 */
import { createHmac } from 'node:crypto';
import { sortedForm } from './form-params';
import { anyOfLength, DIGEST_BYTES, encodedLength, matchesAny, matchesAt, type KeyOf } from './hmac-compare';
import { member, memberAt, signedString, stringAt } from './json-members';
import type { HmacAlgorithm, HmacSchemeConfig, PublicKeySchemeConfig, SignatureEncoding, SignatureList, TimestampUnit } from './provider-config';
import { parseList } from './signature-list';
import { PLACEHOLDER } from './template-placeholders';
import { checkTimestamp } from './timestamps';
import { hasOwn, header, type Headers, type RejectionReason } from './verification-result';
import { parseJsonBody, type ParsedJsonBody } from '../runtime/http';

/** The delivery as the engine reads it. */
export interface SignedRequest {
  readonly headers: Headers;
  readonly body: Buffer;
  readonly nowSeconds: number;
  readonly toleranceSeconds: number;
  readonly publicUrl?: string;
  /**
   * The body as `parseJsonBody` parsed it, when the caller has parsed it already: the ingest
   * parses a body once per delivery, for the signature (Mailgun's) and its ids alike. The engine
   * parses it itself without one.
   */
  readonly json?: ParsedJsonBody;
}

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'body' | 'ts' | 'url' | 'method' | 'form' }
  | { readonly kind: 'header' | 'json'; readonly name: string };

/** A template part as a plan runs it: JSON paths already split. */
interface PlannedPart {
  readonly kind: Part['kind'];
  readonly text: string;
  readonly path: readonly string[];
}

type SchemeConfig = HmacSchemeConfig | PublicKeySchemeConfig;

/**
 * What the engine does for one configuration, decided once. Every field is always present, so
 * the per-delivery code reads one object shape (the configurations' shapes vary with their
 * optional settings).
 */
interface Plan {
  readonly needsJson: boolean;
  readonly parts: readonly PlannedPart[];
  /** A timestamp is signed or in the template, so it is checked. */
  readonly checksTimestamp: boolean;
  readonly unit: TimestampUnit;
  readonly header: string;
  readonly prefix: string;
  readonly list: SignatureList | undefined;
  /** `<header>-` and n, for numbered signature headers; '' without. */
  readonly numberedPrefix: string;
  readonly numberedCount: number;
  readonly timestampHeader: string | undefined;
  readonly timestampPath: readonly string[] | undefined;
  readonly signaturePath: readonly string[] | undefined;
  /**
   * The common shapes: one signature (a header or a JSON path; a list, or a value after a
   * prefix) and text from the headers, timestamp, URL, method or JSON paths, then the body at
   * most once, last (Mailgun signs no body). Verified by verifyDirect, which builds no parts
   * list: just the text before the body.
   */
  readonly direct: boolean;
  /**
   * The signature, its timestamp and the one signed value are members of one object of the body,
   * signed as timestamp then value (Mailgun's `signature.{signature,timestamp,token}`): read from
   * that object, found once (verifySiblings). Undefined for any other shape.
   */
  readonly siblings: Siblings | undefined;
  /** The HMAC's settings, read once here: the configurations' varied shapes make reading them per delivery slow. */
  readonly algorithm: string;
  readonly encoding: SignatureEncoding;
  readonly encodedLength: number;
  readonly foldHexCase: boolean;
}

/** Where verifySiblings reads: the object's path, and its members' names. */
interface Siblings {
  readonly parent: readonly string[];
  readonly signature: string;
  readonly timestamp: string;
  readonly value: string;
}

const MAX_CACHED = 64;
const templates = new Map<string, readonly Part[]>();
const plans = new WeakMap<SchemeConfig, Plan>();
let lastConfig: SchemeConfig | undefined;
let lastPlan: Plan;

/** The default template: the body, after `timestamp.` when a timestamp header is signed. */
export function defaultTemplate(config: SchemeConfig): string {
  return config.timestampHeader !== undefined ? '{ts}.{body}' : '{body}';
}

export function parseTemplate(template: string): readonly Part[] {
  return memoised(templates, template, () => {
    const parts: Part[] = [];
    let last = 0;
    for (const match of template.matchAll(PLACEHOLDER)) {
      if (match.index > last) parts.push({ kind: 'text', text: template.slice(last, match.index) });
      const token = match[1];
      if (token.startsWith('h:')) parts.push({ kind: 'header', name: token.slice(2) });
      else if (token.startsWith('j:')) parts.push({ kind: 'json', name: token.slice(2) });
      else parts.push({ kind: token as 'body' });
      last = match.index + match[0].length;
    }
    if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
    return parts;
  });
}

/** The plan of a configuration, compiled on its first delivery (configurations live as long as the function). */
function planOf(config: SchemeConfig): Plan {
  // The last configuration's plan is kept aside: most deliveries come from the provider before.
  if (config === lastConfig) return lastPlan;
  let plan = plans.get(config);
  if (plan === undefined) {
    const template = config.content ?? defaultTemplate(config);
    const signsTimestamp = config.list?.timestampKey !== undefined || config.timestampHeader !== undefined || config.timestampJsonPath !== undefined;
    const count = Math.min(Math.max(Math.trunc(Number(config.numberedHeaders)) || 0, 0), MAX_NUMBERED_HEADERS);
    plan = {
      needsJson: config.signatureJsonPath !== undefined || config.timestampJsonPath !== undefined || (config.content ?? '').includes('{j:'),
      parts: parseTemplate(template).map((part): PlannedPart => ({
        kind: part.kind,
        text: part.kind === 'text' ? part.text : part.kind === 'header' ? part.name : '',
        path: part.kind === 'json' ? part.name.split('.') : [],
      })),
      checksTimestamp: signsTimestamp || template.includes('{ts}'),
      unit: config.timestampUnit ?? 's',
      header: config.header,
      prefix: config.prefix ?? '',
      list: config.list,
      numberedPrefix: config.numberedHeaders !== undefined ? `${config.header}-` : '',
      numberedCount: count,
      timestampHeader: config.timestampHeader,
      timestampPath: config.timestampJsonPath?.split('.'),
      signaturePath: config.signatureJsonPath?.split('.'),
      direct: false,
      siblings: undefined,
      algorithm: config.algorithm,
      encoding: config.encoding,
      encodedLength: hasOwn(DIGEST_BYTES, config.algorithm) ? encodedLength(config.algorithm as HmacAlgorithm, config.encoding) : 0,
      foldHexCase: config.encoding === 'hex',
    };
    const parts = plan.parts;
    plan = {
      ...plan,
      direct: plan.numberedPrefix === '' && parts.every((part, i) => part.kind !== 'form' && (part.kind !== 'body' || i === parts.length - 1)),
    };
    plan = { ...plan, siblings: siblingsOf(plan) };
    plans.set(config, plan);
  }
  lastConfig = config;
  lastPlan = plan;
  return plan;
}

/** What one verification found in the delivery: the signatures to try and the signed bytes. */
export interface SignedContent {
  readonly signatures: readonly string[];
  /** The signed content in order; adjacent text joined, since each HMAC update crosses into native code. */
  readonly parts: readonly (string | Buffer)[];
}

/**
 * Reads the signatures, checks the timestamp and builds the signed content. A problem, or the
 * signatures and the content's parts in order.
 */
export function extractSignedContent(config: SchemeConfig, request: SignedRequest): RejectionReason | SignedContent {
  const plan = planOf(config);
  const json = plan.needsJson ? jsonOf(request) : undefined;
  const raws = rawSignatures(plan, request.headers, json);
  if (raws.length === 0) return 'missing_signature';

  let signatures: string[];
  let timestamp: string | undefined;
  if (plan.list !== undefined) {
    signatures = [];
    // Within a list the last timestamp entry wins; across numbered headers, the first list's.
    for (const raw of raws) timestamp ??= parseList(raw, plan.list, signatures);
  } else if (raws.length === 1 && plan.prefix === '') {
    signatures = raws;
  } else {
    signatures = [];
    for (const raw of raws) {
      if (!raw.startsWith(plan.prefix)) return 'malformed_signature';
      signatures.push(raw.slice(plan.prefix.length));
    }
  }
  if (signatures.length === 0) return 'malformed_signature';
  if (plan.timestampHeader !== undefined) timestamp = header(request.headers, plan.timestampHeader);
  if (plan.timestampPath !== undefined) timestamp = stringAt(json, plan.timestampPath);

  if (plan.checksTimestamp) {
    const problem = checkTimestamp(timestamp, plan.unit, request.nowSeconds, request.toleranceSeconds);
    if (problem !== undefined) return problem;
  }

  const parts: (string | Buffer)[] = [];
  let text = '';
  for (let i = 0; i < plan.parts.length; i++) {
    const part = plan.parts[i];
    let piece: string;
    switch (part.kind) {
      case 'text': piece = part.text; break;
      case 'body':
        if (text !== '') parts.push(text);
        parts.push(request.body);
        text = '';
        continue;
      case 'ts': piece = timestamp ?? ''; break;
      case 'method': piece = 'POST'; break;
      case 'url':
        if (request.publicUrl === undefined || request.publicUrl === '') return 'no_secret';
        piece = request.publicUrl;
        break;
      case 'form': piece = sortedForm(request.body); break;
      case 'header': {
        const value = header(request.headers, part.text);
        if (value === undefined) return 'malformed_signature';
        piece = value;
        break;
      }
      case 'json': {
        const value = stringAt(json, part.path);
        if (value === undefined) return 'malformed_signature';
        piece = value;
        break;
      }
    }
    text += piece;
  }
  if (text !== '') parts.push(text);
  return { signatures, parts };
}

/**
 * The HMAC family: valid when the HMAC of the content under any secret's key equals any
 * signature. Signatures that cannot match by length are dropped first.
 */
export function verifyHmacContent(
  config: HmacSchemeConfig,
  secrets: readonly string[],
  keyOf: KeyOf,
  request: SignedRequest,
): RejectionReason | 'valid' {
  const plan = planOf(config);
  if (plan.siblings !== undefined) return verifySiblings(plan, plan.siblings, secrets, keyOf, request);
  if (plan.direct) return verifyDirect(plan, secrets, keyOf, request);
  const found = extractSignedContent(config, request);
  if (typeof found === 'string') return found;
  if (!anyOfLength(found.signatures, encodedLength(config.algorithm, config.encoding))) return 'invalid_signature';
  const foldHexCase = config.encoding === 'hex';
  for (const secret of secrets) {
    const key = keyOf(secret);
    if (key === null) continue;
    const hmac = createHmac(config.algorithm, key);
    for (const part of found.parts) hmac.update(part);
    if (matchesAny(hmac.digest(config.encoding), found.signatures, foldHexCase)) return 'valid';
  }
  return 'invalid_signature';
}

/**
 * verifyHmacContent for a direct plan: the same checks in the same order as
 * extractSignedContent, with the text before the body built directly (no parts list, no
 * intermediate objects), then the HMAC of that text and the body as received (if signed).
 */
function verifyDirect(
  plan: Plan, secrets: readonly string[], keyOf: KeyOf, request: SignedRequest,
): RejectionReason | 'valid' {
  const json = plan.needsJson ? jsonOf(request) : undefined;
  const value = plan.signaturePath !== undefined ? stringAt(json, plan.signaturePath) : header(request.headers, plan.header);
  if (value === undefined) return 'missing_signature';
  // A list's signatures, or the one signature: `value` after the prefix, compared in place.
  let signatures: string[] | undefined;
  let timestamp: string | undefined;
  if (plan.list !== undefined) {
    signatures = [];
    timestamp = parseList(value, plan.list, signatures);
    if (signatures.length === 0) return 'malformed_signature';
  } else if (plan.prefix !== '' && !value.startsWith(plan.prefix)) {
    return 'malformed_signature';
  }
  const start = plan.prefix.length;
  if (plan.timestampHeader !== undefined) timestamp = header(request.headers, plan.timestampHeader);
  if (plan.timestampPath !== undefined) timestamp = stringAt(json, plan.timestampPath);
  if (plan.checksTimestamp) {
    const problem = checkTimestamp(timestamp, plan.unit, request.nowSeconds, request.toleranceSeconds);
    if (problem !== undefined) return problem;
  }
  const parts = plan.parts;
  const signsBody = parts.length > 0 && parts[parts.length - 1].kind === 'body';
  const before = signsBody ? parts.length - 1 : parts.length;
  let text = '';
  for (let i = 0; i < before; i++) {
    const part = parts[i];
    const kind = part.kind;
    if (kind === 'text') {
      text += part.text;
    } else if (kind === 'ts') {
      text += timestamp ?? '';
    } else if (kind === 'header') {
      const piece = header(request.headers, part.text);
      if (piece === undefined) return 'malformed_signature';
      text += piece;
    } else if (kind === 'json') {
      const piece = stringAt(json, part.path);
      if (piece === undefined) return 'malformed_signature';
      text += piece;
    } else if (kind === 'method') {
      text += 'POST';
    } else {
      if (request.publicUrl === undefined || request.publicUrl === '') return 'no_secret';
      text += request.publicUrl;
    }
  }
  if (signatures !== undefined ? !anyOfLength(signatures, plan.encodedLength) : value.length - start !== plan.encodedLength) return 'invalid_signature';
  for (const secret of secrets) {
    const key = keyOf(secret);
    if (key === null) continue;
    const hmac = createHmac(plan.algorithm, key);
    if (text !== '') hmac.update(text);
    if (signsBody) hmac.update(request.body);
    const digest = hmac.digest(plan.encoding);
    if (signatures !== undefined ? matchesAny(digest, signatures, plan.foldHexCase) : matchesAt(digest, value, start, plan.foldHexCase)) return 'valid';
  }
  return 'invalid_signature';
}

// ---- parsing ----

/** Most reads at most this many numbered headers (DocuSign sends one per key, up to 100). */
const MAX_NUMBERED_HEADERS = 100;

/** The signature values: from the body, from `<header>-1` … `<header>-<n>`, or from the header. */
function rawSignatures(plan: Plan, headers: Headers, json: unknown): string[] {
  if (plan.signaturePath !== undefined) {
    const value = stringAt(json, plan.signaturePath);
    return value !== undefined ? [value] : [];
  }
  if (plan.numberedPrefix !== '') {
    // The request's few headers are scanned, rather than up to 100 names looked up.
    const values: string[] = [];
    const prefix = plan.numberedPrefix;
    const count = plan.numberedCount;
    for (const name in headers) {
      if (!name.startsWith(prefix) || !Object.prototype.hasOwnProperty.call(headers, name)) continue;
      const n = numberedSuffix(name, prefix.length);
      const value = header(headers, name);
      if (n !== undefined && n <= count && value !== undefined) values.push(value);
    }
    return values;
  }
  const value = header(headers, plan.header);
  return value !== undefined ? [value] : [];
}

/** n of a header name ending in `-<n>` after `at` (`/^[1-9][0-9]{0,2}$/`), or undefined. */
function numberedSuffix(name: string, at: number): number | undefined {
  const length = name.length - at;
  if (length < 1 || length > 3) return undefined;
  let n = 0;
  for (let i = at; i < name.length; i++) {
    const digit = name.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9 || (i === at && digit === 0)) return undefined;
    n = n * 10 + digit;
  }
  return n;
}

/** The siblings shape of a direct plan (Plan.siblings), if it has it. */
function siblingsOf(plan: Plan): Siblings | undefined {
  const [first, second] = plan.parts;
  const signature = plan.signaturePath;
  const timestamp = plan.timestampPath;
  if (!plan.direct || plan.list !== undefined || plan.prefix !== '' || plan.timestampHeader !== undefined || signature === undefined
    || timestamp === undefined || plan.parts.length !== 2 || first.kind !== 'ts' || second.kind !== 'json') return undefined;
  const parent = signature.slice(0, -1);
  const sameParent = (path: readonly string[]) => path.length === signature.length && parent.every((segment, i) => path[i] === segment);
  if (!sameParent(timestamp) || !sameParent(second.path)) return undefined;
  const last = (path: readonly string[]) => path[path.length - 1];
  return { parent, signature: last(signature), timestamp: last(timestamp), value: last(second.path) };
}

/**
 * verifyDirect for a siblings plan, in the same order with the same verdicts, the three members
 * read from their object found once; the HMAC over the timestamp and the value.
 */
function verifySiblings(
  plan: Plan, siblings: Siblings, secrets: readonly string[], keyOf: KeyOf, request: SignedRequest,
): RejectionReason | 'valid' {
  const object = memberAt(jsonOf(request), siblings.parent, siblings.parent.length);
  const value = signedString(member(object, siblings.signature));
  if (value === undefined) return 'missing_signature';
  const timestamp = signedString(member(object, siblings.timestamp));
  const problem = checkTimestamp(timestamp, plan.unit, request.nowSeconds, request.toleranceSeconds);
  if (problem !== undefined) return problem;
  const signed = signedString(member(object, siblings.value));
  if (signed === undefined) return 'malformed_signature';
  if (value.length !== plan.encodedLength) return 'invalid_signature';
  const text = (timestamp ?? '') + signed;
  for (const secret of secrets) {
    const key = keyOf(secret);
    if (key === null) continue;
    if (matchesAt(createHmac(plan.algorithm, key).update(text).digest(plan.encoding), value, 0, plan.foldHexCase)) return 'valid';
  }
  return 'invalid_signature';
}

/** The parsed body: the caller's parse when it gave one, else parsed here; undefined when it is not JSON. */
function jsonOf(request: SignedRequest): unknown {
  const parsed = request.json ?? parseJsonBody(request.body);
  return parsed.ok ? parsed.body.value : undefined;
}

/** Whether verifying a configuration reads the JSON body (a signature, timestamp or signed value in it). */
export function readsJsonBody(config: SchemeConfig): boolean {
  return planOf(config).needsJson;
}

/** A bounded cache: the oldest entry goes when it is full. */
export function memoised<V>(cache: Map<string, V>, key: string, compute: () => V): V {
  if (cache.has(key)) return cache.get(key) as V;
  const value = compute();
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}
