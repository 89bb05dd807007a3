// The table items the pipeline writes, as plain data: one per stored event and one per
// quarantined message. Attribute names are the contract the CLI's queries rely on.
import type { Severity } from './model';

/** Whether an event's alert still has to go out. */
export type AlertState = 'none' | 'pending' | 'sent';

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export interface EventItem extends ItemKey {
  readonly kind: 'event';
  readonly eventId: string;
  readonly callcenter: string;
  /** Original timestamp string. */
  readonly timestamp: string;
  /** Normalised fixed-width UTC time. */
  readonly time: string;
  readonly type: string;
  readonly event: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly severity: Severity;
  readonly rules: readonly string[];
  readonly recognised: boolean;
  readonly suppressedBy?: string;
  readonly receivedAt: string;
  readonly messageId: string;
  readonly expiresAt?: number;
  readonly alertState: AlertState;
  readonly subjectKey?: string;
  readonly actorKey?: string;
  readonly pairKey: string;
  readonly severityKey: string;
}

export interface QuarantineItem extends ItemKey {
  readonly kind: 'quarantine';
  /** Raw message body, truncated to 64 KiB (then `bodyTruncated` is true). */
  readonly body: string;
  readonly bodyTruncated?: boolean;
  readonly reason: string;
  readonly messageId: string;
  readonly receivedAt: string;
  readonly expiresAt?: number;
}

export type StoredItem = EventItem | QuarantineItem;

/** A stable string for an item key (map keys, logs). */
export const keyString = (key: ItemKey): string => `${key.pk}\u0000${key.sk}`;
