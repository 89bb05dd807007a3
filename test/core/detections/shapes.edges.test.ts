// The shapes at their edges: A-then-B matches chained exactly a window apart, a chain that grows
// past a match ending earlier, events listed in time order however the matches collected them,
// a first-seen value judged exactly when its window is known, and the order of equal times.
import type { Observation, Tuning } from '../../../lambda/core/detections/model';
import { aThenB, byTimeThenId, firstSeen } from '../../../lambda/core/detections/shapes';

const W = 60;
const tuning: Tuning = { enabled: true, windowMs: W, threshold: 1, severity: 'high' };
const a = (id: string, t: number): Observation => ({ id, t, n: `${t}`, r: 'a' });
const b = (id: string, t: number): Observation => ({ id, t, n: `${t}`, r: 'b' });

describe('aThenB at its edges', () => {
  it('chains a match that starts exactly a window after the last ended, not one later', () => {
    // Prepare: a1 b1 end at 1; the next match starts at 1 + W, or one moment later.
    const chained = aThenB([a('a1', 0), b('b1', 1), a('a2', 1 + W), b('b2', 2 + W)], tuning);
    const apart = aThenB([a('a1', 0), b('b1', 1), a('a2', 2 + W), b('b2', 3 + W)], tuning);
    // Assert
    expect(chained.map((c) => c.events.map((o) => o.id))).toEqual([['a1', 'b1', 'a2', 'b2']]);
    expect(apart.map((c) => c.events.map((o) => o.id))).toEqual([
      ['a1', 'b1'],
      ['a2', 'b2'],
    ]);
  });

  it('measures the next gap from the latest end of the chain', () => {
    // Prepare: match 2 (a0 a50 b60) ends after match 1 (a0 b10); match 3 starts 55 after it.
    const found = aThenB(
      [a('a0', 0), b('b10', 10), a('a50', 50), b('b60', 60), a('a115', 115), b('b116', 116)],
      tuning,
    );
    // Assert
    expect(found).toHaveLength(1);
    expect([found[0]?.start, found[0]?.end]).toEqual([0, 116]);
  });

  it('lists the events of a chain in time order, not in the order the matches held them', () => {
    // Prepare: b10 matches only a0, b20 only a5 (by value), so a5 is collected after b10.
    const sameValue = (x: Observation, y: Observation) => x.v === y.v;
    const [found] = aThenB(
      [
        { ...a('a0', 0), v: 'x' },
        { ...a('a5', 5), v: 'y' },
        { ...b('b10', 10), v: 'x' },
        { ...b('b20', 20), v: 'y' },
      ],
      tuning,
      sameValue,
    );
    // Assert
    expect(found?.events.map((o) => o.id)).toEqual(['a0', 'a5', 'b10', 'b20']);
  });
});

describe('firstSeen at the edge of what is known', () => {
  it('judges a value whose window begins exactly where knowledge begins, not one earlier', () => {
    const seen = (knownFrom: number) =>
      firstSeen([{ id: 'o', t: 100, n: '100', v: 'x' }], tuning, 0, 0, knownFrom).length;
    expect([seen(100 - W), seen(100 - W + 1)]).toEqual([1, 0]);
  });
});

describe('byTimeThenId', () => {
  it('orders equal times by id, both ways, and equal observations as equal', () => {
    const x = { id: 'x', t: 1, n: '1' };
    const y = { id: 'y', t: 1, n: '1' };
    expect([byTimeThenId(x, y), byTimeThenId(y, x), byTimeThenId(x, x)]).toEqual([-1, 1, 0]);
  });
});
