// How `query` maps filters to keys and indexes, and which results it keeps.
import { ipOverlaps, planQuery } from '../../../../cli/commands/query/plan';
import { expand } from '../../../../cli/commands/query/read';
import { parseCidr } from '../../../../contract/ip';

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

  it('reads the five pairs that carry addresses for --ip, and checks ip, from and to', () => {
    const plan = planQuery({ ip: '198.51.100.7' }, range);
    const login = (params: Record<string, unknown>) =>
      event({ type: 'app_login', event: 'unauthorized_ip', params });

    // Each pair at every severity (keys only), and its partition of the index before severities.
    const pairs = [
      'PAIR#app_login#unauthorized_ip',
      'PAIR#app_login#ip_changed',
      'PAIR#allowed_ip#ip_added',
      'PAIR#allowed_ip#ip_removed',
      'PAIR#allowed_ip#ip_changed',
    ];
    expect(plan.partitions.map((p) => p.keyValue)).toEqual(
      pairs.flatMap((pair) => [
        ...['info', 'low', 'medium', 'high', 'critical'].map((s) => `${pair}#${s}`),
        pair,
      ]),
    );
    expect(new Set(plan.partitions.map((p) => p.index))).toEqual(new Set(['byPairSeverity']));
    expect(plan.accept(login({ ip: '198.51.100.7' }))).toBe(true);
    expect(plan.accept(login({ ip: '198.51.100.0/24' }))).toBe(true);
    expect(plan.accept(login({ from: '198.51.100.7', to: '10.0.0.1' }))).toBe(true);
    expect(plan.accept(login({ ip: '198.51.100.8' }))).toBe(false);
    expect(plan.accept(login({ from: 'agent', to: 'admin' }))).toBe(false);
  });

  it('keeps the narrower key path when --ip comes with --callcenter', () => {
    const plan = planQuery({ ip: '10.0.0.0/8', callcenter: 'acme' }, range);

    expect(plan.partitions).toEqual([{ keyName: 'pk', keyValue: 'CC#acme' }]);
    expect(plan.accept(event({ params: { ip: '10.1.2.3' } }))).toBe(true);
    expect(plan.accept(event({ callcenter: 'globex', params: { ip: '10.1.2.3' } }))).toBe(false);
  });

  it.each([
    ['203.0.113.0/24', '203.0.113.9', true],
    ['203.0.113.0/24', '203.0.113.0/28', true],
    ['203.0.113.9', '203.0.113.0/24', true],
    ['203.0.113.0/28', '203.0.113.0/24', true],
    ['203.0.113.0/24', '203.0.114.1', false],
    ['203.0.113.9', '::ffff:203.0.113.9', false],
    ['2001:db8::/32', '2001:db8:1::5', true],
  ])('--ip %s overlaps %s: %s', (filter, value, expected) => {
    const parsed = parseCidr(filter);
    if (!parsed) throw new Error('fixture');
    expect(ipOverlaps(parsed, value)).toBe(expected);
  });

  it('refuses --ip that is not an address or range, and with --quarantined', () => {
    expect(() => planQuery({ ip: 'localhost' }, range)).toThrow(
      '--ip: expected an IP address or a CIDR range such as 203.0.113.7 or 203.0.113.0/24, got "localhost"',
    );
    expect(() => planQuery({ ip: '10.0.0.1', quarantined: true }, range)).toThrow(
      '--quarantined lists messages',
    );
  });

  it('reads one incident partition per month for --incidents, checking call center and severity', () => {
    const plan = planQuery({ incidents: true, callcenter: 'acme', severity: 'critical' }, range);
    const incident = (overrides: Record<string, unknown>) => ({
      kind: 'incident',
      callcenter: 'acme',
      severity: 'critical',
      ...overrides,
    });

    expect(plan.partitions.map((p) => p.keyValue)).toEqual([
      'INCIDENTS#2025-01',
      'INCIDENTS#2025-02',
      'INCIDENTS#2025-03',
    ]);
    expect(plan.accept(incident({}))).toBe(true);
    expect(plan.accept(incident({ severity: 'high' }))).toBe(false);
    expect(plan.accept(incident({ callcenter: 'globex' }))).toBe(false);
    expect(plan.accept(event({}))).toBe(false);
    expect(() => planQuery({ incidents: true, user: 'a@example.com' }, range)).toThrow(
      '--incidents lists detections',
    );
  });
});
