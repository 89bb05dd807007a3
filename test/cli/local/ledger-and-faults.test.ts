// Pure parts of the local pipeline: where each message ended, and the injected store faults.
import { FaultyEventStore, parseFaultSpec } from '../../../cli/local/faults';
import { MessageLedger } from '../../../cli/local/pipeline';
import type { StoredItem } from '../../../lambda/core/records';
import type { EventStore } from '../../../lambda/ports/event-store';
import { InMemoryEventStore } from '../../../lambda/testing/memory-ports';

const item = (sk: string, text: string) =>
  ({ pk: 'CC#acme', sk, kind: 'quarantine', body: text }) as unknown as StoredItem;

describe('MessageLedger', () => {
  it('settles only the messages the invocation reported as successful', () => {
    const ledger = new MessageLedger();
    ledger.onStored({ messageId: 'a' });
    ledger.onDuplicate({ messageId: 'b' });
    ledger.onQuarantined({ messageId: 'c' });

    ledger.settle(['a', 'c']);

    expect([...ledger.fates]).toEqual([
      ['a', 'stored'],
      ['c', 'quarantined'],
    ]);
  });

  it("counts the fates each invocation settled, for local's line per batch", () => {
    const ledger = new MessageLedger();
    ledger.onStored({ messageId: 'a' });
    ledger.onDuplicate({ messageId: 'b' });
    ledger.onDuplicate({ messageId: 'c' });
    ledger.onQuarantined({ messageId: 'd' });

    const settled = ledger.settle(['a', 'b', 'c', 'd']);

    expect(settled).toEqual({ stored: 1, duplicate: 2, quarantined: 1 });
    expect(ledger.settle([])).toEqual({ stored: 0, duplicate: 0, quarantined: 0 });
  });

  it('keeps a message that stored its event as stored when its retry sees the item', () => {
    const ledger = new MessageLedger();
    ledger.onStored({ messageId: 'a' });
    ledger.settle([]);
    ledger.onDuplicate({ messageId: 'a' });

    ledger.settle(['a']);

    expect(ledger.count('stored')).toBe(1);
    expect(ledger.count('duplicate')).toBe(0);
  });
});

describe('FaultyEventStore', () => {
  const written: StoredItem[][] = [];
  const memory = new InMemoryEventStore();
  const inner: EventStore = {
    read: memory.read.bind(memory),
    writeVersioned: memory.writeVersioned.bind(memory),
    addDetections: memory.addDetections.bind(memory),
    query: memory.query.bind(memory),
    remove: memory.remove.bind(memory),
    write: async (items) => {
      written.push([...items]);
      return { unwritten: [], retries: 0 };
    },
  };

  it('fails matching items the given number of times, then passes them through', async () => {
    const store = new FaultyEventStore(inner, parseFaultSpec('store:flaky:2'));
    const items = [item('1', 'flaky body'), item('2', 'fine body')];
    const options = { deadline: Number.MAX_SAFE_INTEGER };

    const outcomes = [
      await store.write(items, options),
      await store.write(items, options),
      await store.write(items, options),
    ];

    expect(outcomes.map((o) => o.unwritten.map((k) => k.sk))).toEqual([['1'], ['1'], []]);
    expect(written.at(-1)?.map((i) => i.sk)).toEqual(['1', '2']);
  });

  it('reads an unlimited fault and rejects a malformed spec', () => {
    expect(parseFaultSpec('store:x').times).toBe(Number.POSITIVE_INFINITY);
    expect(() => parseFaultSpec('store:')).toThrow('--inject-faults');
  });
});
