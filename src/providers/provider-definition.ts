/**
 * What a WebhookProvider is made of before synthesis (its definition), and what the construct
 * does with it: the definitions of the factories (presets.ts's data, the options given), the
 * validation of the settings with messages naming the options, and the configuration the ingest
 * function reads. The public class with one static factory per preset is in webhook-provider.ts.
 * Library code: never imported by the handlers.
 */
import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { HandshakeKind } from './handshake-kinds';
import type { PayloadSchema } from './payload-schema';
import { presetNamed, type PresetDefinition } from './presets';
import type { FieldLocation, ProviderRuntimeConfig } from './provider-config';
import {
  SignatureScheme,
  type PayloadValidationOptions, type ProviderSecretOptions, type PublicKeyPresetOptions, type WebhookProviderOptions,
} from './provider-options';
import { unknownPlaceholders } from './template-placeholders';

/** The default replay window where a scheme signs no timestamp. */
export const DEFAULT_REPLAY_WINDOW = Duration.days(7);
const MAX_REPLAY_WINDOW_DAYS = 365;

export interface ProviderDefinition {
  readonly name: string;
  readonly scheme: SignatureScheme;
  readonly secrets: secretsmanager.ISecret[];
  readonly secretsEncryptionKey?: kms.IKey;
  readonly tolerance?: Duration;
  readonly replayWindow?: Duration;
  readonly hmac?: ProviderRuntimeConfig['hmac'];
  readonly apiKeyHeader?: string;
  readonly eventId?: FieldLocation;
  readonly eventType?: FieldLocation;
  readonly schema?: PayloadSchema;
  readonly eventSchemas?: Readonly<Record<string, PayloadSchema>>;
  readonly publicKey?: ProviderRuntimeConfig['publicKey'];
  readonly publicUrl?: string;
  readonly preset?: string;
  /** The prop that must name the public URL when the signed content includes it. */
  readonly needsPublicUrl?: boolean;
  /** The handshake the ingest function answers. */
  readonly handshake?: HandshakeKind;
  /** Secrets the handshake checks besides the signing secrets (Meta's verify token). */
  readonly handshakeSecrets?: secretsmanager.ISecret[];
}

/** Problems with a provider's settings, as messages naming the option (WebhookProvider._validate). */
export function definitionProblems(definition: ProviderDefinition): string[] {
  const errors: string[] = [];
  const who = `WebhookProvider '${definition.name}'`;
  if (!Token.isUnresolved(definition.name) && !/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(definition.name)) {
    errors.push(`${who}: 'name' must be 1-32 lower-case letters, digits or '-', not starting or ending with '-'.`);
  }
  const inlineKey = definition.publicKey?.publicKey !== undefined;
  if (definition.scheme === SignatureScheme.PUBLIC_KEY && inlineKey === (definition.secrets.length > 0)) {
    errors.push(`${who}: set exactly one of 'publicKey' and 'secrets'.`);
  } else if (definition.scheme !== SignatureScheme.UNVERIFIED && !inlineKey && definition.secrets.length === 0) {
    errors.push(`${who}: 'secrets' must list at least one secret (use WebhookProvider.unverified() to accept unsigned deliveries).`);
  }
  if (definition.secrets.length > 5) {
    errors.push(`${who}: 'secrets' lists ${definition.secrets.length} secrets; at most 5 are allowed (two are enough for a rotation).`);
  }
  const tolerance = definition.tolerance?.toSeconds();
  if (tolerance !== undefined && (tolerance < 1 || tolerance > 3600)) {
    errors.push(`${who}: 'tolerance' must be between 1 second and 1 hour.`);
  }
  const replayWindow = definition.replayWindow?.toSeconds();
  if (replayWindow !== undefined && replayWindow !== 0 && (replayWindow < 60 || replayWindow > MAX_REPLAY_WINDOW_DAYS * 86400)) {
    errors.push(`${who}: 'replayWindow' must be 0 (off) or between 1 minute and ${MAX_REPLAY_WINDOW_DAYS} days.`);
  }
  if (definition.needsPublicUrl && (definition.publicUrl === undefined || definition.publicUrl === '')) {
    errors.push(`${who}: 'publicUrl' is required: the provider signs the URL it posts to, which the ingest function cannot see behind API Gateway (custom domains, stages and proxies change it).`);
  }
  if (definition.publicUrl !== undefined && !Token.isUnresolved(definition.publicUrl) && !/^https?:\/\/[^\s]+$/.test(definition.publicUrl)) {
    errors.push(`${who}: 'publicUrl' must be an absolute http(s) URL, exactly as configured at the provider.`);
  }
  const template = definition.hmac?.content ?? definition.publicKey?.content;
  const unknown = template === undefined || definition.preset !== undefined ? [] : unknownPlaceholders(template);
  if (unknown.length > 0) {
    errors.push(`${who}: 'signedContent' has unknown placeholders ${unknown.join(', ')}; use {body}, {ts}, {url}, {method}, {form}, {h:<header>} or {j:<path>}.`);
  }
  if (definition.publicKey !== undefined && !isHeaderName(definition.publicKey.header)) {
    errors.push(`${who}: 'signatureHeader' must be a valid HTTP header name.`);
  }
  if (definition.hmac !== undefined && definition.hmac.signatureJsonPath === undefined && !isHeaderName(definition.hmac.header)) {
    errors.push(`${who}: 'signatureHeader' must be a valid HTTP header name.`);
  }
  if (definition.hmac?.timestampHeader !== undefined && !isHeaderName(definition.hmac.timestampHeader)) {
    errors.push(`${who}: 'timestampHeader' must be a valid HTTP header name.`);
  }
  if (definition.apiKeyHeader !== undefined && !isHeaderName(definition.apiKeyHeader)) {
    errors.push(`${who}: 'header' must be a valid HTTP header name.`);
  }
  for (const [field, where] of [['eventId', definition.eventId], ['eventType', definition.eventType]] as const) {
    if (where?.header !== undefined && where.jsonPath !== undefined) {
      errors.push(`${who}: '${field}Header' and '${field}JsonPath' are both set; set only one, so that it is clear where the ${field === 'eventId' ? 'delivery id' : 'event type'} comes from.`);
    }
    const problem = where?.jsonPath === undefined ? undefined : jsonPathProblem(where.jsonPath);
    if (problem !== undefined) {
      errors.push(`${who}: '${field}JsonPath' ('${where!.jsonPath}') ${problem}`);
    }
  }
  if (definition.handshake === 'asana' && definition.secrets.length !== 1) {
    errors.push(`${who}: 'secrets' must list exactly one secret: the handshake stores the webhook's secret in it.`);
  }
  errors.push(...schemaProblems(definition, who));
  return errors;
}

function schemaProblems(definition: ProviderDefinition, who: string): string[] {
  const { schema, eventSchemas } = definition;
  const errors: string[] = [];
  const problem = schema?._problem();
  if (problem !== undefined) errors.push(`${who}: 'schema' cannot be used: ${problem}`);
  if (eventSchemas === undefined) return errors;
  if (definition.eventType === undefined) {
    errors.push(`${who}: 'eventSchemas' needs an event type, but the provider records none; set 'eventTypeHeader' or 'eventTypeJsonPath', or use 'schema'.`);
  }
  for (const [type, typeSchema] of Object.entries(eventSchemas)) {
    if (type === '') errors.push(`${who}: 'eventSchemas' has an empty event type; name the type each schema applies to.`);
    const typeProblem = typeSchema._problem();
    if (typeProblem !== undefined) errors.push(`${who}: 'eventSchemas' ('${type}') cannot be used: ${typeProblem}`);
  }
  return errors;
}

/** The configuration the ingest function in `scope` reads (WebhookProvider._runtimeConfig). */
export function runtimeConfigOf(d: ProviderDefinition, defaultTolerance: Duration, scope: IConstruct): ProviderRuntimeConfig {
  const replayWindowSeconds = d.replayWindow?.toSeconds() ?? 0;
  return {
    name: d.name,
    scheme: d.scheme,
    secretArns: d.secrets.map((s) => secretId(s, scope)),
    toleranceSeconds: (d.tolerance ?? defaultTolerance).toSeconds(),
    ...(replayWindowSeconds > 0 ? { replayWindowSeconds } : {}),
    ...(d.hmac !== undefined ? { hmac: d.hmac } : {}),
    ...(d.apiKeyHeader !== undefined ? { apiKeyHeader: d.apiKeyHeader } : {}),
    ...(d.publicKey !== undefined ? { publicKey: d.publicKey } : {}),
    ...(d.publicUrl !== undefined ? { publicUrl: d.publicUrl } : {}),
    ...(d.preset !== undefined ? { preset: d.preset } : {}),
    ...(d.eventId !== undefined ? { eventId: d.eventId } : {}),
    ...(d.eventType !== undefined ? { eventType: d.eventType } : {}),
    ...(d.handshake !== undefined ? { handshake: d.handshake } : {}),
    ...(d.handshakeSecrets !== undefined ? { handshakeSecretArns: d.handshakeSecrets.map((s) => secretId(s, scope)) } : {}),
  };
}

/**
 * How the ingest function in `scope` addresses a secret: by name when it was imported by name in
 * the function's own account and Region, which saves the 60-odd characters of the ARN in the
 * 4 KB environment ("SecretId: The ARN or name of the secret to retrieve. To retrieve a secret
 * from another account, you must use an ARN."
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html);
 * otherwise by its ARN.
 */
function secretId(secret: secretsmanager.ISecret, scope: IConstruct): string {
  if (secret.secretFullArn !== undefined) return secret.secretArn;
  const stack = Stack.of(scope);
  const ownArn = stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: secret.secretName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const same = JSON.stringify(stack.resolve(ownArn)) === JSON.stringify(stack.resolve(secret.secretArn));
  return same ? secret.secretName : secret.secretArn;
}

export function base(
  options: ProviderSecretOptions & PayloadValidationOptions & { readonly name?: string },
  defaultName: string,
  scheme: SignatureScheme,
  defaultReplayWindow?: Duration,
): ProviderDefinition {
  const replayWindow = options.replayWindow ?? defaultReplayWindow;
  return {
    name: options.name ?? defaultName,
    scheme,
    secrets: [...options.secrets],
    ...(options.secretsEncryptionKey !== undefined ? { secretsEncryptionKey: options.secretsEncryptionKey } : {}),
    ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
    ...(replayWindow !== undefined ? { replayWindow } : {}),
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
    ...(options.eventSchemas !== undefined ? { eventSchemas: { ...options.eventSchemas } } : {}),
  };
}

/** The route name of a preset: its factory name in kebab case (`lemonSqueezy` → `lemon-squeezy`). */
export function presetRouteName(factory: string): string {
  return factory.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
}

/** A named provider from its definition in presets.ts. */
export function preset(factory: string, options: WebhookProviderOptions & { readonly publicUrl?: string }): ProviderDefinition {
  const p = presetNamed(factory) as PresetDefinition;
  const timed = p.hmac?.timestampHeader !== undefined || p.hmac?.list?.timestampKey !== undefined || p.hmac?.timestampJsonPath !== undefined
    || ['stripe', 'slack', 'standard-webhooks'].includes(p.scheme);
  return {
    ...base(options, presetRouteName(factory), p.scheme as SignatureScheme, timed || p.scheme === 'api-key' ? undefined : DEFAULT_REPLAY_WINDOW),
    ...(options.tolerance === undefined && p.toleranceSeconds !== undefined ? { tolerance: Duration.seconds(p.toleranceSeconds) } : {}),
    preset: factory,
    ...(p.hmac !== undefined ? { hmac: p.hmac } : {}),
    ...(p.apiKeyHeader !== undefined ? { apiKeyHeader: p.apiKeyHeader } : {}),
    ...(p.eventId !== undefined ? { eventId: p.eventId } : {}),
    ...(p.eventType !== undefined ? { eventType: p.eventType } : {}),
    ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
    needsPublicUrl: p.signsUrl === true,
    ...(p.answers !== undefined ? { handshake: p.answers } : {}),
  };
}

export function publicKeyBase(options: PublicKeyPresetOptions, name: string): ProviderDefinition {
  return {
    name,
    scheme: SignatureScheme.PUBLIC_KEY,
    secrets: [...(options.secrets ?? [])],
    ...(options.secretsEncryptionKey !== undefined ? { secretsEncryptionKey: options.secretsEncryptionKey } : {}),
    ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
  };
}

/** A named public-key provider: the preset's settings with the key given inline or in secrets. */
export function publicKeyPreset(factory: string, options: PublicKeyPresetOptions): ProviderDefinition {
  const p = presetNamed(factory) as PresetDefinition;
  return {
    ...publicKeyBase(options, options.name ?? presetRouteName(factory)),
    preset: factory,
    publicKey: { ...p.publicKey!, ...(options.publicKey !== undefined ? { publicKey: options.publicKey } : {}) },
    ...(p.answers !== undefined ? { handshake: p.answers } : {}),
    ...(p.eventId !== undefined ? { eventId: p.eventId } : {}),
    ...(p.eventType !== undefined ? { eventType: p.eventType } : {}),
  };
}

export function location(header: string | undefined, jsonPath: string | undefined): FieldLocation | undefined {
  if (header === undefined && jsonPath === undefined) return undefined;
  return {
    ...(header !== undefined ? { header: header.toLowerCase() } : {}),
    ...(jsonPath !== undefined ? { jsonPath } : {}),
  };
}

function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name);
}

/**
 * Why a JSON path cannot be read by the ingest function, which follows a dotted path of own
 * property names (array elements by index, `items.0.id`) and nothing else (see `extractField` in
 * fields.ts): JSONPath syntax or an empty segment would silently never match.
 */
function jsonPathProblem(path: string): string | undefined {
  if (Token.isUnresolved(path)) return undefined;
  if (/^\$|[[\]*]/.test(path)) {
    return "uses JSONPath syntax; write a dotted path of property names instead, e.g. 'data.object.id' or 'items.0.id'.";
  }
  if (path.split('.').some((segment) => segment === '')) {
    return "has an empty segment; write property names separated by single dots, e.g. 'data.object.id'.";
  }
  return undefined;
}
