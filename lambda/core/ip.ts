// Address and range containment, on the contract's CIDR grammar, in plain integer arithmetic
// (property-tested against a BigInt reference in test/core/ip.test.ts).
import { type CidrRange, networkValue, parseCidr } from '../../contract/ip';

/**
 * True when `ip` (an address, or a whole range) lies inside `range`: every address it covers is
 * covered by `range`. A wider range is never inside a narrower one, even when both start at the
 * same address (`203.0.113.0/16` is not inside `203.0.113.0/24`). The two must be the same IP
 * version: an IPv4-mapped IPv6 address (`::ffff:203.0.113.5`) is not inside an IPv4 range, so a
 * suppression never silences what it does not name plainly.
 */
export function rangeContains(range: CidrRange, ip: string): boolean {
  const target = parseCidr(ip);
  if (target === undefined || target.version !== range.version) return false;
  if (target.prefix < range.prefix) return false;
  const hostBits = BigInt((range.version === 4 ? 32 : 128) - range.prefix);
  return networkValue(target) >> hostBits === networkValue(range) >> hostBits;
}
