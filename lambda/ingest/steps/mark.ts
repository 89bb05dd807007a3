// Step 8: record what went out, best effort (the alerts are out either way): each claim's alert
// record becomes `sent`, or `partial` with the topics reached and its claim released so the
// next delivery publishes the rest at once. A claim this batch made and could not publish (its
// event was not stored, or every topic failed) is released the same way, so the retry of its
// record does not wait for the claim to lapse. The incidents found or grown are written for the
// audit (`query --incidents`), and earlier events that formed a new incident record it.
//
// The one at-least-once window left: a crash (or a failed write here) after publishing and
// before the record says `sent` means the next delivery, once the claim has lapsed or as a
// redelivery of the claimant's own message, publishes again: a duplicate alert, never a lost one.

import type { AlertTopic } from '../../../contract/alerts';
import type { DetectionSettings } from '../../../contract/config';
import type { IncidentOutcome } from '../../core/detections/engine';
import { keyString } from '../../core/items';
import { type AlertRecordState, incidentItem, type StoredItem } from '../../core/records';
import type { DetectionsUpdate, EventStore } from '../../ports/event-store';
import type { Logger } from '../../ports/telemetry';
import { errorText } from '../batch';
import type { Claim } from './plan-alerts';
import { incidentDue } from './plan-alerts';
import type { PublishedClaim } from './publish';

export interface Marked {
  /** Alert records that could not be written after publishing. */
  readonly failedCount: number;
  readonly retries: number;
}

export interface MarkInput {
  readonly published: readonly PublishedClaim[];
  /** Claims written by this batch and not published. */
  readonly unpublished: readonly Claim[];
  /** Incidents found new or grown by this batch. */
  readonly incidents: readonly IncidentOutcome[];
  /** Stored events (by event id) that formed new incidents but were written earlier. */
  readonly earlierEvents: readonly DetectionsUpdate[];
  readonly detection: DetectionSettings;
  readonly now: Date;
  readonly expiresAt: number | undefined;
}

export async function markPublished(
  store: EventStore,
  input: MarkInput,
  deadline: number,
  logger: Logger,
): Promise<Marked> {
  const settled = (claim: Claim, state: AlertRecordState, topicsSent: readonly AlertTopic[]) => ({
    ...claim.record,
    state,
    topicsSent,
    leaseUntil: 0,
    version: claim.record.version + 1,
    updatedAt: input.now.toISOString(),
  });
  const records: StoredItem[] = [
    ...input.published.map(({ claim, reached, complete }) =>
      settled(claim, complete ? 'sent' : 'partial', reached),
    ),
    ...input.unpublished.map((claim) => settled(claim, 'partial', claim.record.topicsSent)),
  ];
  const incidents = input.incidents.map(({ incident }) =>
    incidentItem(incident, incidentDue(incident, input.detection), input.now, input.expiresAt),
  );
  const items = [...records, ...incidents];
  let failedCount = 0;
  let retries = 0;
  try {
    const [written, updated] = await Promise.all([
      items.length > 0 ? store.write(items, { deadline }) : { unwritten: [], retries: 0 },
      input.earlierEvents.length > 0
        ? store.addDetections(input.earlierEvents, { deadline })
        : { unwritten: [], retries: 0 },
    ]);
    const unwritten = new Set(written.unwritten.map(keyString));
    failedCount = records.filter((r) => unwritten.has(keyString(r))).length;
    retries = written.retries + updated.retries;
  } catch (error) {
    logger.error('Marking alerts sent failed', { error: errorText(error) });
    failedCount = records.length;
  }
  if (failedCount > 0) {
    logger.warn('Alerts published but not marked sent; a redelivery may alert again', {
      count: failedCount,
    });
  }
  return { failedCount, retries };
}
