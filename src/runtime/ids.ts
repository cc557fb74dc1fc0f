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

/** Delivery ids outside the URL-safe alphabet are hashed, so the id stays stable and usable in `/status/{id}`. */
function safeDeliveryId(deliveryId: string): string {
  if (DELIVERY_ID_PATTERN.test(deliveryId)) {
    return deliveryId;
  }
  return `h-${createHash('sha256').update(deliveryId, 'utf8').digest('hex').slice(0, 40)}`;
}

export function isValidWebhookId(id: string | undefined): id is string {
  return id !== undefined && WEBHOOK_ID_PATTERN.test(id);
}
