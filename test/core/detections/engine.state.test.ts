// The detection engine's bookkeeping: tunings from the configuration, which groups a batch's
// events touch, how a group's state merges, keeps and forgets observations, and how an incident
// found again is matched to the one the group recorded.
import { parseDetectionSettings } from '../../../contract/config';
import {
  contributions,
  type DetectionState,
  emptyState,
  evaluateGroup,
  incidentId,
  MAX_INCIDENT_EVENT_IDS,
  MAX_INCIDENT_VALUES,
  MAX_OBSERVATIONS,
  MAX_RECORDED_INCIDENTS,
  markAlerted,
  type RecordedIncident,
  resolveTunings,
  stateId,
} from '../../../lambda/core/detections/engine';
import type { DetectionEvent } from '../../../lambda/core/detections/model';
import { observation } from '../../../lambda/testing/factories';
import { contributionOf, DELETED, emptyGroup, tuning, tunings } from './deleted-user-group';

const MIN = 60_000;

const event = (
  id: string,
  minute: number,
  overrides: Partial<DetectionEvent> = {},
): DetectionEvent => ({
  id,
  time: minute * MIN,
  timeText: `t${minute}`,
  callcenter: 'acme',
  pair: 'app_login/deleted_user',
  params: { user: 'john@acme.com' },
  suppressed: false,
  ...overrides,
});

const obs = observation;

const empty = emptyGroup;

describe('resolveTunings', () => {
  it('applies the defaults of each detection', () => {
    expect(tunings['brute-force']).toEqual({
      enabled: true,
      windowMs: 15 * MIN,
      threshold: 20,
      severity: 'critical',
    });
    // A sequence has no threshold of its own: 1.
    expect(tunings['short-lived-account']).toEqual({
      enabled: true,
      windowMs: 1440 * MIN,
      threshold: 1,
      severity: 'high',
    });
  });

  it('lets the configuration change each setting, or turn a detection off', () => {
    // Act
    const tuned = resolveTunings(
      parseDetectionSettings({
        detections: {
          'brute-force': { windowMinutes: 5, threshold: 7, severity: 'high' },
          'mass-change': { enabled: false },
        },
      }),
    );
    // Assert
    expect(tuned['brute-force']).toEqual({
      enabled: true,
      windowMs: 5 * MIN,
      threshold: 7,
      severity: 'high',
    });
    expect(tuned['mass-change'].enabled).toBe(false);
    expect(tuned['mass-change'].windowMs).toBe(10 * MIN);
  });
});

describe('ids', () => {
  it('names a state by detection, call center and group, unambiguously', () => {
    expect(stateId(DELETED, 'a', 'b')).toBe('["repeated-deleted-user","a","b"]');
    expect(stateId(DELETED, 'a","b', 'c')).not.toBe(stateId(DELETED, 'a', 'b","c'));
  });

  it('gives an incident the same id for the same detection, group, key and start only', () => {
    // Prepare
    const id = incidentId(DELETED, 'acme', 'g', undefined, 1);
    // Act / Assert
    expect(id).toMatch(/^inc-[A-Za-z0-9_-]{22}$/);
    expect(incidentId(DELETED, 'acme', 'g', undefined, 1)).toBe(id);
    for (const other of [
      incidentId('brute-force', 'acme', 'g', undefined, 1),
      incidentId(DELETED, 'beta', 'g', undefined, 1),
      incidentId(DELETED, 'acme', 'h', undefined, 1),
      incidentId(DELETED, 'acme', 'g', 'k', 1),
      incidentId(DELETED, 'acme', 'g', undefined, 2),
    ])
      expect(other).not.toBe(id);
  });

  it('starts a group empty, at version 0, with no history', () => {
    expect(empty()).toEqual({
      detection: DELETED,
      callcenter: 'acme',
      group: 'user:john@acme.com',
      since: Number.POSITIVE_INFINITY,
      observations: [],
      incidents: [],
      version: 0,
    });
  });
});

describe('contributions', () => {
  it('collects each group an event joins, per detection and call center, skipping disabled ones', () => {
    // Prepare
    const events = [
      event('e1', 0),
      event('e2', 1),
      event('e3', 2, { callcenter: 'beta' }),
      event('e4', 3, { pair: 'app_login/incorrect_password', params: { user: 'ann', count: 1 } }),
    ];
    const off = resolveTunings(
      parseDetectionSettings({ detections: { 'password-spray': { enabled: false } } }),
    );
    // Act
    const touched = contributions(events, off);
    // Assert
    const summary = [...touched.values()].map(
      (c) =>
        `${c.detection} ${c.callcenter} ${c.group}: ${c.observations.map((o) => o.id).join(',')}`,
    );
    expect(summary.sort()).toEqual([
      'brute-force acme user:ann: e4',
      'brute-force-succeeded acme user:ann: e4',
      'repeated-deleted-user acme user:john@acme.com: e1,e2',
      'repeated-deleted-user beta user:john@acme.com: e3',
    ]);
    expect([...touched.keys()]).toContain(stateId(DELETED, 'acme', 'user:john@acme.com'));
  });
});

describe('evaluateGroup', () => {
  it('finds an incident new, with what an alert needs', () => {
    // Prepare
    const contribution = contributionOf([obs('e1', 0), obs('e2', 10), obs('e3', 20)]);
    // Act
    const outcome = evaluateGroup(empty(), contribution, tuning, new Set(['e2', 'e3']));
    // Assert
    const [found] = outcome.incidents;
    expect(found?.status).toBe('new');
    expect(found?.unconfirmed).toBe(false);
    expect(found?.batchEventIds).toEqual(['e2', 'e3']);
    expect(found?.earlierEvents).toEqual([{ id: 'e1', time: 't0' }]);
    expect(found?.incident).toEqual({
      id: incidentId(DELETED, 'acme', 'user:john@acme.com', undefined, 0),
      detection: DELETED,
      callcenter: 'acme',
      group: 'user:john@acme.com',
      groupedBy: 'user',
      start: 0,
      end: 20 * MIN,
      severity: 'critical',
      measure: 3,
      threshold: 3,
      windowMinutes: 60,
      values: [],
      eventIds: ['e1', 'e2', 'e3'],
      eventCount: 3,
      suppressed: false,
    });
    expect(outcome.changed).toBe(true);
    expect(outcome.state).toMatchObject({
      since: 0,
      observations: contribution.observations,
      incidents: [{ id: found?.incident.id, start: 0, end: 20 * MIN, alerted: false }],
      version: 0,
    });
  });

  it('counts a redelivered event once, and changes nothing when nothing is new', () => {
    // Prepare
    const first = evaluateGroup(
      empty(),
      contributionOf([obs('e1', 0), obs('e2', 1)]),
      tuning,
      new Set(),
    );
    // Act
    const again = evaluateGroup(
      first.state,
      contributionOf([obs('e2', 1)]),
      tuning,
      new Set(['e2']),
    );
    // Assert
    expect(again.incidents).toEqual([]);
    expect(again.changed).toBe(false);
    expect(again.state.observations.map((o) => o.id)).toEqual(['e1', 'e2']);
  });

  it('keeps the prior observation of an event over a new copy of it', () => {
    // Prepare
    const prior = { ...empty(), observations: [obs('e1', 0, { w: 1 })], since: 0 };
    // Act
    const outcome = evaluateGroup(
      prior,
      contributionOf([obs('e1', 0, { w: 9 })]),
      tuning,
      new Set(),
    );
    // Assert
    expect(outcome.state.observations).toEqual([obs('e1', 0, { w: 1 })]);
  });

  it('evaluates in event time whatever the arrival order, and remembers the earliest event', () => {
    // Prepare
    const prior = { ...empty(), observations: [obs('e3', 30)], since: 30 * MIN };
    // Act
    const outcome = evaluateGroup(
      prior,
      contributionOf([obs('e2', 20), obs('e1', 10)]),
      tuning,
      new Set(),
    );
    // Assert
    expect(outcome.state.observations.map((o) => o.id)).toEqual(['e1', 'e2', 'e3']);
    expect(outcome.state.since).toBe(10 * MIN);
    expect(outcome.incidents[0]?.incident.start).toBe(10 * MIN);
  });

  it('forgets observations older than two windows behind the newest, and keeps the since', () => {
    // Prepare: retention is 2 x 60 minutes.
    const prior = { ...empty(), observations: [obs('old', 0), obs('edge', 80)], since: 0 };
    // Act
    const outcome = evaluateGroup(prior, contributionOf([obs('new', 200)]), tuning, new Set());
    // Assert
    expect(outcome.state.observations.map((o) => o.id)).toEqual(['edge', 'new']);
    expect(outcome.state.since).toBe(0);
    expect(outcome.changed).toBe(true);
  });

  it('keeps at most the newest MAX_OBSERVATIONS', () => {
    // Prepare: many attempts within the window.
    const many = Array.from({ length: MAX_OBSERVATIONS + 5 }, (_, i) => ({
      id: `e${String(i).padStart(5, '0')}`,
      t: i,
      n: `${i}`,
    }));
    // Act
    const outcome = evaluateGroup(empty(), contributionOf(many), tuning, new Set());
    // Assert
    expect(outcome.state.observations).toHaveLength(MAX_OBSERVATIONS);
    expect(outcome.state.observations[0]?.id).toBe('e00005');
  });

  it('matches an incident found again to the one the group recorded, even when it grew earlier', () => {
    // Prepare
    const first = evaluateGroup(
      empty(),
      contributionOf([obs('e2', 10), obs('e3', 20), obs('e4', 30)]),
      tuning,
      new Set(['e2', 'e3', 'e4']),
    );
    const recorded = first.incidents[0]?.incident;
    // Act: a late event from before the incident's start.
    const grown = evaluateGroup(
      first.state,
      contributionOf([obs('e1', 5)]),
      tuning,
      new Set(['e1']),
    );
    // Assert
    const [found] = grown.incidents;
    expect(found?.status).toBe('known');
    expect(found?.incident.id).toBe(recorded?.id);
    expect(found?.incident.start).toBe(5 * MIN);
    expect(found?.unconfirmed).toBe(true);
    expect(grown.state.incidents).toEqual([
      { id: recorded?.id, start: 5 * MIN, end: 30 * MIN, alerted: false },
    ]);
  });

  it('knows an incident whose alert is done, and one far from the recorded is another', () => {
    // Prepare
    const record: RecordedIncident = { id: 'inc-old', start: 0, end: 20 * MIN, alerted: true };
    const prior: DetectionState = {
      ...empty(),
      since: 0,
      observations: [obs('e1', 0), obs('e2', 10), obs('e3', 20)],
      incidents: [record],
    };
    // Act
    const near = evaluateGroup(prior, contributionOf([obs('e4', 80)]), tuning, new Set(['e4']));
    const far = evaluateGroup(
      { ...prior, observations: [obs('e5', 200), obs('e6', 201)] },
      contributionOf([obs('e7', 202)]),
      tuning,
      new Set(['e7']),
    );
    // Assert: within a window of the record (80 <= 20 + 60) is the same incident, done.
    expect(near.incidents.map((i) => [i.incident.id, i.status, i.unconfirmed])).toEqual([
      ['inc-old', 'known', false],
    ]);
    expect(far.incidents.map((i) => i.status)).toEqual(['new']);
    expect(far.incidents[0]?.incident.id).not.toBe('inc-old');
  });

  it('forgets recorded incidents that ended before the horizon, and keeps the newest 20', () => {
    // Prepare
    const old: RecordedIncident = { id: 'old', start: 0, end: 1 * MIN, alerted: true };
    const recent = Array.from({ length: MAX_RECORDED_INCIDENTS + 2 }, (_, i) => ({
      id: `r${i}`,
      start: (100 + i) * MIN,
      end: (100 + i) * MIN,
      alerted: true,
    }));
    const prior = { ...empty(), since: 0, incidents: [old, ...recent] };
    // Act
    const outcome = evaluateGroup(prior, contributionOf([obs('e1', 150)]), tuning, new Set());
    // Assert
    expect(outcome.state.incidents.map((r) => r.id)).toEqual(
      recent.slice(-MAX_RECORDED_INCIDENTS).map((r) => r.id),
    );
  });

  it('lists at most 50 event ids and 20 values, and counts them all', () => {
    // Prepare: password spray, many users within the window.
    const spray = tunings['password-spray'];
    const many = Array.from({ length: 60 }, (_, i) =>
      obs(`e${String(i).padStart(2, '0')}`, 0, { v: `u${i}` }),
    );
    const prior = emptyState('password-spray', 'acme', 'callcenter');
    // Act
    const [found] = evaluateGroup(
      prior,
      { detection: 'password-spray', callcenter: 'acme', group: 'callcenter', observations: many },
      spray,
      new Set(many.map((o) => o.id)),
    ).incidents;
    // Assert
    expect(found?.incident.eventIds).toHaveLength(MAX_INCIDENT_EVENT_IDS);
    expect(found?.incident.eventCount).toBe(60);
    expect(found?.incident.values).toHaveLength(MAX_INCIDENT_VALUES);
    expect(found?.incident.values[0]).toBe('u0');
    expect(found?.incident.groupedBy).toBe('call center');
  });

  it('lists at most 50 earlier events', () => {
    // Prepare
    const earlier = Array.from({ length: 55 }, (_, i) => obs(`e${String(i).padStart(2, '0')}`, 0));
    const prior = { ...empty(), since: 0, observations: earlier };
    // Act
    const [found] = evaluateGroup(
      prior,
      contributionOf([obs('new', 1)]),
      tuning,
      new Set(['new']),
    ).incidents;
    // Assert
    expect(found?.earlierEvents).toHaveLength(50);
    expect(found?.batchEventIds).toEqual(['new']);
  });

  it('calls an incident suppressed only when every event of it was', () => {
    // Prepare
    const all = [obs('e1', 0, { s: 1 }), obs('e2', 1, { s: 1 }), obs('e3', 2, { s: 1 })];
    const some = [obs('f1', 0, { s: 1 }), obs('f2', 1), obs('f3', 2, { s: 1 })];
    // Act
    const suppressed = evaluateGroup(empty(), contributionOf(all), tuning, new Set()).incidents[0];
    const mixed = evaluateGroup(empty(), contributionOf(some), tuning, new Set()).incidents[0];
    // Assert
    expect(suppressed?.incident.suppressed).toBe(true);
    expect(mixed?.incident.suppressed).toBe(false);
  });

  it('gives a sequence no threshold, and a keyed incident its key', () => {
    // Prepare
    const sequence = evaluateGroup(
      emptyState('short-lived-account', 'acme', 'user:x'),
      {
        detection: 'short-lived-account',
        callcenter: 'acme',
        group: 'user:x',
        observations: [obs('a', 0, { r: 'a' }), obs('b', 5, { r: 'b' })],
      },
      tunings['short-lived-account'],
      new Set(),
    ).incidents[0]?.incident;
    const newSource = tunings['new-source'];
    const keyed = evaluateGroup(
      { ...emptyState('new-source', 'acme', 'user:x'), since: 0 },
      {
        detection: 'new-source',
        callcenter: 'acme',
        group: 'user:x',
        observations: [obs('c', 8 * 24 * 60, { v: '198.51.100.7' })],
      },
      newSource,
      new Set(),
    ).incidents[0];
    // Assert
    expect(sequence).not.toHaveProperty('threshold');
    expect(sequence).not.toHaveProperty('key');
    expect(keyed?.incident.key).toBe('198.51.100.7');
    expect(keyed?.incident.threshold).toBe(7);
    expect(keyed?.incident.id).toBe(
      incidentId('new-source', 'acme', 'user:x', '198.51.100.7', 8 * 24 * 60 * MIN),
    );
  });
});

describe('markAlerted', () => {
  it('marks the named incidents done, and leaves the state as it is when nothing changes', () => {
    // Prepare
    const state: DetectionState = {
      ...empty(),
      incidents: [
        { id: 'a', start: 0, end: 0, alerted: false },
        { id: 'b', start: 0, end: 0, alerted: false },
        { id: 'c', start: 0, end: 0, alerted: true },
      ],
    };
    // Act
    const marked = markAlerted(state, new Set(['a', 'c']));
    const same = markAlerted(state, new Set(['c', 'z']));
    // Assert
    expect(marked.incidents.map((r) => [r.id, r.alerted])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ]);
    expect(same).toBe(state);
  });
});
