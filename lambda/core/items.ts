// The audit trail's items, as plain data: one per stored event and one per quarantined message.
// Attribute names are the contract the CLI's queries rely on. The pipeline's own records
// (alert claims, incidents, detection state, folding) are in records.ts.

import type { DetectionId } from '../../contract/detections';
import type { Severity } from '../../contract/severity';
import { MAX_FIELD_LENGTH } from './event-schema';
import { callcenterKey, eventSortKey, pairKey, quarantineKey, severityKey, userKey } from './keys';
import type { Classification, NormalisedEvent } from './model';

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
  /**
   * The event was at or above the alert threshold and not suppressed when it was classified:
   * its alert is due (its alert record, records.ts, says whether it went out).
   */
  readonly alertDue: boolean;
  /** The detections whose incidents this event helped form. */
  readonly detections?: readonly DetectionId[];
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

export type AuditItem = EventItem | QuarantineItem;

/** A stable string for an item key (map keys, logs). */
export const keyString = (key: ItemKey): string => `${key.pk}\u0000${key.sk}`;

// ---------------------------------------------------------------------------------------------
// Building items (pure: the caller passes the clock and the retention).

const SECONDS_PER_DAY = 86_400;

/** TTL in epoch seconds, or undefined when retention is 0 (keep forever). */
export const expiryFor = (from: Date, retentionDays: number): number | undefined =>
  retentionDays > 0
    ? Math.floor(from.getTime() / 1000) + retentionDays * SECONDS_PER_DAY
    : undefined;

export interface ItemContext {
  readonly messageId: string;
  readonly receivedAt: Date;
  readonly retentionDays: number;
}

/**
 * A user name becomes an index key only within the documented field limit: DynamoDB refuses a
 * write whose index key exceeds 2,048 bytes, and an unrecognised event's `user` may be up to
 * 4,096 characters. A longer one is stored with the event but not indexed.
 */
const indexableUser = (value: unknown): value is string =>
  typeof value === 'string' && value !== '' && value.length <= MAX_FIELD_LENGTH;

/** What buildEventItem fills in step by step before handing the item out as read-only. */
type EventItemDraft = { -readonly [K in keyof EventItem]: EventItem[K] };

/**
 * A batch shares one receivedAt: its ISO text is computed once per batch, not once per event.
 * Keyed by the instant (not the Date object) so a reused, mutated Date is never served stale.
 */
let lastReceivedAt: { readonly millis: number; readonly text: string } | undefined;
function receivedAtText(date: Date): string {
  const millis = date.getTime();
  if (lastReceivedAt?.millis !== millis) lastReceivedAt = { millis, text: date.toISOString() };
  return lastReceivedAt.text;
}

export function buildEventItem(
  normalised: NormalisedEvent,
  classification: Classification,
  context: ItemContext,
): EventItem {
  const { event } = normalised;
  const user = event.params.user;
  const who = event.params.who;
  const expiresAt = expiryFor(context.receivedAt, context.retentionDays);
  // Optional attributes are assigned in place rather than spread from temporary objects (this
  // runs for every event). Assignment order is attribute order, kept as documented above.
  const item = {
    pk: callcenterKey(event.callcenter),
    sk: eventSortKey(normalised.time, normalised.id),
    kind: 'event',
    eventId: normalised.id,
    callcenter: event.callcenter,
    timestamp: event.timestamp,
    time: normalised.time,
    type: event.type,
    event: event.event,
    params: event.params,
    severity: classification.severity,
    rules: classification.rules,
    recognised: normalised.recognised,
  } as EventItemDraft;
  if (classification.suppressedBy !== undefined) item.suppressedBy = classification.suppressedBy;
  item.receivedAt = receivedAtText(context.receivedAt);
  item.messageId = context.messageId;
  if (expiresAt !== undefined) item.expiresAt = expiresAt;
  item.alertDue = classification.alert;
  if (indexableUser(user)) item.subjectKey = userKey(user);
  if (indexableUser(who)) item.actorKey = userKey(who);
  item.pairKey = pairKey(event.type, event.event);
  item.severityKey = severityKey(classification.severity);
  return item;
}

/** Quarantined bodies keep their first 64 KiB: enough to diagnose, bounded for DynamoDB. */
export const MAX_QUARANTINE_BODY_BYTES = 64 * 1024;

export interface QuarantineContext extends ItemContext {
  /** When SQS accepted the message: the quarantine's month partition and time order. */
  readonly sentAt: Date;
}

export function buildQuarantineItem(
  body: string,
  reason: string,
  context: QuarantineContext,
): QuarantineItem {
  const sentTime = `${context.sentAt.toISOString().slice(0, 23)}000000Z`;
  const buffer = Buffer.from(body, 'utf8');
  const truncated = buffer.byteLength > MAX_QUARANTINE_BODY_BYTES;
  // Cutting bytes may split a character; the decoder replaces the broken tail with U+FFFD.
  const kept = truncated ? buffer.subarray(0, MAX_QUARANTINE_BODY_BYTES).toString('utf8') : body;
  const expiresAt = expiryFor(context.receivedAt, context.retentionDays);
  return {
    pk: quarantineKey(sentTime),
    sk: `${sentTime}#${context.messageId}`,
    kind: 'quarantine',
    body: kept,
    ...(truncated && { bodyTruncated: true }),
    reason,
    messageId: context.messageId,
    receivedAt: context.receivedAt.toISOString(),
    ...(expiresAt !== undefined && { expiresAt }),
  };
}
