// Last step: one outcome per record (observer), the batch's metrics and log lines, and the
// partial batch response that tells SQS which records to redeliver.
import type { SQSBatchResponse } from 'aws-lambda';
import { METRICS, type MetricName } from '../../../contract/metrics';
import type { Alert } from '../../core/alert-format';
import type { EventItem } from '../../core/items';
import type { IngestObserver } from '../../ports/observer';
import type { Logger, Metrics } from '../../ports/telemetry';
import { type EventGroup, errorKind, type QuarantineGroup, type RecordFailure } from '../batch';

/** A group whose event is stored (new or existing), with the item as stored. */
export interface StoredGroup {
  readonly group: EventGroup;
  readonly stored: EventItem;
}

export interface BatchOutcome {
  readonly records: number;
  /** Every group whose event is stored, with its item. */
  readonly stored: readonly StoredGroup[];
  /** Group keys whose item this batch wrote. */
  readonly written: ReadonlySet<string>;
  readonly quarantined: readonly QuarantineGroup[];
  readonly alertsSent: readonly Alert[];
  readonly alertPublishFailures: number;
  readonly storeRetries: number;
  readonly markFailures: number;
  /** Incidents found new by this batch. */
  readonly incidentsDetected: number;
  /** Event alerts folded into a window's summary instead of sent. */
  readonly alertsFolded: number;
  /** In the order the steps found them; a record's first reason is the one reported. */
  readonly failures: readonly RecordFailure[];
}

export interface ReportTargets {
  readonly observer: IngestObserver;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

interface Counts {
  readonly stored: number;
  readonly duplicates: number;
  readonly unrecognised: number;
  readonly quarantined: number;
}

export function reportBatch(outcome: BatchOutcome, targets: ReportTargets): SQSBatchResponse {
  const failures = new Map<string, string>();
  for (const { messageId, reason } of outcome.failures) {
    if (!failures.has(messageId)) failures.set(messageId, reason);
  }
  const counts = tellObserver(outcome, failures, targets);
  recordTelemetry(outcome, counts, failures, targets);
  return { batchItemFailures: [...failures.keys()].map((itemIdentifier) => ({ itemIdentifier })) };
}

/** One callback per record: quarantined, stored, duplicate or failed; and each alert sent. */
function tellObserver(
  outcome: BatchOutcome,
  failures: ReadonlyMap<string, string>,
  { observer, logger }: ReportTargets,
): Counts {
  /** Observers belong to the caller; their bugs must not turn into lost records. */
  const notify = (call: () => void): void => {
    try {
      call();
    } catch (error) {
      // Observers handle items: their error messages may quote them.
      logger.warn('Ingest observer threw', { error: errorKind(error) });
    }
  };
  let quarantined = 0;
  for (const { item, problem, records } of outcome.quarantined) {
    for (const record of records) {
      quarantined++;
      // The problem, never the offending value: message content stays out of logs.
      logger.warn('Message quarantined', { messageId: record.messageId, problem });
      notify(() =>
        observer.onQuarantined?.({
          messageId: record.messageId,
          body: record.body,
          reason: item.reason,
        }),
      );
    }
  }
  for (const alert of outcome.alertsSent) notify(() => observer.onAlertPublished?.(alert));

  let stored = 0;
  let unrecognised = 0;
  let duplicates = 0;
  for (const { group, stored: item } of outcome.stored) {
    const written = outcome.written.has(group.key);
    if (written) {
      stored++;
      if (!group.item.recognised) unrecognised++;
    }
    group.records.forEach((record, index) => {
      if (failures.has(record.messageId)) return;
      // The record that created the item (now or in an earlier delivery of the same message)
      // reports it stored; any other carrier of the same content is a duplicate.
      if (index === 0 && (written || item.messageId === record.messageId)) {
        notify(() => observer.onStored?.(item));
      } else {
        duplicates++;
        notify(() =>
          observer.onDuplicate?.({ pk: item.pk, sk: item.sk, messageId: record.messageId }),
        );
      }
    });
  }
  for (const [messageId, reason] of failures) notify(() => observer.onFailed?.(messageId, reason));
  return { stored, duplicates, unrecognised, quarantined };
}

/** The batch's metrics (one EMF document) and its summary log lines. */
function recordTelemetry(
  outcome: BatchOutcome,
  counts: Counts,
  failures: ReadonlyMap<string, string>,
  { metrics, logger }: ReportTargets,
): void {
  const count = (name: MetricName, value: number) => metrics.addMetric(name, 'Count', value);
  count(METRICS.eventsStored, counts.stored);
  count(METRICS.duplicateEvents, counts.duplicates);
  count(METRICS.unrecognisedEvents, counts.unrecognised);
  count(METRICS.quarantinedMessages, counts.quarantined);
  count(METRICS.alertsPublished, outcome.alertsSent.length);
  count(METRICS.alertPublishFailures, outcome.alertPublishFailures);
  count(METRICS.storeRetries, outcome.storeRetries);
  count(METRICS.failedRecords, failures.size);
  if (outcome.markFailures > 0) count(METRICS.alertStateMarkFailures, outcome.markFailures);
  count(METRICS.incidentsDetected, outcome.incidentsDetected);
  count(METRICS.alertsFolded, outcome.alertsFolded);
  metrics.publishStoredMetrics();

  logger.info('Batch processed', {
    records: outcome.records,
    ...counts,
    alertsPublished: outcome.alertsSent.length,
    alertPublishFailures: outcome.alertPublishFailures,
    incidentsDetected: outcome.incidentsDetected,
    alertsFolded: outcome.alertsFolded,
    storeRetries: outcome.storeRetries,
    failed: failures.size,
  });
  if (failures.size > 0) {
    logger.warn('Records failed; SQS will redeliver them', {
      failures: [...failures].map(([messageId, reason]) => ({ messageId, reason })),
    });
  }
}
