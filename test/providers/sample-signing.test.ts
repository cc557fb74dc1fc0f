/**
 * The local pipeline's sample generator (local-pipeline/signing.ts) signs a delivery for every
 * preset, from the preset's own configuration, and the verifier accepts it; the same delivery
 * with its signature broken is refused. The local tests then send a few of them through the real
 * ingest bundle through every front door (test/local/front-door-families.test.ts).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { LOCAL_PUBLIC_KEYS, LOCAL_PUBLIC_URL, localDiscordKey, sampleDelivery, withBadSignature } from '../../local-pipeline/signing';
import { WebhookProvider } from '../../src';
import { PRESETS, type PresetDefinition } from '../../src/providers/presets';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { decodeProviders, encodeProviders } from '../../src/providers/provider-encoding';
import { verifySignature } from '../../src/providers/verify';

const stack = new Stack(new App(), 'S');
const secret = new secretsmanager.Secret(stack, 'Secret');

/** A secret as each provider shows it. */
function secretFor(p: PresetDefinition): string {
  if (p.scheme === 'standard-webhooks') return `whsec_${Buffer.from('sample signing key 0123456789abcdef').toString('base64')}`;
  if (p.scheme === 'basic-auth') return 'hooks:pa55word';
  if (p.hmac?.keyEncoding === 'hex') return 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';
  if (p.hmac?.keyEncoding === 'base64') return Buffer.alloc(32, 9).toString('base64');
  return `${p.factory}-sample-secret`;
}

function publicKeyFor(p: PresetDefinition): string {
  if (p.publicKey?.algorithm === 'ecdsa-p256') return LOCAL_PUBLIC_KEYS.ecdsaP256;
  return p.publicKey?.list !== undefined ? LOCAL_PUBLIC_KEYS.ed25519Whpk : LOCAL_PUBLIC_KEYS.ed25519Hex;
}

function runtimeOf(p: PresetDefinition): ProviderRuntimeConfig {
  const factory = (WebhookProvider as unknown as Record<string, (options: object) => WebhookProvider>)[p.factory];
  const options = p.scheme === 'public-key'
    ? { publicKey: publicKeyFor(p) }
    : { secrets: [secret], verifyToken: secret, ...(p.signsUrl === true ? { publicUrl: `${LOCAL_PUBLIC_URL}/${p.factory}` } : {}) };
  const config = factory(options)._runtimeConfig(Duration.minutes(5), stack);
  return decodeProviders(JSON.stringify(encodeProviders([config], 300)))[0];
}

describe.each(PRESETS.map((p) => [p.factory, p] as const))('%s', (_factory, p) => {
  const config = runtimeOf(p);
  const key = secretFor(p);
  const keys = p.scheme === 'public-key' ? [] : [key];
  const now = Math.floor(Date.now() / 1000);
  const delivery = sampleDelivery(config, key, { deliveryId: `d-${p.factory}`, eventType: 'sample.event', timestamp: now });
  const lower = (headers: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

  test('the signed sample verifies', () => {
    expect(verifySignature(config, keys, lower(delivery.headers), delivery.body, now)).toEqual({ valid: true });
  });

  test('the sample with its signature broken is refused', () => {
    const broken = withBadSignature(config, delivery);
    expect(verifySignature(config, keys, lower(broken.headers), broken.body, now).valid).toBe(false);
  });
});

test('a provider configured with the local Discord application\'s key (the app\'s `discord`, with handshakes) is signed with that key', () => {
  const config = decodeProviders(JSON.stringify(encodeProviders([
    WebhookProvider.discord({ publicKey: localDiscordKey().publicKeyHex })._runtimeConfig(Duration.minutes(5), stack),
  ], 300)))[0];
  const now = Math.floor(Date.now() / 1000);
  const delivery = sampleDelivery(config, '', { deliveryId: 'd-discord-app', timestamp: now });
  const headers = Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k.toLowerCase(), v]));
  expect(verifySignature(config, [], headers, delivery.body, now)).toEqual({ valid: true });
});
