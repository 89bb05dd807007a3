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

/** The address as a number: 32 bits for IPv4, 128 for IPv6 (embedded IPv4 included). */
export function addressValue(address: string, version: IpVersion): bigint {
  if (version === 4) {
    return address.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
  }
  // `::ffff:192.0.2.1` ends in dotted IPv4: two groups written another way.
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const v4 = addressValue(dotted[1], 4);
    text = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

const bitsOf = (version: IpVersion) => (version === 4 ? 32 : 128);

/** The first address of the range as a number (host bits cleared). */
export function networkValue(range: CidrRange): bigint {
  const hostBits = BigInt(bitsOf(range.version) - range.prefix);
  return (addressValue(range.address, range.version) >> hostBits) << hostBits;
}

/**
 * True when the address has bits set past the prefix (`203.0.113.0/23`): such a range means
 * the block containing the address (203.0.112.0 to 203.0.113.255), which is rarely what the
 * writer meant.
 */
export const hasHostBits = (range: CidrRange): boolean =>
  networkValue(range) !== addressValue(range.address, range.version);

/** The range written as its network address, e.g. `203.0.112.0/23` for `203.0.113.0/23`. */
export function networkText(range: CidrRange): string {
  const value = networkValue(range);
  if (range.version === 4) {
    return `${[24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.')}/${range.prefix}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16),
  );
  return `${groups.join(':')}/${range.prefix}`;
}

/** True for `addr/prefix` written out (a bare address is not a CIDR here). */
export const isCidr = (value: string): boolean =>
  value.includes('/') && parseCidr(value) !== undefined;
