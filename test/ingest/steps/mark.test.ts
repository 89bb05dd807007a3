// Step 8: recording what went out. Published claims become `sent` (or `partial` with the topics
// reached, the claim released); claims the batch could not publish are released; incidents
// found are written for the audit; earlier events that formed a new incident record it.
import { DEFAULT_DETECTION_SETTINGS } from '../../../contract/config';
import type { Incident, IncidentOutcome } from '../../../lambda/core/detections/engine';
import type { EventItem, ItemKey } from '../../../lambda/core/items';
import type { StoredItem } from '../../../lambda/core/records';
import { markPublished } from '../../../lambda/ingest/steps/mark';
import type { DetectionsUpdate, StoreCallOptions } from '../../../lambda/ports/event-store';
import { silentLogger } from '../../../lambda/ports/telemetry';
import { incidentOf } from '../../../lambda/testing/factories';
import { InMemoryEventStore } from '../../../lambda/testing/memory-ports';
import { eventClaim, eventItem } from './fixtures';

const NOW = new Date('2024-05-06T07:09:00.000Z');

/** A store that can refuse some writes, or throw, and remembers the deadlines it was given. */
class Store extends InMemoryEventStore {
  refuse = (_item: ItemKey) => false;
  throws = false;
  retries = 0;
  deadlines: number[] = [];
  updates: DetectionsUpdate[] = [];

  override async write(items: readonly StoredItem[], options?: StoreCallOptions) {
    if (options) this.deadlines.push(options.deadline);
    if (this.throws) throw new Error('DynamoDB unreachable');
    await super.write(items.filter((i) => !this.refuse(i)));
    return {
      unwritten: items.filter((i) => this.refuse(i)).map(({ pk, sk }) => ({ pk, sk })),
      retries: this.retries,
    };
  }

  override async addDetections(updates: readonly DetectionsUpdate[]) {
    this.updates.push(...updates);
    await super.addDetections(updates);
    return { unwritten: [], retries: 2 };
  }
}

const incident = (overrides: Partial<Incident> = {}): Incident =>
  incidentOf({
    id: 'inc-1',
    group: 'user:john@acme.com',
    start: Date.UTC(2024, 4, 6, 7, 0),
    end: Date.UTC(2024, 4, 6, 7, 5),
    severity: 'critical',
    measure: 20,
    ...overrides,
  });

const found = (i: Incident): IncidentOutcome => ({
  incident: i,
  status: 'new',
  unconfirmed: false,
  batchEventIds: ['e1'],
  earlierEvents: [],
});

const input = (overrides: Partial<Parameters<typeof markPublished>[1]> = {}) => ({
  published: [],
  unpublished: [],
  incidents: [],
  earlierEvents: [],
  detection: DEFAULT_DETECTION_SETTINGS,
  now: NOW,
  expiresAt: 1_900_000_000,
  ...overrides,
});

// Built in each test, not at load (see claim-incidents.test.ts).
let high: EventItem;
let critical: EventItem;
beforeEach(() => {
  high = eventItem('app_login/deleted_user');
  critical = eventItem('app_login/incorrect_password', { params: { access_group: 'admin' } });
});

describe('markPublished', () => {
  it('marks a complete alert sent and a partial one partial, both released', async () => {
    // Prepare
    const store = new Store();
    const done = eventClaim(high);
    const half = eventClaim(critical);
    const warnings: string[] = [];
    // Act
    const marked = await markPublished(
      store,
      input({
        published: [
          { claim: done, reached: ['alerts'], complete: true },
          { claim: half, reached: ['alerts'], complete: false },
        ],
      }),
      5_000,
      { ...silentLogger, warn: (message: string) => warnings.push(message) },
    );
    // Assert
    const [sent, partial] = (
      await store.read([done.record, half.record].map(({ pk, sk }) => ({ pk, sk })))
    ).items;
    expect(sent).toEqual({
      ...done.record,
      state: 'sent',
      topicsSent: ['alerts'],
      leaseUntil: 0,
      version: done.record.version + 1,
      updatedAt: NOW.toISOString(),
    });
    expect(partial).toMatchObject({
      state: 'partial',
      topicsSent: ['alerts'],
      leaseUntil: 0,
      version: 2,
    });
    expect(marked).toEqual({ failedCount: 0, retries: 0 });
    expect(store.deadlines).toEqual([5_000]);
    expect(warnings).toEqual([]);
  });

  it('releases a claim it could not publish, keeping the topics it had', async () => {
    // Prepare
    const store = new Store();
    const claim = eventClaim(critical, ['a'], { topicsSent: ['alerts'] }, 1);
    // Act
    await markPublished(store, input({ unpublished: [claim] }), 5_000, silentLogger);
    // Assert
    const [record] = (await store.read([{ pk: claim.record.pk, sk: claim.record.sk }])).items;
    expect(record).toMatchObject({
      state: 'partial',
      topicsSent: ['alerts'],
      leaseUntil: 0,
      version: 3,
    });
  });

  it('writes the incidents found, due or not, for the audit', async () => {
    // Prepare
    const store = new Store();
    const due = incident();
    const quiet = incident({ id: 'inc-2', severity: 'medium' });
    const suppressed = incident({ id: 'inc-3', suppressed: true });
    // Act
    await markPublished(
      store,
      input({ incidents: [found(due), found(quiet), found(suppressed)] }),
      5_000,
      silentLogger,
    );
    // Assert
    const items = await store.query('INCIDENTS#2024-05', {});
    expect(
      items.map((i) => [
        i.kind === 'incident' && i.incidentId,
        i.kind === 'incident' && i.alertDue,
      ]),
    ).toEqual([
      ['inc-1', true],
      ['inc-2', false],
      ['inc-3', false],
    ]);
    expect(items[0]).toMatchObject({ detectedAt: NOW.toISOString(), expiresAt: 1_900_000_000 });
  });

  it('records the new incident on the earlier events that formed it', async () => {
    // Prepare
    const store = new Store();
    await store.write([high]);
    const update = { key: { pk: high.pk, sk: high.sk }, detections: ['brute-force'] };
    // Act
    const marked = await markPublished(
      store,
      input({ earlierEvents: [update] }),
      5_000,
      silentLogger,
    );
    // Assert
    expect(store.updates).toEqual([update]);
    const [stored] = (await store.read([{ pk: high.pk, sk: high.sk }])).items;
    expect(stored).toMatchObject({ detections: ['brute-force'] });
    expect(marked.retries).toBe(2);
  });

  it('counts the alert records it could not write, and their retries, but not the incidents', async () => {
    // Prepare
    const store = new Store();
    store.retries = 3;
    const lost = eventClaim(high);
    const kept = eventClaim(critical);
    store.refuse = (item) => item.pk === lost.record.pk || item.pk.startsWith('INCIDENTS#');
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (_m: string, extra?: unknown) => warnings.push(extra) };
    // Act
    const marked = await markPublished(
      store,
      input({
        published: [
          { claim: lost, reached: ['alerts'], complete: true },
          { claim: kept, reached: ['alerts', 'critical'], complete: true },
        ],
        incidents: [found(incident())],
      }),
      5_000,
      logger,
    );
    // Assert
    expect(marked).toEqual({ failedCount: 1, retries: 3 });
    expect(warnings).toEqual([{ count: 1 }]);
  });

  it('counts every record as failed when the store throws', async () => {
    // Prepare
    const store = new Store();
    store.throws = true;
    const errors: unknown[] = [];
    const logger = { ...silentLogger, error: (_m: string, extra?: unknown) => errors.push(extra) };
    // Act
    const marked = await markPublished(
      store,
      input({
        published: [{ claim: eventClaim(high), reached: ['alerts'], complete: true }],
        unpublished: [eventClaim(critical)],
      }),
      5_000,
      logger,
    );
    // Assert
    expect(marked).toEqual({ failedCount: 2, retries: 0 });
    expect(errors).toEqual([{ error: 'Error: DynamoDB unreachable' }]);
  });

  it('calls the store for nothing when there is nothing to record', async () => {
    // Prepare
    const store = new Store();
    store.throws = true;
    // Act
    const marked = await markPublished(store, input(), 5_000, silentLogger);
    // Assert
    expect(marked).toEqual({ failedCount: 0, retries: 0 });
    expect(store.updates).toEqual([]);
  });
});
