// The path from receive to publish: an event alert needs its event and its claim written, and
// nothing else. Detection state written in the same round trip (and read and written again when
// another invocation wrote it meanwhile) must not hold it back; only incidents wait for states.
import type { VersionedItem } from '../../lambda/core/records';
import { DEFAULT_INGEST_CONFIG } from '../../lambda/ingest/config';
import { createHandler } from '../../lambda/ingest/create-handler';
import type { StoreCallOptions, VersionedWriteOutcome } from '../../lambda/ports/event-store';
import { sqsEvent, sqsRecord, voisoEvent } from '../../lambda/testing/factories';
import { CapturingAlertPublisher, InMemoryEventStore } from '../../lambda/testing/memory-ports';

/** Holds every detection-state write until released. */
class SlowStateStore extends InMemoryEventStore {
  private release: () => void = () => undefined;
  readonly released = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  stateWrites = 0;

  override async writeVersioned(
    items: readonly VersionedItem[],
    _options?: StoreCallOptions,
  ): Promise<VersionedWriteOutcome> {
    if (items.some((item) => item.kind === 'detection-state')) {
      this.stateWrites++;
      await this.released;
    }
    return super.writeVersioned(items);
  }

  letStatesThrough(): void {
    this.release();
  }
}

describe('publishing event alerts', () => {
  it('does not wait for the detection states of the same batch', async () => {
    // Prepare
    const store = new SlowStateStore();
    const alerts = new CapturingAlertPublisher();
    const handler = createHandler({ store, alerts, config: DEFAULT_INGEST_CONFIG });
    const published = new Promise<void>((resolve) => alerts.onAlert(() => resolve()));
    // Act: an alert-worthy event whose brute-force group's state is being written.
    const response = handler(sqsEvent(sqsRecord(voisoEvent('app_login/incorrect_password'))));
    await published;
    // Assert: the alert is out while the state write is still held.
    expect(store.stateWrites).toBe(1);
    expect(alerts.published.map((a) => a.attributes.kind)).toEqual(['event']);
    store.letStatesThrough();
    expect((await response).batchItemFailures).toEqual([]);
  });
});
