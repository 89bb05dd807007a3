// Address and range containment, on the contract's CIDR grammar.
import { BlockList } from 'node:net';
import { type CidrRange, parseCidr } from '../../contract/ip';

/** True when `ip` (an address, or a whole range) lies inside `range`. */
export function rangeContains(range: CidrRange, ip: string): boolean {
  const target = parseCidr(ip);
  if (target === undefined || target.version !== range.version) return false;
  // A range given as a param (allowed_ip events) matches when it is entirely inside.
  if (target.prefix < range.prefix) return false;
  const family = range.version === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(range.address, range.prefix, family);
  return list.check(target.address, family);
}
