// What a batch reports about detections and folding: the incidents it found new (not those it
// only added events to or saw again), the alerts it folded, and which stored events formed an
// incident, on first delivery and on redelivery.
import { DEFAULT_INGEST_CONFIG } from '../../lambda/ingest/config';
import { createHandler } from '../../lambda/ingest/create-handler';
import { sqsEvent, sqsRecord, voisoEvent } from '../../lambda/testing/factories';
import { CapturingAlertPublisher, InMemoryEventStore } from '../../lambda/testing/memory-ports';
import { countingMetrics } from '../../lambda/testing/telemetry';

const at = (second: number) => new Date(Date.UTC(2025, 5, 2, 8, 0, second)).toISOString();

/** `n` failed logins of one user a second apart: a brute force at the 20th. */
const failedLogins = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) =>
    sqsRecord(
      voisoEvent('app_login/incorrect_password', {
        timestamp: at(from + i),
        params: { user: 'dana@acme.com', count: 1 },
      }),
    ),
  );

/** Logins by deleted users a second apart: the first alerts, the next fold into its window. */
const deletedUserLogins = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    sqsRecord(
      voisoEvent('app_login/deleted_user', {
        timestamp: at(i),
        params: { user: `gone${i}@acme.com` },
      }),
    ),
  );

function pipeline() {
  const store = new InMemoryEventStore();
  const alerts = new CapturingAlertPublisher();
  const metrics = countingMetrics();
  const handler = createHandler({ store, alerts, config: DEFAULT_INGEST_CONFIG, metrics });
  return { store, alerts, metrics, handler };
}

describe('what a batch reports about incidents and folding', () => {
  it('counts an incident once, when it is new, and alerts it once', async () => {
    // Prepare
    const { alerts, metrics, handler } = pipeline();
    const batch = failedLogins(20);
    // Act
    const first = await handler(sqsEvent(...batch));
    const afterFirst = metrics.counts.get('IncidentsDetected');
    const again = await handler(sqsEvent(...batch));
    // Assert
    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    expect(afterFirst).toBe(1);
    expect(metrics.counts.get('IncidentsDetected')).toBe(1);
    expect(alerts.published.filter((a) => a.attributes.kind === 'incident')).toHaveLength(2);
    expect(new Set(alerts.published.map((a) => a.topic))).toEqual(new Set(['alerts', 'critical']));
  });

  it('does not count again an incident a later batch only adds events to', async () => {
    // Prepare
    const { metrics, handler } = pipeline();
    await handler(sqsEvent(...failedLogins(20)));
    // Act
    await handler(sqsEvent(...failedLogins(5, 20)));
    // Assert
    expect(metrics.counts.get('IncidentsDetected')).toBe(1);
  });

  it('marks every event that formed the incident with its detection', async () => {
    // Prepare
    const { store, handler } = pipeline();
    // Act: the first 19 alone form nothing; the 20th forms the incident with them.
    await handler(sqsEvent(...failedLogins(19)));
    await handler(sqsEvent(...failedLogins(1, 19)));
    // Assert
    const events = (await store.query('CC#acme', {})).filter((i) => i.kind === 'event');
    expect(events).toHaveLength(20);
    for (const event of events) {
      expect((event as { detections?: string[] }).detections).toEqual(['brute-force']);
    }
  });

  it('counts the alerts it folded, and none on redelivery', async () => {
    // Prepare
    const { alerts, metrics, handler } = pipeline();
    const batch = deletedUserLogins(4);
    // Act
    await handler(sqsEvent(...batch));
    const folded = metrics.counts.get('AlertsFolded');
    await handler(sqsEvent(...batch));
    // Assert
    expect(folded).toBe(3);
    expect(metrics.counts.get('AlertsFolded')).toBe(3);
    expect(alerts.published.filter((a) => a.attributes.kind === 'event')).toHaveLength(1);
  });
});
