// `voiso-sec simulate` end to end: the CLI in a child process, the real handler, emulators.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { SimulationResult, StoredEventView } from '../../cli/commands/simulate';
import { voisoEventBody } from '../../lambda/testing/factories';
import { lines, runCli } from './run-cli';

const EXAMPLES = 'examples/voiso-events.jsonl';

const parse = (stdout: string): SimulationResult => JSON.parse(stdout) as SimulationResult;

/** The bodies simulate sends for an input: one per non-empty line, its line ending removed. */
const bodiesOf = (input: string) =>
  input
    .split('\n')
    .map((line, index) => ({
      line: index + 1,
      body: line.endsWith('\r') ? line.slice(0, -1) : line,
    }))
    .filter((entry) => entry.body !== '');

/** Whether a stored event is the one a body carries (Voiso's string count is stored as a number). */
function carries(body: string, stored: StoredEventView): boolean {
  let sent: Record<string, unknown>;
  try {
    sent = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (sent === null || typeof sent !== 'object') return false;
  const params = { ...(sent.params as Record<string, unknown>) };
  if (typeof params.count === 'string' && /^[0-9]+$/.test(params.count)) {
    params.count = Number(params.count);
  }
  return (
    sent.callcenter === stored.callcenter &&
    sent.timestamp === stored.originalTimestamp &&
    sent.type === stored.type &&
    sent.event === stored.event &&
    isDeepStrictEqual(params, stored.params)
  );
}

/** Removes one copy of `body` from `bodies`; false when there is none. */
function take(bodies: string[], body: string): boolean {
  const index = bodies.indexOf(body);
  if (index === -1) return false;
  bodies.splice(index, 1);
  return true;
}

/**
 * Where every message actually ended, from the table and the dead-letter queue (what the JSON
 * lists from them), not from the counters: each body SQS accepted is dead-lettered, quarantined
 * with its exact body, or carried by a stored event; nothing else is in either place; and the
 * summary's counts are the ones that follow.
 */
function expectEveryMessageAccountedFor(input: string, result: SimulationResult): void {
  const refused = new Set(result.rejected.map((r) => r.line));
  const sent = bodiesOf(input).filter((entry) => !refused.has(entry.line));
  const quarantined = result.quarantined.map((q) => q.body);
  const deadLettered = result.deadLettered.map((d) => d.body);
  const carriers = new Map<StoredEventView, number>();
  for (const { line, body } of sent) {
    if (take(deadLettered, body) || take(quarantined, body)) continue;
    const stored = result.stored.filter((event) => carries(body, event));
    expect({ line, body, storedAs: stored.length }).toEqual({ line, body, storedAs: 1 });
    for (const event of stored) carriers.set(event, (carriers.get(event) ?? 0) + 1);
  }
  expect({ quarantinedFromNowhere: quarantined, deadLetteredFromNowhere: deadLettered }).toEqual({
    quarantinedFromNowhere: [],
    deadLetteredFromNowhere: [],
  });
  expect(result.stored.filter((event) => !carriers.has(event))).toEqual([]);
  const storedBodies = [...carriers.values()].reduce((sum, n) => sum + n, 0);
  expect(result.summary).toMatchObject({
    sent: sent.length,
    stored: result.stored.length,
    duplicates: storedBodies - result.stored.length,
    quarantined: result.quarantined.length,
    deadLettered: result.deadLettered.length,
    alerts: result.alerts.length,
  });
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
    expectEveryMessageAccountedFor(readFileSync(EXAMPLES, 'utf8'), result);
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
      { numRuns: 60 },
    );

    const inputLines = hostile.map((s) => s.replaceAll('\n', ' '));

    const run = await runCli(['simulate', '--input', '-', '--json'], {
      input: lines(...inputLines),
    });

    expect(run.code).toBe(0);
    const result = parse(run.stdout);
    expectEveryMessageAccountedFor(lines(...inputLines), result);
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
    expectEveryMessageAccountedFor(input, result);
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
    expect(result.deadLettered).toEqual([{ line: 2, body: failing }]);
    expectEveryMessageAccountedFor(input, result);
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

describe('simulate: line numbers and input order', () => {
  // Malformed lines between valid ones, more than one batch's worth of sends in flight at once.
  const input = Array.from({ length: 40 }, (_, i) =>
    i % 3 === 0
      ? `not json ${i + 1}`
      : voisoEventBody('app_login/successful_login', {
          timestamp: `2025-03-14T08:00:${String(i).padStart(2, '0')}Z`,
        }),
  );
  const refusedLine = 'a bell \u0007 rings';

  it('gives every quarantined and refused entry its 1-based input line, in input order', async () => {
    const run = await runCli(['simulate', '--input', '-', '--json'], {
      input: lines(...input, refusedLine),
    });

    const result = parse(run.stdout);
    const expected = input.flatMap((body, i) => (body.startsWith('not json') ? [i + 1] : []));
    expect(result.quarantined.map((q) => q.line)).toEqual(expected);
    for (const q of result.quarantined) expect(q.body).toBe(`not json ${q.line}`);
    expect(result.rejected).toEqual([
      {
        line: 41,
        reason:
          'contains a character SQS does not accept in a message body (U+0007 at character 8)',
      },
    ]);
    // Stored events keep table order, and say which line stored them.
    for (const e of result.stored) expect(input[e.line - 1]).toContain(e.originalTimestamp);
  });

  it('shows the line numbers in the table output, refused lines under a heading', async () => {
    const run = await runCli(['simulate', '--input', '-'], {
      input: lines(voisoEventBody(), 'not json', refusedLine),
    });

    expect(run.stdout).toContain(
      'Quarantined (1, input order):\n  line 2: message: not valid JSON',
    );
    expect(run.stdout).toContain(
      'Not sent (1, SQS would refuse them):\n  line 3 refused: contains a character SQS does not accept',
    );
  });
});

describe('simulate: input that is probably a mistake', () => {
  const pretty = `${JSON.stringify(JSON.parse(voisoEventBody()), null, 2)}\n`;

  it('exits 2 on a pretty-printed JSON file instead of quarantining every line', async () => {
    const run = await runCli(['simulate', '--input', '-', '--json'], { input: pretty });

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('expected JSON Lines: one message per line');
  });

  it('sends the lines as they are with --raw', async () => {
    const run = await runCli(['simulate', '--input', '-', '--json', '--raw'], { input: pretty });

    expect(run.code).toBe(0);
    expect(parse(run.stdout).summary.quarantined).toBe(pretty.trim().split('\n').length);
  });

  it('drops a byte order mark with a warning instead of quarantining the first event', async () => {
    const run = await runCli(['simulate', '--input', '-', '--json'], {
      input: `\uFEFF${lines(voisoEventBody())}`,
    });

    expect(parse(run.stdout).summary).toMatchObject({ stored: 1, quarantined: 0 });
    expect(run.stderr).toBe(
      'voiso-sec: warning: --input: standard input starts with a UTF-8 byte order mark; dropped it\n',
    );
  });

  it('warns on a configured pair that is no documented event', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'voiso-sec-config-')), 'detection.json');
    writeFileSync(file, JSON.stringify({ severityOverrides: { 'user/useradded': 'high' } }));

    const run = await runCli(['simulate', '--input', '-', '--detection-config', file], {
      input: lines(voisoEventBody()),
    });

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `voiso-sec: warning: ${file}: severityOverrides.user/useradded: "user/useradded" is not one of the documented Voiso events`,
    );
    expect(run.stderr).toContain('did you mean "user/user_added"?');
  });
});
