// Folding decisions and claims, pure: which alert opens a window, which fold into it, and who
// may publish an alert given its record.
import { planFolding, summaryId, windowId } from '../../lambda/core/folding';
import { type AlertRecord, claimDecision, foldItem } from '../../lambda/core/records';
import { foldCandidate } from '../../lambda/testing/factories';

const MINUTE = 60_000;
const NOW = Date.parse('2025-06-02T09:00:00Z');

const candidate = foldCandidate;

describe('planFolding', () => {
  it('sends the earliest alert of a key, folds the rest into the window it opens', () => {
    // Act
    const plan = planFolding(
      [
        candidate('b', { time: NOW + 2 }),
        candidate('a', { time: NOW + 1 }),
        candidate('c', { time: NOW + 3 }),
      ],
      new Map(),
      NOW,
      10 * MINUTE,
    );
    // Assert
    const opened = windowId(candidate('a'), NOW);
    expect(Object.fromEntries(plan.actions)).toEqual({
      a: { action: 'send' },
      b: { action: 'fold', windowId: opened, closesAt: NOW + 10 * MINUTE },
      c: { action: 'fold', windowId: opened, closesAt: NOW + 10 * MINUTE },
    });
    expect(plan.opened).toEqual([
      expect.objectContaining({ windowId: opened, version: 1, closesAt: NOW + 10 * MINUTE }),
    ]);
    expect(plan.opened[0]?.pending).toEqual([
      expect.objectContaining({ windowId: opened, openedBy: 'a', event: 'incorrect_password' }),
    ]);
  });

  it('folds into a window still open, and opens a new one after it closed', () => {
    // Prepare
    const open = foldItem(
      {
        callcenter: 'acme',
        rule: 'incorrect-password',
        severity: 'high',
        windowId: 'win-open',
        opensAt: NOW - MINUTE,
        closesAt: NOW + MINUTE,
        pending: [
          {
            windowId: 'win-open',
            opensAt: NOW - MINUTE,
            closesAt: NOW + MINUTE,
            type: 'app_login',
            event: 'incorrect_password',
            openedBy: 'x',
          },
        ],
      },
      3,
      0,
    );
    const key = JSON.stringify(['acme', 'incorrect-password', 'high']);
    // Act
    const during = planFolding([candidate('a')], new Map([[key, open]]), NOW, 10 * MINUTE);
    const after = planFolding(
      [candidate('a')],
      new Map([[key, open]]),
      NOW + 2 * MINUTE,
      10 * MINUTE,
    );
    // Assert
    expect(during.actions.get('a')).toEqual({
      action: 'fold',
      windowId: 'win-open',
      closesAt: NOW + MINUTE,
    });
    expect(during.opened).toEqual([]);
    expect(after.actions.get('a')).toEqual({ action: 'send' });
    // The open is conditional on the version read: 4 read, 5 written.
    expect(open.version).toBe(4);
    expect(after.opened.map((o) => o.version)).toEqual([5]);
    // The window that closed stays listed until the flush has sent its summary.
    expect(after.opened[0]?.pending.map((w) => w.windowId)).toEqual([
      'win-open',
      windowId(candidate('a'), NOW + 2 * MINUTE),
    ]);
  });

  it('keeps rules, call centers and severities apart, and folds nothing when the window is 0', () => {
    // Prepare
    const batch = [
      candidate('a'),
      candidate('b', { severity: 'critical' }),
      candidate('c', { rule: 'deleted-user-login' }),
      candidate('d', { callcenter: 'globex' }),
    ];
    // Act
    const folded = planFolding(batch, new Map(), NOW, 10 * MINUTE);
    const off = planFolding([...batch, candidate('e')], new Map(), NOW, 0);
    // Assert
    expect([...folded.actions.values()].every((a) => a.action === 'send')).toBe(true);
    expect(folded.opened).toHaveLength(4);
    expect([...off.actions.values()].every((a) => a.action === 'send')).toBe(true);
    expect(off.opened).toEqual([]);
  });

  it('names a window and its summary deterministically', () => {
    expect(windowId(candidate('a'), NOW)).toBe(windowId(candidate('z'), NOW));
    expect(windowId(candidate('a'), NOW)).not.toBe(windowId(candidate('a'), NOW + 1));
    expect(summaryId('win-xyz')).toBe('sum-xyz');
  });
});

describe('claimDecision', () => {
  const record = (overrides: Partial<AlertRecord>): AlertRecord => ({
    pk: 'ALERT#e',
    sk: 'ALERT',
    kind: 'alert',
    alertKey: 'e',
    alertKind: 'event',
    state: 'claimed',
    topicsSent: [],
    owners: ['m1'],
    leaseUntil: NOW + MINUTE,
    version: 1,
    callcenter: 'acme',
    rule: 'r',
    severity: 'high',
    subject: { pk: 'CC#acme', sk: 'x' },
    updatedAt: '',
    ...overrides,
  });

  it.each<[string, AlertRecord | undefined, string[], string]>([
    ['nobody has it', undefined, ['m2'], 'claim'],
    ['it was sent', record({ state: 'sent' }), ['m1'], 'done'],
    ['it was folded', record({ state: 'folded' }), ['m2'], 'done'],
    ['its claim was released', record({ state: 'partial' }), ['m2'], 'claim'],
    ['another message holds a live claim', record({}), ['m2'], 'busy'],
    ['the claimant message is redelivered', record({}), ['m2', 'm1'], 'claim'],
    ['the claim has lapsed', record({ leaseUntil: NOW }), ['m2'], 'claim'],
  ])('when %s', (_case, stored, carriers, decision) => {
    expect(claimDecision(stored, NOW, carriers)).toBe(decision);
  });
});
