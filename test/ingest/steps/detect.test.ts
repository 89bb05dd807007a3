// Step 3: every touched group evaluated; the alert records of recorded incidents whose alert is
// not known done read in one more round trip, only by the batches that have such incidents.
import { parseDetectionSettings } from '../../../contract/config';
import {
  type Contribution,
  type DetectionState,
  emptyState,
  type GroupOutcome,
  resolveTunings,
} from '../../../lambda/core/detections/engine';
import type { Observation } from '../../../lambda/core/detections/model';
import { alertRecordKey } from '../../../lambda/core/keys';
import { alertRecord } from '../../../lambda/core/records';
import { detect, detectionsByEvent, evaluateGroups } from '../../../lambda/ingest/steps/detect';
import type { BatchState } from '../../../lambda/ingest/steps/read-batch';
import { silentLogger } from '../../../lambda/ports/telemetry';
import { ScriptedStore } from './store';

const MIN = 60_000;
const tunings = resolveTunings(parseDetectionSettings({}));
const obs = (id: string, minute: number): Observation => ({ id, t: minute * MIN, n: `t${minute}` });

function groupOf(user: string, observations: Observation[], prior?: Partial<DetectionState>) {
  const group = `user:${user}`;
  const contribution: Contribution = {
    detection: 'repeated-deleted-user',
    callcenter: 'acme',
    group,
    observations,
  };
  return [
    `["repeated-deleted-user","acme","${group}"]`,
    { contribution, prior: { ...emptyState('repeated-deleted-user', 'acme', group), ...prior } },
  ] as const;
}

const stateWith = (groups: ReturnType<typeof groupOf>[], readable: string[]) =>
  ({
    groups: new Map(groups),
    readable: readable.map((id) => ({ item: { eventId: id } })),
  }) as unknown as BatchState;

describe('evaluateGroups', () => {
  it('evaluates each group with observations from the batch, and skips the others', () => {
    // Act
    const outcomes = evaluateGroups(
      new Map([groupOf('a', [obs('a1', 0), obs('a2', 1), obs('a3', 2)]), groupOf('b', [])]),
      tunings,
      new Set(['a3']),
    );
    // Assert
    expect([...outcomes.keys()]).toEqual(['["repeated-deleted-user","acme","user:a"]']);
    expect(outcomes.values().next().value?.incidents[0]?.batchEventIds).toEqual(['a3']);
  });
});

describe('detect', () => {
  it('makes no extra round trip when no incident waits for its alert', async () => {
    // Prepare
    const store = new ScriptedStore();
    // Act
    const found = await detect(
      store,
      stateWith([groupOf('a', [obs('a1', 0), obs('a2', 1), obs('a3', 2)])], ['a3']),
      tunings,
      1_000,
      silentLogger,
    );
    // Assert
    expect(store.calls).toEqual([]);
    expect(found.outcomes.size).toBe(1);
    expect(found.incidentRecords.size).toBe(0);
    expect(found.unreadIncidents.size).toBe(0);
  });

  it('reads the alert records of recorded incidents not known done, and names the unreadable ones', async () => {
    // Prepare: two users, each with an incident recorded and not yet alerted.
    const store = new ScriptedStore();
    const recorded = (id: string) => ({
      incidents: [{ id, start: 0, end: 2 * MIN, alerted: false }],
      since: 0,
    });
    const a = groupOf(
      'a',
      [obs('a1', 0), obs('a2', 1), obs('a3', 2), obs('a4', 3)],
      recorded('inc-a'),
    );
    const b = groupOf(
      'b',
      [obs('b1', 0), obs('b2', 1), obs('b3', 2), obs('b4', 3)],
      recorded('inc-b'),
    );
    const record = alertRecord(
      {
        alertKey: 'inc-a',
        alertKind: 'incident',
        callcenter: 'acme',
        rule: 'r',
        severity: 'critical',
        subject: { pk: 'p', sk: 's' },
      },
      { state: 'claimed', topicsSent: [], owners: ['m'], leaseUntil: 0 },
      0,
      new Date(0),
      undefined,
    );
    await store.write([record]);
    store.calls.length = 0;
    store.unreadable = (key) => key.pk === 'ALERT#inc-b';
    // Act
    const found = await detect(
      store,
      stateWith([a, b], ['a4', 'b4']),
      tunings,
      1_000,
      silentLogger,
    );
    // Assert
    expect(store.calls).toEqual([
      { method: 'read', keys: ['ALERT#inc-a/ALERT', 'ALERT#inc-b/ALERT'], deadline: 1_000 },
    ]);
    expect([...found.incidentRecords]).toEqual([['inc-a', record]]);
    expect([...found.unreadIncidents]).toEqual(['inc-b']);
  });

  it('leaves every such incident for a later batch when the lookup throws', async () => {
    // Prepare
    const store = new ScriptedStore();
    store.throwOn.add('read');
    const errors: unknown[] = [];
    const a = groupOf('a', [obs('a1', 0), obs('a2', 1), obs('a3', 2)], {
      incidents: [{ id: 'inc-a', start: 0, end: 2 * MIN, alerted: false }],
      since: 0,
    });
    // Act
    const found = await detect(store, stateWith([a], ['a3']), tunings, 1_000, {
      ...silentLogger,
      error: (_m, e) => errors.push(e),
    });
    // Assert
    expect([...found.unreadIncidents]).toEqual(['inc-a']);
    expect(errors).toEqual([{ error: 'Error: read failed for m***@acme.com' }]);
  });

  it('does not look up an incident whose alert is known done', async () => {
    // Prepare
    const store = new ScriptedStore();
    const a = groupOf('a', [obs('a1', 0), obs('a2', 1), obs('a3', 2)], {
      incidents: [{ id: 'inc-a', start: 0, end: 2 * MIN, alerted: true }],
      since: 0,
    });
    // Act
    await detect(store, stateWith([a], ['a3']), tunings, 1_000, silentLogger);
    // Assert
    expect(store.calls).toEqual([]);
    expect(alertRecordKey('inc-a').pk).toBe('ALERT#inc-a');
  });
});

describe('detectionsByEvent', () => {
  it('lists, for each event of the batch, the detections whose incidents it helped form, sorted, once', () => {
    // Prepare
    const outcome = (detection: string, batchEventIds: string[]) =>
      ({ incidents: [{ incident: { detection }, batchEventIds }] }) as unknown as GroupOutcome;
    // Act
    const byEvent = detectionsByEvent([
      outcome('repeated-deleted-user', ['e1', 'e2']),
      outcome('brute-force', ['e1']),
      outcome('repeated-deleted-user', ['e1']),
    ]);
    // Assert
    expect([...byEvent]).toEqual([
      ['e1', ['brute-force', 'repeated-deleted-user']],
      ['e2', ['repeated-deleted-user']],
    ]);
  });
});
