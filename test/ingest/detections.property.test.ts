// The detections through the real handler (in-memory store, capturing publisher, folding off):
// however a timeline's messages arrive (any order, copies in later batches, any batch cuts),
// the same incidents are alerted (by detection, call center and group), the same event alerts go
// out, and nothing is alerted twice. Incident ids may differ between arrivals (an id comes from
// the part of the incident found first), so incidents are compared by what they are about.
import fc from 'fast-check';
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import type { Alert } from '../../lambda/core/alert-format';
import { DEFAULT_INGEST_CONFIG, type IngestConfig } from '../../lambda/ingest/config';
import { createHandler } from '../../lambda/ingest/create-handler';
import { sqsEvent, sqsRecord } from '../../lambda/testing/factories';
import { CapturingAlertPublisher, InMemoryEventStore } from '../../lambda/testing/memory-ports';
import {
  deletedUserLogin,
  failedPassword,
  successfulLogin,
  type TimelineEntry,
  timelineVoisoEvent,
} from '../../lambda/testing/timeline';
import { deliveries, timelineEntries } from '../support/timeline-arbitraries';

const UNFOLDED: IngestConfig = {
  ...DEFAULT_INGEST_CONFIG,
  detection: { ...DEFAULT_DETECTION_SETTINGS, foldingWindowMinutes: 0 },
};

/** What came out of delivering the batches to a fresh handler. */
async function deliver(batches: readonly (readonly string[])[]) {
  const store = new InMemoryEventStore();
  const alerts = new CapturingAlertPublisher();
  const handler = createHandler({ store, alerts, config: UNFOLDED });
  const failures: string[] = [];
  for (const batch of batches) {
    const response = await handler(sqsEvent(...batch.map((body) => sqsRecord(body))));
    failures.push(...response.batchItemFailures.map((f) => f.itemIdentifier));
  }
  return { published: alerts.published, failures };
}

const incidentAlerts = (published: readonly Alert[]) =>
  published.flatMap((a) =>
    a.document.kind === 'incident'
      ? [`${a.document.detection} ${a.document.callcenter} ${a.document.group} ${a.topic}`]
      : [],
  );
const eventAlerts = (published: readonly Alert[]) =>
  published.flatMap((a) => (a.document.kind === 'event' ? [`${a.key} ${a.topic}`] : []));
const setOf = (keys: readonly string[]) => [...new Set(keys)].sort();
const bodiesOf = (entries: readonly TimelineEntry[]) => [
  ...new Set(entries.map((e) => JSON.stringify(timelineVoisoEvent(e)))),
];

describe('ingest handler detections, whatever the arrival', () => {
  it('alerts the same incidents and event alerts, each once', async () => {
    await fc.assert(
      fc.asyncProperty(
        timelineEntries(20)
          .map(bodiesOf)
          .chain((bodies) => fc.tuple(fc.constant(bodies), deliveries(bodies))),
        async ([bodies, batches]) => {
          // Act
          const once = await deliver([bodies]);
          const delivered = await deliver(batches);
          // Assert
          expect(delivered.failures).toEqual([]);
          expect(setOf(incidentAlerts(delivered.published))).toEqual(
            setOf(incidentAlerts(once.published)),
          );
          expect(setOf(eventAlerts(delivered.published))).toEqual(
            setOf(eventAlerts(once.published)),
          );
          // Each alert (incident or event, per topic) goes out once.
          const keys = delivered.published.map((a) => `${a.key} ${a.topic}`);
          expect(keys).toHaveLength(new Set(keys).size);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('alerts exactly the same incidents when each group lies within one window', async () => {
    await fc.assert(
      fc.asyncProperty(
        timelineEntries(10)
          .map(bodiesOf)
          .chain((bodies) => fc.tuple(fc.constant(bodies), deliveries(bodies))),
        async ([bodies, batches]) => {
          // Act
          const once = await deliver([bodies]);
          const delivered = await deliver(batches);
          // Assert: not only the same set, the same number of incident alerts.
          expect(incidentAlerts(delivered.published).sort()).toEqual(
            incidentAlerts(once.published).sort(),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('ingest handler detections, examples', () => {
  const body = (entry: TimelineEntry) => JSON.stringify(timelineVoisoEvent(entry));

  it('alerts a brute force once, with its events, whether its events come one by one or all at once', async () => {
    // Prepare
    const bodies = [0, 1, 2, 3, 4].map((at) => body(failedPassword(at, 'dana', 4)));
    // Act
    const oneByOne = await deliver(bodies.map((b) => [b]));
    const atOnce = await deliver([bodies]);
    // Assert
    for (const { published, failures } of [oneByOne, atOnce]) {
      expect(failures).toEqual([]);
      const incidents = published.filter((a) => a.document.kind === 'incident');
      expect(incidents.map((a) => [a.topic, a.attributes.rule, a.attributes.kind])).toEqual([
        ['alerts', 'brute-force', 'incident'],
        ['critical', 'brute-force', 'incident'],
      ]);
      expect(incidents[0]?.document).toMatchObject({ eventCount: 5, measure: 20 });
    }
  });

  it('alerts nothing new, and fails nothing, when an old attack is redelivered after its group moved on', async () => {
    // Prepare: an attack, then an attempt three hours later (the group drops the attack's
    // events), then the attack's messages again (a DLQ redrive, say).
    const attack = [0, 5, 10].map((at) => body(deletedUserLogin(at, 'former')));
    const later = body(deletedUserLogin(180, 'former'));
    // Act
    const { published, failures } = await deliver([attack, [later], attack]);
    // Assert
    expect(failures).toEqual([]);
    expect(published.filter((a) => a.document.kind === 'incident')).toHaveLength(2);
  });

  it('alerts a success after failures when the success arrives first', async () => {
    // Prepare
    const success = body(successfulLogin(10, 'dana'));
    const failure = body(failedPassword(0, 'dana', 2));
    // Act
    const { published, failures } = await deliver([[success], [failure]]);
    // Assert
    expect(failures).toEqual([]);
    expect(
      published.filter((a) => a.attributes.rule === 'brute-force-succeeded').map((a) => a.topic),
    ).toEqual(['alerts', 'critical']);
  });
});
