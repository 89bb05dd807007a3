// In-memory EventStore and AlertPublisher: the handler's own work with no I/O behind it, for the
// CPU figure and the fuzzer. Put semantics and strongly consistent lookups, like DynamoDB.

import type { Alert } from '../../lambda/core/alert-format';
import type { EventItem, StoredItem } from '../../lambda/core/items';
import { type ItemKey, keyString } from '../../lambda/core/items';
import type { AlertPublisher, PublishOutcome } from '../../lambda/ports/alert-publisher';
import type { EventStore, LookupOutcome, WriteOutcome } from '../../lambda/ports/event-store';

export class InMemoryEventStore implements EventStore {
  readonly items = new Map<string, StoredItem>();
  lookups = 0;
  writes = 0;

  async lookup(keys: readonly ItemKey[]): Promise<LookupOutcome> {
    this.lookups++;
    const existing: EventItem[] = [];
    for (const key of keys) {
      const item = this.items.get(keyString(key));
      if (item?.kind === 'event') existing.push(item);
    }
    return { existing, unknown: [] };
  }

  async write(items: readonly StoredItem[]): Promise<WriteOutcome> {
    this.writes++;
    for (const item of items) this.items.set(keyString(item), item);
    return { unwritten: [], retries: 0 };
  }

  clear(): void {
    this.items.clear();
    this.lookups = 0;
    this.writes = 0;
  }
}

export class CapturingAlertPublisher implements AlertPublisher {
  readonly published: Alert[] = [];

  async publish(alerts: readonly Alert[]): Promise<PublishOutcome> {
    this.published.push(...alerts);
    return { failed: [] };
  }

  clear(): void {
    this.published.length = 0;
  }
}

/** A logger that drops everything, so log formatting does not count as handler work. */
export const silentLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Metrics that are counted but never printed. */
export function countingMetrics() {
  const counts = new Map<string, number>();
  return {
    counts,
    addMetric(name: string, _unit: 'Count', value: number) {
      counts.set(name, (counts.get(name) ?? 0) + value);
    },
    publishStoredMetrics() {},
  };
}
