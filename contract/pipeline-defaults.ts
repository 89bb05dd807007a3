// Defaults shared by the deployed stack and the CLI's local pipeline, so that `voiso-sec
// simulate` drains its queue exactly as Lambda's SQS event source does in AWS. Plain data: the
// CLI imports this file without pulling in aws-cdk-lib.

/**
 * Queue visibility timeout for a consumer: AWS recommends at least 6x the function timeout plus
 * the batching window, so a message is not redelivered while a throttled or retried invocation
 * still holds it. The stack derives the events queue's timeout with this same function.
 */
export const visibilityTimeoutFor = (
  functionTimeoutSeconds: number,
  maxBatchingWindowSeconds: number,
): number => 6 * functionTimeoutSeconds + maxBatchingWindowSeconds;

const functionTimeoutSeconds = 30;
const maxBatchingWindowSeconds = 1;

export const PIPELINE_DEFAULTS = {
  /** Messages per Lambda invocation. */
  batchSize: 100,
  /** How long the event source waits to fill a batch; bounds the added alert latency. */
  maxBatchingWindowSeconds,
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Ingest function timeout. */
  functionTimeoutSeconds,
  /** Queue visibility timeout of the defaults above (181 s), as the stack deploys it. */
  visibilityTimeoutSeconds: visibilityTimeoutFor(functionTimeoutSeconds, maxBatchingWindowSeconds),
  /** Upper bound on concurrent ingest invocations (2 is the SQS event source's minimum). */
  maxConcurrency: 5,
  /** Days an event is kept before DynamoDB's TTL removes it; 0 keeps it forever. */
  retentionDays: 365,
  /** Alerts at or above this severity are published. */
  alertThreshold: 'high',
} as const;
