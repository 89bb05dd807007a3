// AWS batch APIs cap a request both by entry count and by total payload bytes (SQS
// SendMessageBatch, SNS PublishBatch): items are packed greedily, in order, under both caps.

export interface BatchLimits<T> {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly sizeOf: (item: T) => number;
}

/** Consecutive groups of `items`, each within both limits (an oversized item stands alone). */
export function packBatches<T>(items: readonly T[], limits: BatchLimits<T>): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = limits.sizeOf(item);
    if (
      current.length === limits.maxEntries ||
      (current.length > 0 && bytes + size > limits.maxBytes)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
