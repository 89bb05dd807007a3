// The engine around the shapes: configuration, incident identity, state carried between
// batches, and what it promises about arrival (and where bounded state sets the limit).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DETECTION_SETTINGS, parseDetectionSettings } from '../../../contract/config';
import { DETECTION_IDS, DETECTIONS } from '../../../contract/detections';
import {
  contributions,
  emptyState,
  evaluateGroup,
  incidentId,
  MAX_OBSERVATIONS,
  resolveTunings,
  stateId,
} from '../../../lambda/core/detections/engine';
import type { DetectionEvent } from '../../../lambda/core/detections/model';
import type { voisoEvent } from '../../../lambda/testing/factories';
import {
  DAY,
  deletedUserLogin,
  failedPassword as failed,
  HOUR,
  inBatches,
  privilegesUpdated,
  rangeAdded,
  runBatches,
  runTimeline,
  sourceChanged,
  type TimelineEntry,
  timelineEvent,
  userAdded,
  userDeleted,
} from '../../../lambda/testing/timeline';
import { viewOf } from './detection-table';

const MINUTE_MS = 60_000;
const eventsOf = (entries: readonly TimelineEntry[], config: unknown = {}) => {
  const settings = parseDetectionSettings(config);
  return entries.map((e) => timelineEvent(e, settings));
};
const tuned = (config: unknown) => ({ tunings: resolveTunings(parseDetectionSettings(config)) });
/** Five bursts of 4 failed attempts for dana from minute `from`, a minute apart: one brute force. */
const attack = (from: number, user = 'dana') =>
  [0, 1, 2, 3, 4].map((i) => failed(from + i, user, 4));
const of = <T extends { detection: string }>(detection: string, incidents: readonly T[]) =>
  incidents.filter((i) => i.detection === detection);

describe('resolveTunings', () => {
  it('gives every detection its defaults, enabled', () => {
    // Act
    const tunings = resolveTunings(DEFAULT_DETECTION_SETTINGS);
    // Assert
    expect(Object.keys(tunings).sort()).toEqual([...DETECTION_IDS].sort());
    for (const id of DETECTION_IDS) {
      const defaults: { windowMinutes: number; threshold?: number; severity: string } =
        DETECTIONS[id];
      expect(tunings[id]).toEqual({
        enabled: true,
        windowMs: defaults.windowMinutes * MINUTE_MS,
        threshold: defaults.threshold ?? 1,
        severity: defaults.severity,
      });
    }
  });

  it('applies what the configuration changes and keeps the rest', () => {
    // Prepare
    const settings = parseDetectionSettings({
      detections: {
        'brute-force': { windowMinutes: 30, threshold: 50, severity: 'high' },
        'password-spray': { enabled: false },
        'short-lived-account': { severity: 'critical' },
      },
    });
    // Act
    const tunings = resolveTunings(settings);
    // Assert
    expect(tunings['brute-force']).toEqual({
      enabled: true,
      windowMs: 30 * MINUTE_MS,
      threshold: 50,
      severity: 'high',
    });
    expect(tunings['password-spray'].enabled).toBe(false);
    expect(tunings['short-lived-account']).toEqual({
      enabled: true,
      windowMs: 1_440 * MINUTE_MS,
      threshold: 1,
      severity: 'critical',
    });
    expect(tunings['mass-change']).toEqual(
      resolveTunings(DEFAULT_DETECTION_SETTINGS)['mass-change'],
    );
  });
});

describe('configuration', () => {
  it('a detection turned off does not fire, and the others still do', () => {
    // Prepare
    const events = eventsOf(attack(0));
    // Act
    const run = runTimeline(events, tuned({ detections: { 'brute-force': { enabled: false } } }));
    // Assert
    expect(of('brute-force', run.incidents)).toEqual([]);
    expect([...run.states.values()].map((s) => s.detection).sort()).toEqual([
      'brute-force-succeeded',
      'password-spray',
    ]);
    const others = runTimeline(events, tuned({ detections: { 'brute-force': { enabled: true } } }));
    expect(of('brute-force', others.incidents)).toHaveLength(1);
  });

  it.each([
    ['a longer window', { windowMinutes: 30 }, [failed(0, 'dana', 10), failed(25, 'dana', 10)], 1],
    ['the default window', {}, [failed(0, 'dana', 10), failed(25, 'dana', 10)], 0],
    ['a lower threshold', { threshold: 8 }, [failed(0, 'dana', 4), failed(1, 'dana', 4)], 1],
    ['the default threshold', {}, [failed(0, 'dana', 4), failed(1, 'dana', 4)], 0],
    ['a higher threshold', { threshold: 21 }, attack(0), 0],
  ])('brute-force with %s', (_, tuning, entries, expected) => {
    // Act
    const run = runTimeline(eventsOf(entries), tuned({ detections: { 'brute-force': tuning } }));
    // Assert
    expect(of('brute-force', run.incidents)).toHaveLength(expected);
  });

  it.each([
    ['brute-force', attack(0), 'high'],
    [
      'short-lived-account',
      [userAdded(0, 'it', 'temp'), userDeleted(60, 'it', 'temp')],
      'critical',
    ],
  ] as const)('%s with a changed severity', (detection, entries, severity) => {
    // Act
    const run = runTimeline(
      eventsOf(entries),
      tuned({ detections: { [detection]: { severity } } }),
    );
    // Assert
    expect(of(detection, run.incidents).map((i) => i.severity)).toEqual([severity]);
  });

  it('a sequence detection with a changed window', () => {
    // Prepare: the deletion comes 30 hours after the addition.
    const entries = [userAdded(0, 'it', 'temp'), userDeleted(30 * HOUR, 'it', 'temp')];
    // Act
    const defaults = runTimeline(eventsOf(entries));
    const longer = runTimeline(
      eventsOf(entries),
      tuned({ detections: { 'short-lived-account': { windowMinutes: 2 * 1_440 } } }),
    );
    // Assert
    expect(of('short-lived-account', defaults.incidents)).toHaveLength(0);
    expect(of('short-lived-account', longer.incidents)).toHaveLength(1);
  });

  describe('suppressions', () => {
    const config = { suppressions: [{ id: 'automation', actor: 'automation' }] };

    it('an incident of suppressed events is suppressed', () => {
      // Prepare: five privilege changes (each alert-worthy on its own) by the automation.
      const entries = [0, 1, 2, 3, 4].map((at) =>
        privilegesUpdated(at, 'automation', `u${at}`, 'supervisor'),
      );
      // Act
      const run = runTimeline(eventsOf(entries, config), tuned(config));
      // Assert
      expect(of('mass-change', run.incidents)).toEqual([
        expect.objectContaining({ suppressed: true, eventCount: 5 }),
      ]);
    });

    it('an incident of suppressed events is suppressed, also when the events are below the alert threshold', () => {
      // Prepare: five deletions (medium: never alerted on their own) by the automation.
      const entries = [0, 1, 2, 3, 4].map((at) => userDeleted(at, 'automation', `u${at}`));
      // Act
      const run = runTimeline(eventsOf(entries, config), tuned(config));
      // Assert
      expect(of('mass-change', run.incidents)).toEqual([
        expect.objectContaining({ suppressed: true, eventCount: 5 }),
      ]);
    });

    it('an incident with one event not suppressed is not suppressed', () => {
      // Prepare: the automation promotes mallory, who then adds a range herself.
      const entries = [
        privilegesUpdated(0, 'automation', 'mallory', 'admin'),
        rangeAdded(10, 'mallory', '198.51.100.0/24'),
      ];
      // Act
      const run = runTimeline(eventsOf(entries, config), tuned(config));
      // Assert
      expect(of('escalation-then-perimeter', run.incidents)).toEqual([
        expect.objectContaining({ group: 'user:mallory', suppressed: false, eventCount: 2 }),
      ]);
    });
  });
});

describe('incidents', () => {
  it('have an id made of detection, call center, group, key and start', () => {
    // Prepare
    const base = ['brute-force', 'acme', 'user:dana', undefined, 1_000] as const;
    // Act
    const id = incidentId(...base);
    // Assert
    expect(incidentId(...base)).toBe(id);
    expect(id).toMatch(/^inc-[A-Za-z0-9_-]{22}$/);
    const variants = [
      incidentId('password-spray', 'acme', 'user:dana', undefined, 1_000),
      incidentId('brute-force', 'globex', 'user:dana', undefined, 1_000),
      incidentId('brute-force', 'acme', 'user:erin', undefined, 1_000),
      incidentId('brute-force', 'acme', 'user:dana', 'x', 1_000),
      incidentId('brute-force', 'acme', 'user:dana', undefined, 1_001),
    ];
    expect(new Set([id, ...variants]).size).toBe(6);
  });

  it('keep their id and grow as their events keep coming, batch after batch', () => {
    // Prepare: a two-hour attack, 8 attempts every 5 minutes, one event per batch.
    const entries = Array.from({ length: 25 }, (_, i) => failed(i * 5, 'dana', 8));
    // Act
    const run = runTimeline(eventsOf(entries), { batchSize: 1 });
    // Assert
    const found = of('brute-force', run.found);
    expect(found).toHaveLength(1);
    expect(of('brute-force', run.incidents)).toEqual([
      expect.objectContaining({
        id: found[0]?.id,
        start: Date.parse('2025-06-02T08:00:00Z'),
        end: Date.parse('2025-06-02T10:00:00Z'),
      }),
    ]);
  });

  it('begin anew after a quiet window', () => {
    // Prepare: two attacks 16 minutes apart (the window is 15), then a third hours later.
    const entries = [...attack(0), ...attack(20), ...attack(5 * 60)];
    // Act
    const run = runTimeline(eventsOf(entries), { batchSize: 1 });
    // Assert
    expect(of('brute-force', run.found)).toHaveLength(3);
  });

  it('are not found again when a batch is redelivered, and the state does not change', () => {
    // Prepare
    const events = eventsOf(attack(0));
    const first = runTimeline(events);
    // Act
    const again = runBatches([events], { states: first.states });
    // Assert
    expect(again.found).toEqual([]);
    expect([...again.states.values()].map((s) => s.version)).toEqual(
      [...first.states.values()].map((s) => s.version),
    );
  });

  it('a late event completes an incident with the events its group holds, and names them', () => {
    // Prepare: four of five bursts processed, the first arrives last.
    const [early, ...rest] = eventsOf(attack(0));
    if (!early) throw new Error('fixture');
    const tunings = resolveTunings(DEFAULT_DETECTION_SETTINGS);
    const id = stateId('brute-force', 'acme', 'user:dana');
    const before = runBatches([rest]);
    const state = before.states.get(id);
    const contribution = contributions([early], tunings).get(id);
    if (!state || !contribution) throw new Error('fixture');
    // Act
    const outcome = evaluateGroup(state, contribution, tunings['brute-force'], new Set([early.id]));
    // Assert
    expect(of('brute-force', before.found)).toEqual([]);
    expect(outcome.incidents).toEqual([
      expect.objectContaining({ status: 'new', batchEventIds: [early.id] }),
    ]);
    expect(outcome.incidents[0]?.earlierEvents.map((e) => e.id)).toEqual(rest.map((e) => e.id));
    expect(outcome.state.version).toBe(state.version);
    expect(outcome.changed).toBe(true);
  });
});

describe('state between batches', () => {
  it('keeps at most two windows behind the newest observation', () => {
    // Prepare
    const entries = Array.from({ length: 40 }, (_, i) => failed(i * 3, 'dana', 1));
    // Act
    const run = runTimeline(eventsOf(entries), { batchSize: 1 });
    // Assert
    const state = run.states.get(stateId('brute-force', 'acme', 'user:dana'));
    const times = state?.observations.map((o) => o.t) ?? [];
    expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(30 * MINUTE_MS);
    expect(state?.since).toBe(Date.parse('2025-06-02T08:00:00Z'));
  });

  it(`keeps at most ${MAX_OBSERVATIONS} observations, the newest`, () => {
    // Prepare
    const entries = Array.from({ length: MAX_OBSERVATIONS + 5 }, (_, i) =>
      failed(i / 100, 'dana', 1),
    );
    // Act
    const run = runTimeline(eventsOf(entries));
    // Assert
    const state = run.states.get(stateId('brute-force', 'acme', 'user:dana'));
    expect(state?.observations).toHaveLength(MAX_OBSERVATIONS);
    expect(state?.observations[0]?.t).toBe(Date.parse('2025-06-02T08:00:00Z') + 5 * 600);
  });

  it('starts every group empty, its state naming the group', () => {
    // Act
    const state = emptyState('mass-change', 'acme', 'actor:rogue|user/user_deleted');
    // Assert
    expect(state).toMatchObject({ observations: [], incidents: [], version: 0 });
  });

  it('gives an event to every group it concerns: the promoted user and the promoter', () => {
    // Prepare
    const [promotion] = eventsOf([privilegesUpdated(0, 'helpdesk', 'Mallory', 'admin')]);
    if (!promotion) throw new Error('fixture');
    // Act
    const touched = [
      ...contributions([promotion], resolveTunings(DEFAULT_DETECTION_SETTINGS)).values(),
    ];
    // Assert
    expect(touched.map((c) => `${c.detection} ${c.group}`).sort()).toEqual([
      'escalation-then-perimeter user:helpdesk',
      'escalation-then-perimeter user:mallory',
      'mass-change actor:helpdesk|user/privileges_updated',
    ]);
  });
});

describe('arrival', () => {
  it('an attack in a backlog is found when newer events of the same user come in the same batch', () => {
    // Prepare: Voiso reconnects and sends an hour of events at once: an attack at 08:00, one
    // more failed attempt for the same user at 09:00.
    const events = eventsOf([...attack(0), failed(60, 'dana', 1)]);
    // Act
    const oneAtATime = runTimeline(events, { batchSize: 1 });
    const allAtOnce = runTimeline(events);
    // Assert
    expect(of('brute-force', oneAtATime.incidents)).toHaveLength(1);
    expect(of('brute-force', allAtOnce.incidents).map(viewOf)).toEqual(
      of('brute-force', oneAtATime.incidents).map(viewOf),
    );
  });

  it('new-source does not judge again an old change whose window the state has forgotten', () => {
    // Prepare: 10.0.0.9 is known from the change at day 0 (it was the `from`), so the change
    // to it at day 2 is no news. 29.5 days later the day-0 change leaves the window of the
    // newest event: the day-2 change must not become "new".
    const events = eventsOf([
      sourceChanged(-10 * DAY, 'sam', '10.0.0.1', '10.0.0.2'),
      sourceChanged(0, 'sam', '10.0.0.9', '10.0.0.2'),
      sourceChanged(2 * DAY, 'sam', '10.0.0.2', '10.0.0.9'),
      sourceChanged(31.5 * DAY, 'sam', '10.0.0.2', '10.0.0.9'),
    ]);
    // Act
    const run = runTimeline(events, { batchSize: 1 });
    // Assert
    expect(of('new-source', run.incidents)).toEqual([]);
  });

  it('an old incident whose events come again after its group dropped them is the one recorded', () => {
    // Prepare: an attack, an attempt three hours later (the group drops the attack's events),
    // then the attack's events again (a DLQ redrive, say).
    const attempts = eventsOf([0, 5, 10].map((at) => deletedUserLogin(at, 'former')));
    const [later] = eventsOf([deletedUserLogin(180, 'former')]);
    if (!later) throw new Error('fixture');
    // Act
    const run = runBatches([attempts, [later], attempts]);
    // Assert: found once; the group's state kept the record, not the events.
    expect(of('repeated-deleted-user', run.found)).toHaveLength(1);
    const state = run.states.get(stateId('repeated-deleted-user', 'acme', 'user:former'));
    expect(state?.observations.map((o) => o.id)).toEqual([later.id]);
    expect(state?.incidents).toHaveLength(1);
  });

  it('what bounded state cannot do: an event arriving two windows after newer ones of its group is not judged', () => {
    // Prepare: the attack arrives after an attempt an hour newer has been processed.
    const events = eventsOf([failed(60, 'dana', 1), ...attack(0)]);
    // Act
    const run = runTimeline(events, { batchSize: 1 });
    // Assert
    expect(of('brute-force', run.incidents)).toEqual([]);
  });

  it('what no streaming engine can do: a late event bridging two alerted incidents does not merge them', () => {
    // Prepare: two crossings 16 minutes apart (two incidents), then an attempt between them
    // that makes it one session.
    const [first, second, bridge] = eventsOf([
      failed(0, 'dana', 20),
      failed(16, 'dana', 20),
      failed(8, 'dana', 1),
    ]);
    if (!first || !second || !bridge) throw new Error('fixture');
    // Act
    const late = runBatches([[first], [second], [bridge]]);
    const atOnce = runBatches([[first, second, bridge]]);
    // Assert: the alerts already sent stay two incidents; one batch sees one.
    expect(of('brute-force', late.incidents)).toHaveLength(2);
    expect(of('brute-force', atOnce.incidents)).toHaveLength(1);
  });

  it('what no streaming engine can do: a sighting that arrives after a new-source alert cannot take it back', () => {
    // Prepare
    const events = eventsOf([
      sourceChanged(-10 * DAY, 'sam', '10.0.0.1', '10.0.0.2'),
      sourceChanged(0, 'sam', '10.0.0.2', '10.0.0.9'),
      sourceChanged(-DAY, 'sam', '10.0.0.9', '10.0.0.2'),
    ]);
    // Act
    const late = runTimeline(events, { batchSize: 1 });
    const atOnce = runTimeline(events);
    // Assert
    expect(of('new-source', atOnce.incidents)).toHaveLength(0);
    expect(of('new-source', late.incidents)).toHaveLength(1);
  });

  it('batches of any size give the same incidents for the example attack timeline', () => {
    // Prepare: the nine attacks of examples/attack-timeline.jsonl (with controls), in file order.
    const events = exampleTimeline();
    // Act
    const runs = [1, 2, 7, events.length].map((size) =>
      runBatches(inBatches(events, size)).incidents.map(viewOf),
    );
    // Assert: each detection once, whatever the batch size.
    const detections = runBatches([events])
      .incidents.map((i) => i.detection)
      .sort();
    expect(detections).toEqual([...DETECTION_IDS].sort());
    for (const run of runs) expect(sortViews(run)).toEqual(sortViews(runs[0] ?? []));
  });
});

const sortViews = (views: readonly unknown[]) => views.map((v) => JSON.stringify(v)).sort();

/** examples/attack-timeline.jsonl as the engine sees it. */
function exampleTimeline(): DetectionEvent[] {
  const origin = Date.parse('2025-06-02T08:00:00Z');
  return readFileSync(join(__dirname, '../../../examples/attack-timeline.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const event = JSON.parse(line) as ReturnType<typeof voisoEvent>;
      return timelineEvent({
        at: (Date.parse(event.timestamp) - origin) / MINUTE_MS,
        pair: `${event.type}/${event.event}`,
        params: event.params,
        callcenter: event.callcenter,
      });
    });
}
