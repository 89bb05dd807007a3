// Fault injection for tests and soak runs: makes the event store fail transiently for chosen
// events, so a message can be driven through retries into the DLQ and then redriven.

import type { StoredItem } from '../../lambda/core/records';
import type {
  EventStore,
  ReadOutcome,
  StoreCallOptions,
  WriteOutcome,
} from '../../lambda/ports/event-store';
import { UsageError } from '../errors';

export interface StoreFault {
  /** Items whose JSON contains this text fail to be written. */
  readonly match: string;
  /** How many write attempts per item fail before writes succeed again. */
  readonly times: number;
}

/** Parses `store:<text>[:<times>]` (times defaults to unlimited). */
export function parseFaultSpec(spec: string): StoreFault {
  const match = /^store:(.+?)(?::(\d+))?$/.exec(spec);
  if (!match?.[1]) {
    throw new UsageError(`--inject-faults: expected "store:<text>[:<times>]", got "${spec}"`);
  }
  return {
    match: match[1],
    times: match[2] === undefined ? Number.POSITIVE_INFINITY : Number(match[2]),
  };
}

export class FaultyEventStore implements EventStore {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly inner: EventStore,
    private readonly fault: StoreFault,
  ) {}

  read(...args: Parameters<EventStore['read']>): Promise<ReadOutcome> {
    return this.inner.read(...args);
  }

  writeVersioned(...args: Parameters<EventStore['writeVersioned']>) {
    return this.inner.writeVersioned(...args);
  }

  addDetections(...args: Parameters<EventStore['addDetections']>) {
    return this.inner.addDetections(...args);
  }

  query(...args: Parameters<EventStore['query']>) {
    return this.inner.query(...args);
  }

  remove(...args: Parameters<EventStore['remove']>) {
    return this.inner.remove(...args);
  }

  async write(items: readonly StoredItem[], options: StoreCallOptions): Promise<WriteOutcome> {
    const failing: StoredItem[] = [];
    const passing: StoredItem[] = [];
    for (const item of items) {
      const key = `${item.pk}|${item.sk}`;
      const count = this.failures.get(key) ?? 0;
      if (JSON.stringify(item).includes(this.fault.match) && count < this.fault.times) {
        this.failures.set(key, count + 1);
        failing.push(item);
      } else {
        passing.push(item);
      }
    }
    const outcome =
      passing.length > 0 ? await this.inner.write(passing, options) : { unwritten: [], retries: 0 };
    return {
      unwritten: [...outcome.unwritten, ...failing.map((item) => ({ pk: item.pk, sk: item.sk }))],
      retries: outcome.retries,
    };
  }
}
