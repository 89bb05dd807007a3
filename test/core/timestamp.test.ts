import { normaliseTimestamp, TimestampError } from '../../lambda/core/timestamp';

describe('normaliseTimestamp', () => {
  it.each([
    ['2020-10-10T10:11:12Z', '2020-10-10T10:11:12.000000000Z'],
    ['2020-10-10T10:11:12.1Z', '2020-10-10T10:11:12.100000000Z'],
    ['2020-10-10T10:11:12.12Z', '2020-10-10T10:11:12.120000000Z'],
    ['2020-10-10T10:11:12.123456789Z', '2020-10-10T10:11:12.123456789Z'],
    ['2020-10-10T12:11:12.5+02:00', '2020-10-10T10:11:12.500000000Z'],
    ['2020-10-10T00:30:00-01:30', '2020-10-10T02:00:00.000000000Z'],
    ['2020-12-31T23:30:00-01:00', '2021-01-01T00:30:00.000000000Z'],
    ['2020-02-29T00:00:00Z', '2020-02-29T00:00:00.000000000Z'],
    // A century is a leap year only when divisible by 400.
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000000000Z'],
    ['2020-10-10T10:11:12+02:59', '2020-10-10T07:12:12.000000000Z'],
    ['2020-10-10T10:11:12+23:59', '2020-10-09T10:12:12.000000000Z'],
    ['2020-10-10T23:59:59Z', '2020-10-10T23:59:59.000000000Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000000000Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000000000Z'],
  ])('normalises %s', (input, expected) => {
    // Act
    const normalised = normaliseTimestamp(input);
    // Assert
    expect(normalised).toBe(expected);
    expect(normalised).toHaveLength(30);
  });

  it('orders .1 before .12 and offsets by instant, as strings', () => {
    // Prepare
    const inputs = [
      '2020-10-10T10:11:12.12Z',
      '2020-10-10T12:11:12.05+02:00',
      '2020-10-10T10:11:12.1Z',
      '2020-10-10T10:11:12Z',
    ];
    // Act
    const sorted = inputs.map(normaliseTimestamp).sort();
    // Assert
    expect(sorted).toEqual([
      '2020-10-10T10:11:12.000000000Z',
      '2020-10-10T10:11:12.050000000Z',
      '2020-10-10T10:11:12.100000000Z',
      '2020-10-10T10:11:12.120000000Z',
    ]);
  });

  it.each([
    ['2020-02-30T00:00:00Z', 'day 30 does not exist in 2020-02'],
    ['2019-02-29T00:00:00Z', 'day 29 does not exist in 2019-02'],
    ['1900-02-29T00:00:00Z', 'day 29 does not exist in 1900-02'],
    ['2100-02-29T00:00:00Z', 'day 29 does not exist in 2100-02'],
    ['2020-13-01T00:00:00Z', 'month 13 does not exist'],
    ['2020-00-01T00:00:00Z', 'month 00 does not exist'],
    ['2020-04-31T00:00:00Z', 'day 31 does not exist in 2020-04'],
    ['2020-04-00T00:00:00Z', 'day 00 does not exist in 2020-04'],
    ['2020-10-10T24:00:00Z', 'time 24:00:00 does not exist'],
    ['2020-10-10T10:60:00Z', 'time 10:60:00 does not exist'],
    ['2020-10-10T10:11:60Z', 'time 10:11:60 does not exist'],
    ['2020-10-10T10:11:12.1234567890Z', 'expected ISO-8601 like 2020-10-10T10:11:12.12Z'],
    ['2020-10-10T10:11:12.Z', 'expected ISO-8601 like 2020-10-10T10:11:12.12Z'],
    ['2020-10-10T10:11:12', 'expected ISO-8601 like 2020-10-10T10:11:12.12Z'],
    ['2020-10-10 10:11:12Z', 'expected ISO-8601 like 2020-10-10T10:11:12.12Z'],
    ['2020-10-10T10:11:12+24:00', 'offset +24:00 does not exist'],
    ['2020-10-10T10:11:12+02:60', 'offset +02:60 does not exist'],
    ['0000-01-01T00:00:00+01:00', 'outside the years 0000 to 9999 once in UTC'],
    ['9999-12-31T23:00:00-01:00', 'outside the years 0000 to 9999 once in UTC'],
    ['yesterday', 'expected ISO-8601 like 2020-10-10T10:11:12.12Z'],
    ['', 'expected ISO-8601 like 2020-10-10T10:11:12.12Z'],
  ])('rejects %j: %s', (input, reason) => {
    // Act
    const thrown = (() => {
      try {
        normaliseTimestamp(input);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    // Assert: the reason is what a quarantined message records.
    expect(thrown).toBeInstanceOf(TimestampError);
    expect(thrown).toMatchObject({ name: 'TimestampError', message: reason });
  });
});
