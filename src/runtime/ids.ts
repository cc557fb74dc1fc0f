/**
 * Webhook ids: `<provider>:<delivery id>`. The provider's own delivery id is used when the
 * request carries one, so retries of one delivery map to one record; otherwise a UUIDv7,
 * which sorts by time.
 */
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Provider names: lower-case route segments. */
export const PROVIDER_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

const DELIVERY_ID_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;
const WEBHOOK_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?:[A-Za-z0-9._~-]{1,128}$/;

export function webhookId(provider: string, deliveryId: string | undefined): string {
  if (deliveryId === undefined || deliveryId === '') {
    return `${provider}:${uuidv7()}`;
  }
  return `${provider}:${safeDeliveryId(deliveryId)}`;
}

/** Prefix of hashed delivery ids; no delivery id is kept literally if it starts with it. */
const HASHED_PREFIX = 'h-';

/**
 * Delivery ids outside the URL-safe alphabet, or too long, are hashed, so the id stays stable and
 * usable in `/status/{id}`. A delivery id that itself starts with `h-` is hashed too: hashed and
 * literal ids are then disjoint, and no sender can pick a literal id that is another delivery's
 * hash (only a SHA-256 collision could join two ids).
 */
function safeDeliveryId(deliveryId: string): string {
  if (DELIVERY_ID_PATTERN.test(deliveryId) && !deliveryId.startsWith(HASHED_PREFIX)) {
    return deliveryId;
  }
  return `${HASHED_PREFIX}${createHash('sha256').update(deliveryId, 'utf8').digest('hex').slice(0, 40)}`;
}

export function isValidWebhookId(id: string | undefined): id is string {
  return id !== undefined && WEBHOOK_ID_PATTERN.test(id);
}
