// What the detections work on and produce, as plain data: an event reduced to what detections
// read, the observations a group keeps between batches, and the incidents they find.
import type { DetectionId } from '../../../contract/detections';
import type { Severity } from '../../../contract/severity';

/** An event as the detections see it. Times are epoch milliseconds of the event's own time. */
export interface DetectionEvent {
  readonly id: string;
  readonly time: number;
  /** The normalised time text (lambda/core/timestamp.ts): with the id, the event's sort key. */
  readonly timeText: string;
  readonly callcenter: string;
  /** `type/event`. */
  readonly pair: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** A configured suppression matched the event. */
  readonly suppressed: boolean;
}

/**
 * One event's contribution to one group, as stored in the group's state. Short field names:
 * a busy group keeps up to MAX_OBSERVATIONS of them in one item.
 */
export interface Observation {
  /** Event id: an event counts once however often it is delivered. */
  readonly id: string;
  /** Event time, epoch ms. */
  readonly t: number;
  /** Normalised event time: with the id it locates the stored event. */
  readonly n: string;
  /** Role in a sequence: `a` comes first, `b` completes it. */
  readonly r?: 'a' | 'b';
  /** Weight (a count of attempts); 1 when absent. */
  readonly w?: number;
  /** The value the detection measures (a user for distinct users, an address...). */
  readonly v?: string;
  /** A second value the detection learns (new-source: the address changed from). */
  readonly f?: string;
  /** The event was suppressed. */
  readonly s?: 1;
  /** The event makes an incident one level more severe (an admin). */
  readonly x?: 1;
}

/** An event's observation for the state of one group. */
export interface GroupObservation {
  /** The group within the call center: `user:<name>`, `actor:<name>`, `callcenter`... */
  readonly group: string;
  readonly observation: Observation;
}

/** What a group remembers beyond its kept observations. */
export interface GroupHistory {
  /** Event time of the earliest event the group ever observed (kept when observations are not). */
  readonly since: number;
  /**
   * Event time from which the observations evaluated are all the group had; earlier ones may
   * have been dropped from its state (-Infinity when none were).
   */
  readonly knownFrom: number;
}

/** A detection's settings after the configuration is applied to its defaults. */
export interface Tuning {
  readonly enabled: boolean;
  readonly windowMs: number;
  /** Detections without a threshold (sequences) ignore it. */
  readonly threshold: number;
  readonly severity: Severity;
}

/** An incident as evaluation finds it in a group's observations. */
export interface IncidentCandidate {
  /** Event time of its first event, epoch ms. */
  readonly start: number;
  /** Event time of its last event, epoch ms. */
  readonly end: number;
  /** Tells apart incidents of one group that may overlap in time (new-source: the address). */
  readonly key?: string;
  /** Every observation that formed it, in time order. */
  readonly events: readonly Observation[];
  /** What crossed the threshold: a count, a number of distinct values, or 1 for a sequence. */
  readonly measure: number;
  /** The values involved (distinct users, addresses), when the detection has values. */
  readonly values: readonly string[];
  readonly severity: Severity;
}

export type DetectionShape = 'count-in-window' | 'distinct-in-window' | 'a-then-b' | 'first-seen';

export interface Detection {
  readonly id: DetectionId;
  readonly shape: DetectionShape;
  /** What the group is, in words (for alerts): `user`, `actor`, `call center`, `person`. */
  readonly groupedBy: string;
  /** The groups an event joins, with its observation there; none when the detection ignores it. */
  observe(event: DetectionEvent): readonly GroupObservation[];
  /** The incidents in a group's observations, which are sorted by time then id. */
  evaluate(
    observations: readonly Observation[],
    tuning: Tuning,
    history: GroupHistory,
  ): readonly IncidentCandidate[];
  /** How far behind its group's newest observation an observation is still kept. */
  retainMs(tuning: Tuning): number;
}
