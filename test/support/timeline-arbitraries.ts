// Random timelines for property tests: attack-like scenarios mixing the events every detection
// looks at, and random ways of delivering them (any order, copies, any batch cuts).
import fc from 'fast-check';
import {
  DAY,
  deletedUserLogin,
  failedPassword,
  privilegesUpdated,
  rangeAdded,
  rangeChanged,
  refusedLogin,
  sourceChanged,
  successfulLogin,
  type TimelineEntry,
  userAdded,
  userDeleted,
} from '../../lambda/testing/timeline';

const USERS = Array.from({ length: 12 }, (_, i) => `u${i + 1}`);
const ACTORS = ['a1', 'a2', 'u1'];
const REFUSED = ['203.0.113.7', '203.0.113.140', '198.51.100.9'];
const RANGES = ['203.0.113.0/25', '203.0.113.128/25', '198.51.100.0/24', '192.0.2.0/24'];

const user = fc.constantFrom(...USERS.slice(0, 4));
const anyUser = fc.constantFrom(...USERS);
const actor = fc.constantFrom(...ACTORS);
const callcenter = fc.constantFrom('acme', 'acme', 'globex');

/** One attack-like scenario: a few events at minutes in [0, span]. */
export const scenario = (span: number): fc.Arbitrary<TimelineEntry[]> => {
  const minute = fc.integer({ min: 0, max: span * 2 }).map((half) => half / 2);
  const times = (min: number, max: number) => fc.array(minute, { minLength: min, maxLength: max });
  return fc.oneof(
    // Failures and a success for one user, in either order.
    fc
      .tuple(user, times(1, 3), minute, callcenter)
      .map(([u, ts, t, cc]) => [
        ...ts.map((f) => failedPassword(f, u, 1, { callcenter: cc })),
        successfulLogin(t, u, { callcenter: cc }),
      ]),
    // A promotion and an allow-list change by the promoted user or by the promoter.
    fc
      .tuple(actor, user, minute, minute, fc.constantFrom('admin', 'supervisor'), fc.boolean())
      .chain(([a, u, t1, t2, to, byPromoted]) =>
        fc
          .tuple(fc.constantFrom(...RANGES), callcenter)
          .map(([range, cc]) => [
            privilegesUpdated(t1, a, u, to, { callcenter: cc }),
            rangeAdded(t2, byPromoted ? u : a, range, { callcenter: cc }),
          ]),
      ),
    // A refused login and an allow-list change, which may contain the address.
    fc
      .tuple(user, minute, minute, fc.constantFrom(...REFUSED), fc.constantFrom(...RANGES))
      .chain(([u, t1, t2, ip, range]) =>
        fc
          .tuple(fc.boolean(), callcenter)
          .map(([added, cc]) => [
            refusedLogin(t1, u, ip, { callcenter: cc }),
            added
              ? rangeAdded(t2, 'it', range, { callcenter: cc })
              : rangeChanged(t2, 'it', '10.0.0.0/8', range, { callcenter: cc }),
          ]),
      ),
    fc
      .tuple(user, times(2, 8), fc.integer({ min: 1, max: 8 }), callcenter)
      .map(([u, ts, count, cc]) => ts.map((t) => failedPassword(t, u, count, { callcenter: cc }))),
    fc
      .tuple(times(6, 12), callcenter)
      .map(([ts, cc]) =>
        ts.map((t, i) => failedPassword(t, USERS[i % USERS.length] ?? 'u1', 1, { callcenter: cc })),
      ),
    fc
      .tuple(user, minute, callcenter)
      .map(([u, t, cc]) => [successfulLogin(t, u, { callcenter: cc })]),
    fc
      .tuple(user, times(1, 4), callcenter)
      .map(([u, ts, cc]) => ts.map((t) => deletedUserLogin(t, u, { callcenter: cc }))),
    fc
      .tuple(actor, fc.constantFrom(userDeleted, userAdded), times(2, 7), callcenter)
      .map(([a, change, ts, cc]) =>
        ts.map((t, i) => change(t, a, USERS[i] ?? 'u1', { callcenter: cc })),
      ),
    fc
      .tuple(actor, times(2, 6), fc.constantFrom('admin', 'supervisor'))
      .map(([a, ts, to]) => ts.map((t, i) => privilegesUpdated(t, a, USERS[i] ?? 'u1', to))),
    fc
      .tuple(actor, anyUser, minute, fc.constantFrom('admin', 'supervisor'), callcenter)
      .map(([a, u, t, to, cc]) => [privilegesUpdated(t, a, u, to, { callcenter: cc })]),
    fc
      .tuple(fc.oneof(actor, user), minute, fc.constantFrom(...RANGES), fc.boolean(), callcenter)
      .map(([who, t, range, added, cc]) => [
        added
          ? rangeAdded(t, who, range, { callcenter: cc })
          : rangeChanged(t, who, '10.0.0.0/8', range, { callcenter: cc }),
      ]),
    fc
      .tuple(user, minute, fc.constantFrom(...REFUSED), callcenter)
      .map(([u, t, ip, cc]) => [refusedLogin(t, u, ip, { callcenter: cc })]),
    fc
      .tuple(anyUser, minute, minute, callcenter)
      .map(([u, t1, t2, cc]) => [
        userAdded(Math.min(t1, t2), 'it', u, { callcenter: cc }),
        userDeleted(Math.max(t1, t2), 'it', u, { callcenter: cc }),
      ]),
  );
};

/**
 * A few scenarios, each within `span` minutes, the k-th starting `apart * k` minutes after the
 * first. Two identical entries are one event (sent twice).
 */
export const timelineEntries = (span: number, apart = 0): fc.Arbitrary<TimelineEntry[]> =>
  fc
    .array(scenario(span), { minLength: 1, maxLength: 5 })
    .map((scenarios) =>
      scenarios.flatMap((entries, k) => entries.map((e) => ({ ...e, at: e.at + k * apart }))),
    );

const ADDRESSES = ['192.0.2.1', '192.0.2.2', '198.18.0.1'];

/** Source changes (and some refused logins) of two users over `days` days, from three addresses. */
export const sourceChanges = (days: number): fc.Arbitrary<TimelineEntry[]> => {
  const address = fc.constantFrom(...ADDRESSES);
  return fc
    .array(
      fc.tuple(
        fc.constantFrom('sam', 'kim'),
        fc.integer({ min: 0, max: days * 2 }).map((half) => (half * DAY) / 2),
        address,
        address,
        fc.boolean(),
        fc.nat(9),
      ),
      { minLength: 1, maxLength: 40 },
    )
    .map((rows) =>
      rows.map(([user, at, from, to, admin, kind]) =>
        kind === 0
          ? refusedLogin(at, user, to)
          : sourceChanged(at, user, from, to, { accessGroup: admin ? 'admin' : 'agent' }),
      ),
    );
};

/**
 * The items delivered in a random order, some more than once (a copy always after the first),
 * cut into batches of random sizes. Given `timeOf`, first deliveries follow it (event-time
 * order) and only copies come late.
 */
export function deliveries<T>(
  items: readonly T[],
  timeOf?: (item: T) => number,
): fc.Arbitrary<T[][]> {
  const n = items.length;
  return fc
    .record({
      keys: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
      copies: fc.array(
        fc.record({
          index: fc.nat({ max: Math.max(0, n - 1) }),
          delay: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        { maxLength: n },
      ),
      sizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 20 }),
    })
    .map(({ keys, copies, sizes }) => {
      const ordered = timeOf ? [...items].sort((a, b) => timeOf(a) - timeOf(b)) : [...items];
      const position = (i: number) => (timeOf ? i : (keys[i] ?? 0) * n);
      const sends = [
        ...ordered.map((item, i) => ({ item, at: position(i) })),
        ...copies.flatMap(({ index, delay }) => {
          const item = ordered[index];
          return item === undefined ? [] : [{ item, at: position(index) + delay * n + 0.5 }];
        }),
      ].sort((a, b) => a.at - b.at);
      const batches: T[][] = [];
      for (let start = 0, i = 0; start < sends.length; i++) {
        const size = sizes[i % sizes.length] ?? 1;
        batches.push(sends.slice(start, start + size).map((s) => s.item));
        start += size;
      }
      return batches;
    });
}
