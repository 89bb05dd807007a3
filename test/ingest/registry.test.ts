// The registry of call centers and pairs: what `query` enumerates for "every call center" and
// "every pair". A stored event must never be missing from it for longer than a retry.
import type { StoredItem } from '../../lambda/core/records';
import { DEFAULT_INGEST_CONFIG } from '../../lambda/ingest/config';
import { createHandler } from '../../lambda/ingest/create-handler';
import type { StoreCallOptions, WriteOutcome } from '../../lambda/ports/event-store';
import { sqsEvent, sqsRecord, voisoEvent } from '../../lambda/testing/factories';
import { CapturingAlertPublisher, InMemoryEventStore } from '../../lambda/testing/memory-ports';

/** Counts the registry entries written, and can refuse them. */
class RegistryWatchingStore extends InMemoryEventStore {
  registryWrites = 0;
  refuseRegistry = false;

  override async write(
    items: readonly StoredItem[],
    _options?: StoreCallOptions,
  ): Promise<WriteOutcome> {
    const registry = items.filter((item) => item.kind === 'registry');
    this.registryWrites += registry.length;
    if (this.refuseRegistry && registry.length > 0) {
      return { unwritten: registry.map(({ pk, sk }) => ({ pk, sk })), retries: 0 };
    }
    return super.write(items);
  }

  registry(): StoredItem[] {
    return [...this.items.values()].filter((item) => item.kind === 'registry');
  }
}

const handlerOn = (store: InMemoryEventStore) =>
  createHandler({
    store,
    alerts: new CapturingAlertPublisher(),
    config: DEFAULT_INGEST_CONFIG,
  });

describe('the registry of call centers and pairs', () => {
  it('names every call center and pair, with the severity each pair is indexed from', async () => {
    // Prepare
    const store = new RegistryWatchingStore();
    const handler = handlerOn(store);
    // Act
    await handler(
      sqsEvent(
        sqsRecord(voisoEvent('app_login/successful_login')),
        sqsRecord(voisoEvent('user/user_added', { callcenter: 'globex' })),
      ),
    );
    // Assert
    expect(store.registry()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sk: 'CC#acme', callcenter: 'acme' }),
        expect.objectContaining({ sk: 'CC#globex', callcenter: 'globex' }),
        expect.objectContaining({ sk: 'PAIR#app_login#successful_login', indexedFrom: 'medium' }),
        expect.objectContaining({ sk: 'PAIR#user#user_added', indexedFrom: 'info' }),
      ]),
    );
    expect(store.registry()).toHaveLength(4);
  });

  it('is written once per function instance, not once per batch', async () => {
    // Prepare
    const store = new RegistryWatchingStore();
    const handler = handlerOn(store);
    await handler(sqsEvent(sqsRecord(voisoEvent('app_login/successful_login'))));
    const afterFirst = store.registryWrites;
    // Act
    await handler(
      sqsEvent(
        sqsRecord(voisoEvent('app_login/successful_login', { timestamp: '2020-10-10T11:00:00Z' })),
      ),
    );
    // Assert
    expect(afterFirst).toBe(2);
    expect(store.registryWrites).toBe(afterFirst);
  });

  it('fails the records of an event it could not name, and their retry names it', async () => {
    // Prepare
    const store = new RegistryWatchingStore();
    const handler = handlerOn(store);
    const record = sqsRecord(voisoEvent('user/user_added'));
    store.refuseRegistry = true;
    // Act
    const first = await handler(sqsEvent(record));
    store.refuseRegistry = false;
    const retry = await handler(sqsEvent(record));
    // Assert
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(retry.batchItemFailures).toEqual([]);
    expect(
      store
        .registry()
        .map((item) => item.sk)
        .sort(),
    ).toEqual(['CC#acme', 'PAIR#user#user_added']);
  });
});
