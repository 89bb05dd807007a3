// A configured pair that is not one of Voiso's documented events is valid (Voiso may add it
// tomorrow) but most often a typo that silently matches nothing: synth and the CLI warn, with a
// suggestion when a documented pair is close.
import {
  ConfigurationError,
  configPath,
  configurationWarnings,
  parseConfig,
  parseDetectionSettings,
} from '../../contract/config';
import { closestKnownPair, KNOWN_PAIRS } from '../../contract/pairs';

describe('closestKnownPair', () => {
  it.each([
    ['app_login/successfull_login', 'app_login/successful_login'],
    ['allowed_ip/ip_change', 'allowed_ip/ip_changed'],
    ['app_logn/ip_changed', 'app_login/ip_changed'],
    ['User/User_Added', 'user/user_added'],
  ])('suggests %s -> %s', (typo, pair) => {
    expect(closestKnownPair(typo)).toBe(pair);
  });

  it.each(['app_login/passkey_registered', 'billing/invoice_paid', 'a/b'])(
    'suggests nothing for %s, which is not close to any documented pair',
    (pair) => {
      expect(closestKnownPair(pair)).toBeUndefined();
    },
  );

  it('suggests every documented pair for itself', () => {
    for (const pair of KNOWN_PAIRS) expect(closestKnownPair(pair)).toBe(pair);
  });
});

describe('configurationWarnings', () => {
  it('is silent for documented pairs', () => {
    const config = parseConfig({
      severityOverrides: { 'app_login/successful_login': 'low' },
      suppressions: [{ id: 'office', pair: 'app_login/ip_changed', ipRange: '203.0.113.0/24' }],
    });

    expect(configurationWarnings(config)).toEqual([]);
  });

  it('warns on an unknown override key and suppression pair, with a "did you mean"', () => {
    const config = parseConfig({
      severityOverrides: { 'app_login/successfull_login': 'high' },
      suppressions: [
        { id: 'office', pair: 'app_login/ip_changed' },
        { id: 'bot', pair: 'user/useradded', actor: 'bot@example.com' },
      ],
    });

    expect(configurationWarnings(config)).toEqual([
      'severityOverrides.app_login/successfull_login: "app_login/successfull_login" is not one of the documented Voiso events, so it applies only if Voiso starts sending it; did you mean "app_login/successful_login"?',
      'suppressions.1.pair: "user/useradded" is not one of the documented Voiso events, so it applies only if Voiso starts sending it; did you mean "user/user_added"?',
    ]);
  });

  it('warns without a suggestion for a pair Voiso might add', () => {
    const settings = parseDetectionSettings({
      severityOverrides: { 'app_login/passkey_registered': 'medium' },
    });

    expect(configurationWarnings(settings)).toEqual([
      'severityOverrides.app_login/passkey_registered: "app_login/passkey_registered" is not one of the documented Voiso events, so it applies only if Voiso starts sending it',
    ]);
  });
});

describe('configPath: one notation for every configuration message', () => {
  it('joins a path with dots and names the whole value (top level)', () => {
    expect(configPath(['suppressions', 0, 'pair'])).toBe('suppressions.0.pair');
    expect(configPath([])).toBe('(top level)');
  });

  it.each([
    ['the synth configuration', () => parseConfig([1])],
    ['the detection settings', () => parseDetectionSettings('not json')],
  ])('is what %s errors use', (_, parse) => {
    expect(parse).toThrow(ConfigurationError);
    expect(parse).toThrow('  - (top level): ');
  });
});
