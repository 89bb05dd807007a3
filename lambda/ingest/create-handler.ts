// The ingest handler factory: SQS batch in, partial batch response out. Wiring lives in
// handler.ts; tests, the local simulator and benchmarks build handlers here with other adapters.
//
// Exactly-once effects under at-least-once delivery, as a list of steps (lambda/ingest/steps/;
// each file says what it guarantees and which window it leaves open). DynamoDB transactions are
// not used: the local emulator has none, and the batch APIs are what keeps a 100-message batch
// to a handful of calls. A record is reported in batchItemFailures exactly when an effect it
// needs did not happen (its lookup, its write or its alert), so SQS redelivers it and the retry
// completes the work. Quarantined messages succeed (they are stored, not retried).
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AlertPublisher } from '../ports/alert-publisher';
import type { EventStore } from '../ports/event-store';
import type { IngestObserver } from '../ports/observer';
import { type Logger, type Metrics, noMetrics, silentLogger } from '../ports/telemetry';
import { deadlinesFor } from './batch';
import type { IngestConfig } from './config';
import { findExisting } from './steps/find-existing';
import { markSent } from './steps/mark-sent';
import { planBatch } from './steps/plan';
import { publishDue, type StoredGroup } from './steps/publish-due';
import { reportBatch } from './steps/report';
import { writeNew } from './steps/write-new';

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

export function createHandler(deps: IngestDeps): IngestHandler {
  const { store, alerts, config } = deps;
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? noMetrics;
  const clock = deps.now ?? (() => new Date());
  const observer = deps.observer ?? {};

  return async (sqsEvent, context) => {
    const receivedAt = clock();
    const deadlines = deadlinesFor(context?.getRemainingTimeInMillis(), Date.now());
    const records = sqsEvent.Records ?? [];

    const plan = planBatch(records, { receivedAt, ...config });
    const lookup = await findExisting(store, plan.events, deadlines.store, logger);
    const write = await writeNew(store, lookup.absent, plan.quarantines, deadlines.store, logger);
    const stored = storedGroups(plan.events, lookup.existing, write.written);
    const publish = await publishDue(alerts, stored, logger);
    const mark = await markSent(store, publish.marks, deadlines.final, logger);

    return reportBatch(
      {
        records: records.length,
        stored: stored.map(({ group, stored: item }) => ({
          group,
          stored: mark.marked.get(group.key) ?? item,
        })),
        written: new Set(write.written.keys()),
        quarantined: write.quarantined,
        alertsSent: publish.sent,
        alertPublishFailures: publish.failedCount,
        storeRetries: write.retries + mark.retries,
        markFailures: mark.failedCount,
        failures: [...plan.failures, ...lookup.failures, ...write.failures, ...publish.failures],
      },
      { observer, metrics, logger },
    );
  };
}

/** The batch's groups whose event is in the table now, with the item as stored. */
function storedGroups(
  groups: readonly StoredGroup['group'][],
  existing: ReadonlyMap<string, StoredGroup['stored']>,
  written: ReadonlyMap<string, StoredGroup['stored']>,
): StoredGroup[] {
  return groups.flatMap((group) => {
    const item = existing.get(group.key) ?? written.get(group.key);
    return item ? [{ group, stored: item }] : [];
  });
}
