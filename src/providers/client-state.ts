/**
 * Microsoft Graph change notifications are not signed: each notification in `value` carries the
 * `clientState` given when the subscription was created, which must equal the configured secret
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#receive-notifications).
 * One POST may mix subscriptions, so every notification is checked. Rich notifications'
 * `validationTokens` (JWTs) are not checked: that needs Microsoft's signing keys over the network.
 */
import { timingSafeEqual } from 'node:crypto';
import { apiKeyDigest, sha256 } from './secret-keys';

export type ClientStateResult = 'valid' | 'missing_signature' | 'malformed_signature' | 'invalid_signature';

/** Whether every notification of the body carries one of `secrets` as its `clientState`. */
export function verifyClientState(secrets: readonly string[], rawBody: Buffer): ClientStateResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return 'malformed_signature';
  }
  const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).value : undefined;
  if (!Array.isArray(value) || value.length === 0) return 'malformed_signature';
  const digests = secrets.filter((s) => s !== '').map(apiKeyDigest);
  for (const notification of value) {
    const state = typeof notification === 'object' && notification !== null ? (notification as Record<string, unknown>).clientState : undefined;
    if (typeof state !== 'string') return 'missing_signature';
    const provided = sha256(state);
    if (!digests.some((d) => timingSafeEqual(provided, d))) return 'invalid_signature';
  }
  return 'valid';
}
