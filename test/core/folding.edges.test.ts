// Folding at its edges: alerts of one key at the same instant, a window at the very moment it
// closes, and the shape of a window id.
import {
  type FoldCandidate,
  foldKeyString,
  planFolding,
  windowId,
} from '../../lambda/core/folding';
import { type AlertRecord, claimDecision, foldItem } from '../../lambda/core/records';
import { foldCandidate } from '../../lambda/testing/factories';

const MINUTE = 60_000;
const NOW = Date.parse('2025-06-02T09:00:00Z');

const candidate = (eventId: string, overrides: Partial<FoldCandidate> = {}) =>
  foldCandidate(eventId, { time: NOW, ...overrides });

describe('planFolding at its edges', () => {
  it.each([
    ['in id order', ['e1', 'e2', 'e3']],
    ['in reverse id order', ['e3', 'e2', 'e1']],
    ['shuffled', ['e2', 'e3', 'e1']],
  ])('sends the lowest event id of alerts at one instant, given %s', (_, ids) => {
    // Act
    const plan = planFolding(
      ids.map((id) => candidate(id)),
      new Map(),
      NOW,
      10 * MINUTE,
    );
    // Assert
    expect(plan.actions.get('e1')).toEqual({ action: 'send' });
    expect([plan.actions.get('e2')?.action, plan.actions.get('e3')?.action]).toEqual([
      'fold',
      'fold',
    ]);
  });

  it('opens a new window at the instant the open one closes, and folds a moment before', () => {
    // Prepare: a window that closes exactly now.
    const closingAt = (closesAt: number) =>
      foldItem(
        {
          callcenter: 'acme',
          rule: 'incorrect-password',
          severity: 'high',
          windowId: 'win-old',
          opensAt: NOW - 10 * MINUTE,
          closesAt,
          pending: [],
        },
        1,
        60 * MINUTE,
      );
    const plan = (closesAt: number) =>
      planFolding(
        [candidate('e1')],
        new Map([[foldKeyString(candidate('e1')), closingAt(closesAt)]]),
        NOW,
        10 * MINUTE,
      );
    // Act
    const closed = plan(NOW);
    const open = plan(NOW + 1);
    // Assert
    expect(closed.actions.get('e1')).toEqual({ action: 'send' });
    expect(closed.opened.map((o) => o.windowId)).toEqual([windowId(candidate('e1'), NOW)]);
    expect(open.actions.get('e1')).toEqual({
      action: 'fold',
      windowId: 'win-old',
      closesAt: NOW + 1,
    });
  });

  it('names a window by a 22-character digest', () => {
    expect(windowId(candidate('e1'), NOW)).toMatch(/^win-[A-Za-z0-9_-]{22}$/);
  });
});

describe('claimDecision with several owners', () => {
  it('lets any carrier of a live claim take it over, and no one else', () => {
    // Prepare: a claim held by two invocations' messages, its lease still running.
    const record = {
      state: 'claimed',
      owners: ['m-1', 'm-2'],
      leaseUntil: NOW + MINUTE,
    } as unknown as AlertRecord;
    // Act, Assert
    expect(claimDecision(record, NOW, ['m-2'])).toBe('claim');
    expect(claimDecision(record, NOW, ['m-3'])).toBe('busy');
  });
});
