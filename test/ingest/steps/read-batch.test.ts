// Step 2: one read of everything the batch decides on: its events (already stored?), the alert
// records and folding windows of its alert-worthy events, and its detection groups' states.
// A key that cannot be read fails exactly the records that needed it.
import { parseDetectionSettings } from '../../../contract/config';
import { resolveTunings, stateId } from '../../../lambda/core/detections/engine';
import { foldKeyString } from '../../../lambda/core/folding';
import { keyString } from '../../../lambda/core/items';
import { alertRecordKey, detectionStateKey } from '../../../lambda/core/keys';
import { foldItem, stateItem } from '../../../lambda/core/records';
import { planBatch } from '../../../lambda/ingest/steps/plan';
import { foldFields, readBatch } from '../../../lambda/ingest/steps/read-batch';
import { silentLogger } from '../../../lambda/ports/telemetry';
import { sqsRecord, voisoEvent } from '../../../lambda/testing/factories';
import { eventClaim } from './fixtures';
import { ScriptedStore } from './store';

const RECEIVED_AT = new Date('2024-05-06T07:08:10.000Z');
const NOW = Date.parse('2024-05-06T07:08:10.000Z');
const settings = parseDetectionSettings({});
const tunings = resolveTunings(settings);
const context = { tunings, detection: settings, nowMs: NOW, deadline: 7_000 };

/** The batch of these records as the first step groups it. */
function batchOf(...records: ReturnType<typeof sqsRecord>[]) {
  return planBatch(records, { receivedAt: RECEIVED_AT, retentionDays: 0, detection: settings })
    .events;
}

const deletedUser = () => sqsRecord(voisoEvent('app_login/deleted_user'));
const login = () => sqsRecord(voisoEvent('app_login/successful_login'));

describe('readBatch', () => {
  it('reads each needed key once, in one call with the deadline', async () => {
    // Prepare: the deleted user's event is alert-worthy (high): its alert record and folding
    // window are read, and the states of the detections it joins.
    const store = new ScriptedStore();
    const events = batchOf(deletedUser(), login());
    const [alerting, quiet] = events;
    // Act
    await readBatch(store, events, context, silentLogger);
    // Assert
    expect(store.calls).toHaveLength(1);
    expect(store.calls[0]?.deadline).toBe(7_000);
    const keys = store.calls[0]?.keys ?? [];
    expect(keys).toContain(`${alerting?.item.pk}/${alerting?.item.sk}`);
    expect(keys).toContain(`${quiet?.item.pk}/${quiet?.item.sk}`);
    expect(keys).toContain(`ALERT#${alerting?.item.eventId}/ALERT`);
    expect(keys).not.toContain(`ALERT#${quiet?.item.eventId}/ALERT`);
    expect(keys).toContain('FOLD/acme#deleted-user-login#high');
    expect(keys).toContain('DETECT#repeated-deleted-user#acme#user:john@acme.com/STATE');
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('reads no folding window when folding is off', async () => {
    // Prepare
    const store = new ScriptedStore();
    const unfolded = { ...settings, foldingWindowMinutes: 0 };
    // Act
    await readBatch(
      store,
      batchOf(deletedUser()),
      { ...context, detection: unfolded },
      silentLogger,
    );
    // Assert
    expect(store.calls[0]?.keys.filter((k) => k.startsWith('FOLD'))).toEqual([]);
  });

  it('tells stored events from new ones, and hands back alert records, windows and states', async () => {
    // Prepare
    const store = new ScriptedStore();
    const [stored, fresh] = batchOf(
      deletedUser(),
      sqsRecord(voisoEvent('app_login/deleted_user', { callcenter: 'beta' })),
    );
    if (!stored || !fresh) throw new Error('fixture');
    const claim = eventClaim(stored.item);
    const fold = foldItem(
      {
        ...foldFields(stored.item),
        windowId: 'win-1',
        opensAt: NOW - 1,
        closesAt: NOW + 60_000,
        pending: [],
      },
      0,
      0,
    );
    const state = stateItem(
      {
        detection: 'repeated-deleted-user',
        callcenter: 'acme',
        group: 'user:john@acme.com',
        since: 5,
        observations: [{ id: 'old', t: NOW - 60_000, n: 'x' }],
        incidents: [],
        version: 0,
      },
      3,
      NOW + 1_000,
    );
    await store.write([stored.item, claim.record, fold, state]);
    // Act
    const read = await readBatch(store, [stored, fresh], context, silentLogger);
    // Assert
    expect([...read.existing.keys()]).toEqual([stored.key]);
    expect(read.absent).toEqual([fresh]);
    expect(read.readable).toEqual([stored, fresh]);
    expect(read.alertRecords.get(stored.item.eventId)).toEqual(claim.record);
    expect(read.folds.get(foldKeyString(foldFields(stored.item)))).toEqual(fold);
    const group = read.groups.get(stateId('repeated-deleted-user', 'acme', 'user:john@acme.com'));
    expect(group?.prior).toMatchObject({ since: 5, version: 3, observations: [{ id: 'old' }] });
    expect(group?.contribution.observations.map((o) => o.id)).toEqual([stored.item.eventId]);
    const other = read.groups.get(stateId('repeated-deleted-user', 'beta', 'user:john@acme.com'));
    expect(other?.prior).toMatchObject({
      version: 0,
      observations: [],
      since: Number.POSITIVE_INFINITY,
    });
    expect(read.failures).toEqual([]);
  });

  it('starts an expired state over, but keeps its version for the conditional write', async () => {
    // Prepare
    const store = new ScriptedStore();
    const state = stateItem(
      {
        detection: 'repeated-deleted-user',
        callcenter: 'acme',
        group: 'user:john@acme.com',
        since: 5,
        observations: [{ id: 'old', t: 1, n: 'x' }],
        incidents: [],
        version: 0,
      },
      4,
      NOW - 1_000,
    );
    await store.write([state]);
    // Act
    const read = await readBatch(store, batchOf(deletedUser()), context, silentLogger);
    // Assert
    const group = read.groups.get(stateId('repeated-deleted-user', 'acme', 'user:john@acme.com'));
    expect(group?.prior).toMatchObject({
      version: 4,
      observations: [],
      since: Number.POSITIVE_INFINITY,
    });
  });

  it('fails only the records that needed a key it could not read, and leaves their events out', async () => {
    // Prepare: the alert record of the deleted user's event cannot be read.
    const store = new ScriptedStore();
    const first = deletedUser();
    const again = sqsRecord(first.body);
    const events = batchOf(first, again, login());
    const [alerting, quiet] = events;
    store.unreadable = (key) => key.pk === `ALERT#${alerting?.item.eventId}`;
    // Act
    const read = await readBatch(store, events, context, silentLogger);
    // Assert
    expect(read.failures).toEqual([
      { messageId: first.messageId, reason: 'store read failed' },
      { messageId: again.messageId, reason: 'store read failed' },
    ]);
    expect(read.readable).toEqual([quiet]);
    expect(read.absent).toEqual([quiet]);
    // Its observations are out of the states the batch will write.
    const group = read.groups.get(stateId('repeated-deleted-user', 'acme', 'user:john@acme.com'));
    expect(group?.contribution.observations).toEqual([]);
    // The readable login's stays in its own.
    const logins = read.groups.get(stateId('brute-force-succeeded', 'acme', 'user:john@acme.com'));
    expect(logins?.contribution.observations.map((o) => o.id)).toEqual([quiet?.item.eventId]);
  });

  it('leaves out a group whose state it could not read, and fails its contributors', async () => {
    // Prepare
    const store = new ScriptedStore();
    const record = deletedUser();
    const stateKey = keyString(
      detectionStateKey('repeated-deleted-user', 'acme', 'user:john@acme.com'),
    );
    store.unreadable = (key) => keyString(key) === stateKey;
    // Act
    const read = await readBatch(store, batchOf(record), context, silentLogger);
    // Assert
    expect(read.groups.has(stateId('repeated-deleted-user', 'acme', 'user:john@acme.com'))).toBe(
      false,
    );
    expect(read.failures).toEqual([{ messageId: record.messageId, reason: 'store read failed' }]);
  });

  it('fails every record when the read throws, logging the error masked', async () => {
    // Prepare
    const store = new ScriptedStore();
    store.throwOn.add('read');
    const errors: unknown[] = [];
    const records = [deletedUser(), login()];
    // Act
    const read = await readBatch(store, batchOf(...records), context, {
      ...silentLogger,
      error: (_m, extra) => errors.push(extra),
    });
    // Assert
    expect(read.failures.map((f) => f.messageId)).toEqual(records.map((r) => r.messageId));
    expect(read.readable).toEqual([]);
    expect(read.groups.size).toBe(0);
    expect(errors).toEqual([{ error: 'Error: read failed for m***@acme.com' }]);
  });

  it('folds by the first rule, or "none"', () => {
    // Prepare
    const [group] = batchOf(deletedUser());
    if (!group) throw new Error('fixture');
    // Act / Assert
    expect(foldFields(group.item)).toEqual({
      callcenter: 'acme',
      rule: 'deleted-user-login',
      severity: 'high',
    });
    expect(foldFields({ ...group.item, rules: [] }).rule).toBe('none');
    expect(alertRecordKey('x')).toEqual({ pk: 'ALERT#x', sk: 'ALERT' });
  });
});
