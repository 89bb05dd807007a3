// Step 7: publish what this batch claimed, each alert only to the topics its record has not
// reached yet (a critical alert whose `alerts` entry went out but whose `critical` entry failed
// retries only the latter). A claim whose alert did not fully go out fails its records, so
// their redelivery publishes what is missing.

import type { AlertTopic } from '../../../contract/alerts';
import { type Alert, buildAlerts } from '../../core/alert-format';
import { buildIncidentAlerts } from '../../core/incident-alerts';
import type { AlertPublisher } from '../../ports/alert-publisher';
import type { Logger } from '../../ports/telemetry';
import { errorText, type RecordFailure } from '../batch';
import type { Claim } from './plan-alerts';

export interface PublishedClaim {
  readonly claim: Claim;
  /** Every topic the alert has now reached (earlier deliveries included). */
  readonly reached: readonly AlertTopic[];
  readonly complete: boolean;
}

export interface Published {
  readonly claims: readonly PublishedClaim[];
  /** Alerts SNS accepted now. */
  readonly sent: readonly Alert[];
  readonly failedCount: number;
  readonly failures: readonly RecordFailure[];
}

const alertsOf = (claim: Claim): Alert[] =>
  claim.subject.kind === 'event'
    ? buildAlerts(claim.subject.item)
    : buildIncidentAlerts(claim.subject.incident);

export async function publishClaims(
  publisher: AlertPublisher,
  claims: readonly Claim[],
  logger: Logger,
): Promise<Published> {
  const due = claims.map((claim) => {
    const reached = new Set(claim.record.topicsSent);
    return { claim, alerts: alertsOf(claim).filter((alert) => !reached.has(alert.topic)) };
  });
  const alerts = due.flatMap((d) => d.alerts);
  let failedIds: ReadonlySet<string> = new Set();
  if (alerts.length > 0) {
    try {
      failedIds = new Set((await publisher.publish(alerts)).failed);
    } catch (error) {
      logger.error('Alert publish failed', { error: errorText(error) });
      failedIds = new Set(alerts.map((alert) => alert.id));
    }
  }
  const failures: RecordFailure[] = [];
  const published = due.map(({ claim, alerts: own }) => {
    const now = own.filter((a) => !failedIds.has(a.id)).map((a) => a.topic);
    const complete = now.length === own.length;
    if (!complete) {
      failures.push(
        ...claim.carriers.map((messageId) => ({ messageId, reason: 'alert publish failed' })),
      );
    }
    return { claim, reached: [...new Set([...claim.record.topicsSent, ...now])], complete };
  });
  return {
    claims: published,
    sent: alerts.filter((alert) => !failedIds.has(alert.id)),
    failedCount: failedIds.size,
    failures,
  };
}
