// Step 5: one round trip of writes, and exactly which records fail when a write does not
// happen: every carrier of an unwritten event, quarantine or claim, every contributor of a
// detection state that could not be written; a conflicting state is read, merged and written
// again, a few times at most.
import { parseDetectionSettings } from '../../../contract/config';
import { resolveTunings, stateId } from '../../../lambda/core/detections/engine';
import { FOLD_RETAIN_MS } from '../../../lambda/core/folding';
import { keyString } from '../../../lambda/core/items';
import { detectionStateKey } from '../../../lambda/core/keys';
import { foldItem, stateItem } from '../../../lambda/core/records';
import { detect, detectionsByEvent } from '../../../lambda/ingest/steps/detect';
import { planBatch } from '../../../lambda/ingest/steps/plan';
import { planEventAlerts, planIncidentAlerts } from '../../../lambda/ingest/steps/plan-alerts';
import { readBatch } from '../../../lambda/ingest/steps/read-batch';
import { writeBatch } from '../../../lambda/ingest/steps/write-batch';
import { silentLogger } from '../../../lambda/ports/telemetry';
import { sqsRecord, voisoEvent } from '../../../lambda/testing/factories';
import { ScriptedStore } from './store';

const RECEIVED_AT = new Date('2024-05-06T07:08:10.000Z');
const NOW = RECEIVED_AT.getTime();
const DAY_MS = 86_400_000;

/** Runs the steps before the write on `records` and hands writeBatch's input back. */
async function prepared(
  store: ScriptedStore,
  records: ReturnType<typeof sqsRecord>[],
  config: Record<string, unknown> = { foldingWindowMinutes: 0 },
) {
  const detection = parseDetectionSettings(config);
  const tunings = resolveTunings(detection);
  const plan = planBatch(records, { receivedAt: RECEIVED_AT, retentionDays: 0, detection });
  const read = await readBatch(
    store,
    plan.events,
    { tunings, detection, nowMs: NOW, deadline: 9_000 },
    silentLogger,
  );
  const found = await detect(store, read, tunings, 9_000, silentLogger);
  const claimContext = {
    now: RECEIVED_AT,
    claimNowMs: NOW,
    leaseUntil: NOW + 20_000,
    expiresAt: undefined,
    detection,
  };
  const alerts = planEventAlerts(read, claimContext);
  const outcomes = planIncidentAlerts(
    found.outcomes,
    new Map(),
    new Set(),
    new Map(),
    claimContext,
  ).outcomes;
  store.calls.length = 0;
  return {
    input: {
      state: read,
      quarantines: plan.quarantines,
      alerts,
      outcomes,
      detectionsOf: detectionsByEvent(found.outcomes.values()),
      // Registry entries are written and tested on their own (test/ingest/registry.test.ts).
      registry: { items: [], needs: new Map() },
    },
    context: { tunings, nowMs: NOW, deadline: 9_000, stateRetainMs: () => DAY_MS },
    plan,
  };
}

/**
 * Both halves of the round trip (events with their claims, and detection states), awaited
 * together and reported as one.
 */
async function writeAll(...args: Parameters<typeof writeBatch>) {
  const { events, states } = writeBatch(...args);
  const [e, s] = await Promise.all([events, states]);
  return {
    ...e,
    outcomes: s.outcomes,
    retries: e.retries + s.retries,
    failures: [...e.failures, ...s.failures],
  };
}

const deleted = (user = 'john@acme.com', minute = 0) =>
  sqsRecord(
    voisoEvent('app_login/deleted_user', {
      timestamp: new Date(Date.UTC(2024, 4, 6, 7, minute)).toISOString(),
      params: { user },
    }),
  );

describe('writeBatch', () => {
  it('writes the new events, the quarantines, the claims and the states, all with the deadline', async () => {
    // Prepare
    const store = new ScriptedStore();
    const records = [deleted(), sqsRecord('not json')];
    const { input, context } = await prepared(store, records);
    // Act
    const written = await writeAll(store, input, context, silentLogger);
    // Assert
    expect(written.failures).toEqual([]);
    expect([...written.written.keys()]).toEqual([input.state.absent[0]?.key]);
    expect(written.quarantined).toEqual(input.quarantines);
    expect([...written.claimed]).toEqual([input.state.absent[0]?.item.eventId]);
    expect([...written.outcomes.keys()]).toEqual([
      stateId('repeated-deleted-user', 'acme', 'user:john@acme.com'),
    ]);
    expect(store.calls.map((c) => [c.method, c.deadline])).toEqual([
      ['write', 9_000],
      ['writeVersioned', 9_000],
      ['writeVersioned', 9_000],
    ]);
    const state = (
      await store.read([detectionStateKey('repeated-deleted-user', 'acme', 'user:john@acme.com')])
    ).items[0];
    expect(state).toMatchObject({ version: 1, expiresAt: Math.floor((NOW + DAY_MS) / 1000) });
    expect(written.outcomes.values().next().value?.state.version).toBe(1);
  });

  it('records on each new event the detections it helped form', async () => {
    // Prepare: the third attempt of a deleted user forms an incident.
    const store = new ScriptedStore();
    const records = [deleted('old', 0), deleted('old', 1), deleted('old', 2), deleted('other', 3)];
    const { input, context } = await prepared(store, records);
    // Act
    await writeAll(store, input, context, silentLogger);
    // Assert
    const events = (await store.query('CC#acme', {})).filter((i) => i.kind === 'event');
    expect(events.map((e) => (e.kind === 'event' ? [e.params.user, e.detections] : []))).toEqual([
      ['old', ['repeated-deleted-user']],
      ['old', ['repeated-deleted-user']],
      ['old', ['repeated-deleted-user']],
      ['other', undefined],
    ]);
  });

  it('fails every carrier of an event it could not write, and claims nothing for it', async () => {
    // Prepare
    const store = new ScriptedStore();
    const first = deleted();
    const again = sqsRecord(first.body);
    const other = deleted('ann');
    const { input, context } = await prepared(store, [first, again, other]);
    const lost = input.state.absent[0]?.item;
    store.unwritable = (key) => key.sk === lost?.sk;
    // Act
    const written = await writeAll(store, input, context, silentLogger);
    // Assert
    expect(written.failures).toEqual([
      { messageId: first.messageId, reason: 'store write failed' },
      { messageId: again.messageId, reason: 'store write failed' },
    ]);
    expect([...written.written.values()].map((i) => i.params.user)).toEqual(['ann']);
  });

  it('fails the record of a quarantine it could not write', async () => {
    // Prepare
    const store = new ScriptedStore();
    const bad = sqsRecord('not json');
    const { input, context } = await prepared(store, [bad, sqsRecord('[]')]);
    store.unwritable = (key) => key.sk.endsWith(bad.messageId);
    // Act
    const written = await writeAll(store, input, context, silentLogger);
    // Assert
    expect(written.failures).toEqual([
      { messageId: bad.messageId, reason: 'quarantine write failed' },
    ]);
    expect(written.quarantined.map((q) => q.records[0]?.messageId)).not.toContain(bad.messageId);
    expect(written.quarantined).toHaveLength(1);
  });

  it('fails the carriers of a claim that met another write, or was not written', async () => {
    // Prepare
    const store = new ScriptedStore();
    const a = deleted('a');
    const b = deleted('b');
    const { input, context } = await prepared(store, [a, b]);
    const [claimA, claimB] = input.alerts.records;
    store.conflictsLeft.set(keyString(claimA ?? { pk: '', sk: '' }), 1);
    store.unwritable = (key) => key.pk === claimB?.pk;
    // Act
    const written = await writeAll(store, input, context, silentLogger);
    // Assert
    expect(written.failures).toEqual([
      { messageId: a.messageId, reason: 'alert claim not written' },
      { messageId: b.messageId, reason: 'alert claim not written' },
    ]);
    expect(written.claimed.size).toBe(0);
    // The events themselves are stored.
    expect(written.written.size).toBe(2);
  });

  it('does not claim a folded alert whose place in its window was not written', async () => {
    // Prepare: folding on; the second alert of the rule folds into the window the first opens.
    const store = new ScriptedStore();
    const first = deleted('a', 0);
    const second = deleted('b', 1);
    const { input, context } = await prepared(store, [first, second], {});
    const [folded] = input.alerts.folded;
    expect(folded?.eventId).toBe(input.state.absent[1]?.item.eventId);
    store.unwritable = (key) => key.pk === folded?.pk;
    // Act
    const written = await writeAll(store, input, context, silentLogger);
    // Assert
    expect(written.failures).toEqual([
      { messageId: second.messageId, reason: 'alert claim not written' },
    ]);
    expect([...written.claimed]).toEqual([input.state.absent[0]?.item.eventId]);
  });

  describe('an open that lost a race to another invocation', () => {
    /** Two alerts of one rule, folding on: the first opens a window, the second folds into it. */
    async function raced(store: ScriptedStore) {
      const first = deleted('a', 0);
      const second = deleted('b', 1);
      const prepared_ = await prepared(store, [first, second], {});
      const [open] = prepared_.input.alerts.opens;
      const window = open?.pending.find((w) => w.windowId === open.windowId);
      if (open === undefined || window === undefined) throw new Error('no window opened');
      const errors: [string, unknown][] = [];
      const logger = { ...silentLogger, error: (m: string, f: unknown) => errors.push([m, f]) };
      return { ...prepared_, first, second, open, window, errors, logger };
    }
    const foldCalls = (store: ScriptedStore, method: string, key: string) =>
      store.calls.filter((c) => c.method === method && c.keys.includes(key)).length;

    it('lists its window beside theirs on the fold item as it is now, and claims the folded alert', async () => {
      // Prepare: another invocation opened a window of the same rule first.
      const store = new ScriptedStore();
      const { input, context, open, window, errors, logger } = await raced(store);
      const theirs = { ...window, windowId: 'win-theirs', openedBy: 'someone-else' };
      await store.writeVersioned([
        foldItem({ ...open, windowId: 'win-theirs', pending: [theirs] }, 0, FOLD_RETAIN_MS),
      ]);
      store.calls.length = 0;
      // Act
      const written = await writeAll(store, input, context, logger);
      // Assert
      expect(written.failures).toEqual([]);
      expect([...written.claimed].sort()).toEqual(
        input.state.absent.map((g) => g.item.eventId).sort(),
      );
      const key = `${open.pk}/${open.sk}`;
      expect(foldCalls(store, 'read', key)).toBe(1);
      const stored = (await store.read([open])).items[0];
      expect(stored?.kind === 'fold' && stored.pending.map((w) => w.windowId)).toEqual([
        'win-theirs',
        open.windowId,
      ]);
      expect(stored?.kind === 'fold' && stored.version).toBe(2);
      expect(errors).toEqual([]);
    });

    it('gives up after three attempts to list it: the folded alert fails, the log names the window', async () => {
      // Prepare: every write of the fold item meets someone else's.
      const store = new ScriptedStore();
      const { input, context, open, second, errors, logger } = await raced(store);
      store.conflictsLeft.set(keyString(open), 100);
      // Act
      const written = await writeAll(store, input, context, logger);
      // Assert
      expect(written.failures).toEqual([
        { messageId: second.messageId, reason: 'alert claim not written' },
      ]);
      expect([...written.claimed]).toEqual([input.state.absent[0]?.item.eventId]);
      const key = `${open.pk}/${open.sk}`;
      expect(foldCalls(store, 'read', key)).toBe(3);
      expect(foldCalls(store, 'writeVersioned', key)).toBe(4);
      expect(errors).toEqual([
        ['Folding window not listed for its summary', { windowId: open.windowId }],
      ]);
    });

    it('counts a write of the list that throws as not listed', async () => {
      // Prepare: the open meets someone else's write; every write of the list then throws.
      const store = new ThrowsOnFoldRewrite();
      const { input, context, open, second, logger } = await raced(store);
      store.conflictsLeft.set(keyString(open), 1);
      // Act
      const written = await writeAll(store, input, context, logger);
      // Assert
      expect(written.failures).toEqual([
        { messageId: second.messageId, reason: 'alert claim not written' },
      ]);
      expect(store.thrown).toBe(3);
    });
  });

  it('counts every item unwritten when a write throws, and fails their records', async () => {
    // Prepare
    const store = new ScriptedStore();
    store.throwOn.add('write');
    const errors: unknown[] = [];
    const record = deleted();
    const { input, context } = await prepared(store, [record, sqsRecord('x')]);
    // Act
    const written = await writeAll(store, input, context, {
      ...silentLogger,
      error: (_m, e) => errors.push(e),
    });
    // Assert
    expect(written.failures.map((f) => f.reason).sort()).toEqual([
      'quarantine write failed',
      'store write failed',
    ]);
    expect(errors).toEqual([{ error: 'Error: write failed for m***@acme.com' }]);
  });

  it('reads a conflicting state again, merges the batch into it and writes it', async () => {
    // Prepare: another invocation wrote the group's state (two attempts) since this batch read it.
    const store = new ScriptedStore();
    const record = deleted('old', 5);
    const { input, context } = await prepared(store, [record]);
    const key = detectionStateKey('repeated-deleted-user', 'acme', 'user:old');
    await store.write([
      stateItem(
        {
          detection: 'repeated-deleted-user',
          callcenter: 'acme',
          group: 'user:old',
          since: NOW,
          observations: [
            { id: 'x1', t: Date.UTC(2024, 4, 6, 7, 1), n: 'a' },
            { id: 'x2', t: Date.UTC(2024, 4, 6, 7, 2), n: 'b' },
          ],
          incidents: [],
          version: 0,
        },
        1,
        NOW + DAY_MS,
      ),
    ]);
    store.retries = 1;
    // Act
    const written = await writeAll(store, input, context, silentLogger);
    // Assert: one attempt met the other write, the second merged and wrote version 2.
    expect(written.failures).toEqual([]);
    const [state] = (await store.read([key])).items;
    expect(state).toMatchObject({ version: 2 });
    expect(state?.kind === 'detection-state' && state.observations.map((o) => o.id)).toEqual([
      'x1',
      'x2',
      input.state.absent[0]?.item.eventId,
    ]);
    const outcome = written.outcomes.get(stateId('repeated-deleted-user', 'acme', 'user:old'));
    expect(outcome?.incidents.map((i) => i.status)).toEqual(['new']);
    // Retries: the store's own (1 per call: write, claims, two state writes) and one re-read.
    expect(written.retries).toBe(1 + 1 + 1 + 1 + 1);
  });

  it('gives up on a state after four conflicting attempts and fails its contributors', async () => {
    // Prepare
    const store = new ScriptedStore();
    const record = deleted();
    const { input, context } = await prepared(store, [record]);
    const key = keyString(detectionStateKey('repeated-deleted-user', 'acme', 'user:john@acme.com'));
    store.conflictsLeft.set(key, 4);
    // Act
    const written = await writeAll(store, input, context, silentLogger);
    // Assert
    expect(written.failures).toEqual([
      { messageId: record.messageId, reason: 'detection state write failed' },
    ]);
    expect(
      store.calls.filter(
        (c) => c.method === 'writeVersioned' && c.keys.some((k) => k.startsWith('DETECT#')),
      ),
    ).toHaveLength(4);
    expect(written.outcomes.size).toBe(0);
    expect(written.retries).toBe(3);
  });

  it('fails the contributors of a state it could not write, or re-read after a conflict', async () => {
    for (const fault of ['unwritten', 'reread'] as const) {
      // Prepare
      const store = new ScriptedStore();
      const record = deleted();
      const { input, context } = await prepared(store, [record]);
      const key = keyString(
        detectionStateKey('repeated-deleted-user', 'acme', 'user:john@acme.com'),
      );
      if (fault === 'unwritten') store.unwritable = (k) => keyString(k) === key;
      else {
        store.conflictsLeft.set(key, 1);
        store.throwOn.add('read');
      }
      // Act
      const written = await writeAll(store, input, context, silentLogger);
      // Assert
      expect({ fault, failures: written.failures }).toEqual({
        fault,
        failures: [{ messageId: record.messageId, reason: 'detection state write failed' }],
      });
    }
  });

  it('writes nothing for a batch with nothing new', async () => {
    // Prepare: a login (info) already stored.
    const store = new ScriptedStore();
    const record = sqsRecord(voisoEvent('app_login/successful_login'));
    const first = await prepared(store, [record]);
    await writeAll(store, first.input, first.context, silentLogger);
    const { input, context } = await prepared(store, [sqsRecord(record.body)]);
    // Act
    const written = await writeAll(store, input, context, silentLogger);
    // Assert
    expect(store.calls).toEqual([]);
    expect(written).toMatchObject({ failures: [], retries: 0 });
    expect(written.written.size).toBe(0);
  });
});

/** A store whose writes of a fold item, after the first, throw (the network dropped them). */
class ThrowsOnFoldRewrite extends ScriptedStore {
  private foldWrites = 0;
  thrown = 0;

  override async writeVersioned(...args: Parameters<ScriptedStore['writeVersioned']>) {
    const [items] = args;
    if (items.some((i) => i.kind === 'fold') && this.foldWrites++ > 0) {
      this.thrown++;
      throw new Error('socket hang up');
    }
    return super.writeVersioned(...args);
  }
}
