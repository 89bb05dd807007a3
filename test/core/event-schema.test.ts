import fc from 'fast-check';
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import { KNOWN_PAIRS } from '../../contract/pairs';
import {
  envelopeFastPath,
  envelopeSchema,
  MAX_FIELD_LENGTH,
  PAIR_FIELDS,
  PAIR_PARAMS,
  paramsFastPath,
} from '../../lambda/core/event-schema';
import { classifyMessage } from '../../lambda/core/message';
import { voisoEvent } from '../../lambda/testing/factories';

/** Strings around every length limit of the envelope (0, 1, 64, 65, 256, 257 characters). */
const boundaryString = fc
  .constantFrom(0, 1, 2, 63, 64, 65, MAX_FIELD_LENGTH - 1, MAX_FIELD_LENGTH, MAX_FIELD_LENGTH + 1)
  .map((length) => 'x'.repeat(length));

/** Anything a JSON body (or a careless caller) could put in an envelope field. */
const fieldValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  boundaryString,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 3 }),
  fc.constant(new Date(0)),
);

/** Mostly the right shape (so acceptance is exercised as much as rejection), sometimes anything. */
const nearlyValid = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: fieldValue });

/** Envelopes where each field may be missing or of any shape, plus stray extra fields. */
const envelopeLike = fc.record(
  {
    timestamp: nearlyValid(fc.string({ maxLength: 70 })),
    type: nearlyValid(fc.string({ minLength: 1, maxLength: 20 })),
    event: nearlyValid(fc.string({ minLength: 1, maxLength: 20 })),
    callcenter: nearlyValid(fc.string({ minLength: 1, maxLength: 20 })),
    params: nearlyValid(fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 3 })),
    extra: fieldValue,
  },
  { requiredKeys: ['timestamp', 'type', 'event', 'callcenter'] },
);

describe('envelopeFastPath', () => {
  it('accepts exactly what envelopeSchema accepts, with the same result', () => {
    // Prepare
    const seen = { accepted: 0, rejected: 0 };
    // Act + Assert
    fc.assert(
      fc.property(envelopeLike, (input) => {
        const fast = envelopeFastPath(input);
        const schema = envelopeSchema.safeParse(input);
        expect(fast !== undefined).toBe(schema.success);
        if (fast && schema.success) expect(fast).toStrictEqual(schema.data);
        seen[schema.success ? 'accepted' : 'rejected']++;
      }),
      { numRuns: 20_000 },
    );
    // Both outcomes were exercised, not just one.
    expect(seen.accepted).toBeGreaterThan(1_000);
    expect(seen.rejected).toBeGreaterThan(1_000);
  });

  it('accepts a valid envelope, so the fast path is actually taken', () => {
    // Prepare
    const input = {
      timestamp: '2020-10-10T10:11:12.12Z',
      type: 'app_login',
      event: 'successful_login',
      callcenter: 'acme',
      params: { user: 'john@acme.com' },
    };
    // Act
    const fast = envelopeFastPath(input);
    // Assert
    expect(fast).toStrictEqual(input);
  });
});

/** Values for a documented param: valid and invalid texts, counts, addresses and ranges. */
const paramValue = fc.oneof(
  fc.string({ minLength: 1, maxLength: 30 }),
  boundaryString,
  fc.constantFrom('0', '4', '007', '123456789012345', '1234567890123456', '-1', '4.0', ' 4', '4a'),
  fc.integer({ min: -5, max: 50 }),
  fc.constantFrom(0, -0, 1.5, 2 ** 53 - 1, 2 ** 53, Number.MAX_VALUE, Number.NaN, Infinity),
  fc.ipV4(),
  fc.ipV6(),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([ip, bits]) => `${ip}/${bits}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 130 })).map(([ip, bits]) => `${ip}/${bits}`),
  fc.constantFrom('10.0.0.256', '::ffff:1.2.3.4', '1.2.3.4/', 'fe80::1%eth0', ''),
  fieldValue,
);

/** A documented pair's params: each documented field usually present, plus extra params. */
const pairParams = (pair: keyof typeof PAIR_FIELDS) =>
  fc
    .tuple(
      fc.record(
        Object.fromEntries(
          PAIR_FIELDS[pair].map(([name]) => [name, paramValue] as const),
        ) as Record<string, typeof paramValue>,
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string({ maxLength: 6 }), fieldValue, { maxKeys: 3 }),
      fc.boolean(),
    )
    // Extra params before or after the documented ones: the parsed order must not depend on it.
    .map(([documented, extra, extraFirst]) =>
      extraFirst ? { ...extra, ...documented } : { ...documented, ...extra },
    );

describe('paramsFastPath', () => {
  it.each(KNOWN_PAIRS)('agrees with the %s schema on acceptance and result', (pair) => {
    // Prepare
    const seen = { accepted: 0, rejected: 0 };
    // Act + Assert
    fc.assert(
      fc.property(pairParams(pair), (params) => {
        fc.pre(!Object.keys(params).includes('__proto__'));
        const fast = paramsFastPath(pair, params);
        const schema = PAIR_PARAMS[pair].safeParse(params);
        expect(fast !== undefined).toBe(schema.success);
        if (fast && schema.success) {
          expect(fast).toStrictEqual(schema.data);
          // Key order is the stored and alerted order of params.
          expect(Object.keys(fast)).toEqual(Object.keys(schema.data));
        }
        seen[schema.success ? 'accepted' : 'rejected']++;
      }),
      { numRuns: 3_000 },
    );
    // Enough of both to mean something (a pair with two IP params accepts about 1 in 150).
    expect(seen.accepted).toBeGreaterThanOrEqual(10);
    expect(seen.rejected).toBeGreaterThanOrEqual(10);
  });

  it('leaves params with a __proto__ key to the schema', () => {
    // Prepare
    const params = JSON.parse('{"user":"a","access_group":"b","__proto__":{"x":1}}');
    // Act
    const fast = paramsFastPath('app_login/successful_login', params);
    // Assert
    expect(fast).toBeUndefined();
  });
});

describe('the limits of an event, as a quarantine records them', () => {
  const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : { a: nest(levels - 1) });
  const judge = (body: unknown) => {
    const verdict = classifyMessage(JSON.stringify(body), DEFAULT_DETECTION_SETTINGS);
    return verdict.kind === 'malformed'
      ? { reason: verdict.reason, problem: verdict.problem }
      : verdict.kind;
  };
  const login = (overrides: Parameters<typeof voisoEvent>[1]) =>
    voisoEvent('app_login/deleted_user', overrides);
  const extra = (value: unknown) => login({ params: { extra: value } });
  const refused = (reason: string, problem: string) => ({ reason, problem });
  const a16 = '.a'.repeat(16);
  const p16 = '[0]'.repeat(16);

  it.each([
    [
      'an empty call center',
      login({ callcenter: '' }),
      refused(
        'callcenter: expected a non-empty string, got ""',
        'callcenter: expected a non-empty string',
      ),
    ],
    [
      'an address that is a number',
      voisoEvent('app_login/unauthorized_ip', { params: { ip: 5 } }),
      refused(
        'params.ip: expected an IPv4 or IPv6 address, got 5',
        'params.ip: expected an IPv4 or IPv6 address',
      ),
    ],
    [
      'an address that is not one',
      voisoEvent('app_login/unauthorized_ip', { params: { ip: '1.2.3' } }),
      refused(
        'params.ip: expected an IPv4 or IPv6 address, got "1.2.3"',
        'params.ip: expected an IPv4 or IPv6 address',
      ),
    ],
    [
      'a range that is a number',
      voisoEvent('allowed_ip/ip_added', { params: { ip: 5 } }),
      refused(
        'params.ip: expected an IP address or CIDR range, got 5',
        'params.ip: expected an IP address or CIDR range',
      ),
    ],
    [
      'a range with an impossible prefix',
      voisoEvent('allowed_ip/ip_added', { params: { ip: '1.2.3.4/33' } }),
      refused(
        'params.ip: expected an IP address or CIDR range, got "1.2.3.4/33"',
        'params.ip: expected an IP address or CIDR range',
      ),
    ],
    [
      'a timestamp that is a number',
      login({ timestamp: 5 as unknown as string }),
      refused(
        'timestamp: expected an ISO-8601 string, got 5',
        'timestamp: expected an ISO-8601 string',
      ),
    ],
    [
      'a timestamp longer than 64 characters',
      login({ timestamp: '2'.repeat(65) }),
      refused(
        `timestamp: longer than 64 characters, got "${'2'.repeat(36)}...`,
        'timestamp: longer than 64 characters',
      ),
    ],
    ['a number just under 1e125', extra(9.99e124), 'event'],
    [
      'a number of 1e125',
      extra(1e125),
      refused('params.extra: number out of range', 'params[2]: number out of range'),
    ],
    ['a number just over 1e-129', extra(1.01e-129), 'event'],
    [
      'a number of 1e-129',
      extra(1e-129),
      refused('params.extra: number out of range', 'params[2]: number out of range'),
    ],
    ['zero', extra(0), 'event'],
    ['params 16 levels deep', extra(nest(15)), 'event'],
    [
      'params 17 levels deep',
      extra(nest(16)),
      refused(
        `params.extra${a16}: nested deeper than 16 levels`,
        `params[2]${p16}: nested deeper than 16 levels`,
      ),
    ],
    [
      'params 18 levels deep (the error is where the limit is crossed)',
      extra(nest(17)),
      refused(
        `params.extra${a16}: nested deeper than 16 levels`,
        `params[2]${p16}: nested deeper than 16 levels`,
      ),
    ],
    [
      'an empty property name',
      extra({ '': 1 }),
      refused('params.extra: empty property name', 'params[2]: empty property name'),
    ],
    ['a property name of 256 characters', extra({ ['k'.repeat(256)]: 1 }), 'event'],
    [
      'a property name of 257 characters',
      extra({ ['k'.repeat(257)]: 1 }),
      refused('params.extra: property name too long', 'params[2]: property name too long'),
    ],
    [
      'a documented name below the top level is a position in logs',
      extra({ user: 1e300 }),
      refused('params.extra.user: number out of range', 'params[2][0]: number out of range'),
    ],
  ])('%s', (_name, body, expected) => {
    expect(judge(body)).toEqual(expected);
  });
});
