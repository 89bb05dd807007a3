// The four shapes on hand-made observations (sorted by time, then id, as the engine hands them).
import { SEVERITIES, type Severity } from '../../../contract/severity';
import type { Observation, Tuning } from '../../../lambda/core/detections/model';
import {
  aThenB,
  byTimeThenId,
  countInWindow,
  distinctInWindow,
  escalate,
  firstSeen,
} from '../../../lambda/core/detections/shapes';

const W = 10_000;
const tuning = (overrides: Partial<Tuning> = {}): Tuning => ({
  enabled: true,
  windowMs: W,
  threshold: 3,
  severity: 'high',
  ...overrides,
});
/** An observation at `t` ms; its id is its name. */
const at = (id: string, t: number, more: Partial<Observation> = {}): Observation => ({
  id,
  t,
  n: `n-${id}`,
  ...more,
});
const ids = (events: readonly Observation[]) => events.map((o) => o.id);

describe('escalate', () => {
  it.each([
    ['info', 'low'],
    ['low', 'medium'],
    ['medium', 'high'],
    ['high', 'critical'],
    ['critical', 'critical'],
  ] as [Severity, Severity][])('%s becomes %s', (from, to) => {
    expect(escalate(from)).toBe(to);
  });

  it('covers every severity', () => {
    expect(SEVERITIES.map(escalate)).toEqual(['low', 'medium', 'high', 'critical', 'critical']);
  });
});

describe('byTimeThenId', () => {
  it('orders by time, then by id at the same instant', () => {
    // Prepare
    const observations = [at('b', 5), at('c', 1), at('a', 5)];
    // Act
    const sorted = [...observations].sort(byTimeThenId);
    // Assert
    expect(ids(sorted)).toEqual(['c', 'a', 'b']);
  });
});

describe('countInWindow', () => {
  it.each([
    ['no observations', [], []],
    ['two of three', [at('a', 0), at('b', 1)], []],
    ['three within the window', [at('a', 0), at('b', 1), at('c', 2)], [['a', 'b', 'c']]],
    ['three spanning exactly the window', [at('a', 0), at('b', 1), at('c', W)], [['a', 'b', 'c']]],
    ['three spanning the window and a millisecond', [at('a', 0), at('b', 1), at('c', W + 1)], []],
    ['three at the same instant', [at('a', 7), at('b', 7), at('c', 7)], [['a', 'b', 'c']]],
  ] as [string, Observation[], string[][]][])('%s', (_, observations, expected) => {
    // Act
    const incidents = countInWindow(observations, tuning());
    // Assert
    expect(incidents.map((i) => ids(i.events))).toEqual(expected);
  });

  it('sums weights, an absent weight counting 1', () => {
    // Prepare
    const observations = [at('a', 0, { w: 4 }), at('b', 1), at('c', 2, { w: 15 })];
    // Act
    const [incident, ...more] = countInWindow(observations, tuning({ threshold: 20 }));
    // Assert
    expect(more).toEqual([]);
    expect(incident).toMatchObject({ start: 0, end: 2, measure: 20, severity: 'high' });
  });

  it('measures what crossed the threshold, not what came after', () => {
    // Prepare
    const observations = [at('a', 0, { w: 20 }), at('b', 1, { w: 30 })];
    // Act
    const incidents = countInWindow(observations, tuning({ threshold: 20 }));
    // Assert
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ measure: 20, start: 0, end: 1 });
    expect(ids(incidents[0]?.events ?? [])).toEqual(['a', 'b']);
  });

  it('begins at the start of the window that crossed and stays open to the end of the session', () => {
    // Prepare: one session (gaps of at most the window), the first observation outside the
    // window that crossed, two more after the crossing.
    const observations = [
      at('a', 0),
      at('b', 8_000),
      at('c', 13_000),
      at('d', 15_000),
      at('e', 24_000),
      at('f', 34_000),
    ];
    // Act
    const incidents = countInWindow(observations, tuning());
    // Assert
    expect(incidents).toHaveLength(1);
    expect(ids(incidents[0]?.events ?? [])).toEqual(['b', 'c', 'd', 'e', 'f']);
    expect(incidents[0]).toMatchObject({ start: 8_000, end: 34_000, measure: 3 });
  });

  it('keeps the session across a gap of exactly the window', () => {
    // Prepare
    const observations = [at('a', 0), at('b', 1), at('c', 2), at('d', 2 + W)];
    // Act
    const incidents = countInWindow(observations, tuning());
    // Assert
    expect(ids(incidents[0]?.events ?? [])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('begins a new incident after a gap longer than the window', () => {
    // Prepare
    const first = [at('a', 0), at('b', 1), at('c', 2)];
    const second = [at('d', 3 + W), at('e', 4 + W), at('f', 5 + W)];
    // Act
    const incidents = countInWindow([...first, ...second], tuning());
    // Assert
    expect(incidents.map((i) => ids(i.events))).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
  });

  it('lets observations leave the window as it slides', () => {
    // Prepare: every two are within the window, no three are.
    const observations = [at('a', 0), at('b', 6_000), at('c', 12_000), at('d', 18_000)];
    // Act / Assert
    expect(countInWindow(observations, tuning())).toEqual([]);
  });

  it('is one level more severe when an observation says so', () => {
    // Prepare
    const observations = [at('a', 0), at('b', 1, { x: 1 }), at('c', 2)];
    // Act
    const incidents = countInWindow(observations, tuning({ severity: 'medium' }));
    // Assert
    expect(incidents[0]?.severity).toBe('high');
  });
});

describe('distinctInWindow', () => {
  it('counts distinct values, a repeated value once', () => {
    // Prepare
    const observations = [
      at('a', 0, { v: 'ann' }),
      at('b', 1, { v: 'ann' }),
      at('c', 2, { v: 'bob' }),
      at('d', 3, { v: 'cyd' }),
    ];
    // Act
    const incidents = distinctInWindow(observations, tuning());
    // Assert
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ measure: 3, values: ['ann', 'bob', 'cyd'] });
    expect(ids(incidents[0]?.events ?? [])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ignores observations without a value', () => {
    // Prepare
    const observations = [at('a', 0, { v: 'ann' }), at('b', 1), at('c', 2, { v: 'bob' })];
    // Act / Assert
    expect(distinctInWindow(observations, tuning())).toEqual([]);
  });

  it('keeps a value while another copy of it is still in the window', () => {
    // Prepare: at c, ann's first copy has left the window but her second has not.
    const observations = [
      at('a', 0, { v: 'ann' }),
      at('b', 5_000, { v: 'bob' }),
      at('a2', 8_000, { v: 'ann' }),
      at('c', 12_000, { v: 'cyd' }),
    ];
    // Act
    const incidents = distinctInWindow(observations, tuning());
    // Assert
    expect(incidents).toHaveLength(1);
    expect(ids(incidents[0]?.events ?? [])).toEqual(['b', 'a2', 'c']);
    expect(incidents[0]).toMatchObject({ start: 5_000, end: 12_000, measure: 3 });
  });

  it('drops a value when its only copy leaves the window', () => {
    // Prepare
    const observations = [
      at('a', 0, { v: 'ann' }),
      at('b', 5_000, { v: 'bob' }),
      at('c', 12_000, { v: 'cyd' }),
    ];
    // Act / Assert
    expect(distinctInWindow(observations, tuning())).toEqual([]);
  });

  it('counts a value exactly the window before as inside', () => {
    // Prepare
    const observations = [
      at('a', 0, { v: 'ann' }),
      at('b', 1, { v: 'bob' }),
      at('c', W, { v: 'cyd' }),
    ];
    // Act / Assert
    expect(distinctInWindow(observations, tuning())).toHaveLength(1);
  });
});

describe('aThenB', () => {
  const a = (id: string, t: number, more: Partial<Observation> = {}) =>
    at(id, t, { r: 'a', ...more });
  const b = (id: string, t: number, more: Partial<Observation> = {}) =>
    at(id, t, { r: 'b', ...more });

  it.each([
    ['b after a', [a('a', 0), b('b', 5)], [['a', 'b']]],
    ['b at the same instant as a', [a('a', 0), b('b', 0)], [['a', 'b']]],
    ['b exactly the window after a', [a('a', 0), b('b', W)], [['a', 'b']]],
    ['b the window and a millisecond after a', [a('a', 0), b('b', W + 1)], []],
    ['b before a', [b('b', 0), a('a', 5)], []],
    ['only a', [a('a', 0), a('a2', 1)], []],
    ['only b', [b('b', 0), b('b2', 1)], []],
    [
      'every a within the window before b, not the older ones',
      [a('old', 0), a('a1', 5_000), a('a2', 11_000), b('b', 12_000)],
      [['a1', 'a2', 'b']],
    ],
    [
      'matches within the window of each other: one incident, a shared a once',
      [a('a', 0), b('b1', 2_000), b('b2', 9_000)],
      [['a', 'b1', 'b2']],
    ],
    [
      'a match starting within the window of the incident end joins it',
      [a('a1', 0), b('b1', 5_000), a('a2', 12_000), b('b2', 13_000)],
      [['a1', 'b1', 'a2', 'b2']],
    ],
    [
      'a match starting more than the window after the incident end is a new incident',
      [a('a1', 0), b('b1', 5_000), a('a2', 15_001), b('b2', 16_000)],
      [
        ['a1', 'b1'],
        ['a2', 'b2'],
      ],
    ],
    [
      'a b with no a in its window is no match, and does not extend the incident',
      [a('a1', 0), b('b1', 5_000), b('b2', 14_000)],
      [['a1', 'b1']],
    ],
  ] as [string, Observation[], string[][]][])('%s', (_, observations, expected) => {
    // Act
    const incidents = aThenB(observations, tuning());
    // Assert
    expect(incidents.map((i) => ids(i.events))).toEqual(expected);
    for (const incident of incidents) expect(incident.measure).toBe(1);
  });

  it('handles a group full of interleaved firsts and thens in one window', () => {
    // Prepare: 500 failures and 500 successes of one user, alternating, within the window (a
    // group keeps up to 1,000 observations): every success matches up to 500 failures.
    const observations = Array.from({ length: 1_000 }, (_, i) => {
      const id = `o${String(i).padStart(4, '0')}`;
      return i % 2 === 0 ? a(id, i * 5) : b(id, i * 5);
    });
    // Act
    const incidents = aThenB(observations, tuning());
    // Assert
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.events).toHaveLength(1_000);
  });

  it('pairs only what `matches` accepts', () => {
    // Prepare
    const observations = [
      a('a1', 0, { v: 'x' }),
      a('a2', 1, { v: 'y' }),
      b('b1', 2, { v: 'y' }),
      b('b2', 3, { v: 'z' }),
    ];
    // Act
    const incidents = aThenB(observations, tuning(), (first, then) => first.v === then.v);
    // Assert
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ start: 1, end: 2, values: ['y'] });
    expect(ids(incidents[0]?.events ?? [])).toEqual(['a2', 'b1']);
  });
});

describe('firstSeen', () => {
  const DAY = 86_400_000;
  const month = tuning({ windowMs: 30 * DAY, severity: 'medium' });
  const seen = (observations: Observation[], historyStart = -10 * DAY, minHistory = 7 * DAY) =>
    firstSeen(observations, month, historyStart, minHistory);

  it('finds a value not seen in the window before it, keyed by the value', () => {
    // Prepare
    const observations = [
      at('old', -9 * DAY, { v: 'home' }),
      at('new', 0, { v: 'far', f: 'home' }),
    ];
    // Act
    const incidents = seen(observations);
    // Assert
    expect(incidents).toEqual([
      {
        start: 0,
        end: 0,
        key: 'far',
        events: [observations[1]],
        measure: 1,
        values: ['far'],
        severity: 'medium',
      },
    ]);
  });

  it.each([
    ['seen as the value the window before', { v: 'far' }, -30 * DAY, []],
    ['seen as the value the window and a millisecond before', { v: 'far' }, -30 * DAY - 1, ['far']],
    ['seen as the value changed from', { v: 'home', f: 'far' }, -DAY, []],
    ['seen only at the same instant', { v: 'far' }, 0, ['far']],
    ['seen only after', { v: 'far' }, DAY, ['far']],
  ] as [string, Partial<Observation>, number, string[]][])(
    'a value %s',
    (_, earlier, when, expected) => {
      // Prepare
      const observations = [at('p', when, earlier), at('o', 0, { v: 'far' })].sort(byTimeThenId);
      // Act
      const incidents = seen(observations, -40 * DAY).filter((i) => ids(i.events)[0] === 'o');
      // Assert
      expect(incidents.map((i) => i.key)).toEqual(expected);
    },
  );

  it.each([
    ['a history a millisecond short of the minimum', -7 * DAY + 1, []],
    ['a history of exactly the minimum', -7 * DAY, ['far']],
  ] as [string, number, string[]][])('judges nothing before %s', (_, historyStart, expected) => {
    // Act
    const incidents = seen([at('o', 0, { v: 'far' })], historyStart);
    // Assert
    expect(incidents.map((i) => i.key)).toEqual(expected);
  });

  it('makes each new value its own incident, and ignores observations without a value', () => {
    // Prepare
    const observations = [at('a', 0, { v: 'x' }), at('b', 1, { v: 'y' }), at('c', 2)];
    // Act
    const incidents = seen(observations);
    // Assert
    expect(incidents.map((i) => [i.key, ids(i.events)])).toEqual([
      ['x', ['a']],
      ['y', ['b']],
    ]);
  });

  it('judges only observations whose whole window before them is known', () => {
    // Prepare: the group's state may have dropped what came before day -20.
    const observations = [at('o1', 0, { v: 'x' }), at('o2', 11 * DAY, { v: 'y' })];
    // Act
    const incidents = firstSeen(observations, month, -40 * DAY, 7 * DAY, -20 * DAY);
    // Assert: o1's window reaches back to day -30, o2's to day -19.
    expect(incidents.map((i) => i.key)).toEqual(['y']);
  });

  it('is one level more severe for an observation that says so', () => {
    // Act
    const incidents = seen([at('a', 0, { v: 'x', x: 1 })]);
    // Assert
    expect(incidents[0]?.severity).toBe('high');
  });
});
