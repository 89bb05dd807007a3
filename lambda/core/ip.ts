// IP addresses and CIDR ranges as Voiso sends them: `8.8.8.8`, `2001:db8::1`, `8.8.8.8/32`.
// node:net does the address grammar (it is not an AWS import, so the core stays pure).
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type IpVersion = 4 | 6;

export interface CidrRange {
  readonly address: string;
  readonly version: IpVersion;
  readonly prefix: number;
}

/** The IP version of `value`, or undefined when it is not a plain IPv4/IPv6 address. */
export function ipVersion(value: string): IpVersion | undefined {
  // Zone ids (`fe80::1%eth0`) are link-local noise that Voiso never sends; reject them.
  if (value.includes('%')) return undefined;
  if (isIPv4(value)) return 4;
  if (isIPv6(value)) return 6;
  return undefined;
}

const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

/** Parses `addr/prefix`; a bare address is the single-host range (/32 or /128). */
export function parseCidr(value: string): CidrRange | undefined {
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  const version = ipVersion(address);
  if (version === undefined) return undefined;
  const max = version === 4 ? 32 : 128;
  if (slash === -1) return { address, version, prefix: max };
  const prefixText = value.slice(slash + 1);
  if (!PREFIX.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? { address, version, prefix } : undefined;
}

/** True when `ip` (an address, or a range's base address) lies inside `range`. */
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
