// The four shapes every detection is made of, named after what they do: count in a window,
// distinct values in a window, A then B within a time, and first time seen. Each evaluates a
// group's observations (sorted by event time, then id) into incidents. Only event time is used,
// never arrival order: the same observations give the same incidents however they arrived.
import { SEVERITIES, type Severity } from '../../../contract/severity';
import type { IncidentCandidate, Observation, Tuning } from './model';

/** One level more severe, at most critical. */
export const escalate = (severity: Severity): Severity =>
  SEVERITIES[Math.min(SEVERITIES.indexOf(severity) + 1, SEVERITIES.length - 1)] ?? severity;

/** Distinct defined values in order of first appearance. */
const valuesOf = (observations: readonly Observation[]): string[] => [
  ...new Set(observations.flatMap((o) => (o.v === undefined ? [] : [o.v]))),
];

const severityOf = (events: readonly Observation[], tuning: Tuning): Severity =>
  events.some((o) => o.x) ? escalate(tuning.severity) : tuning.severity;

function candidate(
  events: readonly Observation[],
  measure: number,
  tuning: Tuning,
  key?: string,
): IncidentCandidate {
  const first = events[0];
  const last = events[events.length - 1];
  return {
    start: first?.t ?? 0,
    end: last?.t ?? 0,
    ...(key !== undefined && { key }),
    events,
    measure,
    values: valuesOf(events),
    severity: severityOf(events, tuning),
  };
}

/** A running measure over a sliding window: observations enter at the end, leave at the start. */
interface WindowMeasure {
  add(o: Observation): void;
  remove(o: Observation): void;
  readonly value: number;
}

/**
 * Windows over a session (observations chained by gaps of at most the window): an incident
 * begins at the start of the first window whose measure reaches the threshold, and stays open
 * to the end of the session. After a quiet window, a new session may begin a new incident.
 */
function windowedIncidents(
  observations: readonly Observation[],
  tuning: Tuning,
  measure: () => WindowMeasure,
): IncidentCandidate[] {
  const incidents: IncidentCandidate[] = [];
  let window = measure();
  let from = 0;
  /** Index where the open incident began, and the measure that crossed the threshold. */
  let open: { start: number; crossed: number } | undefined;
  const close = (end: number) => {
    if (open)
      incidents.push(candidate(observations.slice(open.start, end + 1), open.crossed, tuning));
    open = undefined;
  };
  observations.forEach((o, i) => {
    const previous = observations[i - 1];
    if (previous !== undefined && o.t - previous.t > tuning.windowMs) {
      close(i - 1);
      window = measure();
      from = i;
    }
    window.add(o);
    for (let first = observations[from]; first && o.t - first.t > tuning.windowMs; ) {
      window.remove(first);
      from++;
      first = observations[from];
    }
    if (!open && window.value >= tuning.threshold) open = { start: from, crossed: window.value };
  });
  close(observations.length - 1);
  return incidents;
}

/** Sum of weights (1 each unless the observation says otherwise). */
const sumOfWeights = (): WindowMeasure => {
  let sum = 0;
  return {
    add: (o) => {
      sum += o.w ?? 1;
    },
    remove: (o) => {
      sum -= o.w ?? 1;
    },
    get value() {
      return sum;
    },
  };
};

/** Number of distinct values. */
const distinctValues = (): WindowMeasure => {
  const counts = new Map<string, number>();
  return {
    add: (o) => {
      if (o.v !== undefined) counts.set(o.v, (counts.get(o.v) ?? 0) + 1);
    },
    remove: (o) => {
      if (o.v === undefined) return;
      const left = (counts.get(o.v) ?? 1) - 1;
      if (left === 0) counts.delete(o.v);
      else counts.set(o.v, left);
    },
    get value() {
      return counts.size;
    },
  };
};

/** Count in window: the weights of a group's events within the window reach the threshold. */
export const countInWindow = (observations: readonly Observation[], tuning: Tuning) =>
  windowedIncidents(observations, tuning, sumOfWeights);

/** Distinct values in window: so many different values within the window. */
export const distinctInWindow = (observations: readonly Observation[], tuning: Tuning) =>
  windowedIncidents(observations, tuning, distinctValues);

/**
 * A then B within T: every `b` preceded (or accompanied, same instant) by at least one matching
 * `a` at most the window earlier is a match; matches within the window of each other are one
 * incident, made of the matched `a`s and `b`s.
 */
export function aThenB(
  observations: readonly Observation[],
  tuning: Tuning,
  matches: (a: Observation, b: Observation) => boolean = () => true,
): IncidentCandidate[] {
  const firsts = observations.filter((o) => o.r === 'a');
  const found: Observation[][] = [];
  // Both are in time order: the first `a` inside a `b`'s window only moves forward, and the
  // `a`s after the `b` are never looked at. (Every group re-evaluates its kept observations on
  // each batch, so this loop is the engine's hot spot.)
  let from = 0;
  for (const b of observations) {
    if (b.r !== 'b') continue;
    while (from < firsts.length && (firsts[from] as Observation).t < b.t - tuning.windowMs) from++;
    const as: Observation[] = [];
    for (let i = from; i < firsts.length; i++) {
      const a = firsts[i] as Observation;
      if (a.t > b.t) break;
      if (matches(a, b)) as.push(a);
    }
    if (as.length > 0) found.push([...as, b]);
  }
  // Matches are in the time order of their `b`; chain those that start within the window. A
  // match is its `a`s in time order, then its `b`: it starts at its first, ends at its last.
  // Events are collected by id as they come: matches of one busy window share most of their `a`s.
  const incidents: { events: Map<string, Observation>; end: number }[] = [];
  for (const match of found) {
    const current = incidents[incidents.length - 1];
    const start = match[0]?.t ?? 0;
    const end = match[match.length - 1]?.t ?? 0;
    if (current && start - current.end <= tuning.windowMs) {
      for (const o of match) current.events.set(o.id, o);
      current.end = Math.max(current.end, end);
    } else {
      incidents.push({ events: new Map(match.map((o) => [o.id, o])), end });
    }
  }
  return incidents.map(({ events }) =>
    candidate([...events.values()].sort(byTimeThenId), 1, tuning),
  );
}

/**
 * First time seen: an observation whose value was not seen (as `v` or `f`) in the window before
 * it, once the group's history (since its first event ever) is at least `minHistoryMs` long. Each value is its own
 * incident (`key`), so two new addresses are two incidents. An observation is judged only when
 * the whole window before it is known (from `knownFrom` on): one whose window reaches back to
 * observations its group has dropped cannot tell, and was judged when they were there.
 */
export function firstSeen(
  observations: readonly Observation[],
  tuning: Tuning,
  historyStart: number,
  minHistoryMs: number,
  knownFrom = Number.NEGATIVE_INFINITY,
): IncidentCandidate[] {
  const incidents: IncidentCandidate[] = [];
  for (const o of observations) {
    if (o.v === undefined || o.t - historyStart < minHistoryMs) continue;
    if (o.t - tuning.windowMs < knownFrom) continue;
    const seen = observations.some(
      (p) =>
        p.id !== o.id && p.t < o.t && o.t - p.t <= tuning.windowMs && (p.v === o.v || p.f === o.v),
    );
    if (!seen) incidents.push(candidate([o], 1, tuning, o.v));
  }
  return incidents;
}

export const byTimeThenId = (a: Observation, b: Observation): number =>
  a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
