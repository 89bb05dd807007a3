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
  /** Id of the suppression that silenced an otherwise alert-worthy event. */
  readonly suppressedBy?: string;
}

/** The JSON document every programmatic alert subscriber receives (SNS `default`). */
export interface AlertDocument {
  readonly version: 1;
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
