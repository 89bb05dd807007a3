// `voiso-sec local` with `send`, `query` and `redrive` against it, each a child process: the
// audit queries over the real indexes, and a transient failure that ends in the DLQ and is
// then redriven into the table.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { voisoEventBody } from '../../lambda/testing/factories';
import { lines, type RunningLocal, runCli, startLocal } from './run-cli';

type Row = Record<string, unknown> & { params: Record<string, unknown> };

const EVENTS = [
  voisoEventBody('app_login/successful_login', { timestamp: '2025-03-14T08:00:00Z' }),
  voisoEventBody('app_login/incorrect_password', {
    timestamp: '2025-03-14T08:01:00Z',
    params: { user: 'maria.lopez@example.com', access_group: 'admin', count: '4' },
  }),
  voisoEventBody('user/user_added', {
    timestamp: '2025-03-14T08:02:00Z',
    params: {
      who: 'maria.lopez@example.com',
      user: 'new.agent@example.com',
      access_group: 'agent',
    },
  }),
  voisoEventBody('allowed_ip/ip_removed', {
    timestamp: '2025-03-14T08:03:00Z',
    callcenter: 'globex',
    params: { who: 'ops@example.org', access_group: 'supervisor', ip: '192.0.2.0/24' },
  }),
  'not json',
];
const FLAKY = voisoEventBody('app_login/deleted_user', {
  timestamp: '2025-03-14T08:04:00Z',
  params: { user: 'flaky@example.com', access_group: 'agent' },
});
const RANGE = ['--from', '2025-03-14T00:00:00Z', '--to', '2025-03-15T00:00:00Z'];

describe('the local pipeline', () => {
  let local: RunningLocal;

  const cli = (...args: string[]) => runCli(args, { env: local.env });
  const query = async (...args: string[]): Promise<Row[]> => {
    const run = await cli('query', '--local', ...RANGE, '--output', 'json', ...args);
    if (run.code !== 0) throw new Error(run.stderr);
    return JSON.parse(run.stdout) as Row[];
  };
  const until = async (check: () => Promise<boolean>) => {
    for (let attempt = 0; attempt < 60; attempt++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error('condition not reached in 30 s');
  };

  beforeAll(async () => {
    // The flaky event fails exactly maxReceiveCount (5) times: into the DLQ, then fine.
    local = await startLocal(['--visibility-timeout', '1', '--inject-faults', 'store:flaky@:5']);
    const sent = await runCli(['send', '--local', '--file', '-'], {
      env: local.env,
      input: lines(...EVENTS, FLAKY),
    });
    expect(sent.code).toBe(0);
    await until(async () => (await query()).length === 4);
  });

  afterAll(async () => {
    await local?.stop();
  });

  it('prints its endpoint, queue URL and credentials', () => {
    expect(local.output()).toMatch(/SQS endpoint: +http:\/\/127\.0\.0\.1:\d+/);
    expect(local.output()).toContain('Access key ID:');
  });

  it('queries one call center', async () => {
    const rows = await query('--callcenter', 'globex');

    expect(rows.map((r) => r.event)).toEqual(['ip_removed']);
  });

  it('queries a user as subject and as actor', async () => {
    const rows = await query('--user', 'maria.lopez@example.com');

    expect(rows.map((r) => r.event)).toEqual(['incorrect_password', 'user_added']);
  });

  it('queries one type/event pair', async () => {
    const rows = await query('--type', 'user', '--event', 'user_added');

    expect(rows.map((r) => r.params.user)).toEqual(['new.agent@example.com']);
  });

  it('queries at or above a severity', async () => {
    const rows = await query('--severity', 'medium');

    expect(rows.map((r) => r.severity)).toEqual(['critical', 'medium', 'medium']);
  });

  it('honours --limit and the time range', async () => {
    const limited = await query('--limit', '2');
    const outside = await runCli(
      [
        'query',
        '--local',
        '--from',
        '2024-01-01T00:00:00Z',
        '--to',
        '2024-02-01T00:00:00Z',
        '--output',
        'json',
      ],
      { env: local.env },
    );

    expect(limited.map((r) => r.timestamp)).toEqual([
      '2025-03-14T08:00:00Z',
      '2025-03-14T08:01:00Z',
    ]);
    expect(JSON.parse(outside.stdout)).toEqual([]);
  });

  it('lists quarantined messages', async () => {
    const run = await cli('query', '--local', '--quarantined', '--since', '1d', '--output', 'json');

    expect((JSON.parse(run.stdout) as Row[]).map((r) => r.body)).toEqual(['not json']);
  });

  it('writes CSV', async () => {
    const run = await cli(
      'query',
      '--local',
      ...RANGE,
      '--callcenter',
      'globex',
      '--output',
      'csv',
    );

    expect(run.stdout.split('\r\n')[0]).toBe(
      // The original columns, then who sent the message (the SQS SenderId).
      'time,callcenter,severity,type,event,user,who,params,rules,sender',
    );
    expect(run.stdout).toContain('globex,medium,allowed_ip,ip_removed');
  });

  it('prints one line per batch: stored, quarantined, retried, dead-lettered', async () => {
    await until(async () => local.output().includes('dead-lettered after 5 failed receives'));

    const batches = local
      .output()
      .split('\n')
      .filter((line) => / batch of /.test(line));
    expect(batches.join('\n')).toMatch(/batch of \d+ messages: .*4 stored.*1 quarantined/);
    expect(batches.join('\n')).toContain('1 failed, to be retried');
    expect(batches.at(-1)).toMatch(
      /^\[[^\]]+\] batch of 1 message: 1 dead-lettered after 5 failed receives$/,
    );
  });

  it('connection-info --local prints the endpoint, queue URL and test credentials', async () => {
    const text = await cli('connection-info', '--local');
    const json = await cli('connection-info', '--local', '--json');

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/SQS endpoint: +http:\/\/127\.0\.0\.1:\d+/);
    expect(text.stdout).toMatch(/Queue URL: +http:\/\/127\.0\.0\.1:\d+\/\d+\/voiso-sec-events\n/);
    expect(text.stdout).toMatch(/Access Key ID: +local\n {2}Access Key Secret: +local/);
    expect(JSON.parse(json.stdout)).toMatchObject({
      accessKeyId: 'local',
      secretAccessKey: 'local',
      region: 'us-east-1',
      endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
  });

  it('refuses a second local on the same state file, and the first keeps working', async () => {
    const second = await cli('local');

    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      `voiso-sec: Another voiso-sec local is running (pid ${local.process.pid};`,
    );
    expect(await query('--callcenter', 'globex')).toHaveLength(1);
  });

  it('refuses a line SQS would refuse, in the same words as simulate', async () => {
    const valid = voisoEventBody('app_login/successful_login', {
      timestamp: '2024-01-01T00:00:00Z',
    });

    const run = await runCli(['send', '--local', '--file', '-'], {
      env: local.env,
      input: lines(valid, 'a bell \u0007 rings'),
    });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Sent 1 of 2 messages to ');
    expect(run.stdout).toContain(
      '  line 2 refused: contains a character SQS does not accept in a message body (U+0007 at character 8)',
    );
    expect(run.stderr).toBe('voiso-sec: 1 message not sent\n');
  });

  it('refuses a pretty-printed file instead of sending its lines', async () => {
    const run = await runCli(['send', '--local', '--file', '-'], {
      env: local.env,
      input: JSON.stringify([JSON.parse(EVENTS[0] ?? '')], null, 2),
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected JSON Lines: one message per line');
  });

  it('prints a table that fits the terminal, IP values in their own column', async () => {
    const run = await runCli(
      ['query', '--local', ...RANGE, '--callcenter', 'globex', '--output', 'table'],
      { env: { ...local.env, COLUMNS: '100' } },
    );

    const [header, , row] = run.stdout.split('\n');
    expect(header).toMatch(/^time +severity +type\/event +who +ip$/);
    expect(run.stdout).toContain('(callcenter, params, rules, sender hidden to fit 100 columns;');
    expect(row).toMatch(/allowed_ip\/ip_removed +ops@example\.org +192\.0\.2\.0\/24$/);
    for (const line of run.stdout.trimEnd().split('\n'))
      expect(line.length).toBeLessThanOrEqual(100);
  });

  it('says how many items --limit held back, in words that fit the count', async () => {
    const run = await cli('query', '--local', ...RANGE, '--output', 'json', '--limit', '1');

    expect(run.stderr).toBe('(showing the first 1 item; raise --limit for more)\n');
  });

  it('redrives a dead-lettered message into the table', async () => {
    // Wait until the flaky message has used up its receives and sits in the DLQ.
    await until(async () => {
      const run = await cli('redrive', '--local', '--no-wait');
      return run.stdout.includes('Moving about 1 message ');
    });

    await until(async () => (await query('--user', 'flaky@example.com')).length === 1);

    const rows = await query('--user', 'flaky@example.com');
    expect(rows[0]?.event).toBe('deleted_user');
    expect(local.output()).toContain('ALERT alerts high');
  });
});

/** A stand-in for Slack's incoming webhook that keeps every posted body. */
async function slackReceiver() {
  const posts: string[] = [];
  const receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      posts.push(body);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  return { posts, url: `http://127.0.0.1:${port}/hook/SECRET-PART`, close: () => receiver.close() };
}

const waitForPost = async (posts: readonly string[]) => {
  for (let i = 0; i < 60 && posts.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/** What `ps` shows for a process (Linux): its command line. */
const commandLineOf = (pid: number | undefined) =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\u0000', ' ');

describe('local with the webhook kept off the command line', () => {
  it.each(['VOISO_SEC_SLACK_WEBHOOK', '--slack-webhook-file'] as const)(
    'posts alerts with the webhook URL from %s, never printing it',
    async (form) => {
      const slack = await slackReceiver();
      const dir = mkdtempSync(join(tmpdir(), 'voiso-sec-webhook-'));
      const file = join(dir, 'slack-webhook');
      writeFileSync(file, `${slack.url}\n`, { mode: 0o600 });
      const local =
        form === 'VOISO_SEC_SLACK_WEBHOOK'
          ? await startLocal([], { VOISO_SEC_SLACK_WEBHOOK: slack.url })
          : await startLocal(['--slack-webhook-file', file]);
      try {
        await runCli(['send', '--local', '--sample', 'app_login/deleted_user'], {
          env: local.env,
        });
        await waitForPost(slack.posts);

        expect(slack.posts).toHaveLength(1);
        expect(local.output()).toContain('Slack:             alerts posted (webhook from');
        expect(local.output()).not.toContain('SECRET-PART');
        expect(commandLineOf(local.process.pid)).not.toContain('SECRET-PART');
      } finally {
        await local.stop();
        slack.close();
      }
    },
  );

  it('still takes --slack-webhook, warns, and takes the URL out of the process list', async () => {
    const slack = await slackReceiver();
    const local = await startLocal(['--slack-webhook', slack.url]);
    try {
      // The title is set once the options are read; the banner comes after it.
      expect(commandLineOf(local.process.pid)).not.toContain('SECRET-PART');
      expect(local.output()).toContain('prefer VOISO_SEC_SLACK_WEBHOOK or --slack-webhook-file');
    } finally {
      await local.stop();
      slack.close();
    }
  });
});

describe('local --quiet', () => {
  it('prints alerts but no line per batch', async () => {
    const local = await startLocal(['--quiet']);
    try {
      await runCli(['send', '--local', '--file', '-'], {
        env: local.env,
        input: lines(EVENTS[1] ?? ''),
      });
      for (let i = 0; i < 60 && !local.output().includes('ALERT'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }

      expect(local.output()).toContain('ALERT alerts critical');
      expect(local.output()).not.toContain('batch of');
    } finally {
      await local.stop();
    }
  });
});

describe('local --slack-webhook', () => {
  it('posts alerts through the Slack formatter, escaping event text', async () => {
    const posts: string[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        posts.push(body);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    const local = await startLocal(['--slack-webhook', `http://127.0.0.1:${port}/hook`]);
    try {
      const hostile = voisoEventBody('app_login/deleted_user', {
        params: { user: '<!channel> <@U123>@example.com', access_group: 'agent' },
      });

      await runCli(['send', '--local', '--file', '-'], { env: local.env, input: lines(hostile) });
      for (let i = 0; i < 60 && posts.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }

      expect(posts).toHaveLength(1);
      expect(posts[0]).toContain('&lt;!channel&gt;');
      expect(posts[0]).not.toContain('<!channel>');
    } finally {
      await local.stop();
      receiver.close();
    }
  });
});
