// The backtest replay on the Lambda's engine: alerts and incidents a configuration would have
// produced, folding as the function folds, and the difference a second configuration makes.
import { timeSlices } from '../../cli/backtest/read-table';
import { inTimeOrder, type ReplayEvent, replay } from '../../cli/backtest/replay';
import { backtestDocument, compareReplays, formatBacktest } from '../../cli/backtest/report';
import { runBacktest } from '../../cli/commands/backtest';
import { sortKeyBounds } from '../../cli/commands/query/time-range';
import { DEFAULT_DETECTION_SETTINGS, parseDetectionSettings } from '../../contract/config';
import { classifyMessage } from '../../lambda/core/message';
import { timeMs } from '../../lambda/core/records';
import {
  failedPassword,
  successfulLogin,
  type TimelineEntry,
  timelineVoisoEvent,
  userAdded,
  userDeleted,
} from '../../lambda/testing/timeline';
import { runCli } from './run-cli';

/** Entries as the replay sees them: each body classified as the ingest function does. */
function replayEvents(entries: readonly TimelineEntry[]): ReplayEvent[] {
  return inTimeOrder(
    entries.map((entry) => {
      const verdict = classifyMessage(
        JSON.stringify(timelineVoisoEvent(entry)),
        DEFAULT_DETECTION_SETTINGS,
      );
      if (verdict.kind !== 'event') throw new Error(verdict.reason);
      const { normalised } = verdict;
      return {
        id: normalised.id,
        time: normalised.time,
        timeMs: timeMs(normalised.time),
        event: normalised.event,
        pair: normalised.pair,
        recognised: normalised.recognised,
      };
    }),
  );
}

const settings = (raw: unknown) => parseDetectionSettings(raw);

describe('backtest replay', () => {
  it('folds repeats of one rule as the function does: the first at once, the rest in a summary', () => {
    const events = replayEvents([
      failedPassword(0, 'ana@acme.example', 4),
      failedPassword(2, 'ben@acme.example', 4),
      failedPassword(4, 'chen@acme.example', 4),
      failedPassword(30, 'dara@acme.example', 4),
    ]);

    const folded = replay(events, DEFAULT_DETECTION_SETTINGS);
    const unfolded = replay(events, settings({ foldingWindowMinutes: 0 }));

    expect(folded.alerts.map((a) => [a.kind, a.rule])).toEqual([
      ['event', 'incorrect-password'],
      ['summary', 'incorrect-password'],
      ['event', 'incorrect-password'],
    ]);
    expect(folded.folded).toBe(2);
    expect(unfolded.alerts.map((a) => a.kind)).toEqual(['event', 'event', 'event', 'event']);
  });

  it('finds incidents and alerts them once, at or above the threshold', () => {
    const events = replayEvents([
      ...Array.from({ length: 5 }, (_, i) => failedPassword(i, 'dana@acme.example', 4)),
      successfulLogin(6, 'dana@acme.example'),
    ]);

    const result = replay(events, DEFAULT_DETECTION_SETTINGS);

    expect(result.incidents.map((i) => i.detection)).toEqual([
      'brute-force',
      'brute-force-succeeded',
    ]);
    expect(result.alerts.filter((a) => a.kind === 'incident')).toHaveLength(2);
  });

  it('keeps an incident made only of suppressed events quiet', () => {
    const events = replayEvents(
      Array.from({ length: 5 }, (_, i) =>
        userDeleted(i, 'robot@acme.example', `user${i}@acme.example`),
      ),
    );
    const suppressed = settings({ suppressions: [{ id: 'robot', actor: 'robot@acme.example' }] });

    const result = replay(events, suppressed);

    expect(result.incidents).toEqual([]);
    expect(result.quietIncidents.map((i) => i.detection)).toEqual(['mass-change']);
    expect(result.suppressed).toBe(5);
    expect(result.alerts).toEqual([]);
  });

  it('gives the same incidents whatever the batch size', () => {
    const events = replayEvents([
      ...Array.from({ length: 12 }, (_, i) => failedPassword(i, `u${i}@acme.example`, 1)),
      ...Array.from({ length: 6 }, (_, i) =>
        userDeleted(60 + i, 'rogue@acme.example', `v${i}@acme.example`),
      ),
      userAdded(200, 'ops@acme.example', 'temp@acme.example'),
      userDeleted(900, 'ops@acme.example', 'temp@acme.example'),
    ]);

    const ids = (batchSize: number) =>
      replay(events, DEFAULT_DETECTION_SETTINGS, { batchSize }).incidents.map((i) => i.id);

    expect(ids(1)).toEqual(ids(50_000));
    expect(ids(7)).toEqual(ids(50_000));
  });

  it('compares two configurations: the alerts added and removed, by rule', () => {
    const events = replayEvents([
      userAdded(0, 'ops@acme.example', 'new@acme.example'),
      ...Array.from({ length: 20 }, (_, i) => failedPassword(i * 0.5, 'dana@acme.example', 1)),
    ]);
    const before = replay(events, DEFAULT_DETECTION_SETTINGS);
    const after = replay(
      events,
      settings({ alertThreshold: 'medium', detections: { 'brute-force': { threshold: 30 } } }),
    );

    const comparison = compareReplays(before, after, 'try.json');

    expect(comparison.byRule['user-added']).toEqual({ before: 0, after: 1, added: 1, removed: 0 });
    expect(comparison.byRule['brute-force']).toEqual({ before: 1, after: 0, added: 0, removed: 1 });
    expect(comparison.incidents.removed).toEqual([before.incidents[0]?.id]);
    expect(comparison.total.added).toBe(1);
    expect(comparison.total.removed).toBe(1);
    const text = formatBacktest(before, comparison, {
      source: 'test',
      configuration: 'defaults',
      malformed: 0,
      duplicates: 0,
      expired: 0,
    });
    expect(text).toContain('Compared with try.json: 3 -> 3 alerts (+1 added, -1 removed)');
    expect(text).toContain('  - critical brute-force');
  });

  it('prints exactly the documented JSON document', () => {
    const events = replayEvents([
      ...Array.from({ length: 5 }, (_, i) => failedPassword(i, 'dana@acme.example', 4)),
    ]);

    const document = backtestDocument(replay(events, DEFAULT_DETECTION_SETTINGS), null);

    expect(Object.keys(document)).toEqual(['incidents', 'alerts', 'compare']);
    expect(Object.keys(document.alerts)).toEqual(['byRule', 'byDay', 'total']);
    expect(document.incidents).toEqual([
      {
        id: expect.stringMatching(/^inc-/),
        rule: 'brute-force',
        callcenter: 'acme',
        severity: 'critical',
        group: 'user:dana@acme.example',
        start: '2025-06-02T08:00:00.000000000Z',
        end: '2025-06-02T08:04:00.000000000Z',
        events: expect.arrayContaining([expect.any(String)]),
      },
    ]);
    expect(document.alerts).toEqual({
      byRule: { 'brute-force': 1, 'incorrect-password': 2 },
      byDay: { '2025-06-02': 3 },
      total: 3,
    });
    expect(document.compare).toBeNull();
  });
});

describe('reading a table in time slices', () => {
  it('cuts a range into contiguous slices of at least a day, none overlapping', () => {
    const range = { from: new Date('2025-06-01T00:00:00Z'), to: new Date('2025-06-04T12:00:00Z') };

    const slices = timeSlices(range, 32);

    expect(slices).toHaveLength(4);
    expect(slices[0]?.low).toBe(sortKeyBounds(range).low);
    expect(slices[slices.length - 1]?.high).toBe(sortKeyBounds(range).high);
    for (let i = 1; i < slices.length; i++) {
      expect((slices[i - 1]?.high ?? '') < (slices[i]?.low ?? '')).toBe(true);
    }
    expect(timeSlices(range, 2)).toHaveLength(2);
  });
});

describe('backtest command', () => {
  it('compares the configuration of a file with another', async () => {
    const backtest = await runBacktest({
      input: 'examples/attack-timeline.jsonl',
      compare: 'examples/detection-config.json',
    });

    expect(backtest.document.compare).toMatchObject({
      configuration: expect.stringContaining('detection-config.json'),
      total: expect.objectContaining({ before: backtest.document.alerts.total }),
    });
  });

  it('refuses two sources, and a --local without a pipeline, as usage errors', async () => {
    const both = await runCli(['backtest', '--input', 'examples/attack-timeline.jsonl', '--local']);
    const none = await runCli(['backtest', '--local']);

    expect(both.code).toBe(2);
    expect(both.stderr).toBe(
      'voiso-sec: Give one source: --input FILE, --local, or a stack (--stack/--table)\n',
    );
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No local pipeline is running');
  });

  it('prints the document with --json', async () => {
    const run = await runCli(['backtest', '--input', 'examples/attack-timeline.jsonl', '--json']);

    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(Object.keys(document)).toEqual(['incidents', 'alerts', 'compare']);
    expect(document.incidents).toHaveLength(9);
  });
});
