import fc from 'fast-check';
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import { classifyMessage } from '../../lambda/core/message';
import { DOCUMENTED_PAIRS, voisoEvent } from '../../lambda/testing/factories';

const classifyJson = (value: unknown) =>
  classifyMessage(JSON.stringify(value), DEFAULT_DETECTION_SETTINGS);

describe('classifyMessage', () => {
  it.each(DOCUMENTED_PAIRS)('accepts the documented %s event as recognised', (pair) => {
    // Act
    const verdict = classifyJson(voisoEvent(pair));
    // Assert
    expect(verdict.kind).toBe('event');
    if (verdict.kind !== 'event') return;
    expect(verdict.normalised.recognised).toBe(true);
    expect(verdict.normalised.pair).toBe(pair);
    expect(verdict.normalised.time).toBe('2020-10-10T10:11:12.120000000Z');
  });

  it('stores count as a number and keeps extra params', () => {
    // Act
    const verdict = classifyJson(
      voisoEvent('app_login/incorrect_password', { params: { count: '12', extra: { a: 1 } } }),
    );
    // Assert
    expect(verdict.kind === 'event' && verdict.normalised.event.params).toEqual({
      user: 'john@acme.com',
      access_group: 'supervisor',
      count: 12,
      extra: { a: 1 },
    });
  });

  it('gives "4" and 4 the same event id', () => {
    // Act
    const a = classifyJson(voisoEvent('app_login/incorrect_password', { params: { count: '4' } }));
    const b = classifyJson(voisoEvent('app_login/incorrect_password', { params: { count: 4 } }));
    // Assert
    expect(a.kind === 'event' && b.kind === 'event' && a.normalised.id === b.normalised.id).toBe(
      true,
    );
  });

  it('accepts IPv6 addresses and ranges', () => {
    // Act
    const login = classifyJson(
      voisoEvent('app_login/unauthorized_ip', { params: { ip: '2001:db8::7' } }),
    );
    const range = classifyJson(
      voisoEvent('allowed_ip/ip_added', { params: { ip: '2001:db8::/64' } }),
    );
    // Assert
    expect([login.kind, range.kind]).toEqual(['event', 'event']);
  });

  it('stores an unknown pair as unrecognised, medium', () => {
    // Act
    const verdict = classifyJson(voisoEvent('app_login/sso_login', { params: { user: 'x' } }));
    // Assert
    expect(verdict.kind).toBe('event');
    if (verdict.kind !== 'event') return;
    expect(verdict.normalised.recognised).toBe(false);
    expect(verdict.classification).toEqual({
      severity: 'medium',
      rules: ['unrecognised-event'],
      alert: false,
    });
  });

  const withoutParam = (name: string) => {
    const event = voisoEvent('app_login/incorrect_password');
    delete event.params[name];
    return event;
  };

  it.each<[string, string, RegExp]>([
    ['not JSON', '{"timestamp":', /^message: not valid JSON$/],
    ['an array', '[1,2]', /^message: expected a JSON object, got an array$/],
    ['null', 'null', /got null/],
    ['a string', '"hello"', /got string/],
    [
      'missing type',
      JSON.stringify({ ...voisoEvent(), type: undefined }),
      /^type: expected a non-empty string, missing$/,
    ],
    [
      'numeric callcenter',
      JSON.stringify(voisoEvent('app_login/deleted_user', { callcenter: 5 as unknown as string })),
      /^callcenter: expected a non-empty string, got 5$/,
    ],
    [
      'empty event',
      JSON.stringify(voisoEvent('app_login/deleted_user', { event: '' })),
      /^event: expected a non-empty string, got ""$/,
    ],
    [
      'params an array',
      JSON.stringify({ ...voisoEvent(), params: [] }),
      /^params: expected an object/,
    ],
    [
      'bad timestamp',
      JSON.stringify(voisoEvent('app_login/deleted_user', { timestamp: '2020-02-30T00:00:00Z' })),
      /^timestamp: day 30 does not exist/,
    ],
    [
      'not a timestamp',
      JSON.stringify(voisoEvent('app_login/deleted_user', { timestamp: 'now' })),
      /^timestamp: expected ISO-8601/,
    ],
    [
      'bad count',
      JSON.stringify(voisoEvent('app_login/incorrect_password', { params: { count: 'abc' } })),
      /^params\.count: expected a non-negative integer, got "abc"$/,
    ],
    [
      'negative count',
      JSON.stringify(voisoEvent('app_login/incorrect_password', { params: { count: -1 } })),
      /^params\.count: expected a non-negative integer, got -1$/,
    ],
    [
      'missing user',
      JSON.stringify(withoutParam('user')),
      /^params\.user: expected a non-empty string, missing$/,
    ],
    [
      'bad ip',
      JSON.stringify(voisoEvent('app_login/unauthorized_ip', { params: { ip: '999.1.1.1' } })),
      /^params\.ip: expected an IPv4 or IPv6 address, got "999\.1\.1\.1"$/,
    ],
    [
      'cidr where an ip is due',
      JSON.stringify(voisoEvent('app_login/ip_changed', { params: { to: '8.8.8.8/32' } })),
      /^params\.to: expected an IPv4 or IPv6 address/,
    ],
    [
      'a __proto__ param, which parsing would silently drop',
      '{"timestamp":"2020-10-10T10:11:12Z","type":"app_login","event":"deleted_user","callcenter":"acme","params":{"user":"a@b.c","access_group":"agent","__proto__":{"admin":true}}}',
      /^params: property name __proto__ is not allowed$/,
    ],
    [
      'bad cidr',
      JSON.stringify(voisoEvent('allowed_ip/ip_added', { params: { ip: '8.8.8.8/40' } })),
      /^params\.ip: expected an IP address or CIDR range/,
    ],
    [
      'long callcenter',
      JSON.stringify(voisoEvent('app_login/deleted_user', { callcenter: 'c'.repeat(257) })),
      /^callcenter: longer than 256 characters/,
    ],
    [
      'long extra param',
      JSON.stringify(voisoEvent('app_login/deleted_user', { params: { note: 'x'.repeat(5000) } })),
      /^params\.note: longer than 4096 characters$/,
    ],
    [
      'huge number',
      JSON.stringify(voisoEvent('app_login/deleted_user', { params: { n: 1e200 } })),
      /^params\.n: number out of range$/,
    ],
    [
      'oversized body',
      JSON.stringify(
        voisoEvent('app_login/deleted_user', { params: { note: 'x'.repeat(70_000) } }),
      ),
      /^message: \d+ bytes, larger than the 65536-byte limit$/,
    ],
  ])('quarantines %s with a readable reason', (_name, body, reason) => {
    // Act
    const verdict = classifyMessage(body, DEFAULT_DETECTION_SETTINGS);
    // Assert
    expect(verdict.kind).toBe('malformed');
    expect(verdict.kind === 'malformed' && verdict.reason).toMatch(reason);
  });
});

describe('lone UTF-16 surrogates', () => {
  // `JSON.stringify` writes a lone surrogate as the escape `\udXXX`, exactly as a sender would.
  const bodyWith = (overrides: Parameters<typeof voisoEvent>[1]) =>
    JSON.stringify(voisoEvent('app_login/deleted_user', overrides));

  it.each([
    ['in the call center', bodyWith({ callcenter: 'acme\ud800' }), /^callcenter: contains a lone/],
    ['in the type', bodyWith({ type: 'app_login\udfff' }), /^type: contains a lone/],
    ['in a documented param', bodyWith({ params: { user: 'a\ud83d@b.c' } }), /^params\.user: /],
    ['in an extra param', bodyWith({ params: { note: 'x\udc00' } }), /^params\.note: /],
    [
      'deep in an extra param',
      bodyWith({ params: { a: [{ b: ['\ud800'] }] } }),
      /^params\.a\[0\]\.b\[0\]: /,
    ],
    [
      'in a param name',
      bodyWith({ params: { 'k\ud800': 1 } }),
      /^params: property name contains a lone/,
    ],
    [
      'raw, in a directly invoked body',
      bodyWith({ params: { note: 'x' } }).replace('"x"', '"\ud800"'),
      /^params\.note: /,
    ],
  ])('quarantines one %s, so it never reaches DynamoDB', (_name, body, reason) => {
    // Act
    const verdict = classifyMessage(body, DEFAULT_DETECTION_SETTINGS);
    // Assert
    expect(verdict.kind).toBe('malformed');
    if (verdict.kind !== 'malformed') return;
    expect(verdict.reason).toMatch(reason);
    expect(verdict.reason).toContain('lone UTF-16 surrogate');
    expect(verdict.reason).not.toMatch(/\p{Cs}/u);
  });

  it('accepts surrogate pairs, escaped or not', () => {
    for (const body of [
      bodyWith({ params: { note: '\u{1F600}' } }),
      bodyWith({ params: { note: 'x' } }).replace('"x"', '"\\ud83d\\ude00"'),
    ]) {
      const verdict = classifyMessage(body, DEFAULT_DETECTION_SETTINGS);
      expect(verdict.kind === 'event' && verdict.normalised.event.params.note).toBe('\u{1F600}');
    }
  });

  it('never lets one into anything it stores', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', '\ud800', '\udc00', '\u{1F600}', '"', '\\'),
      maxLength: 12,
    });
    fc.assert(
      fc.property(text, text, text, (callcenter, key, value) => {
        const body = JSON.stringify({
          timestamp: '2020-10-10T10:11:12Z',
          type: 'app_login',
          event: 'sso',
          callcenter,
          params: { [key]: value, nested: [value] },
        });
        const verdict = classifyMessage(body, DEFAULT_DETECTION_SETTINGS);
        const stored = verdict.kind === 'event' ? verdict.normalised.event : verdict.reason;
        expect(JSON.stringify(stored)).not.toMatch(/\\ud[89a-f]/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('what logs get about a malformed message', () => {
  it('names a sender-chosen param by its position, never by its name', () => {
    // Prepare: an e-mail address as a param name, and as a nested one.
    const long = 'x'.repeat(5_000);
    const cases = [
      [{ 'maria.lopez@acme.com': long }, 'params[3]: longer than 4096 characters'],
      [
        { extra: { 'maria.lopez@acme.com': { deep: 1e300 } } },
        'params[3][0][0]: number out of range',
      ],
      [{ list: [0, { 'maria.lopez@acme.com': '\ud800' }] }, 'params[3][1][0]: contains a lone'],
      [{ count: 'maria.lopez@acme.com' }, 'params.count: expected a non-negative integer'],
    ] as const;
    for (const [params, problem] of cases) {
      // Act
      const verdict = classifyJson(voisoEvent('app_login/incorrect_password', { params }));
      // Assert
      expect(verdict.kind).toBe('malformed');
      if (verdict.kind !== 'malformed') continue;
      expect(verdict.problem).toContain(problem);
      expect(verdict.problem).not.toMatch(/maria|deep|list|extra/);
      // The quarantine item keeps the names: it is the audit record of what was sent.
      expect(verdict.reason).toMatch(/maria|list|count/);
    }
  });

  it('never carries a name or value the sender chose', () => {
    const marker = fc.string({ minLength: 1, maxLength: 8 }).map((s) => `ZQ${s}`);
    const bad = fc.constantFrom<unknown>('x'.repeat(4_097), 1e300, '\ud800', 'ok');
    fc.assert(
      fc.property(marker, bad, fc.boolean(), fc.boolean(), (name, value, nested, badTime) => {
        const params = nested ? { [name]: { [`${name}2`]: [value] } } : { [name]: value };
        const verdict = classifyJson({
          timestamp: badTime ? 'ZQ-not-a-time' : '2020-10-10T10:11:12Z',
          type: 'app_login',
          event: 'deleted_user',
          callcenter: 'acme',
          params: { user: 'u@acme.com', access_group: 'agent', ...params },
        });
        if (verdict.kind === 'malformed') expect(verdict.problem).not.toContain('ZQ');
      }),
      { numRuns: 300 },
    );
  });
});

describe('the reason a malformed message is quarantined with', () => {
  const count = (value: string) =>
    voisoEvent('app_login/incorrect_password', { params: { count: value } });
  it.each([
    [
      'a value longer than 40 characters, cut to 37 and marked',
      count('c'.repeat(60)),
      `params.count: expected a non-negative integer, got "${'c'.repeat(36)}...`,
      'params.count: expected a non-negative integer',
    ],
    [
      'a value of exactly 40 characters, whole',
      count('c'.repeat(38)),
      `params.count: expected a non-negative integer, got "${'c'.repeat(38)}"`,
      'params.count: expected a non-negative integer',
    ],
    [
      'a cut that would split a surrogate pair, one character earlier',
      count(`${'c'.repeat(35)}\u{1f600}${'d'.repeat(10)}`),
      `params.count: expected a non-negative integer, got "${'c'.repeat(35)}...`,
      'params.count: expected a non-negative integer',
    ],
    [
      'a missing field',
      { timestamp: '2020-10-10T10:11:12Z', type: 'app_login', event: 'deleted_user', params: {} },
      'callcenter: expected a non-empty string, missing',
      'callcenter: expected a non-empty string',
    ],
    [
      'a body that is not an object',
      [1, 2],
      'message: expected a JSON object, got an array',
      'message: expected a JSON object, got an array',
    ],
    [
      'a value deep in a sender-named param (logs get positions, the record the names)',
      voisoEvent('app_login/incorrect_password', { params: { extra: [0, [1, 1e300]] } }),
      'params.extra[1][1]: number out of range',
      'params[3][1][1]: number out of range',
    ],
  ])('%s', (_name, body, reason, problem) => {
    // Act
    const verdict = classifyJson(body);
    // Assert
    expect(verdict).toEqual({ kind: 'malformed', reason, problem });
  });
});
