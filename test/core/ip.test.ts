import fc from 'fast-check';
import { addressValue, hasHostBits, ipVersion, networkText, parseCidr } from '../../contract/ip';
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
    // A /23 that shares the /24's network bits past its own prefix: only the prefix check
    // tells the wider block apart (203.0.112.0/23 is not inside 203.0.112.0/24).
    const lowerHalf = parseCidr('203.0.112.0/24');
    if (!lowerHalf) throw new Error('fixture');
    expect(rangeContains(lowerHalf, '203.0.112.0/23')).toBe(false);
    expect(rangeContains(lowerHalf, '203.0.112.128/23')).toBe(false);
    expect(rangeContains(range, '203.0.112.0/23')).toBe(false);
    expect(rangeContains(range, '203.0.114.1')).toBe(false);
    expect(rangeContains(range, '2001:db8::1')).toBe(false);
  });
});

// A reference containment on plain numbers: the range covers [network, network + 2^(bits -
// prefix)), and a target is inside when its whole block is. Addresses are generated as numbers
// and written out in every textual form the grammar accepts, so the implementation's parsing
// is checked along with its arithmetic.
const V4_BITS = 32;
const V6_BITS = 128;
const mask = (bits: number, prefix: number) =>
  ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
const referenceInside = (
  bits: number,
  range: { value: bigint; prefix: number },
  target: { value: bigint; prefix: number },
): boolean => {
  const first = target.value & mask(bits, target.prefix);
  const last = first + (1n << BigInt(bits - target.prefix)) - 1n;
  const low = range.value & mask(bits, range.prefix);
  const high = low + (1n << BigInt(bits - range.prefix)) - 1n;
  return first >= low && last <= high;
};

const v4Text = (value: bigint) =>
  [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
/** Full, compressed (`::`), IPv4-mapped dotted (`::ffff:a.b.c.d`) or upper-case IPv6 text. */
function v6Text(value: bigint, style: number): string {
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number((value >> BigInt(112 - 16 * i)) & 0xffffn),
  );
  if (style === 1 && value >> 32n === 0xffffn) return `::ffff:${v4Text(value & 0xffffffffn)}`;
  if (style === 2) {
    let start = -1;
    let length = 0;
    for (let i = 0; i < 8; ) {
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > length) [start, length] = [i, j - i];
      i = Math.max(j, i + 1);
    }
    if (length >= 2) {
      const hex = (part: number[]) => part.map((g) => g.toString(16)).join(':');
      return `${hex(groups.slice(0, start))}::${hex(groups.slice(start + length))}`;
    }
  }
  const full = groups.map((g) => g.toString(16)).join(':');
  return style === 3 ? full.toUpperCase() : full;
}

/** A target block drawn near the range half of the time, so that "inside" is often true. */
const case_ = (bits: number, value: fc.Arbitrary<bigint>) =>
  fc
    .record({
      range: value,
      rangePrefix: fc.integer({ min: 0, max: bits }),
      other: value,
      targetPrefix: fc.integer({ min: 0, max: bits }),
      near: fc.boolean(),
      rangeStyle: fc.integer({ min: 0, max: 3 }),
      targetStyle: fc.integer({ min: 0, max: 3 }),
    })
    .map((c) => {
      const keep = mask(bits, c.rangePrefix);
      const target = c.near ? (c.range & keep) | (c.other & ~keep) : c.other;
      return { ...c, target };
    });

describe('rangeContains against a reference on numbers', () => {
  it('agrees for IPv4 addresses and ranges', () => {
    const value = fc.bigInt({ min: 0n, max: (1n << 32n) - 1n });
    fc.assert(
      fc.property(case_(V4_BITS, value), (c) => {
        const range = parseCidr(`${v4Text(c.range)}/${c.rangePrefix}`);
        if (!range) throw new Error('fixture');
        const expected = referenceInside(
          V4_BITS,
          { value: c.range, prefix: c.rangePrefix },
          { value: c.target, prefix: c.targetPrefix },
        );
        expect(rangeContains(range, `${v4Text(c.target)}/${c.targetPrefix}`)).toBe(expected);
        if (c.targetPrefix === V4_BITS) {
          expect(rangeContains(range, v4Text(c.target))).toBe(expected);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees for IPv6 in every textual form', () => {
    const value = fc.oneof(
      fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
      // IPv4-mapped and zero-run-heavy addresses exercise `::ffff:a.b.c.d` and `::`.
      fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }).map((v) => v | (0xffffn << 32n)),
      fc.bigInt({ min: 0n, max: 0xffffn }).map((v) => v << 80n),
    );
    fc.assert(
      fc.property(case_(V6_BITS, value), (c) => {
        const range = parseCidr(`${v6Text(c.range, c.rangeStyle)}/${c.rangePrefix}`);
        if (!range) throw new Error('fixture');
        const target = `${v6Text(c.target, c.targetStyle)}/${c.targetPrefix}`;
        expect(rangeContains(range, target)).toBe(
          referenceInside(
            V6_BITS,
            { value: c.range, prefix: c.rangePrefix },
            { value: c.target, prefix: c.targetPrefix },
          ),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    // A wider range that starts at the suppression's own base address is not inside it.
    ['203.0.113.0/28', '203.0.113.0/24', false],
    ['203.0.113.0/24', '203.0.113.0/23', false],
    ['203.0.113.0/24', '203.0.113.0/0', false],
    ['203.0.113.0/24', '0.0.0.0/0', false],
    ['203.0.113.0/24', '203.0.113.0/24', true],
    // A /23 written from its upper half covers 203.0.112.0-203.0.113.255: inside the /23, not the /24.
    ['203.0.113.0/24', '203.0.113.200/23', false],
    ['203.0.112.0/23', '203.0.113.200/23', true],
    ['203.0.112.0/23', '203.0.114.0/24', false],
    ['2001:db8::/32', '2001:db8::/31', false],
    ['2001:db8::/32', '2001:db8:ffff::/48', true],
    // Mixed versions never match: an IPv4-mapped address is not silenced by an IPv4 range.
    ['203.0.113.0/24', '::ffff:203.0.113.5', false],
    ['::ffff:203.0.113.0/120', '203.0.113.5', false],
  ])('range %s contains %s: %s', (range, target, expected) => {
    const parsed = parseCidr(range);
    if (!parsed) throw new Error('fixture');
    expect(rangeContains(parsed, target)).toBe(expected);
  });
});

describe('network addresses', () => {
  it.each([
    ['203.0.113.0/24', false, '203.0.113.0/24'],
    ['203.0.113.0/23', true, '203.0.112.0/23'],
    ['203.0.113.5', false, '203.0.113.5/32'],
    ['2001:db8::1/64', true, '2001:db8:0:0:0:0:0:0/64'],
    ['::ffff:192.0.2.1/120', true, '0:0:0:0:0:ffff:c000:200/120'],
  ])('%s has host bits: %s (network %s)', (text, expected, network) => {
    const range = parseCidr(text);
    if (!range) throw new Error('fixture');
    expect(hasHostBits(range)).toBe(expected);
    expect(networkText(range)).toBe(network);
  });

  it('reads IPv6 text as its number', () => {
    expect(addressValue('::ffff:192.0.2.1', 6)).toBe(0xffffc0000201n);
    expect(addressValue('2001:db8::1', 6)).toBe(0x20010db8000000000000000000000001n);
    expect(addressValue('::', 6)).toBe(0n);
    expect(addressValue('255.255.255.255', 4)).toBe(0xffffffffn);
  });
});
