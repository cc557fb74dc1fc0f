/**
 * Shared by the front-door tests (front-doors.test.ts: the default local app with the providers
 * with handshakes; front-door-families.test.ts: the app with a provider of every scheme family):
 * the three front doors, one signed sample and one tampered copy per provider, and what is wrong
 * with their outcomes.
 */
import { archiveMismatch, UNICODE_TEXT } from './support';
import { scanRecords, postDelivery, type HttpResult } from '../../local-pipeline/inspect';
import type { Pipeline } from '../../local-pipeline/pipeline';
import { sampleDelivery, withBadSignature } from '../../local-pipeline/signing';
import type { LocalFrontDoor } from '../../local-pipeline/template/template';
import { WebhookFrontDoor } from '../../src';
import type { ProviderRuntimeConfig } from '../../src/providers/provider-config';

/** Each front door: its name, its prop value, and what the local pipeline reports it emulates. */
export const FRONT_DOORS: ReadonlyArray<readonly [string, WebhookFrontDoor, LocalFrontDoor]> = [
  ['REST API', WebhookFrontDoor.REST_API, 'rest-api'],
  ['HTTP API', WebhookFrontDoor.HTTP_API, 'http-api'],
  ['function URLs', WebhookFrontDoor.FUNCTION_URL, 'function-url'],
];

export interface Sent {
  readonly provider: string;
  /** The signed sample's answer. */
  readonly signed: HttpResult;
  /** The answer to the same kind of sample with its signature broken. */
  readonly broken: HttpResult;
  /** The bytes of the signed sample. */
  readonly body: Buffer;
}

/**
 * Sends each provider's signed sample (non-ASCII JSON, which HTTP APIs and function URLs hand over
 * as text) and a copy with its signature broken. `secretOf` is the secret each is signed with.
 */
export async function sendEveryProvider(
  pipeline: Pipeline, providers: readonly ProviderRuntimeConfig[], secretOf: (provider: string) => string,
): Promise<Sent[]> {
  const sent: Sent[] = [];
  for (const config of providers) {
    const secret = secretOf(config.name);
    const delivery = sampleDelivery(config, secret, { deliveryId: `door-${config.name}-1`, data: { note: UNICODE_TEXT } });
    const signed = await postDelivery(pipeline.url, delivery);
    const broken = await postDelivery(pipeline.url, withBadSignature(config, sampleDelivery(config, secret, { deliveryId: `broken-${config.name}-1` })));
    sent.push({ provider: config.name, signed, broken, body: delivery.body });
  }
  return sent;
}

/**
 * What is wrong with the signed samples' outcomes, per provider: an answer other than 202, or a
 * record that is not processed with the exact bytes archived (read back from the bucket).
 */
export async function acceptedProblems(pipeline: Pipeline, sent: readonly Sent[]): Promise<string[]> {
  const records = new Map((await scanRecords(pipeline)).map((r) => [r.id, r]));
  const problems: string[] = [];
  for (const s of sent) {
    if (s.signed.status !== 202) {
      problems.push(`${s.provider}: HTTP ${s.signed.status} ${s.signed.body.toString()}`);
      continue;
    }
    const record = records.get(s.signed.json?.id as string);
    const mismatch = record === undefined ? 'no record' : await archiveMismatch(pipeline, record, s.body);
    if (mismatch !== undefined) problems.push(`${s.provider}: ${mismatch}`);
  }
  return problems;
}

/** What is wrong with the tampered copies' outcomes: anything but a 401 with a JSON error, or a record. */
export async function refusedProblems(pipeline: Pipeline, sent: readonly Sent[]): Promise<string[]> {
  const problems = sent
    .filter((s) => s.broken.status !== 401 || typeof s.broken.json?.error !== 'string')
    .map((s) => `${s.provider}: HTTP ${s.broken.status} ${s.broken.body.toString()}`);
  const recorded = (await scanRecords(pipeline)).map((r) => r.id).filter((id) => id.includes('broken-'));
  return [...problems, ...recorded.map((id) => `${id} was recorded`)];
}
