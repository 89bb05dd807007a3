import { ipVersion, parseCidr } from '../../contract/ip';
import { rangeContains } from '../../lambda/core/ip';

describe('ip', () => {
  it.each([
    ['8.8.8.8', 4],
    ['2001:db8::1', 6],
    ['::ffff:1.2.3.4', 6],
    ['8.8.8', undefined],
    ['256.1.1.1', undefined],
    ['fe80::1%eth0', undefined],
    ['8.8.8.8/32', undefined],
  ])('ipVersion(%j) is %j', (input, expected) => {
    expect(ipVersion(input)).toBe(expected);
  });

  it.each([
    ['8.8.8.8/32', 32],
    ['8.8.8.8', 32],
    ['10.0.0.0/8', 8],
    ['2001:db8::/32', 32],
    ['2001:db8::1', 128],
  ])('parses %j with prefix %j', (input, prefix) => {
    expect(parseCidr(input)?.prefix).toBe(prefix);
  });

  it.each(['8.8.8.8/33', '8.8.8.8/', '8.8.8.8/08', '2001:db8::/129', 'x/8', '8.8.8.8/1/2'])(
    'rejects %j',
    (input) => {
      expect(parseCidr(input)).toBeUndefined();
    },
  );

  it('checks addresses and ranges against a range', () => {
    // Prepare
    const range = parseCidr('203.0.113.0/24');
    if (!range) throw new Error('fixture');
    // Act / Assert
    expect(rangeContains(range, '203.0.113.9')).toBe(true);
    expect(rangeContains(range, '203.0.113.0/25')).toBe(true);
    expect(rangeContains(range, '203.0.112.0/23')).toBe(false);
    expect(rangeContains(range, '203.0.114.1')).toBe(false);
    expect(rangeContains(range, '2001:db8::1')).toBe(false);
  });
});
