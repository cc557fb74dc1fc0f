/**
 * POST /webhook/{provider}: verifies the delivery, enqueues it with its exact raw bytes and
 * answers 202 with the webhook id only once SQS has accepted it. Handshakes (GET challenges on
 * GET /webhook/{provider}, and POST ones) are answered as their provider documents and never
 * enqueued (providers/handshake.ts). 4xx for anything it refuses
 * (never enqueued); 503 when the signing secrets could not be loaded or the enqueue failed, and
 * 500 for any other error, each with its own metric and log line, so that the provider retries.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { decideRequest, INGEST_ROUTE, type Answered, type DeliveryContext } from './delivery';
import {
  DeliveryOutcome, IngestMetricName, PROVIDER_DIMENSION, REASON_DIMENSION, UNKNOWN_PROVIDER, outcomeFields,
} from '../../core/delivery-telemetry';
import type { ProviderRuntimeConfig } from '../../providers/provider-config';
import { decodeProviders } from '../../providers/provider-encoding';
import { requestOf, type FrontDoorEvent } from '../../runtime/front-door-request';
import { errorResponse, jsonResponse } from '../../runtime/http';
import { encodeMessage, MAX_BODY_BYTES, MAX_INLINE_MESSAGE_BYTES, oversizeBodyKey, withBodyRef, type WebhookMessage } from '../../runtime/message';
import { deduplicationId, type OrderingKeyLocations } from '../../runtime/ordering';
import { logger, metrics, requiredEnv } from '../shared/powertools';

const sqs = new SQSClient({});
/** Writes the secret a POST handshake hands over (Asana, Zoom); made on the first such handshake. */
let secretsManager: SecretsManagerClient | undefined;

const queueUrl = requiredEnv('QUEUE_URL');
const bucketName = requiredEnv('ARCHIVE_BUCKET');
const oversizePrefix = requiredEnv('OVERSIZE_PREFIX');
const secretMaxAgeSeconds = Number(process.env.SECRETS_MAX_AGE_SECONDS ?? '300');
const providers = new Map<string, ProviderRuntimeConfig>(decodeProviders(requiredEnv('WEBHOOK_PROVIDERS')).map((p) => [p.name, p]));
/** Set only with ordering (a FIFO queue). */
const orderingKeys = process.env.ORDERING_KEYS === undefined
  ? undefined
  : new Map<string, OrderingKeyLocations>(Object.entries(JSON.parse(process.env.ORDERING_KEYS) as Record<string, OrderingKeyLocations>));

const context: DeliveryContext = {
  providers,
  secretsOf,
  handshakeSecretsOf: (provider) => secretValues(provider.handshakeSecretArns ?? []),
  now: () => new Date(),
  // Lambda takes at most 6 MB per invocation; a base64 body of 4 MiB plus headers fits.
  maxBodyBytes: Number(process.env.MAX_BODY_BYTES ?? String(MAX_BODY_BYTES)),
  orderingKeys,
};

/** Live secrets of a provider, cached for a bounded time so rotations are picked up. */
async function secretsOf(provider: ProviderRuntimeConfig): Promise<readonly string[]> {
  return secretValues(provider.secretArns);
}

async function secretValues(arns: readonly string[]): Promise<readonly string[]> {
  const values = await Promise.all(arns.map((arn) => getSecret<string>(arn, { maxAge: secretMaxAgeSeconds })));
  return values.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}

/** Takes the event of any front door: REST API (1.0), HTTP API (2.0) or function URL. */
export async function handler(event: FrontDoorEvent, lambdaContext?: Context): Promise<APIGatewayProxyResult> {
  logger.resetKeys();
  if (lambdaContext) logger.addContext(lambdaContext);
  try {
    return await handle(event);
  } catch (error) {
    // A defect, not an outage of a dependency: say so, so that nobody looks at Secrets Manager or SQS.
    logger.error('unexpected error; answered 500 so that the provider retries', { error: errorName(error), stack: stackOf(error) });
    metrics.addMetric('UnexpectedErrors', MetricUnit.Count, 1);
    return errorResponse(500, 'internal_error', 'The webhook could not be handled because of an internal error; retry later.');
  } finally {
    metrics.publishStoredMetrics();
  }
}

async function handle(event: FrontDoorEvent): Promise<APIGatewayProxyResult> {
  const request = requestOf(event, INGEST_ROUTE);
  const provider = request.pathParameters.provider;
  logger.appendKeys({ provider });
  const decision = await decideRequest(request, context);
  if (decision.kind === 'unavailable') {
    logger.error('signing secrets could not be loaded; the provider will retry', { error: errorName(decision.error) });
    metrics.addMetric('SecretsUnavailable', MetricUnit.Count, 1);
    return decision.response;
  }
  if (decision.kind === 'rejected') {
    const counted = providerDimension(provider);
    countRejection(counted, decision.reason);
    logger.info('webhook rejected', { ...outcomeFields(DeliveryOutcome.REJECTED, counted, undefined, decision.reason), statusCode: decision.response.statusCode });
    return decision.response;
  }
  if (decision.kind === 'answered') {
    return answerHandshake(decision, providers.get(provider ?? ''));
  }
  const message = decision.message;
  logger.appendKeys({ correlation_id: message.id });
  try {
    await enqueue(message, decision.messageGroupId);
  } catch (error) {
    logger.error('enqueue failed; the provider will retry', { error: errorName(error) });
    metrics.addMetric('EnqueueFailed', MetricUnit.Count, 1);
    return errorResponse(503, 'enqueue_failed', 'The webhook could not be queued; retry later.');
  }
  countAcceptance(message.provider);
  logger.info('webhook accepted', {
    ...outcomeFields(DeliveryOutcome.ACCEPTED, message.provider, message.eventType),
    bodyBytes: message.bodyBytes,
    ...(decision.messageGroupId !== undefined ? { messageGroupId: decision.messageGroupId } : {}),
  });
  return jsonResponse(202, { id: message.id });
}

/**
 * A handshake's answer; Asana's establishes the webhook's secret, stored first (PutSecretValue
 * makes the new value AWSCURRENT) and then read again past the cache, so that its deliveries,
 * which may follow at once, verify.
 */
async function answerHandshake(decision: Answered, provider: ProviderRuntimeConfig | undefined): Promise<APIGatewayProxyResult> {
  if (decision.storeSecret !== undefined && provider !== undefined) {
    const secretId = provider.secretArns[0];
    try {
      secretsManager ??= new SecretsManagerClient({});
      await secretsManager.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: decision.storeSecret }));
      await getSecret<string>(secretId, { forceFetch: true });
    } catch (error) {
      logger.error('the handshake\'s secret could not be stored; the provider will retry', { error: errorName(error) });
      metrics.addMetric('SecretsUnavailable', MetricUnit.Count, 1);
      return errorResponse(503, 'secret_not_stored', 'The handshake could not be completed now; retry later.');
    }
    logger.info('handshake secret stored', { handshake: decision.handshake });
  }
  metrics.addMetric('HandshakesAnswered', MetricUnit.Count, 1);
  logger.info('handshake answered', { handshake: decision.handshake, statusCode: decision.response.statusCode });
  return decision.response;
}

/**
 * Sends the message; a delivery too large for SQS is stored in S3 first and referenced (claim
 * check). On a FIFO queue (ordering) with its message group and deduplication id.
 */
async function enqueue(message: WebhookMessage, group: string | undefined): Promise<void> {
  let body = encodeMessage(message);
  if (Buffer.byteLength(body, 'utf8') > MAX_INLINE_MESSAGE_BYTES) {
    const key = oversizeBodyKey(oversizePrefix, message);
    await oversizeStore().storeOversizeBody(bucketName, key, Buffer.from(message.body ?? '', 'base64'));
    body = encodeMessage(withBodyRef(message, key));
  }
  await sqs.send(new SendMessageCommand({
    QueueUrl: queueUrl,
    MessageBody: body,
    ...(group !== undefined ? { MessageGroupId: group, MessageDeduplicationId: deduplicationId(message.id, message.bodySha256) } : {}),
  }));
}

/** The claim check's S3 write (lazy/oversize-store.ts), loaded on the first delivery that needs it. */
function oversizeStore(): typeof import('./lazy/oversize-store') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./lazy/oversize-store') as typeof import('./lazy/oversize-store');
}

/** A configured provider's name, else `unknown`: the path is the sender's to choose, the dimension's values are not. */
function providerDimension(provider: string | undefined): string {
  return provider && providers.has(provider) ? provider : UNKNOWN_PROVIDER;
}

function countRejection(provider: string, reason: string): void {
  const metric = metrics.singleMetric();
  metric.addDimensions({ [PROVIDER_DIMENSION]: provider, [REASON_DIMENSION]: reason });
  metric.addMetric(IngestMetricName.REJECTED, MetricUnit.Count, 1);
}

/** Counted in total (one metric the dashboard and older alarms read) and per provider (its signature-rejection rate). */
function countAcceptance(provider: string): void {
  metrics.addMetric(IngestMetricName.ACCEPTED, MetricUnit.Count, 1);
  const perProvider = metrics.singleMetric();
  perProvider.addDimensions({ [PROVIDER_DIMENSION]: provider });
  perProvider.addMetric(IngestMetricName.ACCEPTED, MetricUnit.Count, 1);
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Where the error was thrown: code locations only (the message is logged once, by errorName). */
function stackOf(error: unknown): string | undefined {
  return error instanceof Error ? error.stack?.split('\n').slice(1, 9).map((line) => line.trim()).join(' | ') : undefined;
}
