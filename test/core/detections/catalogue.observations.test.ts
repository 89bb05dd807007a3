// What each detection watches: which events, the group each joins (names compared as Voiso's
// casing varies), what its observation carries, and how it judges its group.

import { parseDetectionSettings } from '../../../contract/config';
import { DETECTION_CATALOGUE } from '../../../lambda/core/detections/catalogue';
import { resolveTunings } from '../../../lambda/core/detections/engine';
import type { DetectionEvent } from '../../../lambda/core/detections/model';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const tunings = resolveTunings(parseDetectionSettings({}));

const event = (
  pair: string,
  params: Record<string, unknown>,
  overrides: Partial<DetectionEvent> = {},
): DetectionEvent => ({
  id: 'e1',
  time: 5 * MIN,
  timeText: 't5',
  callcenter: 'acme',
  pair,
  params,
  suppressed: false,
  ...overrides,
});

const base = { id: 'e1', t: 5 * MIN, n: 't5' };

describe('what each detection observes', () => {
  it('brute-force: failed logins by user, weighted by their count', () => {
    const { observe } = DETECTION_CATALOGUE['brute-force'];
    expect(
      observe(event('app_login/incorrect_password', { user: ' John@Acme.com ', count: 4 })),
    ).toEqual([{ group: 'user:john@acme.com', observation: { ...base, w: 4 } }]);
    expect(observe(event('app_login/incorrect_password', { user: 'j', count: 1 }))).toEqual([
      { group: 'user:j', observation: base },
    ]);
    // A count that is not a positive number counts as one attempt.
    for (const count of [0, -3, '7', undefined]) {
      expect(
        observe(event('app_login/incorrect_password', { user: 'j', count }))[0]?.observation,
      ).toEqual(base);
    }
    expect(observe(event('app_login/incorrect_password', { user: '  ' }))).toEqual([]);
    expect(observe(event('app_login/incorrect_password', { user: 7 }))).toEqual([]);
    expect(observe(event('app_login/deleted_user', { user: 'j' }))).toEqual([]);
    expect(
      observe(event('app_login/incorrect_password', { user: 'j' }, { suppressed: true }))[0]
        ?.observation,
    ).toEqual({
      ...base,
      s: 1,
    });
  });

  it('brute-force-succeeded: failed logins first, then a successful login, by user', () => {
    const { observe } = DETECTION_CATALOGUE['brute-force-succeeded'];
    expect(observe(event('app_login/incorrect_password', { user: 'J' }))).toEqual([
      { group: 'user:j', observation: { ...base, r: 'a' } },
    ]);
    expect(observe(event('app_login/successful_login', { user: 'J' }))).toEqual([
      { group: 'user:j', observation: { ...base, r: 'b' } },
    ]);
    expect(observe(event('app_login/deleted_user', { user: 'J' }))).toEqual([]);
  });

  it('password-spray: failed logins of the whole call center, by distinct user', () => {
    const { observe } = DETECTION_CATALOGUE['password-spray'];
    expect(observe(event('app_login/incorrect_password', { user: ' Ann ' }))).toEqual([
      { group: 'callcenter', observation: { ...base, v: 'ann' } },
    ]);
    expect(observe(event('app_login/incorrect_password', {}))).toEqual([]);
    expect(observe(event('app_login/successful_login', { user: 'ann' }))).toEqual([]);
  });

  it('repeated-deleted-user: login attempts of deleted users, by user', () => {
    const { observe } = DETECTION_CATALOGUE['repeated-deleted-user'];
    expect(observe(event('app_login/deleted_user', { user: 'Old' }))).toEqual([
      { group: 'user:old', observation: base },
    ]);
    expect(observe(event('app_login/incorrect_password', { user: 'Old' }))).toEqual([]);
  });

  it('mass-change: changes by one actor, each kind of change counted on its own', () => {
    const { observe } = DETECTION_CATALOGUE['mass-change'];
    for (const pair of ['user/user_deleted', 'user/user_added', 'user/privileges_updated']) {
      expect(observe(event(pair, { who: 'Boss', user: 'x' }))).toEqual([
        { group: `actor:boss|${pair}`, observation: { ...base, v: 'x' } },
      ]);
    }
    expect(observe(event('user/user_deleted', { who: 'Boss' }))).toEqual([
      { group: 'actor:boss|user/user_deleted', observation: base },
    ]);
    expect(observe(event('user/password_changed', { who: 'Boss', user: 'x' }))).toEqual([]);
    expect(observe(event('user/user_deleted', { user: 'x' }))).toEqual([]);
  });

  it('escalation-then-perimeter: a promotion to admin watches both people; an allow-list change by either completes it', () => {
    const { observe } = DETECTION_CATALOGUE['escalation-then-perimeter'];
    expect(
      observe(event('user/privileges_updated', { who: 'Boss', user: 'Eve', to: ' ADMIN ' })),
    ).toEqual([
      { group: 'user:eve', observation: { ...base, r: 'a' } },
      { group: 'user:boss', observation: { ...base, r: 'a' } },
    ]);
    // Promoting oneself is one group.
    expect(
      observe(event('user/privileges_updated', { who: 'eve', user: 'Eve', to: 'admin' })),
    ).toHaveLength(1);
    expect(
      observe(event('user/privileges_updated', { who: 'Boss', user: 'Eve', to: 'agent' })),
    ).toEqual([]);
    expect(observe(event('user/privileges_updated', { to: 'admin' }))).toEqual([]);
    for (const pair of ['allowed_ip/ip_added', 'allowed_ip/ip_changed']) {
      expect(observe(event(pair, { who: 'Eve' }))).toEqual([
        { group: 'user:eve', observation: { ...base, r: 'b' } },
      ]);
    }
    expect(observe(event('allowed_ip/ip_removed', { who: 'Eve' }))).toEqual([]);
    // Only a privilege change promotes: another pair's `to` of admin is no promotion.
    expect(observe(event('allowed_ip/ip_changed', { who: 'Eve', to: 'admin' }))).toEqual([
      { group: 'user:eve', observation: { ...base, r: 'b' } },
    ]);
  });

  it('refused-ip-allowed: refused addresses, then allow-list ranges added or changed to', () => {
    const { observe } = DETECTION_CATALOGUE['refused-ip-allowed'];
    expect(observe(event('app_login/unauthorized_ip', { ip: '198.51.100.7' }))).toEqual([
      { group: 'callcenter', observation: { ...base, r: 'a', v: '198.51.100.7' } },
    ]);
    expect(observe(event('app_login/unauthorized_ip', {}))).toEqual([]);
    expect(observe(event('allowed_ip/ip_added', { ip: '198.51.100.0/24', to: 'x' }))).toEqual([
      { group: 'callcenter', observation: { ...base, r: 'b', v: '198.51.100.0/24' } },
    ]);
    expect(
      observe(event('allowed_ip/ip_changed', { ip: 'x', from: 'y', to: '198.51.100.0/24' })),
    ).toEqual([{ group: 'callcenter', observation: { ...base, r: 'b', v: '198.51.100.0/24' } }]);
    expect(observe(event('allowed_ip/ip_changed', { from: 'y' }))).toEqual([]);
    expect(observe(event('allowed_ip/ip_removed', { ip: '198.51.100.0/24' }))).toEqual([]);
  });

  it('short-lived-account: a user added, then deleted', () => {
    const { observe } = DETECTION_CATALOGUE['short-lived-account'];
    expect(observe(event('user/user_added', { user: 'Tmp' }))).toEqual([
      { group: 'user:tmp', observation: { ...base, r: 'a' } },
    ]);
    expect(observe(event('user/user_deleted', { user: 'Tmp' }))).toEqual([
      { group: 'user:tmp', observation: { ...base, r: 'b' } },
    ]);
    expect(observe(event('user/password_changed', { user: 'Tmp' }))).toEqual([]);
  });

  it('new-source: source changes by user, the address changed to and from, admins marked', () => {
    const { observe } = DETECTION_CATALOGUE['new-source'];
    expect(
      observe(
        event('app_login/ip_changed', {
          user: 'J',
          from: '1.1.1.1',
          to: '2.2.2.2',
          access_group: ' Admin',
        }),
      ),
    ).toEqual([{ group: 'user:j', observation: { ...base, v: '2.2.2.2', f: '1.1.1.1', x: 1 } }]);
    expect(
      observe(event('app_login/ip_changed', { user: 'J', to: '2.2.2.2', access_group: 'agent' })),
    ).toEqual([{ group: 'user:j', observation: { ...base, v: '2.2.2.2' } }]);
    expect(observe(event('app_login/ip_changed', { user: 'J', from: '1.1.1.1' }))).toEqual([]);
    // A refused login never teaches the baseline.
    expect(observe(event('app_login/unauthorized_ip', { user: 'J', ip: '2.2.2.2' }))).toEqual([]);
  });
});

describe('how each detection judges its group', () => {
  const o = (id: string, minute: number, extra = {}) => ({
    id,
    t: minute * MIN,
    n: `t${minute}`,
    ...extra,
  });

  it('keeps observations two windows back', () => {
    for (const id of Object.keys(DETECTION_CATALOGUE) as (keyof typeof DETECTION_CATALOGUE)[]) {
      const expected = 2 * tunings[id].windowMs;
      expect({ id, retain: DETECTION_CATALOGUE[id].retainMs(tunings[id]) }).toEqual({
        id,
        retain: expected,
      });
    }
  });

  it('refused-ip-allowed matches a range only when it contains the refused address', () => {
    // Prepare
    const detection = DETECTION_CATALOGUE['refused-ip-allowed'];
    const refused = o('a', 0, { r: 'a', v: '198.51.100.7' });
    // Act
    const judge = (range: string | undefined) =>
      detection.evaluate(
        [refused, o('b', 5, { r: 'b', ...(range !== undefined && { v: range }) })],
        tunings['refused-ip-allowed'],
        {
          since: 0,
          knownFrom: Number.NEGATIVE_INFINITY,
        },
      );
    // Assert
    expect(judge('198.51.100.0/24')).toHaveLength(1);
    expect(judge('198.51.101.0/24')).toEqual([]);
    expect(judge('not a range')).toEqual([]);
    expect(judge(undefined)).toEqual([]);
    expect(
      detection.evaluate(
        [o('a', 0, { r: 'a' }), o('b', 5, { r: 'b', v: '198.51.100.0/24' })],
        tunings['refused-ip-allowed'],
        {
          since: 0,
          knownFrom: Number.NEGATIVE_INFINITY,
        },
      ),
    ).toEqual([]);
  });

  it('new-source stays quiet until the user has the threshold in days of history', () => {
    // Prepare
    const detection = DETECTION_CATALOGUE['new-source'];
    const change = o('c', (7 * DAY) / MIN, { v: '2.2.2.2' });
    // Act / Assert
    expect(
      detection.evaluate([change], tunings['new-source'], {
        since: 1,
        knownFrom: Number.NEGATIVE_INFINITY,
      }),
    ).toEqual([]);
    expect(
      detection.evaluate([change], tunings['new-source'], {
        since: 0,
        knownFrom: Number.NEGATIVE_INFINITY,
      }),
    ).toHaveLength(1);
  });

  it('the counting detections count, the sequences need their order', () => {
    const t = tunings['repeated-deleted-user'];
    const detection = DETECTION_CATALOGUE['repeated-deleted-user'];
    expect(
      detection.evaluate([o('a', 0), o('b', 1), o('c', 2)], t, {
        since: 0,
        knownFrom: Number.NEGATIVE_INFINITY,
      }),
    ).toHaveLength(1);
    const spray = DETECTION_CATALOGUE['password-spray'];
    const users = Array.from({ length: 10 }, (_, i) => o(`u${i}`, i, { v: `user${i}` }));
    expect(
      spray.evaluate(users, tunings['password-spray'], {
        since: 0,
        knownFrom: Number.NEGATIVE_INFINITY,
      }),
    ).toHaveLength(1);
    for (const id of [
      'brute-force-succeeded',
      'escalation-then-perimeter',
      'short-lived-account',
    ] as const) {
      const d = DETECTION_CATALOGUE[id];
      expect({
        id,
        found: d.evaluate([o('a', 0, { r: 'a' }), o('b', 1, { r: 'b' })], tunings[id], {
          since: 0,
          knownFrom: Number.NEGATIVE_INFINITY,
        }).length,
      }).toEqual({
        id,
        found: 1,
      });
      expect({
        id,
        found: d.evaluate([o('b', 0, { r: 'b' }), o('a', 1, { r: 'a' })], tunings[id], {
          since: 0,
          knownFrom: Number.NEGATIVE_INFINITY,
        }).length,
      }).toEqual({
        id,
        found: 0,
      });
    }
    const brute = DETECTION_CATALOGUE['brute-force'];
    expect(
      brute.evaluate([o('a', 0, { w: 19 }), o('b', 1)], tunings['brute-force'], {
        since: 0,
        knownFrom: Number.NEGATIVE_INFINITY,
      }),
    ).toHaveLength(1);
    const mass = DETECTION_CATALOGUE['mass-change'];
    expect(
      mass.evaluate(
        [0, 1, 2, 3, 4].map((m) => o(`m${m}`, m)),
        tunings['mass-change'],
        { since: 0, knownFrom: Number.NEGATIVE_INFINITY },
      ),
    ).toHaveLength(1);
  });

  it('names what its groups are, for the alert', () => {
    expect(
      Object.fromEntries(
        Object.entries(DETECTION_CATALOGUE).map(([id, d]) => [id, [d.id, d.groupedBy]]),
      ),
    ).toEqual({
      'brute-force': ['brute-force', 'user'],
      'brute-force-succeeded': ['brute-force-succeeded', 'user'],
      'password-spray': ['password-spray', 'call center'],
      'repeated-deleted-user': ['repeated-deleted-user', 'user'],
      'mass-change': ['mass-change', 'actor and kind of change'],
      'escalation-then-perimeter': ['escalation-then-perimeter', 'person'],
      'refused-ip-allowed': ['refused-ip-allowed', 'call center'],
      'short-lived-account': ['short-lived-account', 'user'],
      'new-source': ['new-source', 'user'],
    });
  });
});
