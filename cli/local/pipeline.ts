// The whole pipeline on this machine: emulators, the production handler factory with the real
// DynamoDB store and an in-process alert publisher, and the event-source poller. `simulate`
// and `local` both start it; this file also keeps the per-message ledger that lets `simulate`
// say where each message ended.
import { PIPELINE_DEFAULTS } from '../../contract/pipeline-defaults';
import { DynamoDbEventStore } from '../../lambda/adapters/dynamodb-event-store';
import { createFlush, type Flush } from '../../lambda/flush/create-flush';
import { DEFAULT_INGEST_CONFIG, type IngestConfig } from '../../lambda/ingest/config';
import { createHandler } from '../../lambda/ingest/create-handler';
import type { EventStore } from '../../lambda/ports/event-store';
import type { IngestObserver } from '../../lambda/ports/observer';
import type { Logger } from '../../lambda/ports/telemetry';
import { silentLogger } from '../../lambda/ports/telemetry';
import { CapturingAlertPublisher } from '../../lambda/testing/memory-ports';
import {
  type EmulatorOptions,
  type Emulators,
  eventSourceQueue,
  startEmulators,
} from './emulators';
import { FaultyEventStore, type StoreFault } from './faults';
import type { EventSourceSettings } from './ingest-config';
import { SqsEventSourcePoller } from './poller';

export type MessageFate = 'stored' | 'duplicate' | 'quarantined';

/** Where the messages of one invocation ended, for `local`'s one line per batch. */
export interface BatchOutcome {
  readonly stored: number;
  readonly duplicates: number;
  readonly quarantined: number;
  /** Failed, and will be received again after the visibility timeout. */
  readonly retried: number;
  /** Failed on their last allowed receive: the queue moves them to the DLQ. */
  readonly deadLettered: number;
}

export interface PipelineOptions extends EmulatorOptions {
  readonly config?: IngestConfig;
  /** Batching and timeout of the event source; the deployed defaults when absent. */
  readonly eventSource?: Pick<
    EventSourceSettings,
    'batchSize' | 'maxBatchingWindowSeconds' | 'functionTimeoutSeconds'
  >;
  readonly fault?: StoreFault;
  readonly logger?: Logger;
  readonly onError?: (error: unknown) => void;
  /** Called after every invocation with where its messages ended. */
  readonly onBatch?: (outcome: BatchOutcome) => void;
}

export interface LocalPipeline {
  readonly emulators: Emulators;
  readonly alerts: CapturingAlertPublisher;
  /** Sends the summaries of closed folding windows (all windows with `closeAll`). */
  readonly flush: Flush;
  readonly poller: SqsEventSourcePoller;
  readonly ledger: MessageLedger;
  stop(): Promise<void>;
}

/**
 * What happened to each message, from the handler's observer. Observer calls arrive during an
 * invocation, before the partial batch response says which records succeeded, so they are
 * held per attempt and settled when the invocation returns.
 */
export class MessageLedger implements IngestObserver {
  /** Messages whose attempt wrote an event item (even if that attempt later failed). */
  private readonly storers = new Set<string>();
  private attempt = new Map<string, MessageFate>();
  readonly fates = new Map<string, MessageFate>();
  readonly failures = new Map<string, string>();

  onStored(item: { messageId: string }): void {
    this.storers.add(item.messageId);
    this.attempt.set(item.messageId, 'stored');
  }

  onDuplicate(report: { messageId: string }): void {
    if (!this.attempt.has(report.messageId)) this.attempt.set(report.messageId, 'duplicate');
  }

  onQuarantined(report: { messageId: string }): void {
    this.attempt.set(report.messageId, 'quarantined');
  }

  onFailed(messageId: string, reason: string): void {
    this.failures.set(messageId, reason);
  }

  /** Records the fates of the messages that succeeded, and counts them for this invocation. */
  settle(succeeded: readonly string[]): Record<MessageFate, number> {
    const settled: Record<MessageFate, number> = { stored: 0, duplicate: 0, quarantined: 0 };
    for (const messageId of succeeded) {
      // A retry of the message that stored the item sees its own item: still "stored".
      const fate = this.storers.has(messageId) ? 'stored' : this.attempt.get(messageId);
      if (fate !== undefined) {
        this.fates.set(messageId, fate);
        settled[fate]++;
      }
    }
    this.attempt = new Map();
    return settled;
  }

  count(fate: MessageFate): number {
    let n = 0;
    for (const value of this.fates.values()) if (value === fate) n++;
    return n;
  }
}

export async function startPipeline(options: PipelineOptions = {}): Promise<LocalPipeline> {
  const emulators = await startEmulators(options);
  const ledger = new MessageLedger();
  const alerts = new CapturingAlertPublisher();
  const dynamoStore: EventStore = new DynamoDbEventStore({
    client: emulators.dynamodb,
    tableName: emulators.tableName,
  });
  const store = options.fault ? new FaultyEventStore(dynamoStore, options.fault) : dynamoStore;
  const config = options.config ?? DEFAULT_INGEST_CONFIG;
  const logger = options.logger ?? silentLogger;
  const handler = createHandler({ store, alerts, config, logger, observer: ledger });
  // The same flush the deployed stack schedules; `local` runs it on a timer, `simulate` at the end.
  const flush = createFlush({ store, alerts, retentionDays: config.retentionDays, logger });
  const poller = new SqsEventSourcePoller({
    ...eventSourceQueue(emulators),
    handler,
    ...(options.eventSource && {
      batchSize: options.eventSource.batchSize,
      maxBatchingWindowSeconds: options.eventSource.maxBatchingWindowSeconds,
      functionTimeoutSeconds: options.eventSource.functionTimeoutSeconds,
    }),
    ...(options.onError && { onError: options.onError }),
    onInvocation: (outcome) => {
      const settled = ledger.settle(outcome.succeeded);
      const maxReceiveCount = options.maxReceiveCount ?? PIPELINE_DEFAULTS.maxReceiveCount;
      const lastTries = outcome.failed.filter(
        (id) => (outcome.receiveCounts.get(id) ?? 1) >= maxReceiveCount,
      ).length;
      options.onBatch?.({
        stored: settled.stored,
        duplicates: settled.duplicate,
        quarantined: settled.quarantined,
        retried: outcome.failed.length - lastTries,
        deadLettered: lastTries,
      });
    },
  });
  poller.start();
  return {
    emulators,
    alerts,
    poller,
    ledger,
    flush,
    async stop() {
      await poller.stop();
      await emulators.stop();
    },
  };
}
