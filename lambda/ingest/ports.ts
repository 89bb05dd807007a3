// The ingest handler's outward ports. Production adapters live in lambda/adapters; tests, the
// local pipeline and the benchmarks plug in their own.
import type { EventItem, ItemKey, StoredItem } from '../core/items';
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

// ---------------------------------------------------------------------------------------------
// Event store

export type {
  AlertState,
  EventItem,
  ItemKey,
  QuarantineItem,
  StoredItem,
} from '../core/items';

/** Options bounding a store call by the invocation's remaining time. */
export interface StoreCallOptions {
  /** Epoch milliseconds after which no further retry is started. */
  readonly deadline: number;
}

export interface LookupOutcome {
  /** Items that already exist, in no particular order. */
  readonly existing: readonly EventItem[];
  /** Keys whose existence could not be determined (transient failure); their records fail. */
  readonly unknown: readonly ItemKey[];
}

export interface WriteOutcome {
  /** Keys of the items that were not written; their records fail and SQS retries them. */
  readonly unwritten: readonly ItemKey[];
  /** How many retry rounds were needed (for the StoreRetries metric). */
  readonly retries: number;
}

/** Where events and quarantined messages are kept. */
export interface EventStore {
  /** Looks up which of these event keys are already stored (strongly consistent). */
  lookup(keys: readonly ItemKey[], options: StoreCallOptions): Promise<LookupOutcome>;
  /** Writes whole items (put semantics); unprocessed items are retried until the deadline. */
  write(items: readonly StoredItem[], options: StoreCallOptions): Promise<WriteOutcome>;
}

// ---------------------------------------------------------------------------------------------
// Observer: what one invocation did, for the local simulator and tests.

export interface QuarantineReport {
  readonly messageId: string;
  readonly body: string;
  readonly reason: string;
}

export interface DuplicateReport extends ItemKey {
  readonly messageId: string;
}

export interface IngestObserver {
  onStored?(item: EventItem): void;
  onDuplicate?(key: DuplicateReport): void;
  onQuarantined?(report: QuarantineReport): void;
  onFailed?(messageId: string, reason: string): void;
  onAlertPublished?(alert: Alert): void;
}
