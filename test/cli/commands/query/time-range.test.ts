// `query`'s time arguments and the sort-key bounds they become.
import { parseTimeRange, sortKeyBounds } from '../../../../cli/commands/query/time-range';
import { UsageError } from '../../../../cli/errors';

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
