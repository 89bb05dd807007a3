// Defaults shared by the deployed stack and the CLI's local pipeline, so that `voiso-sec
// simulate` drains its queue exactly as Lambda's SQS event source does in AWS. Plain data: the
// CLI imports this file without pulling in aws-cdk-lib.

export const PIPELINE_DEFAULTS = {
  /** Messages per Lambda invocation. */
  batchSize: 100,
  /** How long the event source waits to fill a batch; bounds the added alert latency. */
  maxBatchingWindowSeconds: 1,
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Ingest function timeout. */
  functionTimeoutSeconds: 30,
  /** Queue visibility timeout: 6x the function timeout, as AWS recommends for SQS sources. */
  visibilityTimeoutSeconds: 180,
  /** Upper bound on concurrent ingest invocations (2 is the SQS event source's minimum). */
  maxConcurrency: 5,
  /** Days an event is kept before DynamoDB's TTL removes it; 0 keeps it forever. */
  retentionDays: 365,
  /** Alerts at or above this severity are published. */
  alertThreshold: 'high',
} as const;
