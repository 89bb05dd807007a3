// `voiso-sec simulate` end to end: the CLI in a child process, the real handler, emulators.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { SimulationResult } from '../../cli/commands/simulate';
import { voisoEventBody } from '../../lambda/testing/factories';
import { lines, runCli } from './run-cli';

const EXAMPLES = 'examples/voiso-events.jsonl';

const parse = (stdout: string): SimulationResult => JSON.parse(stdout) as SimulationResult;

function expectInvariant(result: SimulationResult): void {
  const { summary } = result;
  expect(summary.sent).toBe(
    summary.stored + summary.duplicates + summary.quarantined + summary.deadLettered,
  );
  expect(result.stored).toHaveLength(summary.stored);
  expect(result.quarantined).toHaveLength(summary.quarantined);
  expect(result.deadLettered).toHaveLength(summary.deadLettered);
  expect(result.alerts).toHaveLength(summary.alerts);
}

describe('simulate --json on the examples', () => {
  let result: SimulationResult;
  let stderr: string;
  let code: number | null;

  beforeAll(async () => {
    const run = await runCli(['simulate', '--input', EXAMPLES, '--json']);
    code = run.code;
    stderr = run.stderr;
    result = parse(run.stdout);
  });

  it('exits 0 with a quiet stderr', () => {
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it('accounts for every message', () => {
    expect(result.summary).toMatchObject({
      sent: 18,
      stored: 14,
      duplicates: 1,
      quarantined: 3,
      deadLettered: 0,
    });
    expectInvariant(result);
  });

  it('classifies the documented events by the default rules', () => {
    const severityOf = (type: string, event: string, user: string) =>
      result.stored.find((e) => e.type === type && e.event === event && e.params.user === user)
        ?.severity;

    expect(severityOf('app_login', 'successful_login', 'john.smith@example.com')).toBe('info');
    expect(severityOf('app_login', 'incorrect_password', 'maria.lopez@example.com')).toBe(
      'critical',
    );
    expect(severityOf('app_login', 'deleted_user', 'former.agent@example.com')).toBe('high');
    expect(severityOf('user', 'password_changed', 'john.smith@example.com')).toBe('low');
    expect(severityOf('user', 'privileges_updated', 'john.smith@example.com')).toBe('critical');
  });

  it('stores the unknown future event as unrecognised', () => {
    const unknown = result.stored.filter((e) => !e.recognised);

    expect(unknown.map((e) => `${e.type}/${e.event}`)).toEqual(['app_login/passkey_registered']);
  });

  it('lists stored events in table order with normalised timestamps', () => {
    const keys = result.stored.map((e) => `${e.callcenter}\u0000${e.timestamp}`);

    expect(keys).toEqual([...keys].sort());
    for (const e of result.stored)
      expect(e.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
    expect(result.stored.map((e) => e.timestamp)).toContain('2025-03-14T08:15:00.120000000Z');
  });

  it('alerts at or above high, critical ones on both topics', () => {
    const critical = result.alerts.filter((a) => a.severity === 'critical');

    expect(result.alerts.every((a) => a.severity === 'high' || a.severity === 'critical')).toBe(
      true,
    );
    expect(critical.filter((a) => a.topic === 'critical')).toHaveLength(
      critical.filter((a) => a.topic === 'alerts').length,
    );
    expect(result.alerts[0]?.attributes).toMatchObject({ type: 'app_login', callcenter: 'acme' });
  });

  it('quarantines the malformed lines with a reason each', () => {
    const bodies = result.quarantined.map((q) => q.body);

    expect(bodies).toContain('this is not JSON at all');
    for (const q of result.quarantined) expect(q.reason.length).toBeGreaterThan(0);
  });
});

describe('simulate on other input', () => {
  it('reads standard input and prints a summary for a person', async () => {
    const input = lines(
      voisoEventBody('app_login/successful_login'),
      voisoEventBody('app_login/successful_login'),
      '',
      'not json',
    );

    const run = await runCli(['simulate', '--input', '-'], { input });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Sent 3 messages: 1 stored, 1 duplicate, 1 quarantined');
    expect(run.stdout).toContain('app_login/successful_login');
  });

  it('keeps the invariant for hostile lines', async () => {
    const hostile = fc.sample(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.json(),
        fc.constantFrom(
          '{}',
          '[]',
          'null',
          '{"timestamp":1}',
          voisoEventBody('app_login/successful_login', { callcenter: 'a#b' }),
        ),
      ),
      { numRuns: 60, seed: 42 },
    );

    const inputLines = hostile.map((s) => s.replaceAll('\n', ' '));

    const run = await runCli(['simulate', '--input', '-', '--json'], {
      input: lines(...inputLines),
    });

    expect(run.code).toBe(0);
    const result = parse(run.stdout);
    expectInvariant(result);
    // Every line but an empty one (or a lone CRLF terminator) is a message, blank or not.
    expect(result.summary.sent + result.summary.rejected).toBe(
      inputLines.filter((line) => line !== '' && line !== '\r').length,
    );
  });

  it('sends a whitespace-only line verbatim and quarantines it', async () => {
    const input = lines(voisoEventBody('app_login/successful_login'), ' \t ', '');

    const run = await runCli(['simulate', '--input', '-', '--json'], { input });

    const result = parse(run.stdout);
    expect(result.summary).toMatchObject({ sent: 2, stored: 1, quarantined: 1 });
    expect(result.quarantined.map((q) => q.body)).toEqual([' \t ']);
  });

  it('sends a message that keeps failing to the dead-letter queue', async () => {
    const failing = voisoEventBody('app_login/successful_login', {
      params: { user: 'unlucky@example.com', access_group: 'agent' },
    });
    const input = lines(voisoEventBody('app_login/successful_login'), failing);

    const run = await runCli(
      ['simulate', '--input', '-', '--json', '--visibility-timeout', '1'].concat(
        '--inject-faults',
        'store:unlucky@',
      ),
      { input },
    );

    const result = parse(run.stdout);
    expect(result.summary).toMatchObject({ sent: 2, stored: 1, deadLettered: 1 });
    expect(result.deadLettered).toEqual([{ body: failing }]);
  });
});

describe('simulate --detection-config', () => {
  it('stores a suppressed event with its severity but does not alert on it', async () => {
    const config = JSON.stringify({
      suppressions: [{ id: 'bot', reason: 'provisioning job', actor: 'bot@example.com' }],
    });
    const file = join(mkdtempSync(join(tmpdir(), 'voiso-sec-config-')), 'detection.json');
    writeFileSync(file, config);
    const input = lines(
      voisoEventBody('user/privileges_updated', {
        params: { who: 'bot@example.com', user: 'x@example.com', from: 'agent', to: 'admin' },
      }),
    );

    const run = await runCli(['simulate', '--input', '-', '--json', '--detection-config', file], {
      input,
    });

    const result = parse(run.stdout);
    expect(result.stored[0]).toMatchObject({ severity: 'critical', suppressedBy: 'bot' });
    expect(result.alerts).toEqual([]);
  });
});
