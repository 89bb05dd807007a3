// Step 4: publish the alerts that are due: new alert-worthy events, and earlier ones still
// `pending` (an earlier delivery stored the event, but its publish failed or the function
// crashed), minus the topics an earlier delivery already reached (`alertTopicsSent`: a critical
// event whose `alerts` entry went out but whose `critical` entry failed retries only the latter).
// A record whose alert did not fully go out fails, so its redelivery publishes what is missing.
import { type Alert, buildAlerts } from '../../core/alert-format';
import type { EventItem } from '../../core/items';
import type { AlertPublisher } from '../../ports/alert-publisher';
import type { Logger } from '../../ports/telemetry';
import { type EventGroup, errorText, failuresOf, type RecordFailure } from '../batch';

/** A group whose event is stored (new or existing), with the item as it is in the table. */
export interface StoredGroup {
  readonly group: EventGroup;
  readonly stored: EventItem;
}

export interface PublishedAlerts {
  /** Alerts SNS accepted. */
  readonly sent: readonly Alert[];
  /** Alerts that failed to publish. */
  readonly failedCount: number;
  /**
   * The state each published-to event should be marked with, by group key: `sent` when every
   * topic was reached, otherwise still `pending` with the topics reached so far.
   */
  readonly marks: ReadonlyMap<string, EventItem>;
  readonly failures: readonly RecordFailure[];
}

export async function publishDue(
  publisher: AlertPublisher,
  stored: readonly StoredGroup[],
  logger: Logger,
): Promise<PublishedAlerts> {
  const due = stored
    .filter(({ stored: item }) => item.alertState === 'pending')
    .map((entry) => {
      const reached = new Set(entry.stored.alertTopicsSent ?? []);
      const alerts = buildAlerts(entry.stored).filter((alert) => !reached.has(alert.topic));
      return { ...entry, alerts };
    });
  const alerts = due.flatMap((entry) => entry.alerts);
  let failedIds: ReadonlySet<string> = new Set();
  if (alerts.length > 0) {
    try {
      failedIds = new Set((await publisher.publish(alerts)).failed);
    } catch (error) {
      logger.error('Alert publish failed', { error: errorText(error) });
      failedIds = new Set(alerts.map((alert) => alert.id));
    }
  }
  const marks = new Map<string, EventItem>();
  const failures: RecordFailure[] = [];
  for (const { group, stored: item, alerts: groupAlerts } of due) {
    const reached = groupAlerts.filter((a) => !failedIds.has(a.id)).map((a) => a.topic);
    const complete = reached.length === groupAlerts.length;
    if (!complete) failures.push(...failuresOf(group.records, 'alert publish failed'));
    if (reached.length === 0) continue;
    const topicsSent = [...new Set([...(item.alertTopicsSent ?? []), ...reached])];
    marks.set(
      group.key,
      complete
        ? { ...item, alertState: 'sent', alertTopicsSent: topicsSent }
        : { ...item, alertTopicsSent: topicsSent },
    );
  }
  return {
    sent: alerts.filter((alert) => !failedIds.has(alert.id)),
    failedCount: failedIds.size,
    marks,
    failures,
  };
}
