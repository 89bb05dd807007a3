// Runs a detection's table: each row is a timeline and the incidents it must give, checked under
// every way the events can arrive (in order, reversed, shuffled, duplicated, one at a time or all
// at once, a late event last). What must not change with arrival is the whole answer: which
// incidents, their groups, start and end, the events that formed them and what they measured.
import { type DetectionSettings, parseDetectionSettings } from '../../../contract/config';
import { DETECTIONS, type DetectionId } from '../../../contract/detections';
import type { Severity } from '../../../contract/severity';
import { type Incident, resolveTunings } from '../../../lambda/core/detections/engine';
import type { DetectionEvent } from '../../../lambda/core/detections/model';
import {
  inBatches,
  runBatches,
  shuffled,
  type TimelineEntry,
  timelineEvent,
} from '../../../lambda/testing/timeline';

/** An incident a row expects. */
export interface ExpectedIncident {
  /** The group as the engine names it: `user:dana`, `actor:rogue|user/user_deleted`, `callcenter`. */
  readonly group: string;
  /** Indexes into the row's timeline of the events that formed it. */
  readonly events: readonly number[];
  /** What crossed the threshold; 1 for sequences and first sightings. @default 1 */
  readonly measure?: number;
  /** @default the detection's default severity */
  readonly severity?: Severity;
  readonly key?: string;
  /** @default 'acme' */
  readonly callcenter?: string;
}

export interface DetectionCase {
  readonly name: string;
  readonly timeline: readonly TimelineEntry[];
  /** This detection's incidents, whatever the arrival; none for a control that must not fire. */
  readonly incidents: readonly ExpectedIncident[];
  /**
   * Index of a late event: it arrives last, after newer ones, though it is older than the start
   * of the window of the newest event; it must still join its window.
   */
  readonly late?: number;
  /** The detection configuration (tuning, suppressions), as in `cdk.json`. */
  readonly config?: unknown;
  /** Arrivals the row holds for, when not all of them (say why next to the row). */
  readonly arrivals?: readonly ArrivalName[];
}

type Arrival = (events: readonly DetectionEvent[]) => DetectionEvent[][];

const byTime = (events: readonly DetectionEvent[]): DetectionEvent[] =>
  [...events].sort((a, b) => a.time - b.time);

/** Ways the events of a timeline may arrive, as batches. */
export const ARRIVALS = {
  'in event-time order, one at a time': (events) => inBatches(byTime(events), 1),
  'in event-time order, two at a time': (events) => inBatches(byTime(events), 2),
  'all at once': (events) => [[...events]],
  'reversed, one at a time': (events) => inBatches(byTime(events).reverse(), 1),
  'shuffled (seed 1), one at a time': (events) => inBatches(shuffled(events, 1), 1),
  'shuffled (seed 2), two at a time': (events) => inBatches(shuffled(events, 2), 2),
  'shuffled (seed 3), three at a time': (events) => inBatches(shuffled(events, 3), 3),
  'every event twice, the copies in later batches': (events) =>
    inBatches([...byTime(events), ...shuffled(events, 4)], 2),
  'every event twice in one batch': (events) => [[...events, ...shuffled(events, 5)]],
  'every event twice in a row, reversed, one at a time': (events) =>
    inBatches(
      byTime(events)
        .reverse()
        .flatMap((e) => [e, e]),
      1,
    ),
} satisfies Record<string, Arrival>;

export type ArrivalName = keyof typeof ARRIVALS;

/** Arrivals in which no event arrives before an earlier one of the same timeline is known. */
export const WITHOUT_SHUFFLING: readonly ArrivalName[] = (
  Object.keys(ARRIVALS) as ArrivalName[]
).filter((name) => !name.startsWith('shuffled'));

/** The comparable parts of an incident (its id depends on which part of it was found first). */
export interface IncidentView {
  readonly callcenter: string;
  readonly group: string;
  readonly key: string | undefined;
  readonly start: string;
  readonly end: string;
  readonly eventIds: readonly string[];
  readonly eventCount: number;
  readonly measure: number;
  readonly severity: Severity;
}

const iso = (ms: number) => new Date(ms).toISOString();

export const viewOf = (i: Incident): IncidentView => ({
  callcenter: i.callcenter,
  group: i.group,
  key: i.key,
  start: iso(i.start),
  end: iso(i.end),
  eventIds: [...i.eventIds].sort(),
  eventCount: i.eventCount,
  measure: i.measure,
  severity: i.severity,
});

const order = (a: IncidentView, b: IncidentView) =>
  `${a.callcenter} ${a.group} ${a.key} ${a.start}`.localeCompare(
    `${b.callcenter} ${b.group} ${b.key} ${b.start}`,
  );

/** The detection's incidents after the batches, in a stable order. */
export function incidentsOf(
  detection: DetectionId,
  batches: readonly (readonly DetectionEvent[])[],
  settings?: DetectionSettings,
): IncidentView[] {
  const run = runBatches(batches, settings && { tunings: resolveTunings(settings) });
  return run.incidents
    .filter((i) => i.detection === detection)
    .map(viewOf)
    .sort(order);
}

function expectedViews(
  detection: DetectionId,
  row: DetectionCase,
  events: readonly DetectionEvent[],
): IncidentView[] {
  return row.incidents
    .map((expected) => {
      const formed = expected.events.map((index) => {
        const event = events[index];
        if (!event) throw new Error(`${row.name}: no event at index ${index}`);
        return event;
      });
      const times = formed.map((e) => e.time);
      return {
        callcenter: expected.callcenter ?? 'acme',
        group: expected.group,
        key: expected.key,
        start: iso(Math.min(...times)),
        end: iso(Math.max(...times)),
        eventIds: formed.map((e) => e.id).sort(),
        eventCount: formed.length,
        measure: expected.measure ?? 1,
        severity: expected.severity ?? DETECTIONS[detection].severity,
      };
    })
    .sort(order);
}

/** Registers the row's tests: one per arrival, plus the late arrival when the row has one. */
export function detectionTable(detection: DetectionId, rows: readonly DetectionCase[]): void {
  describe.each(rows)('$name', (row) => {
    const settings = row.config === undefined ? undefined : parseDetectionSettings(row.config);
    const events = row.timeline.map((entry) => timelineEvent(entry, settings));
    const ids = new Set(events.map((e) => e.id));
    const expected = () => expectedViews(detection, row, events);

    it('has distinct events (an identical entry would be one event delivered twice)', () => {
      expect(ids.size).toBe(events.length);
    });

    const arrivals = row.arrivals ?? (Object.keys(ARRIVALS) as ArrivalName[]);
    it.each(arrivals)('%s', (name) => {
      // Prepare
      const batches = ARRIVALS[name](events);
      // Act
      const found = incidentsOf(detection, batches, settings);
      // Assert
      expect(found).toEqual(expected());
    });

    const lateIndex = row.late;
    if (lateIndex !== undefined) {
      it('with the late event last, older than the window start of the newest event', () => {
        // Prepare
        const late = events[lateIndex];
        if (!late) throw new Error(`${row.name}: no event at index ${lateIndex}`);
        const others = byTime(events.filter((e) => e !== late));
        const newest = Math.max(...others.map((e) => e.time));
        const windowMs =
          (settings ?? parseDetectionSettings({})).detections[detection]?.windowMinutes ??
          DETECTIONS[detection].windowMinutes;
        expect(late.time).toBeLessThan(newest - windowMs * 60_000);
        // Act
        const found = incidentsOf(detection, [...inBatches(others, 1), [late]], settings);
        // Assert
        expect(found).toEqual(expected());
      });
    }
  });
}
