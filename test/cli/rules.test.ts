// `voiso-sec rules`: the effective rule set of a configuration, from the core's own rules and
// the engine's own tunings, with the settings that are probably typos.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { effectiveRules, formatRules, runRules } from '../../cli/commands/rules';
import { DEFAULT_DETECTION_SETTINGS, parseDetectionSettings } from '../../contract/config';
import { DETECTION_IDS } from '../../contract/detections';
import { DEFAULT_RULES } from '../../lambda/core/severity';
import { runCli } from './run-cli';

const file = (name: string, content: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'voiso-sec-rules-')), name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe('rules', () => {
  it('lists every single-event rule and detection with the defaults', () => {
    const set = effectiveRules(DEFAULT_DETECTION_SETTINGS, 'defaults', []);

    expect(set.rules.map((r) => r.id)).toEqual(DEFAULT_RULES.map((r) => r.id));
    expect(set.detections.map((d) => d.id)).toEqual(DETECTION_IDS);
    expect(set.rules.find((r) => r.id === 'incorrect-password-burst')).toEqual({
      id: 'incorrect-password-burst',
      pair: 'app_login/incorrect_password',
      severity: 'critical',
      condition: '10 or more failed logins',
      base: false,
      evidence: ['count'],
      alerts: 'yes',
    });
    expect(set.rules.find((r) => r.id === 'successful-login')?.alerts).toBe('no');
    expect(set.detections.find((d) => d.id === 'brute-force')).toMatchObject({
      enabled: true,
      windowMinutes: 15,
      threshold: 20,
      severity: 'critical',
      alerts: 'yes',
      tuned: [],
    });
    // new-source is medium: below the default threshold, except for an admin (one level up).
    expect(set.detections.find((d) => d.id === 'new-source')?.alerts).toBe('admins');
    expect(set).toMatchObject({ alertThreshold: 'high', foldingWindowMinutes: 10 });
  });

  it('applies overrides, tunings, the threshold and suppressions', () => {
    const settings = parseDetectionSettings({
      alertThreshold: 'medium',
      foldingWindowMinutes: 0,
      severityOverrides: { 'user/password_changed': 'high' },
      detections: { 'brute-force': { threshold: 30 }, 'new-source': { enabled: false } },
      suppressions: [{ id: 'robot', actor: 'robot@acme.example', reason: 'nightly cleanup' }],
    });

    const set = effectiveRules(settings, 'test', []);

    expect(
      set.rules.filter((r) => r.pair === 'user/password_changed').map((r) => r.alerts),
    ).toEqual(['overridden', 'overridden', 'overridden']);
    expect(set.rules.find((r) => r.id === 'user-added')?.alerts).toBe('yes');
    expect(set.overrides).toEqual([
      { pair: 'user/password_changed', severity: 'high', documented: true },
    ]);
    expect(set.detections.find((d) => d.id === 'brute-force')?.tuned).toEqual([
      'threshold (default 20)',
    ]);
    expect(set.detections.find((d) => d.id === 'new-source')).toMatchObject({
      enabled: false,
      alerts: 'no',
      tuned: ['off'],
    });
    const text = formatRules(set);
    expect(text).toContain('Folding: off');
    expect(text).toContain('robot: actor=robot@acme.example (nightly cleanup)');
  });

  it('reports a misspelled pair with what it was probably meant to be, from either kind of file', () => {
    const settings = {
      severityOverrides: { 'app_login/successfull_login': 'low' },
      suppressions: [{ id: 'robot', pair: 'user/user_delete' }],
    };
    const detectionFile = file('detection.json', settings);
    const cdkFile = file('cdk.json', { context: { 'voiso-sec': settings } });

    for (const config of [detectionFile, cdkFile]) {
      const set = runRules({ config });

      expect(set.warnings).toEqual([
        expect.stringContaining(
          'severityOverrides.app_login/successfull_login: "app_login/successfull_login" is not one of the documented Voiso events, so it applies only if Voiso starts sending it; did you mean "app_login/successful_login"?',
        ),
        expect.stringContaining(
          'suppressions.0.pair: "user/user_delete" is not one of the documented Voiso events',
        ),
      ]);
      expect(set.warnings[1]).toContain('did you mean "user/user_deleted"?');
      expect(formatRules(set)).toContain('Warnings (2 settings probably not meant):');
    }
  });

  it('prints JSON, and refuses an invalid configuration as a usage error', async () => {
    const ok = await runCli(['rules', '--json', '--config', 'examples/detection-config.json']);
    const bad = await runCli(['rules', '--config', file('bad.json', { alertThreshold: 'loud' })]);

    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ alertThreshold: expect.any(String) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^voiso-sec: --config: .*bad\.json: Invalid detection configuration/,
    );
    expect(bad.stderr).toContain('alertThreshold');
  });
});
