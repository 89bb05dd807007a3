// How `query` maps filters to keys and indexes, and which results it keeps.
import { planQuery } from '../../../../cli/commands/query/plan';

const range = { from: new Date('2025-01-30T00:00:00Z'), to: new Date('2025-03-02T00:00:00Z') };
const event = (overrides: Record<string, unknown>) => ({
  kind: 'event',
  callcenter: 'acme',
  type: 'user',
  event: 'user_added',
  severity: 'medium',
  params: { who: 'a@example.com', user: 'b@example.com' },
  ...overrides,
});

describe('planQuery', () => {
  it('uses the table key for a call center, escaping the separator', () => {
    const plan = planQuery({ callcenter: 'a#b' }, range);

    expect(plan.partitions).toEqual([{ keyName: 'pk', keyValue: 'CC#a%23b' }]);
  });

  it('queries both user indexes for --user and keeps subject or actor matches', () => {
    const plan = planQuery({ user: 'a@example.com' }, range);

    expect(plan.partitions.map((p) => p.index)).toEqual(['bySubject', 'byActor']);
    expect(plan.accept(event({}))).toBe(true);
    expect(plan.accept(event({ params: { user: 'c@example.com' } }))).toBe(false);
  });

  it('queries each severity at or above the given one', () => {
    const plan = planQuery({ severity: 'high' }, range);

    expect(plan.partitions.map((p) => p.keyValue)).toEqual(['SEV#high', 'SEV#critical']);
  });

  it('queries every severity when no filter narrows the query', () => {
    expect(planQuery({}, range).partitions).toHaveLength(5);
  });

  it('uses the pair index and applies other filters to its results', () => {
    const plan = planQuery({ type: 'user', event: 'user_added', severity: 'high' }, range);

    expect(plan.partitions).toEqual([
      { index: 'byPair', keyName: 'pairKey', keyValue: 'PAIR#user#user_added' },
    ]);
    expect(plan.accept(event({ severity: 'medium' }))).toBe(false);
    expect(plan.accept(event({ severity: 'critical' }))).toBe(true);
  });

  it('queries one quarantine partition per month of the range', () => {
    const plan = planQuery({ quarantined: true }, range);

    expect(plan.partitions.map((p) => p.keyValue)).toEqual([
      'QUARANTINE#2025-01',
      'QUARANTINE#2025-02',
      'QUARANTINE#2025-03',
    ]);
  });
});
