// Step 3: write the new events (alert-worthy ones with alertState `pending`) and the quarantine
// items, BatchWriteItem 25 at a time; unprocessed items are retried with jittered backoff until
// the deadline. A record whose item was not written fails, and never publishes.
import type { EventItem, StoredItem } from '../../core/items';
import { keyString } from '../../core/items';
import type { EventStore } from '../../ports/event-store';
import type { Logger } from '../../ports/telemetry';
import {
  type EventGroup,
  errorText,
  failuresOf,
  type QuarantineGroup,
  type RecordFailure,
} from '../batch';

export interface WrittenItems {
  /** The items now stored, by group key: new events whose write succeeded. */
  readonly written: ReadonlyMap<string, EventItem>;
  /** Quarantine groups whose item is stored. */
  readonly quarantined: readonly QuarantineGroup[];
  readonly retries: number;
  readonly failures: readonly RecordFailure[];
}

export async function writeNew(
  store: EventStore,
  events: readonly EventGroup[],
  quarantines: readonly QuarantineGroup[],
  deadline: number,
  logger: Logger,
): Promise<WrittenItems> {
  const items: StoredItem[] = [...events.map((g) => g.item), ...quarantines.map((q) => q.item)];
  if (items.length === 0) return { written: new Map(), quarantined: [], retries: 0, failures: [] };
  let unwritten: ReadonlySet<string>;
  let retries = 0;
  try {
    const outcome = await store.write(items, { deadline });
    unwritten = new Set(outcome.unwritten.map(keyString));
    retries = outcome.retries;
  } catch (error) {
    logger.error('Store write failed', { error: errorText(error) });
    unwritten = new Set(items.map(keyString));
  }
  const written = new Map<string, EventItem>();
  const failures: RecordFailure[] = [];
  for (const group of events) {
    if (unwritten.has(group.key)) failures.push(...failuresOf(group.records, 'store write failed'));
    else written.set(group.key, group.item);
  }
  const quarantined: QuarantineGroup[] = [];
  for (const group of quarantines) {
    if (unwritten.has(group.key)) {
      failures.push(...failuresOf(group.records, 'quarantine write failed'));
    } else {
      quarantined.push(group);
    }
  }
  return { written, quarantined, retries, failures };
}
