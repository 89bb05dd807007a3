// The ports with nothing behind them: an in-memory EventStore (put semantics and strongly
// consistent lookups, like DynamoDB), an AlertPublisher that keeps what it is given, and a fetch
// that records requests. For the tests, the CPU benchmark, the fuzzer and the local pipeline.
import type { Alert } from '../core/alert-format';
import { type EventItem, type ItemKey, keyString, type StoredItem } from '../core/items';
import type { AlertPublisher, PublishOutcome } from '../ports/alert-publisher';
import type { EventStore, LookupOutcome, WriteOutcome } from '../ports/event-store';

export class InMemoryEventStore implements EventStore {
  readonly items = new Map<string, StoredItem>();

  async lookup(keys: readonly ItemKey[]): Promise<LookupOutcome> {
    const existing: EventItem[] = [];
    for (const key of keys) {
      const item = this.items.get(keyString(key));
      if (item?.kind === 'event') existing.push(item);
    }
    return { existing, unknown: [] };
  }

  async write(items: readonly StoredItem[]): Promise<WriteOutcome> {
    for (const item of items) this.items.set(keyString(item), item);
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
