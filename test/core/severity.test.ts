import {
  ConfigurationError,
  DEFAULT_DETECTION_SETTINGS,
  type DetectionSettings,
  parseDetectionSettings,
} from '../../contract/config';
import type { KnownPair } from '../../contract/pairs';
import { PAIR_FIELDS } from '../../lambda/core/event-schema';
import { classifyMessage } from '../../lambda/core/message';
import { DEFAULT_RULES } from '../../lambda/core/severity';
import { voisoEvent } from '../../lambda/testing/factories';

function classification(
  event: ReturnType<typeof voisoEvent>,
  config: DetectionSettings = DEFAULT_DETECTION_SETTINGS,
) {
  const verdict = classifyMessage(JSON.stringify(event), config);
  if (verdict.kind !== 'event') throw new Error(`fixture is malformed: ${verdict.reason}`);
  return verdict.classification;
}

describe('default severity table', () => {
  it.each<[string, Record<string, unknown>, string, string[]]>([
    ['app_login/incorrect_password', {}, 'high', ['incorrect-password']],
    [
      'app_login/incorrect_password',
      { count: '10' },
      'critical',
      ['incorrect-password-burst', 'incorrect-password'],
    ],
    ['app_login/incorrect_password', { count: 9 }, 'high', ['incorrect-password']],
    [
      'app_login/incorrect_password',
      { access_group: 'Admin' },
      'critical',
      ['incorrect-password-admin', 'incorrect-password'],
    ],
    ['app_login/deleted_user', {}, 'high', ['deleted-user-login']],
    ['app_login/successful_login', {}, 'info', ['successful-login']],
    ['app_login/unauthorized_ip', {}, 'high', ['unauthorized-ip']],
    [
      'app_login/unauthorized_ip',
      { access_group: 'admin' },
      'critical',
      ['unauthorized-ip-admin', 'unauthorized-ip'],
    ],
    ['app_login/ip_changed', {}, 'medium', ['login-ip-changed']],
    [
      'app_login/ip_changed',
      { access_group: 'admin' },
      'high',
      ['login-ip-changed-admin', 'login-ip-changed'],
    ],
    ['user/user_added', {}, 'medium', ['user-added']],
    ['user/user_added', { access_group: 'admin' }, 'high', ['admin-added', 'user-added']],
    ['user/user_deleted', {}, 'medium', ['user-deleted']],
    ['user/user_deleted', { access_group: 'admin' }, 'high', ['admin-deleted', 'user-deleted']],
    ['user/password_changed', {}, 'low', ['password-changed']],
    [
      'user/password_changed',
      { who: 'boss@acme.com' },
      'medium',
      ['password-changed-by-other', 'password-changed'],
    ],
    ['user/password_changed', { who: 'JOHN@acme.com' }, 'low', ['password-changed']],
    ['user/password_changed', { access_group: 'admin' }, 'low', ['password-changed']],
    [
      'user/password_changed',
      { who: 'boss@acme.com', access_group: 'admin' },
      'high',
      ['admin-password-changed-by-other', 'password-changed-by-other', 'password-changed'],
    ],
    ['user/privileges_updated', {}, 'high', ['privileges-updated']],
    [
      'user/privileges_updated',
      { to: 'admin' },
      'critical',
      ['admin-granted', 'privileges-updated'],
    ],
    ['allowed_ip/ip_added', {}, 'high', ['allowlist-ip-added']],
    ['allowed_ip/ip_added', { ip: '10.0.0.0/16' }, 'high', ['allowlist-ip-added']],
    [
      'allowed_ip/ip_added',
      { ip: '10.0.0.0/15' },
      'critical',
      ['wide-allowlist-range', 'allowlist-ip-added'],
    ],
    [
      'allowed_ip/ip_added',
      { ip: '2001:db8::/47' },
      'critical',
      ['wide-allowlist-range', 'allowlist-ip-added'],
    ],
    ['allowed_ip/ip_added', { ip: '2001:db8::/48' }, 'high', ['allowlist-ip-added']],
    [
      'allowed_ip/ip_added',
      { ip: '::ffff:10.0.0.0/100' },
      'critical',
      ['wide-allowlist-range', 'allowlist-ip-added'],
    ],
    ['allowed_ip/ip_added', { ip: '::ffff:10.0.0.0/112' }, 'high', ['allowlist-ip-added']],
    ['allowed_ip/ip_removed', { ip: '0.0.0.0/0' }, 'medium', ['allowlist-ip-removed']],
    ['allowed_ip/ip_changed', {}, 'high', ['allowlist-ip-changed']],
    [
      'allowed_ip/ip_changed',
      { to: '0.0.0.0/0' },
      'critical',
      ['wide-allowlist-range-changed', 'allowlist-ip-changed'],
    ],
    ['allowed_ip/ip_changed', { from: '0.0.0.0/0' }, 'high', ['allowlist-ip-changed']],
  ])('%s %j is %s', (pair, params, severity, rules) => {
    // Act
    const result = classification(voisoEvent(pair, { params }));
    // Assert
    expect(result.severity).toBe(severity);
    expect(result.rules).toEqual(rules);
    expect(result.alert).toBe(severity === 'high' || severity === 'critical');
  });

  it('has unique rule ids', () => {
    expect(new Set(DEFAULT_RULES.map((r) => r.id)).size).toBe(DEFAULT_RULES.length);
  });

  it('names the documented params every condition reads (what explain shows)', () => {
    for (const rule of DEFAULT_RULES) {
      const documented = (PAIR_FIELDS[rule.pair as KnownPair] ?? []).map(([name]) => name);
      expect([rule.id, rule.when === undefined]).toEqual([rule.id, rule.evidence === undefined]);
      for (const name of rule.evidence ?? [])
        expect([rule.id, documented]).toEqual([rule.id, expect.arrayContaining([name])]);
    }
  });

  it('names as evidence exactly the params its condition reads', () => {
    // What `explain` shows beside each rule; a rule reading a param it does not name (or naming
    // one it does not read) would show the wrong evidence.
    expect(
      Object.fromEntries(DEFAULT_RULES.flatMap((r) => (r.evidence ? [[r.id, r.evidence]] : []))),
    ).toEqual({
      'incorrect-password-burst': ['count'],
      'incorrect-password-admin': ['access_group'],
      'unauthorized-ip-admin': ['access_group'],
      'login-ip-changed-admin': ['access_group'],
      'admin-added': ['access_group'],
      'admin-deleted': ['access_group'],
      'password-changed-by-other': ['who', 'user'],
      'admin-password-changed-by-other': ['who', 'user', 'access_group'],
      'admin-granted': ['to'],
      'wide-allowlist-range': ['ip'],
      'wide-allowlist-range-changed': ['to'],
    });
  });
});

describe('detection configuration', () => {
  it('overrides a pair outright', () => {
    // Prepare
    const config = parseDetectionSettings({
      severityOverrides: { 'app_login/successful_login': 'high', 'app_login/ip_changed': 'low' },
    });
    // Act
    const login = classification(voisoEvent('app_login/successful_login'), config);
    const ipChanged = classification(
      voisoEvent('app_login/ip_changed', { params: { access_group: 'admin' } }),
      config,
    );
    const other = classification(voisoEvent('allowed_ip/ip_changed'), config);
    // Assert
    expect(login).toEqual({
      severity: 'high',
      rules: ['override:app_login/successful_login'],
      alert: true,
    });
    expect(ipChanged.severity).toBe('low');
    expect(other.severity).toBe('high');
  });

  it('overrides an unrecognised pair too', () => {
    const config = parseDetectionSettings({ severityOverrides: { 'app_login/sso': 'critical' } });
    expect(classification(voisoEvent('app_login/sso'), config).severity).toBe('critical');
  });

  it.each([
    ['info', true],
    ['medium', true],
    ['critical', false],
  ])('threshold %s decides alerting of a high event (%s)', (threshold, alert) => {
    const config = parseDetectionSettings({ alertThreshold: threshold });
    expect(classification(voisoEvent('app_login/deleted_user'), config).alert).toBe(alert);
  });

  it.each<[string, Record<string, unknown>, ReturnType<typeof voisoEvent>, boolean]>([
    [
      'actor',
      { actor: 'BOT@acme.com' },
      voisoEvent('user/privileges_updated', { params: { who: 'bot@acme.com' } }),
      true,
    ],
    ['actor (other)', { actor: 'bot@acme.com' }, voisoEvent('user/privileges_updated'), false],
    // Below the threshold too: detections count the event as suppressed (an incident of
    // suppressed events is not alerted).
    [
      'actor, on an event below the alert threshold',
      { actor: 'bot@acme.com' },
      voisoEvent('user/user_deleted', { params: { who: 'bot@acme.com' } }),
      true,
    ],
    [
      'actor (event in other case)',
      { actor: 'bot@acme.com' },
      voisoEvent('user/privileges_updated', { params: { who: 'Bot@ACME.com' } }),
      true,
    ],
    ['user', { user: 'john@acme.com' }, voisoEvent('app_login/deleted_user'), true],
    [
      'user (suppression in other case)',
      { user: 'JOHN@Acme.com' },
      voisoEvent('app_login/deleted_user'),
      true,
    ],
    [
      'user (event in other case)',
      { user: 'john@acme.com' },
      voisoEvent('app_login/deleted_user', { params: { user: 'John@ACME.COM' } }),
      true,
    ],
    ['user (other)', { user: 'jane@acme.com' }, voisoEvent('app_login/deleted_user'), false],
    ['callcenter', { callcenter: 'acme' }, voisoEvent('app_login/deleted_user'), true],
    ['callcenter (other)', { callcenter: 'beta' }, voisoEvent('app_login/deleted_user'), false],
    ['ipRange on ip', { ipRange: '8.8.0.0/16' }, voisoEvent('app_login/unauthorized_ip'), true],
    [
      'ipRange on to',
      { ipRange: '4.4.4.0/24' },
      voisoEvent('app_login/ip_changed', { params: { access_group: 'admin' } }),
      true,
    ],
    ['ipRange on cidr', { ipRange: '8.8.8.0/24' }, voisoEvent('allowed_ip/ip_added'), true],
    [
      'ipRange on from only (the source IP left the range)',
      { ipRange: '8.8.8.0/24' },
      voisoEvent('app_login/ip_changed', { params: { access_group: 'admin' } }),
      false,
    ],
    [
      'ipRange on from only (the allow-list range left the range)',
      { ipRange: '8.8.8.0/24' },
      voisoEvent('allowed_ip/ip_changed'),
      false,
    ],
    [
      'ipRange (outside)',
      { ipRange: '203.0.113.0/24' },
      voisoEvent('app_login/unauthorized_ip'),
      false,
    ],
    ['pair', { pair: 'app_login/deleted_user' }, voisoEvent('app_login/deleted_user'), true],
    [
      'pair (other)',
      { pair: 'app_login/deleted_user' },
      voisoEvent('app_login/unauthorized_ip'),
      false,
    ],
    [
      'all fields must match',
      { pair: 'app_login/deleted_user', callcenter: 'beta' },
      voisoEvent('app_login/deleted_user'),
      false,
    ],
  ])('suppression by %s', (_name, suppression, event, suppressed) => {
    // Prepare
    const config = parseDetectionSettings({
      suppressions: [{ id: 's1', reason: 'test', ...suppression }],
    });
    // Act
    const result = classification(event, config);
    // Assert
    expect(result.alert).toBe(!suppressed);
    expect(result.suppressedBy).toBe(suppressed ? 's1' : undefined);
    expect(result.severity).toBe(classification(event).severity);
  });

  describe('an ipRange suppression holds for the state the event leads to', () => {
    // The README's example: the office range, for admins whose source IP changes.
    const office = parseDetectionSettings({
      suppressions: [
        { id: 'office', ipRange: '203.0.113.0/24', pair: 'app_login/ip_changed' },
        { id: 'office-allowlist', ipRange: '203.0.113.0/24', pair: 'allowed_ip/ip_changed' },
        { id: 'office-any', ipRange: '203.0.113.0/24', callcenter: 'acme' },
      ],
    });
    const admin = (from: string, to: string) =>
      voisoEvent('app_login/ip_changed', { params: { access_group: 'admin', from, to } });
    const allowlist = (from: string, to: string) =>
      voisoEvent('allowed_ip/ip_changed', { params: { from, to } });

    it.each<[string, ReturnType<typeof voisoEvent>, boolean]>([
      ['an admin leaving the office range alerts', admin('203.0.113.5', '198.18.0.66'), true],
      [
        'an admin moving into the office range is benign',
        admin('198.18.0.66', '203.0.113.9'),
        false,
      ],
      [
        'an admin moving inside the office range is benign',
        admin('203.0.113.5', '203.0.113.9'),
        false,
      ],
      [
        'an allow-list widened to the internet alerts',
        allowlist('203.0.113.0/28', '0.0.0.0/0'),
        true,
      ],
      [
        'an allow-list widened past the range alerts',
        allowlist('203.0.113.0/28', '203.0.113.0/23'),
        true,
      ],
      [
        'an allow-list widened from the base address alerts',
        allowlist('203.0.113.0/28', '203.0.113.0/16'),
        true,
      ],
      [
        'an allow-list narrowed inside the range is benign',
        allowlist('0.0.0.0/0', '203.0.113.0/28'),
        false,
      ],
      [
        'an allow-list entry added inside the range is benign',
        voisoEvent('allowed_ip/ip_added', { params: { ip: '203.0.113.0/25' } }),
        false,
      ],
      [
        'an allow-list entry added wider than the range alerts',
        voisoEvent('allowed_ip/ip_added', { params: { ip: '203.0.113.0/8' } }),
        true,
      ],
      [
        'an IPv4-mapped address outside the plain IPv4 range alerts',
        voisoEvent('app_login/unauthorized_ip', { params: { ip: '::ffff:203.0.113.5' } }),
        true,
      ],
    ])('%s', (_name, event, alert) => {
      const result = classification(event, office);

      expect(result.severity).toBe(classification(event).severity);
      expect(result.alert).toBe(alert);
    });

    it('never matches an event that introduces no address', () => {
      const config = parseDetectionSettings({
        suppressions: [{ id: 'office', ipRange: '203.0.113.0/24' }],
      });
      // privileges_updated has from/to, but they are access groups, not addresses.
      const promotion = voisoEvent('user/privileges_updated', { params: { to: 'admin' } });
      const deleted = voisoEvent('app_login/deleted_user');
      const fromOnly = voisoEvent('app_login/sso', { params: { from: '203.0.113.5' } });
      const overridden = parseDetectionSettings({
        severityOverrides: { 'app_login/sso': 'critical' },
        suppressions: [{ id: 'office', ipRange: '203.0.113.0/24' }],
      });

      expect(classification(promotion, config).alert).toBe(true);
      expect(classification(deleted, config).alert).toBe(true);
      expect(classification(fromOnly, overridden)).toMatchObject({ alert: true });
    });

    it('needs every introduced address inside, not just one', () => {
      // An unrecognised pair with both `ip` and `to`, made alert-worthy by an override.
      const config = parseDetectionSettings({
        severityOverrides: { 'app_login/sso': 'high' },
        suppressions: [{ id: 'office', ipRange: '203.0.113.0/24' }],
      });
      const half = voisoEvent('app_login/sso', { params: { ip: '203.0.113.5', to: '8.8.8.8' } });
      const both = voisoEvent('app_login/sso', {
        params: { ip: '203.0.113.5', to: '203.0.113.6' },
      });

      expect(classification(half, config).alert).toBe(true);
      expect(classification(both, config).suppressedBy).toBe('office');
    });
  });

  it('asks for a suppression range written as its network address', () => {
    expect(() =>
      parseDetectionSettings({ suppressions: [{ id: 'x', ipRange: '203.0.113.0/23' }] }),
    ).toThrow(
      /suppressions\.0\.ipRange: 203\.0\.113\.0\/23 has bits set past its \/23 prefix and covers 203\.0\.112\.0\/23/,
    );
    expect(
      parseDetectionSettings({ suppressions: [{ id: 'x', ipRange: '203.0.113.7' }] }).suppressions,
    ).toHaveLength(1);
  });

  it.each<[unknown, RegExp]>([
    [{ alertThreshold: 'urgent' }, /alertThreshold/],
    [{ severityOverrides: { successful_login: 'high' } }, /severityOverrides\.successful_login/],
    [{ severityOverrides: { 'a/b': 'loud' } }, /severityOverrides\.a\/b/],
    [{ suppressions: [{ reason: 'no id', actor: 'x' }] }, /suppressions\.0\.id/],
    [{ suppressions: [{ id: 'x', ipRange: '1.2.3.4/99' }] }, /suppressions\.0\.ipRange/],
    [{ suppressions: [{ id: 'x' }] }, /at least one of/],
    [
      {
        suppressions: [
          { id: 'x', actor: 'a' },
          { id: 'x', actor: 'b' },
        ],
      },
      /duplicate suppression id/,
    ],
    [{ unknownKey: 1 }, /unknownKey|Unrecognized/],
  ])('rejects %j naming the key', (input, message) => {
    expect(() => parseDetectionSettings(input)).toThrow(ConfigurationError);
    expect(() => parseDetectionSettings(input)).toThrow(message);
  });
});
