// User mistakes get one line on stderr and exit code 2; a command that ran and failed (an
// unreachable endpoint) exits 1; no stack traces without --debug.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedEnv, runCli } from './run-cli';

const expectUsageError = (run: { code: number | null; stderr: string }, text: string) => {
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(text);
  expect(run.stderr).not.toMatch(/^\s+at /m);
};

describe('errors and exit codes', () => {
  it.each([
    [['no-such-command'], "unknown command 'no-such-command'"],
    [['simulate'], "required option '--input <file>' not specified"],
    [['simulate', '--input', 'does/not/exist.jsonl'], 'file not found: does/not/exist.jsonl'],
    [['simulate', '--input', 'examples', '--json'], 'is a directory'],
    [['simulate', '--input', '-', '--visibility-timeout', 'soon'], '--visibility-timeout'],
    [['simulate', '--input', '-', '--inject-faults', 'disk:x'], '--inject-faults'],
    [['query', '--local', '--since', '3 days'], '--since: expected a duration'],
    [['query', '--local', '--from', 'yesterday'], '--from: not a date'],
    [
      ['query', '--local', '--from', '2025-02-01T00:00:00Z', '--to', '2025-01-01T00:00:00Z'],
      'Bad time range',
    ],
    [
      ['query', '--local', '--since', '1h', '--from', '2025-01-01'],
      'either --since or --from/--to',
    ],
    [['query', '--local', '--since', '99999999999999w'], '--since: 99999999999999w'],
    [['query', '--local', '--type', 'user'], '--type and --event go together'],
    [['query', '--local', '--severity', 'urgent'], '--severity: expected one of info, low'],
    [['query', '--local', '--output', 'xml'], '--output: expected table, json or csv'],
    [['query', '--local', '--limit', '0'], '--limit'],
    [['query', '--local', '--since', '1h'], 'No local pipeline is running'],
    [['send', '--local'], 'exactly one of --sample'],
    [['send', '--local', '--sample', 'app_login/nope'], '--sample: unknown "app_login/nope"'],
    [['redrive', '--local'], 'No local pipeline is running'],
    [['local', '--slack-webhook', 'http://example.com/hook'], '--slack-webhook'],
    [['local', '--sqs-port', 'abc'], '--sqs-port: expected a port number'],
    [
      ['local', '--data-dir', 'package.json'],
      '--data-dir: package.json is a file, not a directory',
    ],
    [
      ['local', '--data-dir', 'package.json/data'],
      '--data-dir: cannot keep the table in package.json/data: part of the path is a file',
    ],
    [['send', '--local', '--sample', 'all', '--callcenter', ''], '--callcenter: must not be empty'],
    [['query', '--local', '--user', ' '], '--user: must not be empty'],
    [['simulate', '--input', ''], '--input: must not be empty'],
    [['simulate', '--input', '-', '--config', 'package.json'], 'has no "voiso-sec" context'],
    [['connection-info', '--local'], 'No local pipeline is running'],
  ])('voiso-sec %j', async (args, message) => {
    const run = await runCli(args);

    expectUsageError(run, message);
  });

  it.each([
    [['query', '--bogus'], "voiso-sec: unknown option '--bogus' (see voiso-sec query --help)"],
    [
      ['query', '--limt', '3'],
      "voiso-sec: unknown option '--limt'; did you mean --limit? (see voiso-sec query --help)",
    ],
    [['bogus'], "voiso-sec: unknown command 'bogus' (see voiso-sec --help)"],
    [
      ['simulate'],
      "voiso-sec: required option '--input <file>' not specified (see voiso-sec simulate --help)",
    ],
  ])("words commander's errors like the CLI's own: %j", async (args, line) => {
    const run = await runCli(args);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${line}\n`);
  });

  it('names configuration problems with the same path notation as synth', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voiso-sec-detection-'));
    writeFileSync(join(dir, 'detection.json'), '[]');

    const run = await runCli([
      'simulate',
      '--input',
      '-',
      '--detection-config',
      join(dir, 'detection.json'),
    ]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('  - (top level): ');
  });

  it.each([
    ['send', '--sample', 'all', '--queue-url', 'http://127.0.0.1:1/000000000000/q'],
    ['query', '--table', 'events', '--output', 'json'],
  ])('exits 1, not 2, when the endpoint refuses the connection: %s', async (...args) => {
    const env = isolatedEnv({ AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' });

    const run = await runCli(
      [...args, '--endpoint', 'http://127.0.0.1:1', '--region', 'eu-west-1'],
      {
        env,
      },
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'voiso-sec: Cannot reach the endpoint (connect ECONNREFUSED 127.0.0.1:1)\n',
    );
  });

  it('names the profile that was not found', async () => {
    const home = mkdtempSync(join(tmpdir(), 'voiso-sec-aws-'));
    writeFileSync(join(home, 'config'), '[profile other]\nregion = eu-west-1\n');
    const env = isolatedEnv({ AWS_CONFIG_FILE: join(home, 'config') });

    const run = await runCli(['connection-info', '--profile', 'nosuchprofile'], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('AWS profile "nosuchprofile" not found in ');
    expect(run.stderr).not.toContain('pass --profile');
  });

  it('says when there are no AWS credentials', async () => {
    const run = await runCli(['connection-info', '--region', 'eu-west-1']);

    expectUsageError(run, 'No AWS credentials found');
  });

  it('prints a stack trace only with --debug', async () => {
    const run = await runCli(['--debug', 'query', '--local', '--since', '1h']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^\s+at /m);
  });

  it.each(['simulate', 'local', 'send', 'query', 'connection-info', 'redrive'])(
    '%s --help shows examples',
    async (command) => {
      const run = await runCli([command, '--help']);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Examples:');
    },
  );

  it('query --help says --user is case-sensitive', async () => {
    const run = await runCli(['query', '--help']);

    expect(run.stdout).toMatch(/--user <email>.*case-sensitive/);
  });

  it.each(['simulate', 'local'])('%s --help explains --config and cdk.json', async (command) => {
    const run = await runCli([command, '--help']);

    expect(run.stdout).toContain('--config <file>');
    expect(run.stdout).toContain('cdk.json');
  });
});
