// The default severity table of SPEC.md, as data. Each rule belongs to one (type, event) pair;
// a pair's severity is the worst of its rules that fire. A rule sees the event and a context
// that is empty today and can later carry history (e.g. "5th failure in a minute") without
// changing the rule shape.
import type { DetectionSettings, Suppression } from '../../contract/config';
import { type CidrRange, parseCidr } from '../../contract/ip';
import type { EventPair } from '../../contract/pairs';
import { type Severity, severityRank } from '../../contract/severity';
import { rangeContains } from './ip';
import type { Classification, SecurityEvent } from './model';

/** What a rule may know beyond the event itself. Reserved for multi-event rules. */
export type RuleContext = Readonly<Record<string, never>>;

export interface SeverityRule {
  readonly id: string;
  readonly pair: EventPair;
  readonly severity: Severity;
  readonly description: string;
  /** Absent: the pair's base rule, always fires. */
  readonly when?: (event: SecurityEvent, context: RuleContext) => boolean;
  /** The params `when` reads: what `voiso-sec explain` shows as the rule's evidence. */
  readonly evidence?: readonly string[];
}

/** Rule id used for (type, event) pairs Voiso has not documented. */
export const UNRECOGNISED_RULE = 'unrecognised-event';
/**
 * An unknown pair is a security event nobody has triaged yet: `medium` puts it in front of a
 * person who looks at stored events without paging anyone (below the default `high` threshold).
 */
export const UNRECOGNISED_SEVERITY: Severity = 'medium';

const str = (event: SecurityEvent, name: string): string | undefined => {
  const value = event.params[name];
  return typeof value === 'string' ? value : undefined;
};
const same = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
const isAdmin = (group: string | undefined): boolean => same(group, 'admin');
const adminGroup = (event: SecurityEvent): boolean => isAdmin(str(event, 'access_group'));
const byOther = (event: SecurityEvent): boolean =>
  str(event, 'who') !== undefined && !same(str(event, 'who'), str(event, 'user'));

/** Wider than /16 (IPv4) or /48 (IPv6): a large share of the internet is being allowed in. */
export const isWideRange = (value: string | undefined): boolean => {
  const range = value === undefined ? undefined : parseCidr(value);
  if (range === undefined) return false;
  if (range.version === 4) return range.prefix < 16;
  // An IPv4-mapped range (::ffff:a.b.c.d/n) allows IPv4 addresses: judge it as IPv4 /(n - 96).
  if (/^::ffff:/i.test(range.address)) return range.prefix - 96 < 16;
  return range.prefix < 48;
};

export const DEFAULT_RULES: readonly SeverityRule[] = [
  // app_login
  {
    id: 'incorrect-password',
    pair: 'app_login/incorrect_password',
    severity: 'high',
    description: 'Repeated failed logins',
  },
  {
    id: 'incorrect-password-burst',
    pair: 'app_login/incorrect_password',
    severity: 'critical',
    description: '10 or more failed logins',
    when: (e) => typeof e.params.count === 'number' && e.params.count >= 10,
    evidence: ['count'],
  },
  {
    id: 'incorrect-password-admin',
    pair: 'app_login/incorrect_password',
    severity: 'critical',
    description: 'Failed logins on an admin account',
    when: adminGroup,
    evidence: ['access_group'],
  },
  {
    id: 'deleted-user-login',
    pair: 'app_login/deleted_user',
    severity: 'high',
    description: 'Login attempt by a deleted user',
  },
  {
    id: 'successful-login',
    pair: 'app_login/successful_login',
    severity: 'info',
    description: 'Successful login',
  },
  {
    id: 'unauthorized-ip',
    pair: 'app_login/unauthorized_ip',
    severity: 'high',
    description: 'Login from an unauthorized IP',
  },
  {
    id: 'unauthorized-ip-admin',
    pair: 'app_login/unauthorized_ip',
    severity: 'critical',
    description: 'Admin login from an unauthorized IP',
    when: adminGroup,
    evidence: ['access_group'],
  },
  {
    id: 'login-ip-changed',
    pair: 'app_login/ip_changed',
    severity: 'medium',
    description: 'Source IP changed',
  },
  {
    id: 'login-ip-changed-admin',
    pair: 'app_login/ip_changed',
    severity: 'high',
    description: "An admin's source IP changed",
    when: adminGroup,
    evidence: ['access_group'],
  },
  // user
  { id: 'user-added', pair: 'user/user_added', severity: 'medium', description: 'User added' },
  {
    id: 'admin-added',
    pair: 'user/user_added',
    severity: 'high',
    description: 'Admin user added',
    when: adminGroup,
    evidence: ['access_group'],
  },
  {
    id: 'user-deleted',
    pair: 'user/user_deleted',
    severity: 'medium',
    description: 'User deleted',
  },
  {
    id: 'admin-deleted',
    pair: 'user/user_deleted',
    severity: 'high',
    description: 'Admin user deleted',
    when: adminGroup,
    evidence: ['access_group'],
  },
  {
    id: 'password-changed',
    pair: 'user/password_changed',
    severity: 'low',
    description: 'Password changed',
  },
  {
    id: 'password-changed-by-other',
    pair: 'user/password_changed',
    severity: 'medium',
    description: 'Password changed by someone else',
    when: byOther,
    evidence: ['who', 'user'],
  },
  {
    id: 'admin-password-changed-by-other',
    pair: 'user/password_changed',
    severity: 'high',
    description: "An admin's password changed by someone else",
    when: (e) => byOther(e) && adminGroup(e),
    evidence: ['who', 'user', 'access_group'],
  },
  {
    id: 'privileges-updated',
    pair: 'user/privileges_updated',
    severity: 'high',
    description: 'Privileges changed',
  },
  {
    id: 'admin-granted',
    pair: 'user/privileges_updated',
    severity: 'critical',
    description: 'Admin privileges granted',
    when: (e) => isAdmin(str(e, 'to')),
    evidence: ['to'],
  },
  // allowed_ip
  {
    id: 'allowlist-ip-added',
    pair: 'allowed_ip/ip_added',
    severity: 'high',
    description: 'IP range authorized',
  },
  {
    id: 'wide-allowlist-range',
    pair: 'allowed_ip/ip_added',
    severity: 'critical',
    description: 'Range wider than /16 or /48 authorized',
    when: (e) => isWideRange(str(e, 'ip')),
    evidence: ['ip'],
  },
  {
    id: 'allowlist-ip-removed',
    pair: 'allowed_ip/ip_removed',
    severity: 'medium',
    description: 'IP range unauthorized',
  },
  {
    id: 'allowlist-ip-changed',
    pair: 'allowed_ip/ip_changed',
    severity: 'high',
    description: 'Authorized range changed',
  },
  {
    id: 'wide-allowlist-range-changed',
    pair: 'allowed_ip/ip_changed',
    severity: 'critical',
    description: 'Authorized range changed to wider than /16 or /48',
    when: (e) => isWideRange(str(e, 'to')),
    evidence: ['to'],
  },
];

const EMPTY_CONTEXT: RuleContext = {};

/** Fired rules, most severe first (table order among equals). */
export function evaluateRules(
  event: SecurityEvent,
  pair: EventPair,
  recognised: boolean,
  config: DetectionSettings,
  rules: readonly SeverityRule[] = DEFAULT_RULES,
  context: RuleContext = EMPTY_CONTEXT,
): { severity: Severity; rules: string[] } {
  const override = Object.hasOwn(config.severityOverrides, pair)
    ? config.severityOverrides[pair]
    : undefined;
  // An override replaces the pair's whole rule set: the deployment has decided this pair's worth.
  if (override !== undefined) return { severity: override, rules: [`override:${pair}`] };
  if (!recognised) return { severity: UNRECOGNISED_SEVERITY, rules: [UNRECOGNISED_RULE] };
  const fired = rules
    .filter((rule) => rule.pair === pair && (rule.when === undefined || rule.when(event, context)))
    .map((rule, index) => ({ rule, index }))
    .sort(
      (a, b) => severityRank(b.rule.severity) - severityRank(a.rule.severity) || a.index - b.index,
    )
    .map(({ rule }) => rule);
  const worst = fired[0];
  if (worst === undefined) return { severity: UNRECOGNISED_SEVERITY, rules: [UNRECOGNISED_RULE] };
  return { severity: worst.severity, rules: fired.map((rule) => rule.id) };
}

/**
 * The params that hold what an event introduces: the address a login came from (`ip`), the
 * range an allow-list gains (`ip`), the address or range something changed to (`to`). `from` is
 * what the event leaves behind; it never makes an event benign.
 */
const INTRODUCED_IP_PARAMS = ['ip', 'to'] as const;

/**
 * An `ipRange` suppression holds for the state an event leads to: the event must introduce at
 * least one address or range, and every one it introduces must lie inside the suppression range.
 * So an admin moving from the office (203.0.113.5) to 198.18.0.66 alerts, an allow-list change
 * from 203.0.113.0/28 to 0.0.0.0/0 alerts, and an event without `ip` or `to` is not matched.
 */
function introducesOnlyInside(range: CidrRange | undefined, event: SecurityEvent): boolean {
  if (range === undefined) return false;
  let introduced = 0;
  for (const name of INTRODUCED_IP_PARAMS) {
    if (!Object.hasOwn(event.params, name)) continue;
    introduced++;
    const value = event.params[name];
    // A param that is not an address (`to: "admin"` in privileges_updated) is not inside.
    if (typeof value !== 'string' || !rangeContains(range, value)) return false;
  }
  return introduced > 0;
}

/** True when every field the suppression names matches the event. */
export function suppressionMatches(s: Suppression, event: SecurityEvent, pair: EventPair): boolean {
  if (s.callcenter !== undefined && s.callcenter !== event.callcenter) return false;
  // E-mail addresses are case-insensitive in practice; Voiso's casing may vary between events.
  if (s.user !== undefined && !same(s.user, str(event, 'user'))) return false;
  if (s.actor !== undefined && !same(s.actor, str(event, 'who'))) return false;
  if (s.pair !== undefined && s.pair !== pair) return false;
  if (s.ipRange !== undefined && !introducesOnlyInside(parseCidr(s.ipRange), event)) return false;
  return true;
}

/** Severity, fired rules, whether to alert (threshold, then suppressions), what suppressed it. */
export function classify(
  event: SecurityEvent,
  pair: EventPair,
  recognised: boolean,
  config: DetectionSettings,
): Classification {
  const { severity, rules } = evaluateRules(event, pair, recognised, config);
  // Matched below the threshold too: an incident made only of a suppressed source's events (an
  // automation's routine deletions, medium each) is that source's, and is not alerted either.
  const suppression = config.suppressions.find((s) => suppressionMatches(s, event, pair));
  if (suppression) return { severity, rules, alert: false, suppressedBy: suppression.id };
  return { severity, rules, alert: severityRank(severity) >= severityRank(config.alertThreshold) };
}
