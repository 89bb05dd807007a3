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
