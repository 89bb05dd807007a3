// The four shapes at their edges: a window is inclusive of its length, a threshold is reached
// when met, sessions split on a gap longer than the window, and only event time counts.
import type { Observation, Tuning } from '../../../lambda/core/detections/model';
import {
  aThenB,
  byTimeThenId,
  countInWindow,
  distinctInWindow,
  escalate,
  firstSeen,
} from '../../../lambda/core/detections/shapes';

const MIN = 60_000;
const tuning = (overrides: Partial<Tuning> = {}): Tuning => ({
  enabled: true,
  windowMs: 10 * MIN,
  threshold: 3,
  severity: 'high',
  ...overrides,
});

let counter = 0;
/** An observation at minute `minute`; ids sort in creation order. */
const at = (minute: number, extra: Partial<Observation> = {}): Observation => {
  counter++;
  return { id: `o${String(counter).padStart(4, '0')}`, t: minute * MIN, n: `t${minute}`, ...extra };
};

const ids = (events: readonly Observation[]) => events.map((o) => o.id);

describe('escalate', () => {
  it('moves one level up, and stays at critical', () => {
    expect(['info', 'low', 'medium', 'high', 'critical'].map((s) => escalate(s as never))).toEqual([
      'low',
      'medium',
      'high',
      'critical',
      'critical',
    ]);
  });
});

describe('count in window', () => {
  it('opens an incident when the count reaches the threshold, from the window it was reached in', () => {
    // Prepare
    const events = [at(0), at(5), at(9), at(10)];
    // Act
    const [incident, ...rest] = countInWindow(events, tuning());
    // Assert
    expect(rest).toEqual([]);
    expect(incident).toEqual({
      start: 0,
      end: 10 * MIN,
      events,
      measure: 3,
      values: [],
      severity: 'high',
    });
  });

  it('counts nothing below the threshold', () => {
    expect(countInWindow([at(0), at(5)], tuning())).toEqual([]);
  });

  it('keeps an event exactly one window after the first inside it, and drops one later', () => {
    // Prepare: 0, 10 and 10: three within 10 minutes; 0 and 10.001 are not.
    const inside = [at(0), at(10), at(10)];
    const outside = [at(0), { ...at(10), t: 10 * MIN + 1 }, { ...at(10), t: 10 * MIN + 1 }];
    // Act / Assert
    expect(countInWindow(inside, tuning())).toHaveLength(1);
    expect(countInWindow(outside, tuning())).toEqual([]);
  });

  it('starts the incident where its window starts once early events slid out', () => {
    // Prepare: 0 alone, then three within 10 minutes from minute 8.
    const events = [at(0), at(8), at(12), at(18)];
    // Act
    const [incident] = countInWindow(events, tuning());
    // Assert
    expect(incident?.start).toBe(8 * MIN);
    expect(ids(incident?.events ?? [])).toEqual(ids(events.slice(1)));
  });

  it('sums weights (a count of attempts), 1 when absent', () => {
    // Prepare
    const heavy = [at(0, { w: 2 }), at(1)];
    const light = [at(0, { w: 1 }), at(1)];
    // Act / Assert
    expect(countInWindow(heavy, tuning())[0]?.measure).toBe(3);
    expect(countInWindow(light, tuning())).toEqual([]);
  });

  it('subtracts the weight of what slides out', () => {
    // Prepare: 2 at minute 0, 1 at 8, 1 at 10 or 11; threshold 4. At 11 the 2 has slid out.
    const four = tuning({ threshold: 4 });
    const reached = [at(0, { w: 2 }), at(8), at(10)];
    const missed = [at(0, { w: 2 }), at(8), at(11)];
    // Act / Assert
    expect(countInWindow(reached, four)[0]).toMatchObject({ start: 0, measure: 4 });
    expect(countInWindow(missed, four)).toEqual([]);
  });

  it('splits sessions on a quiet gap longer than the window, and finds one incident in each', () => {
    // Prepare
    const first = [at(0), at(1), at(2)];
    const second = [at(13), at(14), at(15)];
    const joined = [at(30), at(31), at(32), at(42), at(43)];
    // Act
    const split = countInWindow([...first, ...second], tuning());
    const one = countInWindow(joined, tuning());
    // Assert: a gap of 11 minutes splits; a gap of exactly 10 does not.
    expect(split.map((i) => [i.start, i.end])).toEqual([
      [0, 2 * MIN],
      [13 * MIN, 15 * MIN],
    ]);
    expect(one.map((i) => [i.start, i.end])).toEqual([[30 * MIN, 43 * MIN]]);
  });

  it('is one level more severe when an event says so (an admin)', () => {
    expect(countInWindow([at(0), at(1, { x: 1 }), at(2)], tuning())[0]?.severity).toBe('critical');
  });
});

describe('distinct in window', () => {
  it('counts different values, not events', () => {
    // Prepare
    const repeated = [at(0, { v: 'a' }), at(1, { v: 'a' }), at(2, { v: 'b' }), at(3)];
    const three = [at(10, { v: 'a' }), at(11, { v: 'b' }), at(12, { v: 'c' })];
    // Act / Assert
    expect(distinctInWindow(repeated, tuning())).toEqual([]);
    expect(distinctInWindow(three, tuning())[0]).toMatchObject({
      measure: 3,
      values: ['a', 'b', 'c'],
    });
  });

  it('forgets a value only when its last occurrence slides out', () => {
    // Prepare: `a` at 0 and 5; at 11 the first `a` is gone but the second is in.
    const events = [at(0, { v: 'a' }), at(5, { v: 'a' }), at(9, { v: 'b' }), at(11, { v: 'c' })];
    const gone = [at(0, { v: 'a' }), at(9, { v: 'b' }), at(11, { v: 'c' })];
    // Act / Assert
    expect(distinctInWindow(events, tuning())[0]?.measure).toBe(3);
    expect(distinctInWindow(gone, tuning())).toEqual([]);
  });

  it('lists each value once, in order of first appearance', () => {
    // Prepare
    const events = [at(0, { v: 'b' }), at(1, { v: 'a' }), at(2, { v: 'b' }), at(3, { v: 'c' })];
    // Act / Assert
    expect(distinctInWindow(events, tuning())[0]?.values).toEqual(['b', 'a', 'c']);
  });
});

describe('A then B', () => {
  it('matches a B at most one window after an A, A and B at the same instant included', () => {
    // Prepare
    const a = at(0, { r: 'a' });
    const same = at(0, { r: 'b' });
    const edge = at(10, { r: 'b' });
    const late = { ...at(10, { r: 'b' }), t: 10 * MIN + 1 };
    // Act / Assert
    expect(aThenB([a, same], tuning())).toHaveLength(1);
    expect(aThenB([a, edge], tuning())[0]).toMatchObject({ start: 0, end: 10 * MIN, measure: 1 });
    expect(aThenB([a, late], tuning())).toEqual([]);
  });

  it('never matches a B before its A, or a lone A or B', () => {
    expect(aThenB([at(0, { r: 'b' }), at(1, { r: 'a' })], tuning())).toEqual([]);
    expect(aThenB([at(0, { r: 'a' }), at(1)], tuning())).toEqual([]);
    expect(aThenB([at(0, { r: 'b' })], tuning())).toEqual([]);
  });

  it('makes one incident of matches within a window of each other, and another after a gap', () => {
    // Prepare
    const events = [
      at(0, { r: 'a' }),
      at(5, { r: 'b' }),
      at(12, { r: 'a' }),
      at(15, { r: 'b' }),
      at(40, { r: 'a' }),
      at(41, { r: 'b' }),
    ];
    // Act
    const incidents = aThenB(events, tuning());
    // Assert
    expect(incidents.map((i) => [i.start, i.end, i.events.length])).toEqual([
      [0, 15 * MIN, 4],
      [40 * MIN, 41 * MIN, 2],
    ]);
  });

  it('lists each event once, in time order, and keeps only As that match', () => {
    // Prepare
    const a1 = at(0, { r: 'a', v: '1' });
    const a2 = at(1, { r: 'a', v: '2' });
    const b1 = at(2, { r: 'b', v: '1' });
    const b2 = at(3, { r: 'b', v: '1' });
    // Act
    const [incident] = aThenB([a1, a2, b1, b2], tuning(), (a, b) => a.v === b.v);
    // Assert
    expect(ids(incident?.events ?? [])).toEqual(ids([a1, b1, b2]));
  });
});

describe('first seen', () => {
  const history = 7 * 24 * 60 * MIN;

  it('reports a value not seen within the window before it, once the history is long enough', () => {
    // Prepare
    const late = at(history / MIN, { v: '198.51.100.7' });
    const early = { ...at(0, { v: '198.51.100.8' }), t: history - 1 };
    // Act
    const incidents = firstSeen(
      [early, late],
      tuning({ windowMs: 30 * 24 * 60 * MIN }),
      0,
      history,
    );
    // Assert
    expect(incidents).toEqual([
      {
        start: late.t,
        end: late.t,
        key: '198.51.100.7',
        events: [late],
        measure: 1,
        values: ['198.51.100.7'],
        severity: 'high',
      },
    ]);
  });

  it('knows a value seen before as a value or as the address changed from', () => {
    // Prepare
    const window = tuning({ windowMs: 10 * MIN });
    const seen = [at(100, { v: 'x' }), at(105, { v: 'x' })];
    const from = [at(200, { v: 'y', f: 'z' }), at(205, { v: 'z' })];
    const expired = [at(300, { v: 'w' }), at(311, { v: 'w' })];
    const edge = [at(400, { v: 'u' }), at(410, { v: 'u' })];
    // Act
    const keys = (events: Observation[]) => firstSeen(events, window, 0, 0).map((i) => i.key);
    // Assert
    expect(keys(seen)).toEqual(['x']);
    expect(keys(from)).toEqual(['y']);
    expect(keys(expired)).toEqual(['w', 'w']);
    expect(keys(edge)).toEqual(['u']);
  });

  it('is quiet before the group has the history, and for observations without a value', () => {
    // Prepare
    const o = { ...at(0, { v: 'x' }), t: 1_000 };
    // Act / Assert
    expect(firstSeen([o], tuning(), 0, 1_001)).toEqual([]);
    expect(firstSeen([o], tuning(), 0, 1_000)).toHaveLength(1);
    expect(firstSeen([at(5)], tuning(), 0, 0)).toEqual([]);
  });

  it('does not count an observation as seen by itself, or by one at the same instant', () => {
    // Prepare
    const a = at(50, { v: 'x' });
    const b = at(50, { v: 'x' });
    // Act / Assert
    expect(firstSeen([a, b], tuning(), 0, 0)).toHaveLength(2);
  });
});

describe('byTimeThenId', () => {
  it('orders by time, then by id', () => {
    // Prepare
    const a = { id: 'b', t: 1, n: '' };
    const b = { id: 'a', t: 2, n: '' };
    const c = { id: 'a', t: 1, n: '' };
    // Act / Assert
    expect([a, b, c].sort(byTimeThenId)).toEqual([c, a, b]);
    expect(byTimeThenId(a, { ...a })).toBe(0);
  });
});
