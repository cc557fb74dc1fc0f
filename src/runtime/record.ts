/**
 * The DynamoDB record of a processed webhook and the public view `/status/{id}` returns.
 * Pure: no AWS clients.
 */
import type { ArchivePointer } from './archive';
import type { WebhookMessage } from './message';

export const STATUS_PROCESSED = 'processed';

export interface WebhookRecord {
  readonly id: string;
  readonly provider: string;
  /** `<provider>#<YYYY-MM-DD>` of receipt: the partition key of the by-provider index. */
  readonly providerDate: string;
  readonly eventType?: string;
  readonly status: string;
  readonly receivedAt: string;
  readonly processedAt: string;
  readonly bodyBytes: number;
  readonly bodySha256: string;
  readonly archive: ArchivePointer;
  /** Epoch seconds after which DynamoDB may delete the record (only when a TTL is configured). */
  readonly expiresAt?: number;
}

export interface PublicStatus {
  readonly id: string;
  readonly status: string;
  readonly provider: string;
  readonly type?: string;
  readonly receivedAt: string;
  readonly processedAt?: string;
}

/** Attributes `/status` reads, so nothing else leaves the table. */
export const PUBLIC_ATTRIBUTES = ['id', '#status', 'provider', 'eventType', 'receivedAt', 'processedAt'] as const;
export const PUBLIC_ATTRIBUTE_NAMES = { '#status': 'status' } as const;

export function toRecord(message: WebhookMessage, archive: ArchivePointer, processedAt: Date, ttlSeconds?: number): WebhookRecord {
  return {
    id: message.id,
    provider: message.provider,
    providerDate: `${message.provider}#${message.receivedAt.slice(0, 10)}`,
    ...(message.eventType !== undefined ? { eventType: message.eventType } : {}),
    status: STATUS_PROCESSED,
    receivedAt: message.receivedAt,
    processedAt: processedAt.toISOString(),
    bodyBytes: message.bodyBytes,
    bodySha256: message.bodySha256,
    archive,
    ...(ttlSeconds !== undefined ? { expiresAt: Math.floor(processedAt.getTime() / 1000) + ttlSeconds } : {}),
  };
}

export function toPublicStatus(item: Readonly<Record<string, unknown>>): PublicStatus {
  return {
    id: String(item.id),
    status: String(item.status),
    provider: String(item.provider),
    ...(typeof item.eventType === 'string' ? { type: item.eventType } : {}),
    receivedAt: String(item.receivedAt),
    ...(typeof item.processedAt === 'string' ? { processedAt: item.processedAt } : {}),
  };
}
