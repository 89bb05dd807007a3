// Replays events through the Lambda's own engine, writing and publishing nothing: each event is
// classified by the single-event rules with the configuration under test (lambda/core/severity
// `classify`), the detections run over the events in batches exactly as the ingest function
// runs them (`contributions` + `evaluateGroup`, each group's state carried from batch to batch,
// expired as its item would be), and event alerts are folded by the core's `planFolding`.
//
// The replay's one assumption: every event arrived at its own time, in time order. Detections
// do not depend on arrival (event time only); folding does (it is about how often people are
// told), so a summary's count here is what a stream arriving in real time would have produced.
import type { DetectionSettings } from '../../contract/config';
import type { EventPair } from '../../contract/pairs';
import type { Severity } from '../../contract/severity';
import {
  contributions,
  type DetectionState,
  emptyState,
  evaluateGroup,
  type Incident,
  MAX_OBSERVATIONS,
  markAlerted,
  resolveTunings,
  stateRetainMs,
} from '../../lambda/core/detections/engine';
import type { DetectionEvent } from '../../lambda/core/detections/model';
import { foldKeyString, planFolding, summaryId } from '../../lambda/core/folding';
import type { EventItem } from '../../lambda/core/items';
import { callcenterKey, eventSortKey } from '../../lambda/core/keys';
import type { Classification, SecurityEvent } from '../../lambda/core/model';
import type { FoldItem } from '../../lambda/core/records';
import { timeMs } from '../../lambda/core/records';
import { classify } from '../../lambda/core/severity';
import { incidentDue } from '../../lambda/ingest/steps/plan-alerts';

/** An event as the replay needs it: what the ingest function had once it had parsed the body. */
export interface ReplayEvent {
  readonly id: string;
  /** Normalised time (`YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`). */
  readonly time: string;
  /** Epoch ms of `time`. */
  readonly timeMs: number;
  readonly event: SecurityEvent;
  readonly pair: EventPair;
  readonly recognised: boolean;
}

/** A stored event, as it was before the rules judged it. */
export const replayEventOfItem = (item: EventItem): ReplayEvent => ({
  id: item.eventId,
  time: item.time,
  timeMs: timeMs(item.time),
  event: {
    timestamp: item.timestamp,
    type: item.type,
    event: item.event,
    callcenter: item.callcenter,
    params: item.params,
  },
  pair: `${item.type}/${item.event}`,
  recognised: item.recognised,
});

export type ReplayAlertKind = 'event' | 'incident' | 'summary';

/** One alert that would have gone out (to `alerts`, and to `critical` too when critical). */
export interface ReplayAlert {
  /** The alert key: event id, incident id or summary id. */
  readonly id: string;
  readonly kind: ReplayAlertKind;
  /** The `rule` attribute: the first rule that fired, the detection, or the folded rule. */
  readonly rule: string;
  readonly callcenter: string;
  readonly severity: Severity;
  /** When it would have gone out, epoch ms: the event's time, the incident's discovery, the window's close. */
  readonly at: number;
}

export interface ReplayResult {
  /** Distinct events replayed. */
  readonly events: number;
  /** Events a suppression matched (stored, never alerted). */
  readonly suppressed: number;
  /** Event alerts folded into summaries instead of going out on their own. */
  readonly folded: number;
  /** Incidents whose alert would have gone out, as last described, in time order. */
  readonly incidents: readonly Incident[];
  /** Incidents found but not alerted (suppressed, or below the threshold). */
  readonly quietIncidents: readonly Incident[];
  /** In the order they would have gone out. */
  readonly alerts: readonly ReplayAlert[];
}

export interface ReplayOptions {
  /** Most events in one detection batch. @default 50,000 */
  readonly batchSize?: number;
}

const MINUTE_MS = 60_000;

/**
 * The engine gives the same incidents however events in time order are cut into batches
 * (test/core/detections/engine.property.test.ts); the function's batches are 100 messages or
 * fewer. The replay takes larger ones, bounded so that nothing else changes: a day of event
 * time (a group's state lives longer than a day past its last event, so its expiry is judged
 * per group at its own events' times, as the function would), and at most MAX_OBSERVATIONS
 * for any one group (its state keeps that many and an evaluation looks at twice that: with what
 * it kept, a batch never brings more than an evaluation looks at, so no bound cuts where the
 * function's would not).
 */
const MAX_BATCH_SPAN_MS = 24 * 60 * MINUTE_MS;
const MAX_GROUP_SHARE = MAX_OBSERVATIONS;
const MIN_BATCH = 100;

const byTime = (a: ReplayEvent, b: ReplayEvent) =>
  a.timeMs - b.timeMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Events sorted by time, each id once (a redelivered or re-sent event is one event). */
export function inTimeOrder(events: readonly ReplayEvent[]): ReplayEvent[] {
  const sorted = [...events].sort(byTime);
  return sorted.filter((e, i) => i === 0 || sorted[i - 1]?.id !== e.id);
}

/** Replays `events` (in time order, distinct: see inTimeOrder) with one configuration (pure). */
export function replay(
  events: readonly ReplayEvent[],
  settings: DetectionSettings,
  options: ReplayOptions = {},
): ReplayResult {
  const batchSize = Math.max(1, options.batchSize ?? 50_000);
  const tunings = resolveTunings(settings);
  const classifications = events.map((e) => classify(e.event, e.pair, e.recognised, settings));
  const alerts: ReplayAlert[] = [];
  const folding = foldEventAlerts(events, classifications, settings, alerts);

  // Detections, batch by batch, as the ingest function evaluates them.
  const states = new Map<string, { state: DetectionState; expiresAt: number }>();
  const latest = new Map<string, Incident>();
  const alerted = new Set<string>();
  const quiet = new Set<string>();
  const detectionEvent = (i: number): DetectionEvent => {
    const e = events[i] as ReplayEvent;
    return {
      id: e.id,
      time: e.timeMs,
      timeText: e.time,
      callcenter: e.event.callcenter,
      pair: e.pair,
      params: e.event.params,
      suppressed: classifications[i]?.suppressedBy !== undefined,
    };
  };
  const evaluate = (start: number, end: number): void => {
    const batch: DetectionEvent[] = [];
    for (let i = start; i < end; i++) batch.push(detectionEvent(i));
    const touched = contributions(batch, tunings);
    // A group takes at most what a few Lambda batches would bring it, so that the state's and the
    // evaluation's bounds (MAX_OBSERVATIONS, 2x that evaluated) cut exactly where they would.
    if (end - start > MIN_BATCH) {
      for (const c of touched.values()) {
        if (c.observations.length > MAX_GROUP_SHARE) {
          const middle = start + Math.floor((end - start) / 2);
          evaluate(start, middle);
          evaluate(middle, end);
          return;
        }
      }
    }
    const batchIds = new Set(batch.map((e) => e.id));
    for (const [id, contribution] of touched) {
      // Each event arrives at its own time, so a group's state was last written when its last
      // event arrived, and is read when its next one does: expired then, it starts over, as the
      // function reads it (records.ts `stateOf`).
      const observations = contribution.observations;
      const firstArrival = observations[0]?.t ?? 0;
      const lastArrival = observations[observations.length - 1]?.t ?? 0;
      const kept = states.get(id);
      const prior =
        kept !== undefined && kept.expiresAt > firstArrival
          ? kept.state
          : emptyState(contribution.detection, contribution.callcenter, contribution.group);
      const outcome = evaluateGroup(prior, contribution, tunings[prior.detection], batchIds);
      for (const { incident, status } of outcome.incidents) {
        latest.set(incident.id, incident);
        if (status !== 'new') continue;
        // Whether an incident alerts is decided once, when it is found (plan-alerts.ts).
        if (incidentDue(incident, settings)) {
          alerted.add(incident.id);
          alerts.push({
            id: incident.id,
            kind: 'incident',
            rule: incident.detection,
            callcenter: incident.callcenter,
            severity: incident.severity,
            at: incident.end,
          });
        } else {
          quiet.add(incident.id);
        }
      }
      states.set(id, {
        state:
          outcome.incidents.length === 0
            ? outcome.state
            : markAlerted(outcome.state, new Set(outcome.incidents.map((i) => i.incident.id))),
        expiresAt: lastArrival + stateRetainMs(settings, contribution.detection),
      });
    }
  };
  // Batches of events close in event time: at most `batchSize` events and MAX_BATCH_SPAN_MS.
  for (let start = 0; start < events.length; ) {
    const first = (events[start] as ReplayEvent).timeMs;
    let end = start + 1;
    while (
      end < events.length &&
      end - start < batchSize &&
      (events[end] as ReplayEvent).timeMs - first <= MAX_BATCH_SPAN_MS
    ) {
      end++;
    }
    evaluate(start, end);
    start = end;
  }
  const describe = (ids: ReadonlySet<string>) =>
    [...ids]
      .flatMap((id) => {
        const incident = latest.get(id);
        return incident === undefined ? [] : [incident];
      })
      .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
  alerts.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    events: events.length,
    suppressed: classifications.filter((c) => c.suppressedBy !== undefined).length,
    folded: folding.folded,
    incidents: describe(alerted),
    quietIncidents: describe(quiet),
    alerts,
  };
}

/**
 * Event alerts, folded as the function folds them (lambda/core/folding.ts), each event arriving
 * at its own time: the first of a window goes out at once, the rest make one summary when the
 * window closes.
 */
function foldEventAlerts(
  events: readonly ReplayEvent[],
  classifications: readonly Classification[],
  settings: DetectionSettings,
  alerts: ReplayAlert[],
): { folded: number } {
  const windowMs = settings.foldingWindowMinutes * MINUTE_MS;
  const open = new Map<string, FoldItem | undefined>();
  const summaries = new Map<string, ReplayAlert>();
  let folded = 0;
  events.forEach((e, i) => {
    const c = classifications[i];
    if (c === undefined || !c.alert) return;
    const candidate = {
      eventId: e.id,
      eventKey: { pk: callcenterKey(e.event.callcenter), sk: eventSortKey(e.time, e.id) },
      callcenter: e.event.callcenter,
      rule: c.rules[0] ?? 'none',
      severity: c.severity,
      type: e.event.type,
      event: e.event.event,
      time: e.timeMs,
    };
    const plan = planFolding([candidate], open, e.timeMs, windowMs);
    for (const item of plan.opened) open.set(foldKeyString(item), item);
    const action = plan.actions.get(e.id);
    if (action?.action === 'fold') {
      folded++;
      const id = summaryId(action.windowId);
      if (!summaries.has(id)) {
        summaries.set(id, {
          id,
          kind: 'summary',
          rule: candidate.rule,
          callcenter: candidate.callcenter,
          severity: candidate.severity,
          at: action.closesAt,
        });
      }
      return;
    }
    alerts.push({
      id: e.id,
      kind: 'event',
      rule: candidate.rule,
      callcenter: candidate.callcenter,
      severity: c.severity,
      at: e.timeMs,
    });
  });
  alerts.push(...summaries.values());
  return { folded };
}
