// The ingest handler's outward ports. Production adapters live in lambda/adapters; tests, the
// local pipeline and the benchmarks plug in their own.
import type { AlertDocument, Severity } from '../core/model';

export type AlertTopic = 'alerts' | 'critical';

/** SNS message attributes every alert carries, for subscription filter policies. */
export type AlertAttributes = Readonly<
  Record<'severity' | 'type' | 'event' | 'callcenter' | 'rule', string>
>;

/** One message for one topic. A critical event yields two: one per topic. */
export interface Alert {
  /** Unique per (event, topic); used as the PublishBatch entry id. */
  readonly id: string;
  readonly topic: AlertTopic;
  readonly severity: Severity;
  /** At most 100 printable ASCII characters (SNS's limit for e-mail subjects). */
  readonly subject: string;
  /** Plain text for e-mail subscribers, escaped event data. */
  readonly text: string;
  /** Structured JSON for programmatic subscribers (Lambda, SQS, HTTPS). */
  readonly document: AlertDocument;
  readonly attributes: AlertAttributes;
}

export interface PublishOutcome {
  /** Ids of the alerts that were not published (whole-call or per-entry failures). */
  readonly failed: readonly string[];
}

export interface AlertPublisher {
  publish(alerts: readonly Alert[]): Promise<PublishOutcome>;
}
