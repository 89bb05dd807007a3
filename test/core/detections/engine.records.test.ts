import {
  type DetectionState,
  emptyState,
  evaluateGroup,
  MAX_OBSERVATIONS,
  MAX_RECORDED_INCIDENTS,
  type RecordedIncident,
} from '../../../lambda/core/detections/engine';
import type { Observation } from '../../../lambda/core/detections/model';
import { observation } from '../../../lambda/testing/factories';
import { contributionOf, emptyGroup, tuning, tunings } from './deleted-user-group';

const MIN = 60_000;
const obs = observation;

const empty = (): DetectionState => ({ ...emptyGroup(), since: 0 });

/** new-source for one user of acme, its history begun at 0, holding `observations`. */
const newSourceState = (observations: Observation[] = []): DetectionState => ({
  ...emptyState('new-source', 'acme', 'user:x'),
  since: 0,
  observations,
});
const newSourceBatch = (observations: readonly Observation[]) => ({
  detection: 'new-source' as const,
  callcenter: 'acme',
  group: 'user:x',
  observations,
});

/** Minutes: two months of the group's history. */
const TWO_MONTHS = 60 * 24 * 60;
/** `count` address changes a second apart from two months on, each to `addressOf(index)`. */
const changes = (count: number, addressOf: (index: number) => string): Observation[] =>
  Array.from({ length: count }, (_, i) =>
    obs(`o${String(i).padStart(4, '0')}`, TWO_MONTHS + i / 60, { v: addressOf(i) }),
  );

describe('matching a recorded incident at a window apart', () => {
  const recorded: RecordedIncident = {
    id: 'inc-rec',
    start: 200 * MIN,
    end: 210 * MIN,
    alerted: true,
  };

  it.each([
    ['starts a window after it ended', [270, 271, 272], 'known'],
    ['starts a moment later', [270.001, 271, 272], 'new'],
    ['ends a window before it started', [138, 139, 140], 'known'],
    ['ends a moment earlier', [137, 138, 139.999], 'new'],
  ])('an incident that %s is %s', (_, minutes, status) => {
    // Act
    const outcome = evaluateGroup(
      { ...empty(), incidents: [recorded] },
      contributionOf(minutes.map((m, i) => obs(`e${i}`, m))),
      tuning,
      new Set(['e0', 'e1', 'e2']),
    );
    // Assert
    expect(outcome.incidents.map((i) => i.status)).toEqual([status]);
  });
});

describe('the records a group keeps', () => {
  it('keeps the 20 that began last, whatever order they were in', () => {
    // Prepare: records newest first.
    const records = Array.from({ length: MAX_RECORDED_INCIDENTS + 3 }, (_, i) => ({
      id: `r${String(i).padStart(2, '0')}`,
      start: (100 + i) * MIN,
      end: (100 + i) * MIN,
      alerted: true,
    })).reverse();
    // Act
    const outcome = evaluateGroup(
      { ...empty(), incidents: records },
      contributionOf([obs('e1', 130)]),
      tuning,
      new Set(),
    );
    // Assert
    expect(outcome.state.incidents.map((r) => r.id)).toEqual(
      Array.from(
        { length: MAX_RECORDED_INCIDENTS },
        (_, i) => `r${String(i + 3).padStart(2, '0')}`,
      ),
    );
  });

  it('keeps the key of a keyed incident, so that it is known when found again', () => {
    // Prepare: a new address after a week of history.
    const newSource = tunings['new-source'];
    const state = newSourceState();
    const contribution = newSourceBatch([obs('c', 8 * 24 * 60, { v: '198.51.100.7' })]);
    // Act
    const first = evaluateGroup(state, contribution, newSource, new Set(['c']));
    const again = evaluateGroup(
      { ...first.state, observations: [] },
      contribution,
      newSource,
      new Set(['c']),
    );
    // Assert
    expect(first.state.incidents.map((r) => r.key)).toEqual(['198.51.100.7']);
    expect(again.incidents.map((i) => i.status)).toEqual(['known']);
  });
});

describe('whether a state changed', () => {
  it('has when an observation it held fell out of retention, though nothing is new', () => {
    // Prepare: retention is 2 x 60 minutes behind the newest.
    const prior = { ...empty(), observations: [obs('old', 0), obs('new', 200)] };
    // Act
    const outcome = evaluateGroup(prior, contributionOf([obs('new', 200)]), tuning, new Set());
    // Assert
    expect(outcome.state.observations.map((o) => o.id)).toEqual(['new']);
    expect(outcome.changed).toBe(true);
  });

  it('has when it records an incident, though nothing is new', () => {
    // Prepare: three attempts held, none recorded (the record was never written).
    const prior = { ...empty(), observations: [obs('e1', 0), obs('e2', 1), obs('e3', 2)] };
    // Act
    const outcome = evaluateGroup(prior, contributionOf([obs('e3', 2)]), tuning, new Set(['e3']));
    // Assert
    expect(outcome.state.incidents).toHaveLength(1);
    expect(outcome.changed).toBe(true);
  });
});

describe('what a group that dropped observations can still judge', () => {
  /** new-source with `count` observations of one address, the group older than its first. */
  const judged = (count: number) => {
    const state = newSourceState(changes(count, () => '198.51.100.7'));
    const fresh = obs('new', TWO_MONTHS + count / 60, { v: '203.0.113.9' });
    return evaluateGroup(
      state,
      newSourceBatch([fresh]),
      tunings['new-source'],
      new Set(['new']),
    ).incidents.filter((i) => i.incident.key === '203.0.113.9').length;
  };

  it('judges a new address against a window it holds whole, short of the most it keeps', () => {
    expect(judged(MAX_OBSERVATIONS - 1)).toBe(1);
  });

  it('does not judge one when it holds the most it keeps: older ones may have been dropped', () => {
    expect(judged(MAX_OBSERVATIONS)).toBe(0);
  });
});

describe('a batch that brings a group more than it evaluates at once', () => {
  /**
   * new-source, the group two months old: one new address, then `count - 1` changes to another,
   * a second apart, all in one batch.
   */
  const incidentsOf = (count: number) => {
    const observations = changes(count, (i) => (i === 0 ? '203.0.113.9' : '198.51.100.7'));
    return evaluateGroup(
      newSourceState(),
      newSourceBatch(observations),
      tunings['new-source'],
      new Set(observations.map((o) => o.id)),
    ).incidents.map((i) => i.incident.key);
  };

  it('judges every one of them when they are as many as it evaluates', () => {
    expect(incidentsOf(2 * MAX_OBSERVATIONS)).toEqual(['203.0.113.9', '198.51.100.7']);
  });

  it('judges none when there is one more: the window before its first evaluated is not whole', () => {
    expect(incidentsOf(2 * MAX_OBSERVATIONS + 1)).toEqual([]);
  });
});
