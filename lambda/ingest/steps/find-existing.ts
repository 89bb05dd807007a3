// Step 2: which of the batch's events are stored already. One strongly consistent BatchGetItem
// per 100 keys: a write acknowledged by an earlier delivery must be seen, or it would be written
// (and alerted) twice. An existing event is a duplicate: counted, never rewritten. A key whose
// existence cannot be told (a transient failure) fails its records, so SQS asks again later.
//
// The window this leaves open: two deliveries of the same content processed concurrently, both
// between this lookup and their write, both see "new", both put the same item (one item,
// idempotent) and both publish (two alerts).
import type { EventItem } from '../../core/items';
import { keyString } from '../../core/items';
import type { EventStore } from '../../ports/event-store';
import type { Logger } from '../../ports/telemetry';
import { type EventGroup, errorText, failuresOf, type RecordFailure } from '../batch';

export interface ExistingEvents {
  /** The stored item of each group that exists, by group key. */
  readonly existing: ReadonlyMap<string, EventItem>;
  /** Groups known not to be stored yet: the ones to write. */
  readonly absent: readonly EventGroup[];
  readonly failures: readonly RecordFailure[];
}

export async function findExisting(
  store: EventStore,
  events: readonly EventGroup[],
  deadline: number,
  logger: Logger,
): Promise<ExistingEvents> {
  if (events.length === 0) return { existing: new Map(), absent: [], failures: [] };
  const keys = events.map(({ item }) => ({ pk: item.pk, sk: item.sk }));
  let found: readonly EventItem[] = [];
  let unknownKeys: ReadonlySet<string>;
  try {
    const outcome = await store.lookup(keys, { deadline });
    found = outcome.existing;
    unknownKeys = new Set(outcome.unknown.map(keyString));
  } catch (error) {
    logger.error('Event lookup failed', { error: errorText(error) });
    unknownKeys = new Set(events.map((group) => group.key));
  }
  const existing = new Map<string, EventItem>();
  for (const item of found) {
    const key = keyString(item);
    if (!unknownKeys.has(key)) existing.set(key, item);
  }
  const absent = events.filter((g) => !unknownKeys.has(g.key) && !existing.has(g.key));
  const failures = events
    .filter((group) => unknownKeys.has(group.key))
    .flatMap((group) => failuresOf(group.records, 'store lookup failed'));
  return { existing, absent, failures };
}
