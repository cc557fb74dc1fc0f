/**
 * What a verification decides, shared by the schemes: the refusal reasons, one frozen result per
 * outcome (a refusal allocates nothing), and the small header and type checks every scheme uses.
 * Pure: ships in the ingest bundle only.
 */

export type RejectionReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'missing_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'invalid_signature'
  | 'no_secret';

export type VerificationResult = { readonly valid: true } | { readonly valid: false; readonly reason: RejectionReason };

/** Request headers as the schemes read them: lower-case names, one string value each. */
export type Headers = Readonly<Record<string, string | undefined>>;

export const VALID: VerificationResult = Object.freeze({ valid: true });

/** One frozen result per reason. */
export const REJECTED: Readonly<Record<RejectionReason, VerificationResult>> = Object.freeze({
  missing_signature: rejection('missing_signature'),
  malformed_signature: rejection('malformed_signature'),
  missing_timestamp: rejection('missing_timestamp'),
  stale_timestamp: rejection('stale_timestamp'),
  future_timestamp: rejection('future_timestamp'),
  invalid_signature: rejection('invalid_signature'),
  no_secret: rejection('no_secret'),
});

function rejection(reason: RejectionReason): VerificationResult {
  return Object.freeze({ valid: false, reason });
}

export function result(outcome: RejectionReason | 'valid'): VerificationResult {
  return outcome === 'valid' ? VALID : REJECTED[outcome];
}

/** A header's value, treating an empty value like an absent one. */
export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

export function hasOwn(object: object, key: unknown): boolean {
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(object, key);
}
