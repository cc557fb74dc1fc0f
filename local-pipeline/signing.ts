/**
 * Signs webhook deliveries the way each provider does, with node:crypto only (independently of
 * src/providers/verify.ts, which it exercises), and builds sample deliveries. Shared by the demo
 * and the tests.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { ProviderRuntimeConfig } from '../src/providers/provider-config';

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
}

/** The signature headers `config`'s provider sends for `body`, signed with `secret`. */
export function signatureHeaders(config: ProviderRuntimeConfig, secret: string, body: Buffer, options: SignOptions = {}): Record<string, string> {
  const t = String(options.timestamp ?? Math.floor(Date.now() / 1000));
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
    case 'hmac': {
      const hmac = config.hmac!;
      const signedPrefix = hmac.timestampHeader !== undefined ? `${t}.` : '';
      const signature = `${hmac.prefix ?? ''}${mac(hmac.algorithm, secret, signedPrefix).toString(hmac.encoding)}`;
      return { [hmac.header]: signature, ...(hmac.timestampHeader !== undefined ? { [hmac.timestampHeader]: t } : {}) };
    }
    case 'api-key':
      return { [config.apiKeyHeader!]: secret };
    default:
      return {};
  }
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
  const body = options.body ?? Buffer.from(JSON.stringify(json), 'utf8');
  const signed = signatureHeaders(config, secret, body, { timestamp: options.timestamp, deliveryId: options.deliveryId });
  return { provider: config.name, headers: { ...headers, ...signed }, body };
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
  const signatureHeader = {
    'stripe': 'Stripe-Signature',
    'github': 'X-Hub-Signature-256',
    'shopify': 'X-Shopify-Hmac-Sha256',
    'slack': 'X-Slack-Signature',
    'standard-webhooks': 'webhook-signature',
    'hmac': config.hmac?.header,
    'api-key': config.apiKeyHeader,
  }[config.scheme as string];
  if (signatureHeader === undefined) throw new Error(`provider ${config.name} has no signature to break`);
  const value = delivery.headers[signatureHeader];
  // Change one character well inside the signature to another digit valid in hex and base64,
  // so the header stays well-formed and only the signature is wrong.
  const i = value.length - 5;
  const flipped = value.slice(0, i) + (value[i] === '0' ? '1' : '0') + value.slice(i + 1);
  return { ...delivery, headers: { ...delivery.headers, [signatureHeader]: flipped } };
}
