import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { PayloadSchema } from './payload-schema';
import { PRESET_FIELDS, type FieldLocation, type ProviderRuntimeConfig, type ProviderSchemas } from './provider-config';
import {
  HmacAlgorithm, SignatureEncoding, SignatureScheme,
  type ApiKeyProviderOptions, type HmacProviderOptions, type PayloadValidationOptions, type ProviderSecretOptions, type WebhookProviderOptions,
} from './provider-options';

// The enums, option structs and schemas are part of this module's public API (src/index.ts re-exports it).
export * from './provider-options';
export * from './payload-schema';

/** The default replay window where a scheme signs no timestamp. */
const DEFAULT_REPLAY_WINDOW = Duration.days(7);
const MAX_REPLAY_WINDOW_DAYS = 365;

interface ProviderDefinition {
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
}

/**
 * A webhook provider: the route it is delivered to, how its signatures are verified, and where
 * its delivery id (for deduplication) and event type are found.
 *
 * Each secret is a Secrets Manager secret holding the signing secret as the provider shows it;
 * list two during a rotation.
 *
 * @example
 * declare const current: secretsmanager.ISecret;
 * declare const previous: secretsmanager.ISecret;
 * const providers = [
 *   WebhookProvider.stripe({ secrets: [current, previous] }),
 *   WebhookProvider.github({ secrets: [current] }),
 *   WebhookProvider.shopify({ secrets: [current] }),
 *   WebhookProvider.slack({ secrets: [current] }),
 *   WebhookProvider.standardWebhooks({ name: 'svix', secrets: [current] }),
 *   WebhookProvider.hmac({
 *     name: 'acme',
 *     secrets: [current],
 *     signatureHeader: 'X-Acme-Signature',
 *     signaturePrefix: 'sha256=',
 *     timestampHeader: 'X-Acme-Timestamp',
 *     eventIdHeader: 'X-Acme-Delivery',
 *   }),
 *   WebhookProvider.apiKey({ name: 'legacy', secrets: [current], header: 'X-Api-Key' }),
 * ];
 */
export class WebhookProvider {
  /**
   * Stripe: `Stripe-Signature`; delivery id and type from the event body (`id`, `type`).
   *
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static stripe(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, 'stripe', SignatureScheme.STRIPE),
      ...PRESET_FIELDS.stripe,
    });
  }

  /**
   * GitHub: `X-Hub-Signature-256`; delivery id `X-GitHub-Delivery`, type `X-GitHub-Event`.
   * The signature covers the body only, so a replay window is on by default.
   *
   * @param options the provider's secrets, and its route name, tolerance and replay window when not the defaults
   */
  public static github(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, 'github', SignatureScheme.GITHUB, DEFAULT_REPLAY_WINDOW),
      ...PRESET_FIELDS.github,
    });
  }

  /**
   * Shopify: `X-Shopify-Hmac-SHA256`; delivery id `X-Shopify-Webhook-Id`, type `X-Shopify-Topic`.
   * The signature covers the body only, so a replay window is on by default.
   *
   * @param options the provider's secrets, and its route name, tolerance and replay window when not the defaults
   */
  public static shopify(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, 'shopify', SignatureScheme.SHOPIFY, DEFAULT_REPLAY_WINDOW),
      ...PRESET_FIELDS.shopify,
    });
  }

  /**
   * Slack Events API: `X-Slack-Signature`; delivery id `event_id`, type `event.type`.
   * URL verification requests are answered with their challenge and not enqueued.
   *
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static slack(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, 'slack', SignatureScheme.SLACK),
      ...PRESET_FIELDS.slack,
    });
  }

  /**
   * Standard Webhooks (and Svix, which implements it): `webhook-id`, `webhook-timestamp`,
   * `webhook-signature`, `whsec_` secrets; delivery id `webhook-id`, type from the body's `type`.
   * Svix's own names (`svix-id`, `svix-timestamp`, `svix-signature`) are read when the
   * `webhook-*` ones are absent, the delivery id included.
   *
   * @param options the provider's secrets, and its route name and tolerance when not the defaults
   */
  public static standardWebhooks(options: WebhookProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, 'standard-webhooks', SignatureScheme.STANDARD_WEBHOOKS),
      ...PRESET_FIELDS['standard-webhooks'],
    });
  }

  /**
   * Any provider that signs with an HMAC in a header.
   *
   * @param options the route name, secrets, signature header and encoding, and where the delivery id and event type are
   */
  public static hmac(options: HmacProviderOptions): WebhookProvider {
    const untimed = options.timestampHeader === undefined;
    return new WebhookProvider({
      ...base(options, options.name, SignatureScheme.HMAC, untimed ? DEFAULT_REPLAY_WINDOW : undefined),
      hmac: {
        header: options.signatureHeader.toLowerCase(),
        algorithm: options.algorithm ?? HmacAlgorithm.SHA256,
        encoding: options.encoding ?? SignatureEncoding.HEX,
        ...(options.signaturePrefix !== undefined ? { prefix: options.signaturePrefix } : {}),
        ...(options.timestampHeader !== undefined ? { timestampHeader: options.timestampHeader.toLowerCase() } : {}),
      },
      eventId: location(options.eventIdHeader, options.eventIdJsonPath),
      eventType: location(options.eventTypeHeader, options.eventTypeJsonPath),
    });
  }

  /**
   * A provider that authenticates with a shared key in a header.
   *
   * @param options the route name, secrets, key header, and where the delivery id and event type are
   */
  public static apiKey(options: ApiKeyProviderOptions): WebhookProvider {
    return new WebhookProvider({
      ...base(options, options.name, SignatureScheme.API_KEY),
      apiKeyHeader: options.header.toLowerCase(),
      eventId: location(options.eventIdHeader, options.eventIdJsonPath),
      eventType: location(undefined, options.eventTypeJsonPath),
    });
  }

  /**
   * A provider whose deliveries are accepted without any verification. Anyone who knows the
   * URL can post to it; the construct adds a synth-time warning.
   *
   * @param name the route segment: deliveries are sent to `POST /webhook/{name}`
   */
  public static unverified(name: string): WebhookProvider {
    return new WebhookProvider({ name, scheme: SignatureScheme.UNVERIFIED, secrets: [] });
  }

  /** The route segment: deliveries are sent to `POST /webhook/{name}`. */
  public readonly name: string;

  /** How deliveries are verified. */
  public readonly scheme: SignatureScheme;

  /** The signing secrets (empty for `unverified`). */
  public readonly secrets: secretsmanager.ISecret[];

  /** The customer managed key of the secrets, when given as `secretsEncryptionKey`. */
  public readonly secretsEncryptionKey?: kms.IKey;

  private readonly definition: ProviderDefinition;

  private constructor(definition: ProviderDefinition) {
    this.definition = definition;
    this.name = definition.name;
    this.scheme = definition.scheme;
    this.secrets = [...definition.secrets];
    this.secretsEncryptionKey = definition.secretsEncryptionKey;
  }

  /**
   * Problems with this provider's settings, as messages naming the option.
   *
   * @internal
   */
  public _validate(): string[] {
    const errors: string[] = [];
    const who = `WebhookProvider '${this.name}'`;
    if (!Token.isUnresolved(this.name) && !/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(this.name)) {
      errors.push(`${who}: 'name' must be 1-32 lower-case letters, digits or '-', not starting or ending with '-'.`);
    }
    if (this.scheme !== SignatureScheme.UNVERIFIED && this.secrets.length === 0) {
      errors.push(`${who}: 'secrets' must list at least one secret (use WebhookProvider.unverified() to accept unsigned deliveries).`);
    }
    if (this.secrets.length > 5) {
      errors.push(`${who}: 'secrets' lists ${this.secrets.length} secrets; at most 5 are allowed (two are enough for a rotation).`);
    }
    const tolerance = this.definition.tolerance?.toSeconds();
    if (tolerance !== undefined && (tolerance < 1 || tolerance > 3600)) {
      errors.push(`${who}: 'tolerance' must be between 1 second and 1 hour.`);
    }
    const replayWindow = this.definition.replayWindow?.toSeconds();
    if (replayWindow !== undefined && replayWindow !== 0 && (replayWindow < 60 || replayWindow > MAX_REPLAY_WINDOW_DAYS * 86400)) {
      errors.push(`${who}: 'replayWindow' must be 0 (off) or between 1 minute and ${MAX_REPLAY_WINDOW_DAYS} days.`);
    }
    if (this.definition.hmac !== undefined && !isHeaderName(this.definition.hmac.header)) {
      errors.push(`${who}: 'signatureHeader' must be a valid HTTP header name.`);
    }
    if (this.definition.hmac?.timestampHeader !== undefined && !isHeaderName(this.definition.hmac.timestampHeader)) {
      errors.push(`${who}: 'timestampHeader' must be a valid HTTP header name.`);
    }
    if (this.definition.apiKeyHeader !== undefined && !isHeaderName(this.definition.apiKeyHeader)) {
      errors.push(`${who}: 'header' must be a valid HTTP header name.`);
    }
    for (const [field, where] of [['eventId', this.definition.eventId], ['eventType', this.definition.eventType]] as const) {
      if (where?.header !== undefined && where.jsonPath !== undefined) {
        errors.push(`${who}: '${field}Header' and '${field}JsonPath' are both set; set only one, so that it is clear where the ${field === 'eventId' ? 'delivery id' : 'event type'} comes from.`);
      }
      const problem = where?.jsonPath === undefined ? undefined : jsonPathProblem(where.jsonPath);
      if (problem !== undefined) {
        errors.push(`${who}: '${field}JsonPath' ('${where!.jsonPath}') ${problem}`);
      }
    }
    errors.push(...this.schemaProblems(who));
    return errors;
  }

  /**
   * The provider's payload schemas as the processor reads them; undefined when it has none.
   *
   * @internal
   */
  public _payloadSchemas(): ProviderSchemas | undefined {
    const { schema, eventSchemas = {} } = this.definition;
    const types = Object.entries(eventSchemas);
    if (schema === undefined && types.length === 0) return undefined;
    return {
      ...(schema !== undefined ? { schema: schema._document() } : {}),
      ...(types.length > 0 ? { eventSchemas: Object.fromEntries(types.map(([type, s]) => [type, s._document()])) } : {}),
    };
  }

  private schemaProblems(who: string): string[] {
    const { schema, eventSchemas } = this.definition;
    const errors: string[] = [];
    const problem = schema?._problem();
    if (problem !== undefined) errors.push(`${who}: 'schema' cannot be used: ${problem}`);
    if (eventSchemas === undefined) return errors;
    if (this.definition.eventType === undefined) {
      errors.push(`${who}: 'eventSchemas' needs an event type, but the provider records none; set 'eventTypeHeader' or 'eventTypeJsonPath', or use 'schema'.`);
    }
    for (const [type, typeSchema] of Object.entries(eventSchemas)) {
      if (type === '') errors.push(`${who}: 'eventSchemas' has an empty event type; name the type each schema applies to.`);
      const typeProblem = typeSchema._problem();
      if (typeProblem !== undefined) errors.push(`${who}: 'eventSchemas' ('${type}') cannot be used: ${typeProblem}`);
    }
    return errors;
  }

  /**
   * The configuration the ingest function in `scope` reads.
   *
   * @internal
   */
  public _runtimeConfig(defaultTolerance: Duration, scope: IConstruct): ProviderRuntimeConfig {
    const d = this.definition;
    const replayWindowSeconds = d.replayWindow?.toSeconds() ?? 0;
    return {
      name: d.name,
      scheme: d.scheme,
      secretArns: d.secrets.map((s) => secretId(s, scope)),
      toleranceSeconds: (d.tolerance ?? defaultTolerance).toSeconds(),
      ...(replayWindowSeconds > 0 ? { replayWindowSeconds } : {}),
      ...(d.hmac !== undefined ? { hmac: d.hmac } : {}),
      ...(d.apiKeyHeader !== undefined ? { apiKeyHeader: d.apiKeyHeader } : {}),
      ...(d.eventId !== undefined ? { eventId: d.eventId } : {}),
      ...(d.eventType !== undefined ? { eventType: d.eventType } : {}),
    };
  }
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

function base(
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

function location(header: string | undefined, jsonPath: string | undefined): FieldLocation | undefined {
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
