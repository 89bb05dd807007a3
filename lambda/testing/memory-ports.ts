// The ports with nothing behind them: an in-memory EventStore (put semantics, versioned writes
// and strongly consistent reads, like DynamoDB), an AlertPublisher that keeps what it is given, and a fetch
// that records requests. For the tests, the CPU benchmark, the fuzzer and the local pipeline.
import type { Alert } from '../core/alert-format';
import { type EventItem, type ItemKey, keyString } from '../core/items';
import type { StoredItem, VersionedItem } from '../core/records';
import type { AlertPublisher, PublishOutcome } from '../ports/alert-publisher';
import type {
  DetectionsUpdate,
  EventStore,
  ReadOutcome,
  VersionedWriteOutcome,
  WriteOutcome,
} from '../ports/event-store';

export class InMemoryEventStore implements EventStore {
  readonly items = new Map<string, StoredItem>();

  async read(keys: readonly ItemKey[]): Promise<ReadOutcome> {
    const items = keys.flatMap((key) => {
      const item = this.items.get(keyString(key));
      return item === undefined ? [] : [structuredClone(item)];
    });
    return { items, unknown: [] };
  }

  async write(items: readonly StoredItem[]): Promise<WriteOutcome> {
    for (const item of items) this.items.set(keyString(item), structuredClone(item));
    return { unwritten: [], retries: 0 };
  }

  async writeVersioned(items: readonly VersionedItem[]): Promise<VersionedWriteOutcome> {
    const conflicts: ItemKey[] = [];
    for (const item of items) {
      const stored = this.items.get(keyString(item));
      const storedVersion = stored !== undefined && 'version' in stored ? stored.version : 0;
      if (storedVersion !== item.version - 1) conflicts.push({ pk: item.pk, sk: item.sk });
      else this.items.set(keyString(item), structuredClone(item));
    }
    return { conflicts, unwritten: [], retries: 0 };
  }

  async addDetections(updates: readonly DetectionsUpdate[]): Promise<WriteOutcome> {
    for (const { key, detections } of updates) {
      const stored = this.items.get(keyString(key));
      if (stored?.kind !== 'event') continue;
      const merged = [...new Set([...(stored.detections ?? []), ...detections])].sort();
      this.items.set(keyString(key), { ...stored, detections: merged as EventItem['detections'] });
    }
    return { unwritten: [], retries: 0 };
  }

  async query(
    partition: string,
    range: { readonly from?: string; readonly to?: string },
  ): Promise<readonly StoredItem[]> {
    return [...this.items.values()]
      .filter(
        (item) =>
          item.pk === partition &&
          (range.from === undefined || item.sk >= range.from) &&
          (range.to === undefined || item.sk <= range.to),
      )
      .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0))
      .map((item) => structuredClone(item));
  }

  async remove(keys: readonly ItemKey[]): Promise<WriteOutcome> {
    for (const key of keys) this.items.delete(keyString(key));
    return { unwritten: [], retries: 0 };
  }
}

export type AlertListener = (alert: Alert) => void | Promise<void>;

/**
 * Keeps every alert it is given and hands each to its listeners. The local pipeline has no SNS
 * emulator, so its listeners (the terminal, a Slack webhook) are where alerts show.
 */
export class CapturingAlertPublisher implements AlertPublisher {
  readonly published: Alert[] = [];
  private readonly listeners: AlertListener[] = [];

  onAlert(listener: AlertListener): void {
    this.listeners.push(listener);
  }

  async publish(alerts: readonly Alert[]): Promise<PublishOutcome> {
    for (const alert of alerts) {
      this.published.push(alert);
      for (const listener of this.listeners) {
        // A listener's trouble (Slack down) must not look like an SNS failure to the handler.
        try {
          await listener(alert);
        } catch {
          // listeners report their own errors
        }
      }
    }
    return { failed: [] };
  }
}

/** A fetch stub that records requests and answers with the given status. */
export function fakeFetch(status = 200, body = 'ok') {
  const requests: { url: string; init: RequestInit }[] = [];
  const impl = async (url: string, init: RequestInit): Promise<Response> => {
    requests.push({ url, init });
    return new Response(body, { status });
  };
  return { impl, requests };
}
