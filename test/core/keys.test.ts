import fc from 'fast-check';
import {
  callcenterKey,
  canonicalJson,
  encodeKeyPart,
  eventId,
  pairKey,
  userKey,
} from '../../lambda/core/keys';

describe('keys', () => {
  it('keeps call centers containing the separator apart', () => {
    // Prepare
    const names = ['a#b', 'a', 'a%23b', 'a%b', 'a%2523b'];
    // Act
    const keys = names.map(callcenterKey);
    // Assert
    expect(new Set(keys).size).toBe(names.length);
    expect(callcenterKey('a#b')).toBe('CC#a%23b');
  });

  it('keeps pairs apart when # moves between type and event', () => {
    // Act / Assert
    expect(pairKey('a#b', 'c')).not.toBe(pairKey('a', 'b#c'));
    expect(userKey('x#y')).toBe('USER#x%23y');
  });

  it('never leaves a # inside an encoded part', () => {
    // Act / Assert
    expect(encodeKeyPart('#%#%%##')).not.toContain('#');
  });

  it('keeps names with two % apart, however the escapes line up', () => {
    // Prepare: escaping only the first `%`, or `#` before `%`, makes some of these collide
    // (`%%23` and `%#` both become `%25%23` when only the first `%` is escaped).
    const names = ['%%23', '%#', '%%', '%25', '%2523', '%23%', '#%', 'a%b%c', 'a%25b%c', '%%#'];
    // Act
    const keys = names.map(callcenterKey);
    // Assert
    expect(new Set(keys).size).toBe(names.length);
    expect(encodeKeyPart('%%23')).toBe('%25%2523');
    expect(encodeKeyPart('%#')).toBe('%25%23');
  });

  /** Strings made of what escaping is about, so that near-collisions are common. */
  const keyText = fc.string({ unit: fc.constantFrom('%', '#', '2', '3', '5', 'a'), maxLength: 12 });

  it('gives different names different keys, and the name back to a plain decoder', () => {
    // The decoder is the test's own: any key with one reading is injective.
    const decode = (part: string) =>
      part.replace(/%(23|25)/g, (_match, code: string) => (code === '23' ? '#' : '%'));
    fc.assert(
      fc.property(keyText, keyText, (a, b) => {
        // Act
        const [keyA, keyB] = [callcenterKey(a), callcenterKey(b)];
        // Assert
        expect(keyA === keyB).toBe(a === b);
        expect(userKey(a) === userKey(b)).toBe(a === b);
        expect(decode(encodeKeyPart(a))).toBe(a);
        expect(encodeKeyPart(a)).not.toContain('#');
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives different (type, event) pairs different keys', () => {
    fc.assert(
      fc.property(keyText, keyText, keyText, keyText, (t1, e1, t2, e2) => {
        // Act / Assert
        expect(pairKey(t1, e1) === pairKey(t2, e2)).toBe(t1 === t2 && e1 === e2);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps event ids stable across releases (a changed id would re-store and re-alert every redelivery)', () => {
    // Act
    const id = eventId(
      '2020-10-10T10:11:12.120000000Z',
      'app_login',
      'incorrect_password',
      'acme',
      {
        user: 'john@acme.com',
        access_group: 'admin',
        count: 4,
      },
    );
    // Assert: sha256 of the canonical JSON, first 16 bytes, base64url (value from the first release).
    expect(id).toBe('vcW5FQlVfSU8RQ_fox0kvw');
  });

  it('hashes content independently of key order, and differently for different content', () => {
    // Prepare
    const time = '2020-10-10T10:11:12.120000000Z';
    // Act
    const a = eventId(time, 'user', 'user_added', 'acme', { who: 'w', user: 'u' });
    const b = eventId(time, 'user', 'user_added', 'acme', { user: 'u', who: 'w' });
    const c = eventId(time, 'user', 'user_added', 'acme#', { user: 'u', who: 'w' });
    // Assert
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe(
      '{"a":null,"b":[1,{"c":2,"d":1}]}',
    );
  });
});
