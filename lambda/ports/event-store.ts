// The events table as the pipeline uses it: the audit trail (events, quarantined messages) and
// the pipeline's own records (alert claims, incidents, detection state, folding). The DynamoDB
// adapter is the production one; the testing kit has an in-memory one.
import type { ItemKey } from '../core/items';
import type { StoredItem, VersionedItem } from '../core/records';

/** Options bounding a store call by the invocation's remaining time. */
export interface StoreCallOptions {
  /** Epoch milliseconds after which no further retry is started. */
  readonly deadline: number;
}

export interface ReadOutcome {
  /** Items that exist, in no particular order. */
  readonly items: readonly StoredItem[];
  /** Keys whose item could not be read (transient failure); their records fail. */
  readonly unknown: readonly ItemKey[];
}

export interface WriteOutcome {
  /** Keys of the items that were not written; their records fail and SQS retries them. */
  readonly unwritten: readonly ItemKey[];
  /** How many retry rounds were needed (for the StoreRetries metric). */
  readonly retries: number;
}

export interface VersionedWriteOutcome extends WriteOutcome {
  /** Someone else wrote the item since it was read: its version is not the one expected. */
  readonly conflicts: readonly ItemKey[];
}

/** Adds detection ids to an event's `detections` (a set: adding twice changes nothing). */
export interface DetectionsUpdate {
  readonly key: ItemKey;
  readonly detections: readonly string[];
}

export interface EventStore {
  /** Reads these items, strongly consistent. */
  read(keys: readonly ItemKey[], options: StoreCallOptions): Promise<ReadOutcome>;
  /** Writes whole items (put semantics); unprocessed items are retried until the deadline. */
  write(items: readonly StoredItem[], options: StoreCallOptions): Promise<WriteOutcome>;
  /**
   * Writes each item only if the stored one still has the version it was read at (`version - 1`;
   * for version 1, only if there is none). This is how claims are made: of two invocations that
   * read the same state, one wins and the other learns it lost.
   */
  writeVersioned(
    items: readonly VersionedItem[],
    options: StoreCallOptions,
  ): Promise<VersionedWriteOutcome>;
  /** Records on stored events which detections they contributed to. */
  addDetections(
    updates: readonly DetectionsUpdate[],
    options: StoreCallOptions,
  ): Promise<WriteOutcome>;
  /** The items of one partition whose sort key is in [from, to], in sort key order. */
  query(
    partition: string,
    range: { readonly from?: string; readonly to?: string },
    options: StoreCallOptions,
  ): Promise<readonly StoredItem[]>;
  /** Deletes items (absent ones are fine). */
  remove(keys: readonly ItemKey[], options: StoreCallOptions): Promise<WriteOutcome>;
}
