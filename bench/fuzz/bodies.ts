// fast-check arbitraries for hostile SQS bodies: Voiso-like events with mutated fields, random
// JSON, and random bytes decoded as text. Shared by `npm run fuzz` and its test.
import fc from 'fast-check';
import { DOCUMENTED_PAIRS, generateMix } from '../generate';

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
);

const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    'a#b',
    'a%23b',
    '%',
    '#',
    '<!channel>',
    '<@U123>',
    '<http://x|y>',
    '*bold*',
    '\u0000',
    '\n\r',
    '',
  ),
  fc.string({ minLength: 250, maxLength: 300 }),
);

const timestamp = fc.oneof(
  fc
    .date({
      min: new Date(Date.UTC(1970, 0, 1)),
      max: new Date(Date.UTC(2100, 0, 1)),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '2020-10-10T10:11:12.12Z',
    '2020-10-10T10:11:12Z',
    '2020-10-10T10:11:12.123456789Z',
    '2020-10-10T10:11:12.1234567891Z',
    '2020-02-30T00:00:00Z',
    '2020-10-10T24:00:00Z',
    '2020-10-10T10:11:12+02:00',
    '2020-10-10 10:11:12',
    'yesterday',
  ),
  nastyString,
);

const ipLike = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.tuple(fc.ipV4(), fc.integer({ min: -1, max: 40 })).map(([ip, n]) => `${ip}/${n}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 140 })).map(([ip, n]) => `${ip}/${n}`),
  nastyString,
);

const params = fc.record(
  {
    user: fc.oneof(fc.emailAddress(), nastyString, anyValue),
    who: fc.oneof(fc.emailAddress(), nastyString),
    access_group: fc.oneof(fc.constantFrom('admin', 'agent', 'supervisor'), nastyString),
    count: fc.oneof(
      fc.integer({ min: -5, max: 100 }).map(String),
      fc.integer(),
      nastyString,
      fc.double(),
    ),
    ip: ipLike,
    from: fc.oneof(ipLike, fc.constantFrom('agent', 'admin')),
    to: fc.oneof(ipLike, fc.constantFrom('agent', 'admin')),
    extra: anyValue,
  },
  { requiredKeys: [] },
);

const pair = fc.oneof(
  fc.constantFrom(...DOCUMENTED_PAIRS).map((p) => p.split('/') as [string, string]),
  fc.tuple(nastyString, nastyString),
);

/** A Voiso-like envelope where any field may be missing, mistyped or hostile. */
export const voisoLikeBody = fc
  .record(
    {
      timestamp: fc.oneof(timestamp, anyValue),
      pair,
      callcenter: fc.oneof(fc.constantFrom('acme', 'a#b', 'a%b'), nastyString, anyValue),
      params: fc.oneof({ weight: 5, arbitrary: params }, { weight: 1, arbitrary: anyValue }),
    },
    { requiredKeys: ['pair'] },
  )
  .map(({ pair: [type, event], ...rest }) => JSON.stringify({ type, event, ...rest }));

/** Realistic valid events, the starting points for single-field mutations. */
const VALID = generateMix({ count: 3_000, seed: 99, duplicateShare: 0, malformedShare: 0 }).map(
  (m) => JSON.parse(m.body) as Record<string, unknown> & { params: Record<string, unknown> },
);

const hostileValue = fc.oneof(nastyString, anyValue, timestamp, ipLike);

/**
 * A real event with at most one field changed (or removed): most stay close to valid, which is
 * where a parser's edge cases live.
 */
export const mutatedEventBody = fc
  .tuple(
    fc.constantFrom(...VALID),
    fc.constantFrom('none', 'envelope', 'param', 'remove-envelope', 'remove-param', 'add-param'),
    fc.constantFrom('timestamp', 'type', 'event', 'callcenter', 'params'),
    fc.constantFrom('user', 'who', 'access_group', 'count', 'ip', 'from', 'to'),
    hostileValue,
  )
  .map(([event, how, field, param, value]) => {
    const copy: Record<string, unknown> = { ...event, params: { ...event.params } };
    const params = copy.params as Record<string, unknown>;
    if (how === 'envelope') copy[field] = value;
    if (how === 'param') params[param] = value;
    if (how === 'remove-envelope') delete copy[field];
    if (how === 'remove-param') delete params[param];
    if (how === 'add-param') params[`x_${param}`] = value;
    return JSON.stringify(copy);
  });

export const randomJsonBody = fc.json({ maxDepth: 3 });

export const randomBytesBody = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

export type BodyKind = 'mutated-event' | 'voiso-like' | 'random-json' | 'random-bytes';

export const hostileBody: fc.Arbitrary<{ kind: BodyKind; body: string }> = fc.oneof(
  {
    weight: 5,
    arbitrary: mutatedEventBody.map((body) => ({ kind: 'mutated-event' as const, body })),
  },
  { weight: 3, arbitrary: voisoLikeBody.map((body) => ({ kind: 'voiso-like' as const, body })) },
  { weight: 2, arbitrary: randomJsonBody.map((body) => ({ kind: 'random-json' as const, body })) },
  {
    weight: 2,
    arbitrary: randomBytesBody.map((body) => ({ kind: 'random-bytes' as const, body })),
  },
);
