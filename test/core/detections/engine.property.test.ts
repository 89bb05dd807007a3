// Arrival does not change the answer. Random timelines mixing every detection's events, delivered
// in any order, with duplicates across batches, cut into batches anywhere, against the same
// events evaluated in one batch. What the engine promises, exactly:
// - when each group's events lie within one window of each other (one attack), the incidents are
//   the same: same groups, start, end, events and measure (ids may differ: an incident's id
//   comes from the part of it found first);
// - when they lie within the two windows a group keeps, every incident of the one batch is found
//   with exactly its events, and anything else found is part of one of them (a late event that
//   bridges two incidents already alerted cannot merge them);
// - new-source (not monotone: a late earlier sighting would undo a first sighting) gives the same
//   incidents in event-time order, and in any order finds every incident of the one batch.
import fc from 'fast-check';
import type { Incident } from '../../../lambda/core/detections/engine';
import type { DetectionEvent } from '../../../lambda/core/detections/model';
import { runBatches, type TimelineEntry, timelineEvent } from '../../../lambda/testing/timeline';
import { deliveries, sourceChanges, timelineEntries } from '../../support/timeline-arbitraries';

/** The entries as the engine sees them, an identical entry being the same event. */
function uniqueEvents(entries: readonly TimelineEntry[]): DetectionEvent[] {
  const byId = new Map<string, DetectionEvent>();
  for (const entry of entries) {
    const event = timelineEvent(entry);
    byId.set(event.id, event);
  }
  return [...byId.values()];
}

const timeline = (span: number, apart = 0) => timelineEntries(span, apart).map(uniqueEvents);
const sources = (days: number) => sourceChanges(days).map(uniqueEvents);
const timeOf = (e: DetectionEvent) => e.time;

interface View {
  readonly identity: string;
  readonly start: number;
  readonly end: number;
  readonly eventIds: readonly string[];
  readonly measure: number;
  readonly values: readonly string[];
  readonly severity: string;
  readonly suppressed: boolean;
}

const view = (i: Incident): View => ({
  identity: JSON.stringify([i.detection, i.callcenter, i.group, i.key ?? null]),
  start: i.start,
  end: i.end,
  eventIds: [...i.eventIds].sort(),
  measure: i.measure,
  values: i.values,
  severity: i.severity,
  suppressed: i.suppressed,
});
const sorted = (views: readonly View[]) =>
  [...views].sort((a, b) =>
    `${a.identity} ${a.start} ${a.end}`.localeCompare(`${b.identity} ${b.start} ${b.end}`),
  );
const incidents = (batches: readonly (readonly DetectionEvent[])[]) =>
  sorted(runBatches(batches).incidents.map(view));

const contains = (outer: View, inner: View) =>
  outer.identity === inner.identity &&
  outer.start <= inner.start &&
  inner.end <= outer.end &&
  inner.eventIds.every((id) => outer.eventIds.includes(id));

const NUM_RUNS = 150;

describe('the engine, whatever the arrival', () => {
  it('finds the same incidents when each group lies within one window', () => {
    fc.assert(
      fc.property(
        timeline(10).chain((events) => fc.tuple(fc.constant(events), deliveries(events))),
        ([events, batches]) => {
          // Act
          const once = incidents([events]);
          const delivered = incidents(batches);
          // Assert
          expect(delivered).toEqual(once);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('finds every incident exactly, and nothing outside them, when each group lies within two windows', () => {
    fc.assert(
      fc.property(
        timeline(20).chain((events) => fc.tuple(fc.constant(events), deliveries(events))),
        ([events, batches]) => {
          // Act
          const once = incidents([events]);
          const delivered = incidents(batches);
          // Assert
          for (const incident of once) expect(delivered).toContainEqual(incident);
          for (const incident of delivered) {
            expect(once.some((outer) => contains(outer, incident))).toBe(true);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('finds the same incidents in event-time order with duplicates, batched anyhow, as at once', () => {
    fc.assert(
      fc.property(
        timeline(20).chain((events) => fc.tuple(fc.constant(events), deliveries(events, timeOf))),
        ([events, batches]) => {
          expect(incidents(batches)).toEqual(incidents([events]));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('finds the same incidents in event-time order as at once, for attacks a day apart', () => {
    // Attacks of a group far apart: in one batch the older ones are far behind the newest.
    fc.assert(
      fc.property(
        timeline(10, 25 * 60).chain((events) =>
          fc.tuple(fc.constant(events), deliveries(events, timeOf)),
        ),
        ([events, batches]) => {
          expect(incidents(batches)).toEqual(incidents([events]));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('new-source, whatever the arrival', () => {
  it('finds the same incidents in event-time order with duplicates, batched anyhow, as at once', () => {
    // Over 90 days: three windows, so the groups drop observations as they go.
    fc.assert(
      fc.property(
        sources(90).chain((events) => fc.tuple(fc.constant(events), deliveries(events, timeOf))),
        ([events, batches]) => {
          expect(incidents(batches)).toEqual(incidents([events]));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('finds every incident of the one batch with exactly its event, in any order', () => {
    // Over 60 days: the two windows a group keeps.
    fc.assert(
      fc.property(
        sources(60).chain((events) => fc.tuple(fc.constant(events), deliveries(events))),
        ([events, batches]) => {
          // Act
          const once = incidents([events]);
          const delivered = incidents(batches);
          // Assert
          for (const incident of once) {
            expect(
              delivered.some(
                (found) =>
                  found.identity === incident.identity &&
                  JSON.stringify(found.eventIds) === JSON.stringify(incident.eventIds) &&
                  found.start <= incident.start &&
                  incident.end <= found.end,
              ),
            ).toBe(true);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
