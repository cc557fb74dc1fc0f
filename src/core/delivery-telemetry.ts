/**
 * What the handlers report about each delivery and what the alarms and the dashboard read of it:
 * metric names, dimensions and the outcome fields of the structured logs. Both sides import this
 * one module (the ingest and processor bundles too: it imports nothing), so an alarm can never
 * watch a metric or a log field the handlers do not emit.
 */

/** CloudWatch namespace of the handlers' own metrics; the `service` dimension tells constructs apart. */
export const METRICS_NAMESPACE = 'WebhookProcessor';

/** The dimension naming the provider (a configured name, or `unknown`), bounded by the providers known at synth. */
export const PROVIDER_DIMENSION = 'provider';

/** The dimension naming why a delivery was rejected: one of a fixed set of codes, as in the 4xx `error`. */
export const REASON_DIMENSION = 'reason';

/** The provider value of deliveries to a path no provider is configured under. */
export const UNKNOWN_PROVIDER = 'unknown';

/** Names of the ingest function's delivery metrics. */
export const IngestMetricName = {
  /** Deliveries accepted and queued: without dimensions, and again per provider. */
  ACCEPTED: 'WebhooksAccepted',
  /** Deliveries refused with a 4xx, per provider and reason. */
  REJECTED: 'WebhooksRejected',
} as const;

/**
 * Rejection reasons that mean a signature was checked and the configured secrets do not match it
 * (or there is none): what a rotated secret not yet configured produces. Missing or malformed
 * signatures and stale timestamps are what scanners and replays produce; they are graphed, not
 * alarmed on.
 */
export const SIGNATURE_MISMATCH_REASONS: readonly string[] = ['invalid_signature', 'no_secret'];

/** What became of a delivery, as the `outcome` field of the handlers' log lines. */
export enum DeliveryOutcome {
  /** Verified and queued by the ingest. */
  ACCEPTED = 'accepted',
  /** Refused by the ingest with a 4xx (`reason` says why). */
  REJECTED = 'rejected',
  /** A provider's retry of a recorded webhook (same bytes), acknowledged by the processor. */
  DUPLICATE = 'duplicate',
  /** A different body under a recorded webhook id. */
  CONFLICT = 'conflict',
  /** Recorded with status `invalid`: it fails its provider's payload schemas. */
  INVALID = 'invalid',
  /** The same bytes as an earlier webhook under a new id, within the provider's replay window. */
  REPLAY = 'replay',
}

/** What a field holds when it does not apply (a rejection has no event type), so that no field is ever missing. */
export const NOT_APPLICABLE = '-';

/** The fields every outcome log line carries; the dashboard's table counts by all of them. */
export interface OutcomeFields {
  readonly outcome: DeliveryOutcome;
  readonly provider: string;
  readonly eventType: string;
  readonly reason: string;
}

/** The names of the outcome fields, in the order the dashboard's table groups by them. */
export const OUTCOME_FIELDS: ReadonlyArray<keyof OutcomeFields> = ['provider', 'eventType', 'outcome', 'reason'];

/** The outcome fields of one delivery's log line. */
export function outcomeFields(outcome: DeliveryOutcome, provider: string | undefined, eventType?: string, reason?: string): OutcomeFields {
  return { outcome, provider: provider || NOT_APPLICABLE, eventType: eventType || NOT_APPLICABLE, reason: reason || NOT_APPLICABLE };
}
