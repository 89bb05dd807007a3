// Orders and paths the other core tests leave open: ties in a summary's top given in ascending
// order, a subject with a `from` but no `to`, a first-seen observation that names no value, and
// log paths that run through null and through a string.
import { alertSubject } from '../../lambda/core/alert-format';
import { firstSeen } from '../../lambda/core/detections/shapes';
import { type FoldSummary, summaryDocument } from '../../lambda/core/incident-alerts';
import { logPath } from '../../lambda/core/message';
import { eventItemOf, foldSummary, voisoEvent } from '../../lambda/testing/factories';

const summary = (who: string[]): FoldSummary =>
  foldSummary({ members: who.map((w, i) => ({ eventId: `e${i}`, who: w })) });

describe("a summary's top values", () => {
  it.each([
    ['ascending', ['a', 'b', 'c']],
    ['descending', ['c', 'b', 'a']],
    ['mixed', ['b', 'c', 'a']],
  ])('lists ties alphabetically whatever order they came in (%s)', (_, who) => {
    expect(summaryDocument(summary(who)).top.map((t) => t.value)).toEqual(['a', 'b', 'c']);
  });
});

describe('the subject detail of an event with a from but no to', () => {
  it('shows the address, not a half arrow', () => {
    // Prepare: an undocumented pair, whose params the schema does not require.
    const item = eventItemOf(
      voisoEvent('billing/card_changed', { params: { user: 'dana', from: 'x', ip: '1.2.3.4' } }),
    );
    // Act, Assert
    expect(alertSubject(item)).toMatch(/: card_changed dana 1\.2\.3\.4$/);
  });
});

describe('firstSeen', () => {
  it('judges only observations that name a value', () => {
    const tuning = { enabled: true, windowMs: 60, threshold: 1, severity: 'high' as const };
    expect(firstSeen([{ id: 'o', t: 100, n: '100' }], tuning, 0, 0)).toEqual([]);
  });
});

describe('logPath through values that are not containers', () => {
  const root = { params: { gone: null, text: 'abc' } };

  it.each<[readonly PropertyKey[], string]>([
    [['params', 'gone', 'y', 'z'], 'params[0][-1][-1]'],
    [['params', 'text', 'y', 'z', 'w'], 'params[1][-1][-1][-1]'],
  ])('%j -> %s', (path, expected) => {
    expect(logPath(root, path)).toBe(expected);
  });
});
