// The audit trail's items, as plain data: one per stored event and one per quarantined message.
// Attribute names are the contract the CLI's queries rely on. The pipeline's own records
// (alert claims, incidents, detection state, folding) are in records.ts.

import type { DetectionId } from '../../contract/detections';
import { MAX_MESSAGE_BYTES } from '../../contract/limits';
import { type Severity, severityRank } from '../../contract/severity';
import { DEFAULT_SEVERITY_INDEX_FROM, SEVERITY_INDEX_FLOOR_PAIRS } from '../../contract/table';
import { MAX_FIELD_LENGTH } from './event-schema';
import { callcenterKey, eventSortKey, pairSeverityKey, quarantineKey, userKey } from './keys';
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
  /** SQS `SenderId` of the message that stored the event: which key (IAM identity) sent it. */
  readonly senderId?: string;
  readonly expiresAt?: number;
  /**
   * The event was at or above the alert threshold and not suppressed when it was classified:
   * its alert is due (its alert record, records.ts, says whether it went out).
   */
  readonly alertDue: boolean;
  /** The detections whose incidents this event helped form. */
  readonly detections?: readonly DetectionId[];
  /** The index keys (contract/table.ts INDEX_KEY_ATTRIBUTES), each only where the event is indexed. */
  readonly subjectKey?: string;
  readonly actorKey?: string;
  readonly pairKey?: string;
  /** Written by releases before the pair-and-severity index; new items have none. */
  readonly severityKey?: string;
}

export interface QuarantineItem extends ItemKey {
  readonly kind: 'quarantine';
  /**
   * Raw message body, whole: SQS accepts at most MAX_MESSAGE_BYTES, and that fits the item.
   * Only a larger body (a direct invocation, not through the queue) is cut to that size, and
   * then `bodyTruncated` is true and `bodyBytes` says how large it was.
   */
  readonly body: string;
  readonly bodyTruncated?: boolean;
  readonly bodyBytes?: number;
  readonly reason: string;
  readonly messageId: string;
  /** SQS `SenderId` of the message: which key (IAM identity) sent it. */
  readonly senderId?: string;
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
  /** SQS `SenderId` (the sending IAM user or role id), when the record carries one. */
  readonly senderId?: string | undefined;
  readonly receivedAt: Date;
  readonly retentionDays: number;
  /**
   * The severity from which events of the high-volume pairs (SEVERITY_INDEX_FLOOR_PAIRS) are in
   * the pair-and-severity index. @default DEFAULT_SEVERITY_INDEX_FROM
   */
  readonly severityIndexFrom?: Severity;
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
  if (context.senderId !== undefined) item.senderId = context.senderId;
  if (expiresAt !== undefined) item.expiresAt = expiresAt;
  item.alertDue = classification.alert;
  // One user entry per event where one does: the subject, or the actor of an event about nobody.
  // The actor gets a second entry only when the event is about someone else.
  const subject = indexableUser(user) ? user : indexableUser(who) ? who : undefined;
  if (subject !== undefined) item.subjectKey = userKey(subject);
  if (indexableUser(who) && who !== subject) item.actorKey = userKey(who);
  if (inPairSeverityIndex(event.type, event.event, classification.severity, context)) {
    item.pairKey = pairSeverityKey(event.type, event.event, classification.severity);
  }
  return item;
}

const FLOOR_PAIRS = new Set(
  SEVERITY_INDEX_FLOOR_PAIRS.map(([type, event]) => `${type}\u0000${event}`),
);

/** Every event is, except those of the high-volume pairs below the floor. */
export function inPairSeverityIndex(
  type: string,
  event: string,
  severity: Severity,
  context: Pick<ItemContext, 'severityIndexFrom'>,
): boolean {
  if (!FLOOR_PAIRS.has(`${type}\u0000${event}`)) return true;
  return (
    severityRank(severity) >= severityRank(context.severityIndexFrom ?? DEFAULT_SEVERITY_INDEX_FROM)
  );
}

/**
 * A quarantined body is kept whole up to what SQS accepts. With the reason (bounded below), the
 * keys and the other attributes, the item stays far below DynamoDB's 400 KB.
 */
export const MAX_QUARANTINE_BODY_BYTES = MAX_MESSAGE_BYTES;
/** A reason is a line for a person; path names inside it come from the sender. */
export const MAX_REASON_LENGTH = 1024;

/** Lone surrogates (never from SQS, which accepts valid Unicode only) become U+FFFD. */
const wellFormed = (text: string): string => text.replace(/\p{Cs}/gu, '\ufffd');

/** At most `max` UTF-16 units, never ending in half a surrogate pair. */
function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/** The longest prefix of `text` within `max` UTF-8 bytes, never cutting a character. */
function utf8Prefix(text: string, max: number): string {
  const buffer = Buffer.from(text, 'utf8');
  let end = max;
  // Back off continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (end > 0 && ((buffer[end] ?? 0) & 0xc0) === 0x80) end--;
  return buffer.subarray(0, end).toString('utf8');
}

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
  // A UTF-16 unit is at most 3 UTF-8 bytes: short bodies need no byte count.
  const bytes = body.length * 3 <= MAX_QUARANTINE_BODY_BYTES ? 0 : Buffer.byteLength(body, 'utf8');
  const truncated = bytes > MAX_QUARANTINE_BODY_BYTES;
  const kept = truncated ? utf8Prefix(body, MAX_QUARANTINE_BODY_BYTES) : wellFormed(body);
  const expiresAt = expiryFor(context.receivedAt, context.retentionDays);
  return {
    pk: quarantineKey(sentTime),
    sk: `${sentTime}#${context.messageId}`,
    kind: 'quarantine',
    body: kept,
    ...(truncated && { bodyTruncated: true, bodyBytes: bytes }),
    reason: wellFormed(bounded(reason, MAX_REASON_LENGTH)),
    messageId: context.messageId,
    ...(context.senderId !== undefined && { senderId: context.senderId }),
    receivedAt: context.receivedAt.toISOString(),
    ...(expiresAt !== undefined && { expiresAt }),
  };
}
