// How `query` maps filters to keys and indexes, and which results it keeps.
import { planQuery } from '../../../../cli/commands/query/plan';
import { expand } from '../../../../cli/commands/query/read';

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

    expect(plan.partitions.map((p) => p.index)).toEqual(['byUser', 'byActingUser']);
    expect(plan.expansions).toBeUndefined();
    expect(plan.accept(event({}))).toBe(true);
    expect(plan.accept(event({ params: { user: 'c@example.com' } }))).toBe(false);
  });

  it('reads a severity from every pair the table has seen, sharded by pair, and the legacy index', () => {
    const plan = planQuery({ severity: 'high' }, range);

    expect(plan.partitions).toEqual([
      { index: 'bySeverity', keyName: 'severityKey', keyValue: 'SEV#high', legacy: true },
      { index: 'bySeverity', keyName: 'severityKey', keyValue: 'SEV#critical', legacy: true },
    ]);
    expect(plan.expansions).toEqual([
      { each: 'pair', severities: ['high', 'critical'] },
      { each: 'callcenter', unlessIndexedFrom: { severity: 'high' } },
    ]);
    const registry = {
      callcenters: ['acme', 'globex'],
      pairs: [
        { type: 'app_login', event: 'successful_login', indexedFrom: 'medium' as const },
        { type: 'user', event: 'user_added', indexedFrom: 'info' as const },
      ],
    };
    expect(plan.expansions?.flatMap((e) => expand(e, registry)).map((p) => p.keyValue)).toEqual([
      'PAIR#app_login#successful_login#high',
      'PAIR#app_login#successful_login#critical',
      'PAIR#user#user_added#high',
      'PAIR#user#user_added#critical',
    ]);
  });

  it('reads the call centers too for a severity below the floor of a high-volume pair', () => {
    const plan = planQuery({ severity: 'low' }, range);
    const registry = {
      callcenters: ['acme', 'globex'],
      pairs: [{ type: 'app_login', event: 'successful_login', indexedFrom: 'medium' as const }],
    };

    const partitions = plan.expansions?.flatMap((e) => expand(e, registry)) ?? [];

    expect(partitions.filter((p) => p.index === undefined).map((p) => p.keyValue)).toEqual([
      'CC#acme',
      'CC#globex',
    ]);
    expect(plan.accept(event({ severity: 'info' }))).toBe(false);
  });

  it('reads every call center when no filter narrows the query', () => {
    const plan = planQuery({}, range);

    expect(plan.expansions).toEqual([{ each: 'callcenter' }]);
    expect(plan.partitions.every((p) => p.legacy)).toBe(true);
    expect(
      expand({ each: 'callcenter' }, { callcenters: ['a#b'], pairs: [] }).map((p) => p.keyValue),
    ).toEqual(['CC#a%23b']);
  });

  it('uses the pair index, one partition per severity, and applies other filters to its results', () => {
    const plan = planQuery({ type: 'user', event: 'user_added', severity: 'high' }, range);

    expect(plan.partitions).toEqual([
      { index: 'byPairSeverity', keyName: 'pairKey', keyValue: 'PAIR#user#user_added#high' },
      { index: 'byPairSeverity', keyName: 'pairKey', keyValue: 'PAIR#user#user_added#critical' },
      { index: 'byPairSeverity', keyName: 'pairKey', keyValue: 'PAIR#user#user_added' },
    ]);
    expect(plan.accept(event({ severity: 'medium' }))).toBe(false);
    expect(plan.accept(event({ severity: 'critical' }))).toBe(true);
    // A pair indexed at every severity needs no call center.
    const registry = {
      callcenters: ['acme'],
      pairs: [{ type: 'user', event: 'user_added', indexedFrom: 'info' as const }],
    };
    expect(plan.expansions?.flatMap((e) => expand(e, registry))).toEqual([]);
  });

  it('reads the call centers for a pair whose low severities are not indexed', () => {
    const plan = planQuery({ type: 'app_login', event: 'successful_login' }, range);
    const registry = {
      callcenters: ['acme'],
      pairs: [{ type: 'app_login', event: 'successful_login', indexedFrom: 'medium' as const }],
    };

    expect(plan.expansions?.flatMap((e) => expand(e, registry))).toEqual([
      { keyName: 'pk', keyValue: 'CC#acme' },
    ]);
    expect(plan.accept(event({ type: 'app_login', event: 'successful_login' }))).toBe(true);
    expect(plan.accept(event({}))).toBe(false);
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
