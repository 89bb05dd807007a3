// Address and range containment, on the contract's CIDR grammar, in plain integer arithmetic
// (property-tested against a BigInt reference in test/core/ip.test.ts).
import { type CidrRange, networkValue, parseCidr } from '../../contract/ip';

/** A range with its network number, worked out once (IPv4 also as a plain number: faster). */
interface ParsedRange {
  readonly range: CidrRange;
  readonly network: bigint;
  readonly network4: number;
}

/**
 * Parsed addresses and ranges by their text. A detection group compares the same few hundred
 * values again on every batch (refused-ip-allowed: each allow-list change against each refused
 * address of a day); parsing them once keeps that from dominating. Bounded: cleared when full.
 */
const PARSED = new Map<string, ParsedRange | null>();
const MAX_PARSED = 10_000;

function parsedOf(text: string): ParsedRange | undefined {
  let parsed = PARSED.get(text);
  if (parsed === undefined) {
    const range = parseCidr(text);
    if (range === undefined) parsed = null;
    else {
      const network = networkValue(range);
      parsed = { range, network, network4: range.version === 4 ? Number(network) : 0 };
    }
    if (PARSED.size >= MAX_PARSED) PARSED.clear();
    PARSED.set(text, parsed);
  }
  return parsed ?? undefined;
}

/** `parseCidr`, remembered: the same text gives the same (frozen in use) range object. */
export const cidrOf = (text: string): CidrRange | undefined => parsedOf(text)?.range;

const NETWORKS = new WeakMap<CidrRange, Omit<ParsedRange, 'range'>>();
function networkOf(range: CidrRange): Omit<ParsedRange, 'range'> {
  let network = NETWORKS.get(range);
  if (network === undefined) {
    const value = networkValue(range);
    network = { network: value, network4: range.version === 4 ? Number(value) : 0 };
    NETWORKS.set(range, network);
  }
  return network;
}

/**
 * True when `ip` (an address, or a whole range) lies inside `range`: every address it covers is
 * covered by `range`. A wider range is never inside a narrower one, even when both start at the
 * same address (`203.0.113.0/16` is not inside `203.0.113.0/24`). The two must be the same IP
 * version: an IPv4-mapped IPv6 address (`::ffff:203.0.113.5`) is not inside an IPv4 range, so a
 * suppression never silences what it does not name plainly.
 */
export function rangeContains(range: CidrRange, ip: string): boolean {
  const target = parsedOf(ip);
  if (target === undefined || target.range.version !== range.version) return false;
  if (target.range.prefix < range.prefix) return false;
  if (range.version === 4) {
    // 32 bits fit a double exactly; dividing by 2^hostBits drops the host part.
    const size = 2 ** (32 - range.prefix);
    return Math.floor(target.network4 / size) === Math.floor(networkOf(range).network4 / size);
  }
  const hostBits = BigInt(128 - range.prefix);
  return target.network >> hostBits === networkOf(range).network >> hostBits;
}
