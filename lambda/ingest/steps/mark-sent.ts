// Step 5: record what was published, best effort: the alert is out either way. This is the one
// at-least-once window left: a crash (or a failed mark) after publishing but before the mark
// means the next delivery of the same content publishes again (a duplicate alert, never a lost
// one). A failed mark is counted and logged, and fails no record.
import type { EventItem } from '../../core/items';
import { keyString } from '../../core/items';
import type { EventStore } from '../../ports/event-store';
import type { Logger } from '../../ports/telemetry';
import { errorText } from '../batch';

export interface MarkedAlerts {
  /** The items as marked, by group key (only the marks that were written). */
  readonly marked: ReadonlyMap<string, EventItem>;
  /** Marks that were not written. */
  readonly failedCount: number;
  readonly retries: number;
}

export async function markSent(
  store: EventStore,
  marks: ReadonlyMap<string, EventItem>,
  deadline: number,
  logger: Logger,
): Promise<MarkedAlerts> {
  if (marks.size === 0) return { marked: new Map(), failedCount: 0, retries: 0 };
  const items = [...marks.values()];
  let notMarked: ReadonlySet<string>;
  let retries = 0;
  try {
    const outcome = await store.write(items, { deadline });
    notMarked = new Set(outcome.unwritten.map(keyString));
    retries = outcome.retries;
  } catch (error) {
    logger.error('Marking alerts sent failed', { error: errorText(error) });
    notMarked = new Set(items.map(keyString));
  }
  const marked = new Map([...marks].filter(([key]) => !notMarked.has(key)));
  const failedCount = marks.size - marked.size;
  if (failedCount > 0) {
    logger.warn('Alerts published but not marked sent; a redelivery may alert again', {
      count: failedCount,
    });
  }
  return { marked, failedCount, retries };
}
