// Items and claims for the step tests, built by the core as the handler builds them.
import { buildEventItem, type EventItem } from '../../../lambda/core/items';
import { classifyMessage } from '../../../lambda/core/message';
import { type AlertRecord, alertRecord } from '../../../lambda/core/records';
import { DEFAULT_INGEST_CONFIG } from '../../../lambda/ingest/config';
import type { Claim } from '../../../lambda/ingest/steps/plan-alerts';
import { type VoisoEventOverrides, voisoEvent } from '../../../lambda/testing/factories';

export const RECEIVED_AT = new Date('2024-05-06T07:08:10.000Z');

/** The stored item of a documented event (deleted_user: high, alert-worthy by default). */
export function eventItem(
  pair = 'app_login/deleted_user',
  overrides: VoisoEventOverrides = {},
  messageId = 'm1',
): EventItem {
  const verdict = classifyMessage(
    JSON.stringify(voisoEvent(pair, overrides)),
    DEFAULT_INGEST_CONFIG.detection,
  );
  if (verdict.kind !== 'event') throw new Error(`fixture: ${verdict.reason}`);
  return buildEventItem(verdict.normalised, verdict.classification, {
    messageId,
    receivedAt: RECEIVED_AT,
    retentionDays: 0,
  });
}

/** This batch's claim on an event's alert (version 1 unless a record existed). */
export function eventClaim(
  item: EventItem,
  carriers: readonly string[] = [item.messageId],
  change: Partial<Pick<AlertRecord, 'topicsSent' | 'state'>> = {},
  previousVersion = 0,
): Claim {
  const record = alertRecord(
    {
      alertKey: item.eventId,
      alertKind: 'event',
      callcenter: item.callcenter,
      rule: item.rules[0] ?? 'none',
      severity: item.severity,
      subject: { pk: item.pk, sk: item.sk },
    },
    {
      state: change.state ?? 'claimed',
      topicsSent: change.topicsSent ?? [],
      owners: carriers,
      leaseUntil: Date.now() + 60_000,
    },
    previousVersion,
    RECEIVED_AT,
    undefined,
  );
  return { record, carriers, subject: { kind: 'event', item } };
}
