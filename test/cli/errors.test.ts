// User mistakes get one line on stderr and exit code 2; no stack traces without --debug.
import { runCli } from './run-cli';

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
  ])('voiso-sec %j', async (args, message) => {
    const run = await runCli(args);

    expectUsageError(run, message);
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
