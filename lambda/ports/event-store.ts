// Where events and quarantined messages are kept. The DynamoDB adapter is the production one;
// the testing kit has an in-memory one.
import type { EventItem, ItemKey, StoredItem } from '../core/items';

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

export interface EventStore {
  /** Looks up which of these event keys are already stored (strongly consistent). */
  lookup(keys: readonly ItemKey[], options: StoreCallOptions): Promise<LookupOutcome>;
  /** Writes whole items (put semantics); unprocessed items are retried until the deadline. */
  write(items: readonly StoredItem[], options: StoreCallOptions): Promise<WriteOutcome>;
}
