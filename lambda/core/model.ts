// The product's vocabulary: what a Voiso security event is once parsed, how severe it is, and
// what the pipeline decided about one SQS message. Plain data only; no AWS imports.
import type { EventPair } from '../../contract/pairs';
import type { Severity } from '../../contract/severity';

/** The Voiso envelope as received, after validation. `params` keeps every field Voiso sent. */
export interface SecurityEvent {
  /** The timestamp string exactly as Voiso sent it. */
  readonly timestamp: string;
  readonly type: string;
  readonly event: string;
  readonly callcenter: string;
  /** Validated params; `count` is a number here even when Voiso sent a string. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** A security event made ready for storage: normalised time, deterministic id, keys. */
export interface NormalisedEvent {
  readonly event: SecurityEvent;
  readonly pair: EventPair;
  /** True when (type, event) is one of the 12 documented pairs. */
  readonly recognised: boolean;
  /** Fixed-width UTC timestamp, `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (30 chars); sorts as time does. */
  readonly time: string;
  /** Deterministic id derived from the event's content (same content, same id). */
  readonly id: string;
}

/** The outcome of the severity rules for one event. */
export interface Classification {
  readonly severity: Severity;
  /** Ids of the rules that fired, most severe first. */
  readonly rules: readonly string[];
  /** True when severity is at or above the alert threshold and no suppression matched. */
  readonly alert: boolean;
  /** Id of the suppression that matched the event (whatever its severity): never alerted. */
  readonly suppressedBy?: string;
}

/** The JSON document every programmatic alert subscriber receives for one event (kind `event`). */
export interface EventAlertDocument {
  readonly version: 1;
  readonly kind: 'event';
  readonly eventId: string;
  readonly callcenter: string;
  /** Original timestamp string. */
  readonly timestamp: string;
  readonly type: string;
  readonly event: string;
  readonly severity: Severity;
  readonly rules: readonly string[];
  /** One line a person can read, e.g. "4 failed logins for a***@acme.com (admin)". */
  readonly summary: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly receivedAt: string;
}

/** An incident: several events that a detection judged to be one attack. */
export interface IncidentAlertDocument {
  readonly version: 1;
  readonly kind: 'incident';
  readonly incidentId: string;
  readonly detection: string;
  /** What the detection catches, in words. */
  readonly description: string;
  readonly callcenter: string;
  readonly severity: Severity;
  /** What the events have in common: `user`, `actor`, `call center`... and its value. */
  readonly groupedBy: string;
  readonly group: string;
  /** The detection's window and the event times of the incident's first and last event. */
  readonly window: { readonly minutes: number; readonly start: string; readonly end: string };
  /** The count or number of distinct values reached, and the threshold it crossed. */
  readonly measure: number;
  readonly threshold?: number;
  readonly values: readonly string[];
  /** The events that formed it (at most 50) and how many there were. */
  readonly eventIds: readonly string[];
  readonly eventCount: number;
  readonly summary: string;
}

/** Repeats of one rule in one call center, folded into one alert when their window closed. */
export interface SummaryAlertDocument {
  readonly version: 1;
  readonly kind: 'summary';
  readonly summaryId: string;
  readonly callcenter: string;
  readonly type: string;
  readonly event: string;
  readonly rule: string;
  readonly severity: Severity;
  /** Arrival times: the window folded alerts that arrived from `since` until `until`. */
  readonly since: string;
  readonly until: string;
  /** Alerts folded (the first of the window went out on its own and is not counted). */
  readonly count: number;
  /** The people involved (`user`, else `who`), most frequent first. */
  readonly top: readonly { readonly value: string; readonly count: number }[];
  readonly distinctValues: number;
  /**
   * The addresses or ranges the folded alerts name (the `ip` of a refused login or an
   * allow-list entry, the `to` of a change), most frequent first. Absent from summaries sent
   * before they named addresses.
   */
  readonly addresses?: readonly { readonly value: string; readonly count: number }[];
  readonly distinctAddresses?: number;
  readonly eventIds: readonly string[];
  readonly summary: string;
}

export type AlertDocument = EventAlertDocument | IncidentAlertDocument | SummaryAlertDocument;
