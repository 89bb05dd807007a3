// The detection engine, pure: a batch's events and the states of the groups they touch in, new
// states and the incidents found out. Observations are kept by event id, so a redelivered event
// changes nothing; evaluation sees every observation the group knows (what it kept and what the
// batch brings) in event-time order, so arrival order does not matter; an incident that overlaps one the group already recorded is that incident,
// so a late event that moves an incident's start does not make it a second one.
import { hash } from 'node:crypto';
import type { DetectionSettings } from '../../../contract/config';
import {
  DETECTION_IDS,
  DETECTIONS,
  type DetectionDefaults,
  type DetectionId,
} from '../../../contract/detections';
import { canonicalJson } from '../keys';
import { DETECTION_CATALOGUE } from './catalogue';
import type { Detection, DetectionEvent, IncidentCandidate, Observation, Tuning } from './model';
import { byTimeThenId } from './shapes';

/** Most observations one group keeps (the newest); about 100 bytes each in its item. */
export const MAX_OBSERVATIONS = 1_000;
/** Most observations one evaluation looks at (the newest): what a group keeps, a batch's more. */
const MAX_EVALUATED = 2 * MAX_OBSERVATIONS;
/** Most incidents one group remembers (the newest), however old. */
export const MAX_RECORDED_INCIDENTS = 20;
/** Event ids an incident lists; its total says how many formed it. */
export const MAX_INCIDENT_EVENT_IDS = 50;
/** Values (users, addresses) an incident lists. */
export const MAX_INCIDENT_VALUES = 20;

/** An incident a group has recorded: claimed once, matched by later evaluations. */
export interface RecordedIncident {
  readonly id: string;
  readonly start: number;
  readonly end: number;
  readonly key?: string;
  /** Its alert is known to be done (sent, or not due); false until a batch has seen it so. */
  readonly alerted: boolean;
}

/** What one (detection, call center, group) keeps between batches. */
export interface DetectionState {
  readonly detection: DetectionId;
  readonly callcenter: string;
  readonly group: string;
  /** Event time of the earliest event the group ever observed. */
  readonly since: number;
  /** Sorted by event time, then id. */
  readonly observations: readonly Observation[];
  readonly incidents: readonly RecordedIncident[];
  /** Optimistic-concurrency version of the stored state; 0 when it is not stored yet. */
  readonly version: number;
}

/** One incident with everything an alert and an audit need. */
export interface Incident {
  readonly id: string;
  readonly detection: DetectionId;
  readonly callcenter: string;
  readonly group: string;
  readonly groupedBy: string;
  readonly key?: string;
  /** Event times of its first and last event, epoch ms. */
  readonly start: number;
  readonly end: number;
  readonly severity: IncidentCandidate['severity'];
  /** The count or number of distinct values that crossed the threshold (1 for a sequence). */
  readonly measure: number;
  readonly threshold?: number;
  readonly windowMinutes: number;
  readonly values: readonly string[];
  /** The first MAX_INCIDENT_EVENT_IDS event ids, in time order. */
  readonly eventIds: readonly string[];
  readonly eventCount: number;
  /** Every event that formed it was suppressed: stored, never alerted. */
  readonly suppressed: boolean;
}

export interface IncidentOutcome {
  readonly incident: Incident;
  /** `new`: found now, no group record matched it; `known`: the group had recorded it. */
  readonly status: 'new' | 'known';
  /** The group's record says its alert may not be done (a crash between claim and publish). */
  readonly unconfirmed: boolean;
  /** Events of this batch among those that formed it. */
  readonly batchEventIds: readonly string[];
  /** Events stored by earlier batches among those that formed it (at most 50): id and time. */
  readonly earlierEvents: readonly { readonly id: string; readonly time: string }[];
}

export interface GroupOutcome {
  /** The group's state after this batch; `changed` when it must be written. */
  readonly state: DetectionState;
  readonly changed: boolean;
  readonly incidents: readonly IncidentOutcome[];
}

export type Tunings = Readonly<Record<DetectionId, Tuning>>;

const MINUTE_MS = 60_000;

/** The configuration applied to each detection's defaults. */
export function resolveTunings(settings: Pick<DetectionSettings, 'detections'>): Tunings {
  const tunings = {} as Record<DetectionId, Tuning>;
  for (const id of DETECTION_IDS) {
    const defaults: DetectionDefaults = DETECTIONS[id];
    const tuning = settings.detections[id] ?? {};
    tunings[id] = {
      enabled: tuning.enabled ?? true,
      windowMs: (tuning.windowMinutes ?? defaults.windowMinutes) * MINUTE_MS,
      threshold: tuning.threshold ?? defaults.threshold ?? 1,
      severity: tuning.severity ?? defaults.severity,
    };
  }
  return tunings;
}

/**
 * How long a group's stored state outlives the batch that wrote it: its observations' retention
 * (two windows), plus a day for late events. Its item's TTL, also checked in code (stateOf).
 */
export const stateRetainMs = (
  settings: Pick<DetectionSettings, 'detections'>,
  id: DetectionId,
): number =>
  2 * (settings.detections[id]?.windowMinutes ?? DETECTIONS[id].windowMinutes) * MINUTE_MS +
  1_440 * MINUTE_MS;

/** The one string that names a group's state (and keys its item). */
export const stateId = (detection: DetectionId, callcenter: string, group: string): string =>
  // canonicalJson of three strings is JSON.stringify of them, without its recursion: this runs
  // for every observation of every event.
  JSON.stringify([detection, callcenter, group]);

/** Deterministic: the same detection, group, key and start always give the same id. */
export function incidentId(
  detection: DetectionId,
  callcenter: string,
  group: string,
  key: string | undefined,
  start: number,
): string {
  const digest = hash(
    'sha256',
    canonicalJson([detection, callcenter, group, key ?? null, start]),
    'base64url',
  );
  return `inc-${digest.slice(0, 22)}`;
}

export const emptyState = (
  detection: DetectionId,
  callcenter: string,
  group: string,
): DetectionState => ({
  detection,
  callcenter,
  group,
  since: Number.POSITIVE_INFINITY,
  observations: [],
  incidents: [],
  version: 0,
});

/** What a batch's events contribute, by the state they go to. */
export interface Contribution {
  readonly detection: DetectionId;
  readonly callcenter: string;
  readonly group: string;
  readonly observations: readonly Observation[];
}

/** Every (detection, group) the events touch, with their observations. Disabled ones are skipped. */
export function contributions(
  events: readonly DetectionEvent[],
  tunings: Tunings,
): Map<string, Contribution> {
  const byState = new Map<string, Contribution & { observations: Observation[] }>();
  for (const id of DETECTION_IDS) {
    if (!tunings[id].enabled) continue;
    const detection: Detection = DETECTION_CATALOGUE[id];
    for (const event of events) {
      for (const { group, observation } of detection.observe(event)) {
        const key = stateId(id, event.callcenter, group);
        const entry = byState.get(key) ?? {
          detection: id,
          callcenter: event.callcenter,
          group,
          observations: [],
        };
        entry.observations.push(observation);
        byState.set(key, entry);
      }
    }
  }
  return byState;
}

/** Matches a candidate to the group's record of the same incident, if it has one. */
function recordOf(
  candidate: IncidentCandidate,
  recorded: readonly RecordedIncident[],
  windowMs: number,
): RecordedIncident | undefined {
  return recorded.find(
    (r) =>
      r.key === candidate.key &&
      candidate.start <= r.end + windowMs &&
      candidate.end >= r.start - windowMs,
  );
}

/**
 * One group's batch: merge the batch's observations into its state, evaluate them all, match
 * what is found against what the group recorded before, and keep what later batches need.
 */
export function evaluateGroup(
  prior: DetectionState,
  contribution: Contribution,
  tuning: Tuning,
  batchEventIds: ReadonlySet<string>,
): GroupOutcome {
  const detection = DETECTION_CATALOGUE[prior.detection];
  const known = new Set(prior.observations.map((o) => o.id));
  const added = contribution.observations.filter((o) => !known.has(o.id));
  const merged = [...new Map([...prior.observations, ...added].map((o) => [o.id, o])).values()];
  merged.sort(byTimeThenId);
  const newest = merged[merged.length - 1]?.t ?? Number.NEGATIVE_INFINITY;
  const horizon = newest - detection.retainMs(tuning);
  const kept = merged.filter((o) => o.t >= horizon).slice(-MAX_OBSERVATIONS);
  const since = Math.min(prior.since, ...added.map((o) => o.t));

  // Everything the group knows now is evaluated (up to a bound), not only what it keeps: an old
  // attack that comes in one batch with newer events of its group (a backlog) is still found.
  // What is kept is what later batches need.
  const evaluated = merged.slice(-MAX_EVALUATED);
  const cut = evaluated.length < merged.length ? evaluated[0]?.t : undefined;
  const candidates = detection.evaluate(evaluated, tuning, {
    since,
    knownFrom: Math.max(
      knownFrom(prior, detection.retainMs(tuning)),
      cut ?? Number.NEGATIVE_INFINITY,
    ),
  });
  const records = [...prior.incidents];
  const incidents: IncidentOutcome[] = [];
  for (const candidate of candidates) {
    const record = recordOf(candidate, records, tuning.windowMs);
    const id =
      record?.id ??
      incidentId(prior.detection, prior.callcenter, prior.group, candidate.key, candidate.start);
    const updated: RecordedIncident = {
      id,
      start: Math.min(candidate.start, record?.start ?? candidate.start),
      end: Math.max(candidate.end, record?.end ?? candidate.end),
      ...(candidate.key !== undefined && { key: candidate.key }),
      alerted: record?.alerted ?? false,
    };
    if (record) records.splice(records.indexOf(record), 1, updated);
    else records.push(updated);
    incidents.push({
      incident: describe(prior, detection, tuning, candidate, updated),
      status: record ? 'known' : 'new',
      unconfirmed: record !== undefined && !record.alerted,
      batchEventIds: candidate.events.filter((o) => batchEventIds.has(o.id)).map((o) => o.id),
      earlierEvents: candidate.events
        .filter((o) => !batchEventIds.has(o.id))
        .slice(0, MAX_INCIDENT_EVENT_IDS)
        .map((o) => ({ id: o.id, time: o.n })),
    });
  }
  // Records outlive the observations that formed them: an old incident found again (its events
  // redelivered after the group dropped them) is the one recorded, never claimed a second time.
  const keptIncidents = records.sort((a, b) => a.start - b.start).slice(-MAX_RECORDED_INCIDENTS);
  const state: DetectionState = {
    ...prior,
    since,
    observations: kept,
    incidents: keptIncidents,
  };
  const changed =
    added.length > 0 ||
    kept.length !== prior.observations.length ||
    JSON.stringify(keptIncidents) !== JSON.stringify(prior.incidents);
  return { state, changed, incidents };
}

/**
 * Event time from which the prior state holds every observation its group had: it keeps what is
 * at most `retainMs` behind its newest, and at most MAX_OBSERVATIONS.
 */
function knownFrom(prior: DetectionState, retainMs: number): number {
  const first = prior.observations[0];
  const last = prior.observations[prior.observations.length - 1];
  // Nothing dropped: the earliest observation ever is still there.
  if (first === undefined || last === undefined || first.t <= prior.since) {
    return Number.NEGATIVE_INFINITY;
  }
  return prior.observations.length >= MAX_OBSERVATIONS ? first.t : last.t - retainMs;
}

/** A record of the group's incident whose alert is now known to be done. */
export const markAlerted = (state: DetectionState, ids: ReadonlySet<string>): DetectionState =>
  state.incidents.some((r) => ids.has(r.id) && !r.alerted)
    ? {
        ...state,
        incidents: state.incidents.map((r) => (ids.has(r.id) ? { ...r, alerted: true } : r)),
      }
    : state;

function describe(
  state: DetectionState,
  detection: Detection,
  tuning: Tuning,
  candidate: IncidentCandidate,
  record: RecordedIncident,
): Incident {
  const defaults: DetectionDefaults = DETECTIONS[state.detection];
  return {
    id: record.id,
    detection: state.detection,
    callcenter: state.callcenter,
    group: state.group,
    groupedBy: detection.groupedBy,
    ...(candidate.key !== undefined && { key: candidate.key }),
    start: record.start,
    end: record.end,
    severity: candidate.severity,
    measure: candidate.measure,
    ...(defaults.threshold !== undefined && { threshold: tuning.threshold }),
    windowMinutes: tuning.windowMs / MINUTE_MS,
    values: candidate.values.slice(0, MAX_INCIDENT_VALUES),
    eventIds: candidate.events.slice(0, MAX_INCIDENT_EVENT_IDS).map((o) => o.id),
    eventCount: candidate.events.length,
    suppressed: candidate.events.every((o) => o.s === 1),
  };
}
