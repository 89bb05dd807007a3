// The ingest handler factory: SQS batch in, partial batch response out. Wiring lives in
// handler.ts; tests, the local simulator and benchmarks build handlers here with other adapters.
//
// Exactly-once effects under at-least-once delivery (DynamoDB transactions are not used: the
// local emulator has none, and the batch APIs are what keeps a 100-message batch to a handful of
// calls). Per invocation:
//   1. Classify every record (pure). Malformed -> a quarantine item keyed by message id.
//   2. Events are keyed by content (callcenter, normalised time, content hash). Identical events
//      in one batch collapse to one; a strongly consistent BatchGetItem tells which keys exist.
//      Existing ones are duplicates: counted, never rewritten.
//   3. BatchWriteItem the new events (alert-worthy ones with alertState `pending`) and the
//      quarantine items; unprocessed items are retried with jittered backoff until the deadline.
//   4. Publish alerts for new alert-worthy events AND for existing events still `pending` (an
//      earlier delivery stored the event but its publish failed or the function crashed).
//   5. Mark published events `sent` (best effort: the alert is out; a failed mark is logged).
// A record is reported in batchItemFailures exactly when an effect it needs did not happen
// (its lookup, its write or its alert), so SQS redelivers it and the retry completes the work;
// a record whose write failed never publishes. Quarantined messages succeed (not retried).
//
// Remaining at-least-once windows, accepted and documented:
//   - a crash (or failed mark) after publishing but before the `sent` mark: the next delivery of
//     the same content publishes again (a duplicate alert, never a lost one);
//   A critical event whose `alerts` entry went out but whose `critical` entry failed is marked
//   with the topic it reached (`alertTopicsSent`), so its retry publishes only the missing one.
//   - two deliveries of the same content processed concurrently between lookup and write: both
//     see "new", both put the same item (one item, idempotent) and both publish (two alerts).
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { METRICS } from '../../contract/metrics';
import type { Alert } from '../core/alert-format';
import { buildAlerts, maskEmails } from '../core/alert-format';
import {
  buildEventItem,
  buildQuarantineItem,
  type EventItem,
  type ItemKey,
  keyString,
  type QuarantineItem,
  type StoredItem,
} from '../core/items';
import { classifyMessage } from '../core/message';
import type { AlertPublisher } from '../ports/alert-publisher';
import type { EventStore } from '../ports/event-store';
import type { IngestObserver } from '../ports/observer';
import type { Logger, Metrics } from '../ports/telemetry';
import type { IngestConfig } from './config';

export interface IngestDeps {
  readonly store: EventStore;
  readonly alerts: AlertPublisher;
  readonly config: IngestConfig;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Clock for receivedAt and TTL (deadlines use the real clock). */
  readonly now?: () => Date;
  readonly observer?: IngestObserver;
}

export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export type IngestHandler = (
  event: SQSEvent,
  context?: InvocationContext,
) => Promise<SQSBatchResponse>;

/** Budget when no Lambda context is given (tests, local runs). */
const DEFAULT_BUDGET_MS = 20_000;
/** Time kept back from store retries for publishing, marking and returning. */
const PUBLISH_RESERVE_MS = 5_000;
const FINAL_RESERVE_MS = 1_000;

const SILENT_LOGGER: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const NO_METRICS: Metrics = { addMetric() {}, publishStoredMetrics() {} };

type Plan =
  | {
      readonly kind: 'event';
      readonly record: SQSRecord;
      readonly item: EventItem;
      readonly key: string;
    }
  | {
      readonly kind: 'quarantine';
      readonly record: SQSRecord;
      readonly item: QuarantineItem;
      /** The reason without message content, for logs. */
      readonly problem: string;
    }
  | { readonly kind: 'broken'; readonly record: SQSRecord; readonly reason: string };

/** All records carrying one distinct event. */
interface EventGroup {
  readonly key: string;
  /** The item this batch would write. */
  readonly item: EventItem;
  readonly records: SQSRecord[];
  /** The item as stored before this batch, when it already existed. */
  existing?: EventItem;
  written?: boolean;
  /** The item's state after this batch (for the observer). */
  final?: EventItem;
}

const errorText = (error: unknown): string =>
  maskEmails(error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function sentAt(record: SQSRecord, fallback: Date): Date {
  const millis = Number(record.attributes?.SentTimestamp);
  return Number.isFinite(millis) && millis > 0 ? new Date(millis) : fallback;
}

export function createHandler(deps: IngestDeps): IngestHandler {
  const logger = deps.logger ?? SILENT_LOGGER;
  const metrics = deps.metrics ?? NO_METRICS;
  const clock = deps.now ?? (() => new Date());
  const observer: IngestObserver = deps.observer ?? {};
  const { retentionDays, detection } = deps.config;

  /** Observers belong to the caller; their bugs must not turn into lost records. */
  const notify = (call: () => void): void => {
    try {
      call();
    } catch (error) {
      logger.warn('Ingest observer threw', { error: errorText(error) });
    }
  };

  function plan(record: SQSRecord, receivedAt: Date): Plan {
    const context = { messageId: record.messageId, receivedAt, retentionDays };
    const body = typeof record.body === 'string' ? record.body : String(record.body);
    try {
      const verdict = classifyMessage(body, detection);
      if (verdict.kind === 'malformed') {
        const quarantineContext = { ...context, sentAt: sentAt(record, receivedAt) };
        return {
          kind: 'quarantine',
          record,
          item: buildQuarantineItem(body, verdict.reason, quarantineContext),
          problem: verdict.problem,
        };
      }
      const item = buildEventItem(verdict.normalised, verdict.classification, context);
      return { kind: 'event', record, item, key: keyString(item) };
    } catch (error) {
      // A bug in classification must not poison the batch: fail this record, keep going.
      return { kind: 'broken', record, reason: `classification error: ${errorText(error)}` };
    }
  }

  return async (sqsEvent, context) => {
    const receivedAt = clock();
    const budget = context?.getRemainingTimeInMillis() ?? DEFAULT_BUDGET_MS;
    const startedAt = Date.now();
    const storeDeadline =
      startedAt + Math.max(0, budget - Math.max(PUBLISH_RESERVE_MS, budget * 0.25));
    const finalDeadline = startedAt + Math.max(0, budget - FINAL_RESERVE_MS);
    const records = sqsEvent.Records ?? [];
    const failures = new Map<string, string>();
    const fail = (record: SQSRecord, reason: string) => {
      if (!failures.has(record.messageId)) failures.set(record.messageId, reason);
    };

    // 1. Classify.
    const plans = records.map((record) => plan(record, receivedAt));
    const groups = new Map<string, EventGroup>();
    const quarantines = new Map<
      string,
      { item: QuarantineItem; problem: string; records: SQSRecord[] }
    >();
    for (const p of plans) {
      if (p.kind === 'broken') {
        fail(p.record, p.reason);
      } else if (p.kind === 'event') {
        const group = groups.get(p.key) ?? { key: p.key, item: p.item, records: [] };
        group.records.push(p.record);
        groups.set(p.key, group);
      } else {
        // Same message id twice in one batch: BatchWriteItem refuses duplicate keys.
        const key = keyString(p.item);
        const entry = quarantines.get(key) ?? { item: p.item, problem: p.problem, records: [] };
        entry.records.push(p.record);
        quarantines.set(key, entry);
      }
    }

    // 2. Which events exist already.
    const groupList = [...groups.values()];
    const lookupable = groupList.map((g) => ({ pk: g.item.pk, sk: g.item.sk }));
    let unknown: readonly ItemKey[] = [];
    if (lookupable.length > 0) {
      try {
        const outcome = await deps.store.lookup(lookupable, { deadline: storeDeadline });
        for (const existing of outcome.existing) {
          const group = groups.get(keyString(existing));
          if (group) group.existing = existing;
        }
        unknown = outcome.unknown;
      } catch (error) {
        logger.error('Event lookup failed', { error: errorText(error) });
        unknown = lookupable;
      }
    }
    const unknownKeys = new Set(unknown.map(keyString));
    for (const group of groupList) {
      if (unknownKeys.has(group.key)) {
        group.existing = undefined;
        for (const record of group.records) fail(record, 'store lookup failed');
      }
    }

    // 3. Write new events and quarantine items.
    const newGroups = groupList.filter((g) => !unknownKeys.has(g.key) && g.existing === undefined);
    const toWrite: StoredItem[] = [
      ...newGroups.map((g) => g.item),
      ...[...quarantines.values()].map((q) => q.item),
    ];
    let unwritten = new Set<string>();
    let storeRetries = 0;
    if (toWrite.length > 0) {
      try {
        const outcome = await deps.store.write(toWrite, { deadline: storeDeadline });
        unwritten = new Set(outcome.unwritten.map(keyString));
        storeRetries = outcome.retries;
      } catch (error) {
        logger.error('Store write failed', { error: errorText(error) });
        unwritten = new Set(toWrite.map(keyString));
      }
    }
    for (const group of newGroups) {
      if (unwritten.has(group.key)) {
        for (const record of group.records) fail(record, 'store write failed');
      } else {
        group.written = true;
        group.final = group.item;
      }
    }
    let quarantined = 0;
    for (const [key, entry] of quarantines) {
      for (const record of entry.records) {
        if (unwritten.has(key)) {
          fail(record, 'quarantine write failed');
        } else {
          quarantined++;
          logger.warn('Message quarantined', {
            messageId: record.messageId,
            // The problem, never the offending value: message content stays out of logs.
            problem: entry.problem,
          });
          notify(() =>
            observer.onQuarantined?.({
              messageId: record.messageId,
              body: record.body,
              reason: entry.item.reason,
            }),
          );
        }
      }
    }
    for (const group of groupList) if (group.existing) group.final = group.existing;

    // 4. Publish alerts that are due: new alert-worthy events and earlier ones still pending,
    //    minus the topics an earlier delivery already reached.
    const due = groupList.filter((g) => g.final?.alertState === 'pending');
    const alertsByGroup = new Map<string, Alert[]>();
    for (const group of due) {
      if (!group.final) continue;
      const reached = new Set(group.final.alertTopicsSent ?? []);
      alertsByGroup.set(
        group.key,
        buildAlerts(group.final).filter((alert) => !reached.has(alert.topic)),
      );
    }
    const alerts = [...alertsByGroup.values()].flat();
    let failedAlertIds = new Set<string>();
    if (alerts.length > 0) {
      try {
        const outcome = await deps.alerts.publish(alerts);
        failedAlertIds = new Set(outcome.failed);
      } catch (error) {
        logger.error('Alert publish failed', { error: errorText(error) });
        failedAlertIds = new Set(alerts.map((a) => a.id));
      }
    }
    // The state each published-to group should be marked with: `sent` when every topic was
    // reached, otherwise still `pending` with the topics reached so far.
    const marks = new Map<string, EventItem>();
    for (const group of due) {
      const groupAlerts = alertsByGroup.get(group.key) ?? [];
      const reached = groupAlerts.filter((a) => !failedAlertIds.has(a.id)).map((a) => a.topic);
      const complete = reached.length === groupAlerts.length;
      if (!complete) for (const record of group.records) fail(record, 'alert publish failed');
      if (!group.final || reached.length === 0) continue;
      const topicsSent = [...new Set([...(group.final.alertTopicsSent ?? []), ...reached])];
      marks.set(
        group.key,
        complete
          ? { ...group.final, alertState: 'sent', alertTopicsSent: topicsSent }
          : { ...group.final, alertTopicsSent: topicsSent },
      );
    }
    const sentAlerts = alerts.filter((a) => !failedAlertIds.has(a.id));
    for (const alert of sentAlerts) notify(() => observer.onAlertPublished?.(alert));

    // 5. Record what was published, best effort (see the windows above).
    let markFailures = 0;
    if (marks.size > 0) {
      const marked = [...marks.values()];
      let notMarked = new Set<string>();
      try {
        const outcome = await deps.store.write(marked, { deadline: finalDeadline });
        notMarked = new Set(outcome.unwritten.map(keyString));
        storeRetries += outcome.retries;
      } catch (error) {
        logger.error('Marking alerts sent failed', { error: errorText(error) });
        notMarked = new Set(marked.map(keyString));
      }
      for (const group of due) {
        const mark = marks.get(group.key);
        if (!mark) continue;
        if (notMarked.has(group.key)) markFailures++;
        else group.final = mark;
      }
      if (markFailures > 0) {
        logger.warn('Alerts published but not marked sent; a redelivery may alert again', {
          count: markFailures,
        });
      }
    }

    // Outcomes: one callback per record.
    let stored = 0;
    let unrecognised = 0;
    let duplicates = 0;
    for (const group of groupList) {
      if (group.written) {
        stored++;
        if (!group.item.recognised) unrecognised++;
      }
      group.records.forEach((record, index) => {
        if (failures.has(record.messageId)) return;
        const final = group.final;
        if (!final) return;
        // The record that created the item (now or in an earlier delivery of the same message)
        // reports it stored; any other carrier of the same content is a duplicate.
        const creator =
          index === 0 && (group.written || group.existing?.messageId === record.messageId);
        if (creator) {
          notify(() => observer.onStored?.(final));
        } else {
          duplicates++;
          notify(() =>
            observer.onDuplicate?.({ pk: final.pk, sk: final.sk, messageId: record.messageId }),
          );
        }
      });
    }
    for (const [messageId, reason] of failures) {
      notify(() => observer.onFailed?.(messageId, reason));
    }

    metrics.addMetric(METRICS.eventsStored, 'Count', stored);
    metrics.addMetric(METRICS.duplicateEvents, 'Count', duplicates);
    metrics.addMetric(METRICS.unrecognisedEvents, 'Count', unrecognised);
    metrics.addMetric(METRICS.quarantinedMessages, 'Count', quarantined);
    metrics.addMetric(METRICS.alertsPublished, 'Count', sentAlerts.length);
    metrics.addMetric(METRICS.alertPublishFailures, 'Count', failedAlertIds.size);
    metrics.addMetric(METRICS.storeRetries, 'Count', storeRetries);
    metrics.addMetric(METRICS.failedRecords, 'Count', failures.size);
    if (markFailures > 0) metrics.addMetric(METRICS.alertStateMarkFailures, 'Count', markFailures);
    metrics.publishStoredMetrics();

    logger.info('Batch processed', {
      records: records.length,
      stored,
      duplicates,
      unrecognised,
      quarantined,
      alertsPublished: sentAlerts.length,
      alertPublishFailures: failedAlertIds.size,
      storeRetries,
      failed: failures.size,
    });
    if (failures.size > 0) {
      logger.warn('Records failed; SQS will redeliver them', {
        failures: [...failures].map(([messageId, reason]) => ({ messageId, reason })),
      });
    }
    const batchItemFailures: SQSBatchItemFailure[] = [...failures.keys()].map((itemIdentifier) => ({
      itemIdentifier,
    }));
    return { batchItemFailures };
  };
}
