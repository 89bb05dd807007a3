// Severity at the edges the table tests do not reach: rules given explicitly (ties, none fired,
// a pair not recognised), events the schema would not let through to a rule (no `who`), and
// suppressions and ranges that are not what they seem (padding, invalid, mapped lookalikes).
import { DEFAULT_DETECTION_SETTINGS, type Suppression } from '../../contract/config';
import type { EventPair } from '../../contract/pairs';
import type { SecurityEvent } from '../../lambda/core/model';
import {
  evaluateRules,
  isWideRange,
  type SeverityRule,
  suppressionMatches,
  UNRECOGNISED_RULE,
  UNRECOGNISED_SEVERITY,
} from '../../lambda/core/severity';

const event = (type: string, name: string, params: Record<string, unknown>): SecurityEvent => ({
  timestamp: '2025-06-02T08:00:00Z',
  type,
  event: name,
  callcenter: 'acme',
  params,
});

const PAIR = 'user/password_changed' as EventPair;
const rule = (id: string, severity: SeverityRule['severity']): SeverityRule => ({
  id,
  pair: PAIR,
  severity,
  description: id,
});

describe('evaluateRules with rules given', () => {
  const settings = DEFAULT_DETECTION_SETTINGS;
  const changed = event('user', 'password_changed', { user: 'dana' });

  it('keeps table order among rules of equal severity, the most severe first', () => {
    // Act
    const result = evaluateRules(changed, PAIR, true, settings, [
      rule('first', 'medium'),
      rule('second', 'medium'),
      rule('worst', 'high'),
      rule('third', 'medium'),
    ]);
    // Assert
    expect(result).toEqual({ severity: 'high', rules: ['worst', 'first', 'second', 'third'] });
  });

  it('answers the unrecognised severity when no rule of the pair fires', () => {
    expect(evaluateRules(changed, PAIR, true, settings, [])).toEqual({
      severity: UNRECOGNISED_SEVERITY,
      rules: [UNRECOGNISED_RULE],
    });
  });

  it('never applies a rule to a pair that is not recognised', () => {
    expect(evaluateRules(changed, PAIR, false, settings, [rule('named', 'critical')])).toEqual({
      severity: UNRECOGNISED_SEVERITY,
      rules: [UNRECOGNISED_RULE],
    });
  });

  it('does not call a password change without a `who` a change by someone else', () => {
    // The schema requires `who`; the rule must not depend on that to be right.
    const { rules } = evaluateRules(changed, PAIR, true, settings);
    expect(rules).not.toContain('password-changed-by-other');
    expect(
      evaluateRules({ ...changed, params: { user: 'dana', who: 'bob' } }, PAIR, true, settings)
        .rules,
    ).toContain('password-changed-by-other');
  });
});

describe('suppressions at their edges', () => {
  const suppression = (fields: Partial<Suppression>): Suppression =>
    ({ id: 's-1', reason: 'test', ...fields }) as Suppression;
  const login = event('app_login', 'successful_login', { user: ' DANA@acme.com', ip: '10.0.0.1' });

  it('matches a user with other case and padding on either side', () => {
    const pair = 'app_login/successful_login' as EventPair;
    expect(suppressionMatches(suppression({ user: 'dana@ACME.com ' }), login, pair)).toBe(true);
    expect(suppressionMatches(suppression({ user: 'dan@acme.com' }), login, pair)).toBe(false);
  });

  it('never matches with a range that does not parse', () => {
    const pair = 'app_login/successful_login' as EventPair;
    expect(suppressionMatches(suppression({ ipRange: 'not-a-range' }), login, pair)).toBe(false);
    expect(suppressionMatches(suppression({ ipRange: '10.0.0.0/8' }), login, pair)).toBe(true);
  });
});

describe('isWideRange', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['not-a-range', false],
    ['10.0.0.0/15', true],
    ['10.0.0.0/16', false],
    ['::ffff:10.0.0.0/111', true],
    ['::ffff:10.0.0.0/112', false],
    // '::ffff:' inside an address, not leading it, is not an IPv4-mapped range.
    ['2001:db8::ffff:0:0/100', false],
    ['2001:db8::/47', true],
    ['2001:db8::/48', false],
  ])('%s -> %s', (range, wide) => {
    expect(isWideRange(range)).toBe(wide);
  });
});
