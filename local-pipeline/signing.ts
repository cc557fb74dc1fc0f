/**
 * Signs webhook deliveries the way each provider does, with node:crypto only (independently of
 * src/providers/verify.ts, which it exercises), and builds sample deliveries. Shared by the demo
 * and the tests.
 */
import { createHmac, createPrivateKey, createPublicKey, randomUUID, sign as signWithKey, type KeyObject } from 'node:crypto';
import type { HmacSchemeConfig, ProviderRuntimeConfig, PublicKeySchemeConfig } from '../src/providers/provider-config';

type Headers = Readonly<Record<string, string>>;
type EngineSettings = HmacSchemeConfig | PublicKeySchemeConfig;

export interface Delivery {
  readonly provider: string;
  /** Header names as a provider sends them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface SignOptions {
  /** Unix seconds of signing. @default now */
  readonly timestamp?: number;
  /** The delivery id for schemes that sign it (Standard Webhooks). */
  readonly deliveryId?: string;
  /** Headers the delivery already carries, for templates that sign one (`{h:<name>}`, Twitch's message id). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Fixed key pairs of the local app's public-key providers (test keys, never used anywhere else):
 * the app configures the public halves, the signer signs with the private ones.
 */
const ed25519FromSeed = (seed: Buffer) => createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
const ED25519_PRIVATE = ed25519FromSeed(Buffer.from('6c6f63616c2d706970656c696e652d656432353531392d746573742d6b657921', 'hex'));
const ECDSA_PRIVATE = createPrivateKey({
  key: Buffer.from('MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgz05x0SS0qJHQ772FP7agkDEbE9AV3W3bI5zhRPcBqWahRANCAASKzIAIYJMTjVqF8DjjGf8pxHrWfqP02yh3zrHofhSb9igS1GZztKU/lTVJOTenrC2q+JM03nmAWDm95Ip5R6Bz', 'base64'),
  format: 'der',
  type: 'pkcs8',
});
const rawEd25519 = (key: KeyObject) => key.export({ format: 'der', type: 'spki' }).subarray(-32);

/** The public keys of the local app's public-key providers, in the forms the providers show them. */
export const LOCAL_PUBLIC_KEYS = {
  /** Discord's form: hex of the raw 32-byte key. */
  ed25519Hex: rawEd25519(createPublicKey(ED25519_PRIVATE)).toString('hex'),
  /** Standard Webhooks' form: `whpk_` + base64 of the raw key. */
  ed25519Whpk: `whpk_${rawEd25519(createPublicKey(ED25519_PRIVATE)).toString('base64')}`,
  /** SendGrid's form: base64 DER SubjectPublicKeyInfo. */
  ecdsaP256: createPublicKey(ECDSA_PRIVATE).export({ format: 'der', type: 'spki' }).toString('base64'),
} as const;

/** The seed of the local Discord application's Ed25519 key (the app's `discord` provider, with handshakes; test value only). */
export const LOCAL_DISCORD_SEED = Buffer.alloc(32, 7);

/** The local Discord application's key pair, from LOCAL_DISCORD_SEED. */
export function localDiscordKey(): { readonly privateKey: KeyObject; readonly publicKeyHex: string } {
  const privateKey = ed25519FromSeed(LOCAL_DISCORD_SEED);
  return { privateKey, publicKeyHex: rawEd25519(createPublicKey(privateKey)).toString('hex') };
}

/** The Ed25519 private key whose public half `config` is configured with (the Discord application's, else the signer's). */
function ed25519PrivateFor(config: ProviderRuntimeConfig): KeyObject {
  const discord = localDiscordKey();
  return config.publicKey?.publicKey === discord.publicKeyHex ? discord.privateKey : ED25519_PRIVATE;
}

/** The public URL the local app's URL-signing providers are configured with (and sign). */
export const LOCAL_PUBLIC_URL = 'https://webhooks.local.example/webhook';

/**
 * The signature headers `config`'s provider sends for `body`, signed with `secret` (for a
 * public-key provider: signed with the private key of its configured public key).
 */
export function signatureHeaders(config: ProviderRuntimeConfig, secret: string, body: Buffer, options: SignOptions = {}): Record<string, string> {
  const seconds = options.timestamp ?? Math.floor(Date.now() / 1000);
  const t = String(seconds);
  const mac = (algorithm: string, key: string | Buffer, prefix: string) => createHmac(algorithm, key).update(prefix).update(body).digest();
  switch (config.scheme) {
    case 'stripe':
      return { 'Stripe-Signature': `t=${t},v1=${mac('sha256', secret, `${t}.`).toString('hex')}` };
    case 'github':
      return { 'X-Hub-Signature-256': `sha256=${mac('sha256', secret, '').toString('hex')}` };
    case 'shopify':
      return { 'X-Shopify-Hmac-Sha256': mac('sha256', secret, '').toString('base64') };
    case 'slack':
      return { 'X-Slack-Request-Timestamp': t, 'X-Slack-Signature': `v0=${mac('sha256', secret, `v0:${t}:`).toString('hex')}` };
    case 'standard-webhooks': {
      const id = options.deliveryId ?? `msg_${randomUUID()}`;
      const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
      return { 'webhook-id': id, 'webhook-timestamp': t, 'webhook-signature': `v1,${mac('sha256', key, `${id}.${t}.`).toString('base64')}` };
    }
    case 'hmac':
    case 'public-key':
      return templateSignature(config, secret, body, seconds, options.headers ?? {});
    case 'api-key':
      return { [config.apiKeyHeader!]: secret };
    case 'basic-auth':
      return { Authorization: `Basic ${Buffer.from(secret, 'utf8').toString('base64')}` };
    default:
      return {};
  }
}

/** The settings of a generic-engine provider (HMAC or public key). */
function engineSettings(config: ProviderRuntimeConfig): HmacSchemeConfig | PublicKeySchemeConfig {
  const settings = config.scheme === 'public-key' ? config.publicKey : config.hmac;
  if (settings === undefined) throw new Error(`provider ${config.name} has no ${config.scheme} settings`);
  return settings;
}

/** The timestamp as the provider writes it. */
function writtenTimestamp(settings: HmacSchemeConfig | PublicKeySchemeConfig, seconds: number): string {
  switch (settings.timestampUnit) {
    case 'ms': return String(seconds * 1000);
    // RFC 3339 with nanoseconds, as Twitch writes it (Zendesk writes whole seconds; both parse).
    case 'iso': return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '.000000000Z');
    default: return String(seconds);
  }
}

/**
 * The generic engine's signature, computed from the provider's own settings: the signed content
 * rendered from its template (written here independently of src/providers/signed-content.ts),
 * HMAC'd with the (decoded) secret or signed with the private key, and placed where the provider
 * puts it: a header (with its prefix, in its list, or numbered) and the timestamp header.
 * Providers that carry the signature in the body are signed by `sampleDelivery`.
 */
function templateSignature(config: ProviderRuntimeConfig, secret: string, body: Buffer, seconds: number, headers: Headers): Record<string, string> {
  const settings = engineSettings(config);
  const ts = writtenTimestamp(settings, seconds);
  const signature = signContent(config, secret, signedContent(config, settings, body, ts, headers));
  const out: Record<string, string> = {};
  if (settings.timestampHeader !== undefined) out[settings.timestampHeader] = ts;
  if (settings.signatureJsonPath !== undefined) return out;
  if (settings.list !== undefined) {
    const { separator, keySeparator, signatureKey, timestampKey } = settings.list;
    const entries = [...(timestampKey !== undefined ? [`${timestampKey}${keySeparator}${ts}`] : []), `${signatureKey}${keySeparator}${signature}`];
    out[settings.header] = entries.join(separator);
  } else {
    out[settings.numberedHeaders !== undefined ? `${settings.header}-1` : settings.header] = `${settings.prefix ?? ''}${signature}`;
  }
  return out;
}

/** The bytes the provider signs: its template with each placeholder filled in. */
function signedContent(config: ProviderRuntimeConfig, settings: EngineSettings, body: Buffer, ts: string, headers: Headers): Buffer {
  const template = settings.content ?? (settings.timestampHeader !== undefined ? '{ts}.{body}' : '{body}');
  const lowerHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const json = template.includes('{j:') ? JSON.parse(body.toString('utf8')) : undefined;
  const pieces = template.split(/(\{[^{}]+\})/).filter((piece) => piece !== '').map((piece): Buffer => {
    switch (piece) {
      case '{body}': return body;
      case '{ts}': return Buffer.from(ts);
      case '{url}': return Buffer.from(config.publicUrl ?? '');
      case '{method}': return Buffer.from('POST');
      case '{form}': return Buffer.from(twilioForm(body));
      default:
        if (piece.startsWith('{h:')) return Buffer.from(lowerHeaders[piece.slice(3, -1)] ?? '');
        if (piece.startsWith('{j:')) return Buffer.from(String(piece.slice(3, -1).split('.').reduce((node, key) => node?.[key], json)));
        return Buffer.from(piece);
    }
  });
  return Buffer.concat(pieces);
}

/** Twilio's parameters: sorted by name, each name followed by its value. */
function twilioForm(body: Buffer): string {
  const params = [...new URLSearchParams(body.toString('utf8'))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return params.map(([name, value]) => name + value).join('');
}

/** The encoded signature of `content`: an HMAC with the secret as the provider keys it, or a public-key signature. */
function signContent(config: ProviderRuntimeConfig, secret: string, content: Buffer): string {
  if (config.scheme === 'public-key') {
    const settings = config.publicKey!;
    const signature = settings.algorithm === 'ed25519'
      ? signWithKey(null, content, ed25519PrivateFor(config))
      : signWithKey('sha256', content, { key: ECDSA_PRIVATE, dsaEncoding: 'der' });
    return signature.toString(settings.encoding);
  }
  const settings = config.hmac!;
  const key = settings.keyEncoding !== undefined ? Buffer.from(secret, settings.keyEncoding) : secret;
  return createHmac(settings.algorithm, key).update(content).digest(settings.encoding);
}

export interface SampleOptions {
  /** The provider's own delivery id. */
  readonly deliveryId: string;
  readonly eventType?: string;
  /** A body to send as is; by default a small JSON event carrying the id and type where the provider puts them. */
  readonly body?: Buffer;
  readonly contentType?: string;
  readonly timestamp?: number;
  /** Extra fields of the default JSON body. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** A signed delivery as `config`'s provider would send it. */
export function sampleDelivery(config: ProviderRuntimeConfig, secret: string, options: SampleOptions): Delivery {
  const eventType = options.eventType ?? 'sample.event';
  const headers: Record<string, string> = { 'Content-Type': options.contentType ?? 'application/json', 'User-Agent': `${config.name}-sender/1.0` };
  const json: Record<string, unknown> = { ...options.data };
  placeField(config.eventId, options.deliveryId, headers, json);
  placeField(config.eventType, eventType, headers, json);
  if (config.scheme === 'slack') {
    json.type ??= 'event_callback';
    json.team_id ??= 'T0LOCAL';
  }
  const seconds = options.timestamp ?? Math.floor(Date.now() / 1000);
  const settings = config.scheme === 'hmac' || config.scheme === 'public-key' ? engineSettings(config) : undefined;
  if (settings !== undefined && options.body === undefined) {
    fillBodyBorneFields(config, settings, secret, json, seconds);
  }
  const form = settings?.content?.includes('{form}') === true && options.body === undefined;
  if (form) {
    // A form post (Twilio's) always has parameters of its own.
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    json.AccountSid ??= 'AC00000000000000000000000000local';
  }
  if (config.scheme === 'client-state' && options.body === undefined) {
    // Microsoft Graph: notifications in `value`, each carrying the subscription's clientState.
    const first = (json.value as Record<string, unknown> | undefined)?.['0'] as Record<string, unknown> | undefined;
    json.value = [{ ...first, subscriptionId: 'local-subscription', clientState: secret }];
  }
  const body = options.body ?? Buffer.from(form ? new URLSearchParams(json as Record<string, string>).toString() : JSON.stringify(json), 'utf8');
  const signed = signatureHeaders(config, secret, body, { timestamp: seconds, deliveryId: options.deliveryId, headers });
  return { provider: config.name, headers: { ...headers, ...signed }, body };
}

/**
 * What some providers carry in the body rather than in headers: the signed timestamp (Linear's
 * `webhookTimestamp` in milliseconds, Mailgun's `signature.timestamp`), the other signed values
 * (Mailgun's `signature.token`), and the signature itself (Mailgun's `signature.signature`).
 */
function fillBodyBorneFields(
  config: ProviderRuntimeConfig, settings: EngineSettings, secret: string, json: Record<string, unknown>, seconds: number,
): void {
  if (settings.timestampJsonPath !== undefined) {
    setPath(json, settings.timestampJsonPath, settings.timestampUnit === 'ms' ? seconds * 1000 : String(seconds));
  }
  for (const match of (settings.content ?? '').matchAll(/\{j:([^{}]+)\}/g)) {
    setPath(json, match[1], randomUUID().replace(/-/g, ''));
  }
  if (settings.signatureJsonPath !== undefined) {
    const ts = writtenTimestamp(settings, seconds);
    const unsigned = Buffer.from(JSON.stringify(json), 'utf8');
    setPath(json, settings.signatureJsonPath, signContent(config, secret, signedContent(config, settings, unsigned, ts, {})));
  }
}

function setPath(json: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = json;
  for (const part of parts.slice(0, -1)) {
    node = (node[part] ??= {}) as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** Puts a value where the provider carries it: a header, or a dotted path of the JSON body. */
function placeField(location: ProviderRuntimeConfig['eventId'], value: string, headers: Record<string, string>, json: Record<string, unknown>): void {
  if (location?.header !== undefined) {
    headers[location.header] = value;
    return;
  }
  if (location?.jsonPath === undefined) return;
  const parts = location.jsonPath.split('.');
  let node = json;
  for (const part of parts.slice(0, -1)) {
    node = (node[part] ??= {}) as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** The same delivery with its signature broken (one changed character), everything else intact. */
export function withBadSignature(config: ProviderRuntimeConfig, delivery: Delivery): Delivery {
  const settings = config.scheme === 'hmac' || config.scheme === 'public-key' ? engineSettings(config) : undefined;
  if (settings?.signatureJsonPath !== undefined) {
    // The body carries the signature (Mailgun): break it there.
    const json = JSON.parse(delivery.body.toString('utf8'));
    const parts = settings.signatureJsonPath.split('.');
    const holder = parts.slice(0, -1).reduce((node, key) => node[key], json);
    const last = parts[parts.length - 1];
    holder[last] = flipOne(String(holder[last]));
    return { ...delivery, body: Buffer.from(JSON.stringify(json), 'utf8') };
  }
  if (config.scheme === 'client-state') {
    // Nothing is signed: the body's clientState is what is checked. Break it there.
    const json = JSON.parse(delivery.body.toString('utf8')) as { value: Array<{ clientState: string }> };
    json.value[0].clientState = flipOne(json.value[0].clientState);
    return { ...delivery, body: Buffer.from(JSON.stringify(json), 'utf8') };
  }
  const signatureHeader = {
    'stripe': 'Stripe-Signature',
    'github': 'X-Hub-Signature-256',
    'shopify': 'X-Shopify-Hmac-Sha256',
    'slack': 'X-Slack-Signature',
    'standard-webhooks': 'webhook-signature',
    'hmac': settings !== undefined && settings.numberedHeaders !== undefined ? `${settings.header}-1` : settings?.header,
    'public-key': settings?.header,
    'api-key': config.apiKeyHeader,
    'basic-auth': 'Authorization',
  }[config.scheme as string];
  if (signatureHeader === undefined) throw new Error(`provider ${config.name} has no signature to break`);
  const value = delivery.headers[signatureHeader];
  return { ...delivery, headers: { ...delivery.headers, [signatureHeader]: flipOne(value) } };
}

/** One character well inside a signature changed to another digit valid in hex and base64. */
function flipOne(value: string): string {
  // Well inside, so the header stays well-formed and only the signature is wrong.
  const i = value.length - 5;
  return value.slice(0, i) + (value[i] === '0' ? '1' : '0') + value.slice(i + 1);
}
