// The operator commands as a user runs them (child processes): help with examples, exit codes
// (0 healthy or done, 1 a problem found or nothing found, 2 a usage mistake) and one-line errors.

import { exampleBodies } from '../support/operate-pipeline';
import { lines, type RunningLocal, runCli, startLocal } from './run-cli';

describe('operator commands from the command line', () => {
  it.each(['status', 'rules', 'backtest', 'explain'])(
    '%s --help shows examples',
    async (command) => {
      const run = await runCli([command, '--help']);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Examples:');
      expect(run.stdout).toContain(`$ voiso-sec ${command}`);
    },
  );

  it('status --local without a pipeline is a problem found: exit 1, one line on stderr', async () => {
    const run = await runCli(['status', '--local']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('PROBLEM  local pipeline');
    expect(run.stderr).toMatch(
      /^voiso-sec: 1 problem found: local pipeline: No local pipeline is running: start one with `voiso-sec local`\n$/,
    );
  });

  describe('with a local pipeline', () => {
    let local: RunningLocal;
    const cli = (...args: string[]) => runCli(args, { env: local.env });

    beforeAll(async () => {
      local = await startLocal(['--quiet']);
      const sent = await runCli(['send', '--local', '--file', '-'], {
        env: local.env,
        input: lines(...exampleBodies('attack-timeline.jsonl')),
      });
      expect(sent.code).toBe(0);
      for (let attempt = 0; attempt < 60; attempt++) {
        const incidents = await cli(
          'query',
          '--local',
          '--incidents',
          '--from',
          '2025-06-01T00:00:00Z',
          '--to',
          '2025-07-01T00:00:00Z',
        );
        if (JSON.parse(incidents.stdout).length === 9) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      throw new Error('the pipeline did not store the timeline');
    });

    afterAll(async () => {
      await local?.stop();
    });

    it('status --local is healthy: exit 0, and --json for scripts', async () => {
      const run = await cli('status', '--local', '--json');

      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ healthy: true, problems: [] });
    });

    it('explain: exit 2 for what is not an id, exit 1 for an id found nowhere', async () => {
      const bad = await cli('explain', 'nope', '--local');
      const missing = await cli('explain', 'AAAAAAAAAAAAAAAAAAAAAA', '--local', '--since', '1d');

      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('voiso-sec: ID: expected an event id');
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim().split('\n')).toHaveLength(1);
      expect(missing.stderr).toContain('No event AAAAAAAAAAAAAAAAAAAAAA');
    });

    it('backtest --local --json and explain agree on the incidents', async () => {
      const run = await cli(
        'backtest',
        '--local',
        '--from',
        '2025-05-01T00:00:00Z',
        '--to',
        '2025-07-01T00:00:00Z',
        '--json',
      );
      const document = JSON.parse(run.stdout) as { incidents: { id: string }[] };
      const first = document.incidents[0]?.id ?? '';
      const explained = await cli('explain', first, '--local', '--json');

      expect(run.code).toBe(0);
      expect(document.incidents).toHaveLength(9);
      expect(JSON.parse(explained.stdout)).toMatchObject({
        kind: 'incident',
        incident: { id: first },
      });
    });

    it('query --ip refuses what is not an address', async () => {
      const run = await cli('query', '--local', '--ip', '300.1.1.1');

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--ip: expected an IP address or a CIDR range');
    });
  });
});
