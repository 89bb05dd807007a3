// What the steps of one invocation hand each other: the batch's events grouped by content, the
// quarantined messages, and the records that failed along the way (SQS retries those).
import type { SQSRecord } from 'aws-lambda';
import { maskEmails } from '../core/alert-format';
import type { DetectionEvent } from '../core/detections/model';
import type { EventItem, QuarantineItem } from '../core/items';
import { timeMs } from '../core/records';

/** All records of one batch that carry one distinct event (same content, same key). */
export interface EventGroup {
  /** keyString of the item. */
  readonly key: string;
  /** The item this batch would write. */
  readonly item: EventItem;
  readonly records: readonly SQSRecord[];
}

/** All records of one batch that quarantine to one item (same message id). */
export interface QuarantineGroup {
  readonly key: string;
  readonly item: QuarantineItem;
  /** The reason without message content, for logs. */
  readonly problem: string;
  readonly records: readonly SQSRecord[];
}

/** A record SQS must redeliver, and why (for logs). */
export interface RecordFailure {
  readonly messageId: string;
  readonly reason: string;
}

export const failuresOf = (records: readonly SQSRecord[], reason: string): RecordFailure[] =>
  records.map((record) => ({ messageId: record.messageId, reason }));

/**
 * An error from AWS (DynamoDB, SNS) as one log-safe line: e-mail addresses masked. Their
 * messages are AWS's words (status, limits, attribute names the code chose), not event content.
 */
export const errorText = (error: unknown): string =>
  maskEmails(error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * An error whose message could quote message content (a bug while classifying a body, an item
 * the SDK cannot encode): its name and the place it was thrown, never its message.
 */
export function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const frame = error.stack
    ?.split('\n')
    .find((line) => /^\s+at /.test(line))
    ?.trim();
  return frame ? `${error.name} ${frame}` : error.name;
}

/** How long the store may keep retrying, and when everything must be done. */
export interface Deadlines {
  /** Epoch ms; store retries stop here so publishing and marking keep their time. */
  readonly store: number;
  /** Epoch ms; the last write (the `sent` mark) stops retrying here. */
  readonly final: number;
}

/** Budget when no Lambda context is given (tests, local runs). */
const DEFAULT_BUDGET_MS = 20_000;
/** Time kept back from store retries for publishing, marking and returning. */
const PUBLISH_RESERVE_MS = 5_000;
const FINAL_RESERVE_MS = 1_000;

export function deadlinesFor(remainingMs: number | undefined, startedAt: number): Deadlines {
  const budget = remainingMs ?? DEFAULT_BUDGET_MS;
  return {
    store: startedAt + Math.max(0, budget - Math.max(PUBLISH_RESERVE_MS, budget * 0.25)),
    final: startedAt + Math.max(0, budget - FINAL_RESERVE_MS),
  };
}

/** The detections' view of a stored event. */
export const detectionEventOf = (item: EventItem): DetectionEvent => ({
  id: item.eventId,
  time: timeMs(item.time),
  timeText: item.time,
  callcenter: item.callcenter,
  pair: `${item.type}/${item.event}`,
  params: item.params,
  suppressed: item.suppressedBy !== undefined,
});

/** The message ids carrying each event of the batch, by event id. */
export const carriersByEvent = (
  groups: readonly EventGroup[],
): ReadonlyMap<string, readonly string[]> =>
  new Map(groups.map((g) => [g.item.eventId, g.records.map((r) => r.messageId)]));
