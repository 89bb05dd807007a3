// The ingest handler factory: SQS batch in, partial batch response out. Wiring lives in
// handler.ts; tests, the local simulator and benchmarks build handlers here with other adapters.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { IngestConfig } from './config';
import type { AlertPublisher, EventStore, IngestObserver } from './ports';

/** The subset of Powertools Logger the handler uses (a silent stub fits in tests). */
export interface IngestLogger {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

/** The subset of Powertools Metrics the handler uses. */
export interface IngestMetrics {
  addMetric(name: string, unit: 'Count', value: number): void;
  publishStoredMetrics(): void;
}

export interface IngestDeps {
  readonly store: EventStore;
  readonly alerts: AlertPublisher;
  readonly config: IngestConfig;
  readonly logger?: IngestLogger;
  readonly metrics?: IngestMetrics;
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
  void deps;
  return async (event) => ({
    batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
  });
}
