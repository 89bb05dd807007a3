// The grammar of IP addresses and CIDR ranges as Voiso sends them (`8.8.8.8`, `2001:db8::1`,
// `8.8.8.8/32`) and as the configuration accepts them (suppression ranges, Voiso's source
// ranges). node:net does the address grammar, so `:::::` or nine IPv6 groups fail everywhere.
import { isIPv4, isIPv6 } from 'node:net';

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

/** A prefix length written plainly: no sign, no leading zero, no spaces. */
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

/** True for `addr/prefix` written out (a bare address is not a CIDR here). */
export const isCidr = (value: string): boolean =>
  value.includes('/') && parseCidr(value) !== undefined;
