// One fuzz case: a batch of hostile bodies through voiso-sec's handler, and what must hold
// afterwards. Returns the problems found (empty when the invariant holds) instead of throwing,
// so the caller can report them with the seed and the shrunk counterexample.
import type { SQSBatchResponse } from 'aws-lambda';
import type { Alert } from '../../lambda/core/alert-format';
import type { EventItem } from '../../lambda/core/items';
import { alertRecordKey } from '../../lambda/core/keys';
import { DEFAULT_INGEST_CONFIG } from '../../lambda/ingest/config';
import { createHandler } from '../../lambda/ingest/create-handler';
import type { AlertPublisher } from '../../lambda/ports/alert-publisher';
import type { EventStore } from '../../lambda/ports/event-store';
import type { IngestObserver } from '../../lambda/ports/observer';
import { silentLogger } from '../../lambda/ports/telemetry';
import { sqsBatches } from '../../lambda/testing/factories';

export interface BatchOutcome {
  readonly problems: string[];
  readonly stored: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly failed: number;
  readonly alerts: number;
}

type Outcome = 'stored' | 'duplicate' | 'quarantined' | 'failed';

export async function checkBatch(
  bodies: readonly string[],
  ports: { store: EventStore; alerts: AlertPublisher; allowFailures?: boolean },
  idPrefix = 'f',
): Promise<BatchOutcome> {
  const problems: string[] = [];
  const outcomes = new Map<string, Outcome[]>();
  const storedItems: EventItem[] = [];
  const published: Alert[] = [];
  const note = (messageId: string, outcome: Outcome) =>
    outcomes.set(messageId, [...(outcomes.get(messageId) ?? []), outcome]);
  const observer: IngestObserver = {
    onStored: (item) => {
      storedItems.push(item);
      note(item.messageId, 'stored');
    },
    onDuplicate: (report) => note(report.messageId, 'duplicate'),
    onQuarantined: (report) => note(report.messageId, 'quarantined'),
    onFailed: (messageId) => note(messageId, 'failed'),
    onAlertPublished: (alert) => published.push(alert),
  };
  const handler = createHandler({
    store: ports.store,
    alerts: ports.alerts,
    config: DEFAULT_INGEST_CONFIG,
    logger: silentLogger,
    observer,
  });
  const [event] = sqsBatches(bodies, bodies.length, idPrefix);
  if (event === undefined)
    return { problems, stored: 0, duplicates: 0, quarantined: 0, failed: 0, alerts: 0 };

  let response: SQSBatchResponse;
  try {
    response = await handler(event);
  } catch (error) {
    problems.push(`handler threw: ${error instanceof Error ? error.message : String(error)}`);
    return { problems, stored: 0, duplicates: 0, quarantined: 0, failed: 0, alerts: 0 };
  }

  // Every record has exactly one outcome, and the response reports exactly the failed ones.
  const reported = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  for (const record of event.Records) {
    const seen = outcomes.get(record.messageId) ?? [];
    if (seen.length !== 1) {
      problems.push(
        `record ${record.messageId} had outcomes [${seen.join(', ')}] for body ${JSON.stringify(record.body).slice(0, 120)}`,
      );
    }
    const failed = seen.includes('failed');
    if (failed !== reported.has(record.messageId)) {
      problems.push(
        `record ${record.messageId} failed=${failed} but batchItemFailures says ${reported.has(record.messageId)}`,
      );
    }
    if (failed && !ports.allowFailures) {
      problems.push(
        `record ${record.messageId} failed with working ports: ${JSON.stringify(record.body).slice(0, 120)}`,
      );
    }
  }
  // Every alert-worthy event this batch stored was alerted once per topic, or folded into its
  // window's summary (its alert record says so); no alert is about an event it did not store.
  const expectedAlerts = storedItems.filter((item) => item.alertDue);
  const alertIds = new Set(published.map((a) => a.id));
  const records = await ports.store.read(
    expectedAlerts.map((item) => alertRecordKey(item.eventId)),
    { deadline: Date.now() + 10_000 },
  );
  const folded = new Set(
    records.items.flatMap((r) => (r.kind === 'alert' && r.state === 'folded' ? [r.alertKey] : [])),
  );
  for (const item of expectedAlerts) {
    if (folded.has(item.eventId)) continue;
    const topics = item.severity === 'critical' ? ['alerts', 'critical'] : ['alerts'];
    for (const topic of topics) {
      if (!alertIds.has(`${item.eventId}-${topic}`))
        problems.push(`no ${topic} alert for stored ${item.type}/${item.event}`);
    }
  }
  if (alertIds.size !== published.length)
    problems.push('an alert was published twice in one batch');
  for (const alert of published) {
    const document = alert.document;
    if (document.kind !== 'event') continue;
    if (!storedItems.some((item) => item.eventId === document.eventId)) {
      problems.push(`alert ${alert.id} for an event this batch did not store`);
    }
  }
  const count = (o: Outcome) => [...outcomes.values()].filter((v) => v[0] === o).length;
  return {
    problems,
    stored: count('stored'),
    duplicates: count('duplicate'),
    quarantined: count('quarantined'),
    failed: count('failed'),
    alerts: published.length,
  };
}
