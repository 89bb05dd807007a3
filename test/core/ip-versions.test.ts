// Containment never crosses IP versions, even where both numbers are zero: an IPv6 address is
// not inside 0.0.0.0/0, and an IPv4 address is not inside ::/0.
import { parseCidr } from '../../contract/ip';
import { rangeContains } from '../../lambda/core/ip';

const range = (text: string) => {
  const parsed = parseCidr(text);
  if (parsed === undefined) throw new Error(`fixture ${text} does not parse`);
  return parsed;
};

describe('rangeContains across versions', () => {
  it.each<[string, string, boolean]>([
    ['0.0.0.0/0', '::', false],
    ['0.0.0.0/0', '::1', false],
    ['::/0', '0.0.0.0', false],
    ['::/0', '1.2.3.4', false],
    ['0.0.0.0/0', '1.2.3.4', true],
    ['::/0', '::1', true],
  ])('%s contains %s: %s', (cidr, ip, inside) => {
    expect(rangeContains(range(cidr), ip)).toBe(inside);
  });
});
