// How `query` maps filters to keys and indexes, and its time arguments.
import { parseOutput, parseTimeRange, planQuery, sortKeyBounds } from '../../cli/commands/query';
import { UsageError } from '../../cli/errors';
import { renderCsv } from '../../cli/terminal';

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

describe('time arguments', () => {
  const now = new Date('2025-03-14T12:00:00Z');

  it('turns --since into a range ending now', () => {
    expect(parseTimeRange({ since: '7d' }, now).from.toISOString()).toBe(
      '2025-03-07T12:00:00.000Z',
    );
  });

  it('defaults to the last 24 hours', () => {
    expect(parseTimeRange({}, now).from.toISOString()).toBe('2025-03-13T12:00:00.000Z');
  });

  it('rejects a range that ends before it starts', () => {
    expect(() => parseTimeRange({ from: '2025-03-15T00:00:00Z' }, now)).toThrow(UsageError);
  });

  it.each([
    ['a --since beyond any date', { since: '99999999999999w' }, '--since: 99999999999999w'],
    ['a --since before year 0', { since: '200000w' }, '--since: 200000w'],
    ['a --from past year 9999', { from: '+010000-01-01T00:00:00Z' }, '--from: "+010000'],
    ['a --to past year 9999', { to: '+010000-01-01T00:00:00Z' }, '--to: "+010000'],
    ['a --from before year 0', { from: '-000001-12-31T00:00:00Z' }, '--from: "-000001'],
    ['a --to whose default --from is before year 0', { to: '0000-01-01T12:00:00Z' }, '--to:'],
  ])('rejects %s as a usage error naming the option', (_, options, message) => {
    expect(() => parseTimeRange(options, now)).toThrow(UsageError);
    expect(() => parseTimeRange(options, now)).toThrow(message);
    expect(() => parseTimeRange(options, now)).toThrow('years 0000 to 9999');
  });

  it('accepts the first and last instants sort keys can hold', () => {
    const range = parseTimeRange(
      { from: '0000-01-01T00:00:00Z', to: '9999-12-31T23:59:59.999Z' },
      now,
    );

    expect(sortKeyBounds(range)).toEqual({
      low: '0000-01-01T00:00:00.000000000Z',
      high: '9999-12-31T23:59:59.999999999Z~',
    });
  });

  it('bounds sort keys so the whole last millisecond is included', () => {
    const bounds = sortKeyBounds({ from: now, to: now });
    const key = '2025-03-14T12:00:00.000123456Z#someEventId';

    expect(bounds.low <= key && key <= bounds.high).toBe(true);
  });
});

describe('output', () => {
  it('defaults to a table on a terminal and JSON in a pipe', () => {
    expect(parseOutput(undefined, true)).toBe('table');
    expect(parseOutput(undefined, false)).toBe('json');
  });

  it('writes CSV that spreadsheets will not run as formulas', () => {
    expect(renderCsv(['a', 'b'], [['=HYPERLINK("x")', 'plain, comma']])).toBe(
      'a,b\r\n"\'=HYPERLINK(""x"")","plain, comma"',
    );
  });
});
