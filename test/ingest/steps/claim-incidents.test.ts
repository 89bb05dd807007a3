// Step 6: incident alert claims, written after the detection states: a claim that is not
// written (someone else's, or a failed write) fails the records whose events formed it.
import type { ItemKey } from '../../../lambda/core/items';
import type { VersionedItem } from '../../../lambda/core/records';
import { claimIncidents } from '../../../lambda/ingest/steps/claim-incidents';
import type { Claim } from '../../../lambda/ingest/steps/plan-alerts';
import type { StoreCallOptions } from '../../../lambda/ports/event-store';
import { silentLogger } from '../../../lambda/ports/telemetry';
import { InMemoryEventStore } from '../../../lambda/testing/memory-ports';
import { eventClaim, eventItem } from './fixtures';

class Store extends InMemoryEventStore {
  calls = 0;
  deadline: number | undefined;
  fail: 'none' | 'unwritten' | 'throw' = 'none';

  override async writeVersioned(items: readonly VersionedItem[], options?: StoreCallOptions) {
    this.calls++;
    this.deadline = options?.deadline;
    if (this.fail === 'throw') throw new Error('unreachable');
    const outcome = await super.writeVersioned(items);
    const unwritten: ItemKey[] =
      this.fail === 'unwritten' ? items.slice(0, 1).map(({ pk, sk }) => ({ pk, sk })) : [];
    return { ...outcome, unwritten, retries: 4 };
  }
}

// Built in each test, not at load: code run while a file loads counts, for Stryker, as run by
// every test (a static mutant), and would make each such mutant run the whole suite.
let a: Claim;
let b: Claim;
beforeEach(() => {
  a = eventClaim(eventItem('app_login/deleted_user'), ['a1', 'a2']);
  b = eventClaim(eventItem('app_login/unauthorized_ip'), ['b1']);
});

describe('claimIncidents', () => {
  it('writes the claims and hands back the ones written', async () => {
    // Prepare
    const store = new Store();
    // Act
    const claimed = await claimIncidents(store, [a, b], 9_000, silentLogger);
    // Assert
    expect(claimed).toEqual({ claimed: [a, b], retries: 4, failures: [] });
    expect(store.deadline).toBe(9_000);
    expect((await store.read([a.record])).items).toHaveLength(1);
  });

  it('leaves a claim someone else holds to them, and fails the carriers of one not written', async () => {
    // Prepare: `a` is already claimed at version 1 by another invocation.
    const store = new Store();
    await store.write([a.record]);
    // Act
    const conflict = await claimIncidents(store, [a, b], 9_000, silentLogger);
    store.fail = 'unwritten';
    const unwritten = await claimIncidents(store, [b], 9_000, silentLogger);
    // Assert
    expect(conflict.claimed).toEqual([b]);
    // Theirs to send (a concurrent invocation, or an earlier delivery): not this batch's failure.
    expect(conflict.failures).toEqual([]);
    expect(unwritten.claimed).toEqual([]);
    expect(unwritten.failures).toEqual([{ messageId: 'b1', reason: 'incident claim not written' }]);
  });

  it('fails every claim when the store throws', async () => {
    // Prepare
    const store = new Store();
    store.fail = 'throw';
    const errors: unknown[] = [];
    // Act
    const claimed = await claimIncidents(store, [a, b], 9_000, {
      ...silentLogger,
      error: (_m, extra) => errors.push(extra),
    });
    // Assert
    expect(claimed).toEqual({
      claimed: [],
      retries: 0,
      failures: ['a1', 'a2', 'b1'].map((messageId) => ({
        messageId,
        reason: 'incident claim not written',
      })),
    });
    expect(errors).toEqual([{ error: 'Error: unreachable' }]);
  });

  it('makes no round trip without claims', async () => {
    const store = new Store();
    expect(await claimIncidents(store, [], 9_000, silentLogger)).toEqual({
      claimed: [],
      retries: 0,
      failures: [],
    });
    expect(store.calls).toBe(0);
  });
});
