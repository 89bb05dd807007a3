// The soak's checker must catch what it claims to catch: each test plants one violation in an
// otherwise perfect observation and expects it to be reported.
import { type GeneratedMessage, generateMix, isAlertWorthy } from '../../bench/generate';
import {
  checkSoak,
  type ObservedAlert,
  type ObservedEvent,
  type SentMessage,
  type SoakObservation,
} from '../../bench/soak/checker';

/** A perfect run over a small seeded mix: every event stored once, every alert sent once. */
function perfectObservation(options: { doomed?: number } = {}): SoakObservation {
  const messages = generateMix({ count: 400, seed: 11, oversized: false });
  const duplicated = new Set(
    messages.flatMap((m) => (m.duplicateOf === undefined ? [] : [m.duplicateOf])),
  );
  let doomedLeft = options.doomed ?? 0;
  const sent: SentMessage[] = messages.map((message, i) => {
    const doomed = doomedLeft > 0 && message.kind === 'event' && !duplicated.has(i);
    if (doomed) doomedLeft--;
    return { messageId: `msg-${i}`, message, doomed };
  });
  const events: ObservedEvent[] = [];
  const seen = new Set<string>();
  for (const s of sent) {
    const key = s.message.contentKey;
    if (key === undefined || s.doomed || seen.has(key)) continue;
    seen.add(key);
    events.push(storedEvent(s.message, s.messageId, events.length));
  }
  const alerts: ObservedAlert[] = events.flatMap((event) => {
    if (!isAlertWorthy(event.severity)) return [];
    const topics =
      event.severity === 'critical' ? (['alerts', 'critical'] as const) : (['alerts'] as const);
    return topics.map((topic) => ({
      entryId: `${event.eventId}-${topic}`,
      topic,
      alertKey: event.eventId,
    }));
  });
  return {
    sent,
    events,
    quarantined: sent
      .filter((s) => s.message.kind === 'malformed')
      .map((s) => ({ messageId: s.messageId, body: s.message.body })),
    deadLettered: sent
      .filter((s) => s.doomed)
      .map((s) => ({ messageId: s.messageId, body: s.message.body })),
    alerts,
    concurrentContents: new Set(),
    folded: [],
    incidents: [],
    expectedIncidents: [],
  };
}

function storedEvent(message: GeneratedMessage, messageId: string, n: number): ObservedEvent {
  const [callcenter, timestamp] = (message.contentKey ?? '|').split('|') as [string, string];
  return {
    eventId: `ev${n}`,
    callcenter,
    timestamp,
    severity: message.expectedSeverity ?? 'medium',
    messageId,
  };
}

const firstAlertWorthy = (observation: SoakObservation): ObservedEvent => {
  const event = observation.events.find((e) => e.severity === 'high');
  if (event === undefined) throw new Error('the mix has no high event');
  return event;
};

describe('checkSoak', () => {
  it('finds nothing wrong in a perfect run, and its counts add up', () => {
    // prepare
    const observation = perfectObservation({ doomed: 3 });
    // act
    const verdict = checkSoak(observation);
    // assert
    expect(verdict.violations).toEqual([]);
    const c = verdict.counts;
    expect(c.sent).toBe(c.stored + c.duplicates + c.quarantined + c.deadLettered);
    expect(c.duplicates).toBeGreaterThan(0);
    expect(c.deadLettered).toBe(3);
  });

  it('reports an event that was lost', () => {
    const observation = perfectObservation();
    const lost = observation.events.find((e) => !isAlertWorthy(e.severity));
    const verdict = checkSoak({
      ...observation,
      events: observation.events.filter((e) => e !== lost),
    });
    expect(verdict.violations.join('\n')).toMatch(/neither stored nor dead-lettered \(lost\)/);
  });

  it('reports an event stored twice', () => {
    const observation = perfectObservation();
    const [first] = observation.events;
    if (first === undefined) throw new Error('no events');
    const verdict = checkSoak({
      ...observation,
      events: [...observation.events, { ...first, eventId: 'other-id', messageId: 'msg-x' }],
    });
    expect(verdict.violations.join('\n')).toMatch(/stored 2 times \(doubled\)/);
  });

  it('reports a second alert no window explains, and accepts one a documented window explains', () => {
    const observation = perfectObservation();
    const event = firstAlertWorthy(observation);
    const again: ObservedAlert = { entryId: 'retry-1', topic: 'alerts', alertKey: event.eventId };
    const doubled = { ...observation, alerts: [...observation.alerts, again] };

    const unexplained = checkSoak(doubled);
    const explained = checkSoak({
      ...doubled,
      alerts: doubled.alerts.map((a) =>
        a.entryId === 'retry-1'
          ? { ...a, window: 'crash or failed mark between publish and marking sent' as const }
          : a,
      ),
    });

    expect(unexplained.violations.join('\n')).toMatch(/alerted 2 times on alerts, 0 explained/);
    expect(explained.violations).toEqual([]);
    expect(explained.counts.explainedDuplicateAlerts).toBe(1);
  });

  it('reports an alert that never went out', () => {
    const observation = perfectObservation();
    const event = firstAlertWorthy(observation);
    const verdict = checkSoak({
      ...observation,
      alerts: observation.alerts.filter((a) => a.alertKey !== event.eventId),
    });
    expect(verdict.violations.join('\n')).toMatch(/never alerted on alerts/);
  });

  it('reports an alert for an event below the threshold', () => {
    const observation = perfectObservation();
    const quiet = observation.events.find((e) => e.severity === 'info');
    if (quiet === undefined) throw new Error('no info event');
    const verdict = checkSoak({
      ...observation,
      alerts: [...observation.alerts, { entryId: 'x', topic: 'alerts', alertKey: quiet.eventId }],
    });
    expect(verdict.violations.join('\n')).toMatch(/at info, which should not alert/);
  });

  it('reports an event stored although its only message was dead-lettered', () => {
    const observation = perfectObservation({ doomed: 1 });
    const [doomed] = observation.sent.filter((s) => s.doomed);
    if (doomed === undefined) throw new Error('no doomed message');
    const verdict = checkSoak({
      ...observation,
      events: [...observation.events, storedEvent(doomed.message, doomed.messageId, 9999)],
    });
    expect(verdict.violations.join('\n')).toMatch(
      /stored although every message carrying it was dead-lettered/,
    );
  });

  it('reports a DLQ that does not match the permanent faults', () => {
    const observation = perfectObservation({ doomed: 2 });
    const verdict = checkSoak({ ...observation, deadLettered: observation.deadLettered.slice(1) });
    expect(verdict.violations.join('\n')).toMatch(/permanent fault is not in the DLQ/);
    expect(verdict.violations.join('\n')).toMatch(/DLQ holds 1 messages; 2 permanent faults/);
  });

  it('reports a valid event that was quarantined and a malformed one that was not', () => {
    const observation = perfectObservation();
    const valid = observation.sent.find((s) => s.message.kind === 'event');
    if (valid === undefined) throw new Error('no event');
    const verdict = checkSoak({
      ...observation,
      quarantined: [...observation.quarantined.slice(1), { messageId: valid.messageId, body: '' }],
    });
    expect(verdict.violations.join('\n')).toMatch(/valid message .* was quarantined/);
    expect(verdict.violations.join('\n')).toMatch(/malformed message .* not quarantined/);
  });

  it('reports a stored severity that disagrees with the SPEC', () => {
    const observation = perfectObservation();
    const event = firstAlertWorthy(observation);
    const verdict = checkSoak({
      ...observation,
      events: observation.events.map((e) => (e === event ? { ...e, severity: 'low' as const } : e)),
      alerts: observation.alerts.filter((a) => a.alertKey !== event.eventId),
    });
    expect(verdict.violations.join('\n')).toMatch(/stored as low, SPEC says high/);
  });

  it('accepts a folded alert whose summary went out, and reports one whose summary did not', () => {
    const observation = perfectObservation();
    const event = firstAlertWorthy(observation);
    const folded = {
      ...observation,
      alerts: observation.alerts.filter((a) => a.alertKey !== event.eventId),
      folded: [{ eventId: event.eventId, windowId: 'win-abc' }],
    };
    const summary: ObservedAlert = {
      entryId: 'sum-abc-alerts',
      topic: 'alerts',
      alertKey: 'sum-abc',
    };
    const critical: ObservedAlert = {
      entryId: 'sum-abc-critical',
      topic: 'critical',
      alertKey: 'sum-abc',
    };
    const summaries = event.severity === 'critical' ? [summary, critical] : [summary];

    expect(checkSoak({ ...folded, alerts: [...folded.alerts, ...summaries] }).violations).toEqual(
      [],
    );
    expect(checkSoak(folded).violations.join('\n')).toMatch(
      /the summary of window win-abc never alerted/,
    );
  });

  const incident = {
    id: 'inc-1',
    detection: 'brute-force',
    callcenter: 'acme',
    group: 'user:a@acme.com',
    start: 1_000,
    end: 2_000,
    windowMs: 900_000,
    severity: 'high' as const,
    due: true,
  };
  const incidentAlert: ObservedAlert = {
    entryId: 'inc-1-alerts',
    topic: 'alerts',
    alertKey: 'inc-1',
  };

  it('reports an incident whose alert never went out, or went out twice unexplained', () => {
    const observation = {
      ...perfectObservation(),
      incidents: [incident],
      expectedIncidents: [incident],
    };

    const lost = checkSoak(observation);
    const twice = checkSoak({
      ...observation,
      alerts: [...observation.alerts, incidentAlert, { ...incidentAlert, entryId: 'again' }],
    });
    const once = checkSoak({ ...observation, alerts: [...observation.alerts, incidentAlert] });

    expect(lost.counts.incidentsLost).toBe(1);
    expect(lost.violations.join('\n')).toMatch(/incident brute-force inc-1 never alerted/);
    expect(twice.counts.incidentsAlertedTwice).toBe(1);
    expect(once.violations).toEqual([]);
  });

  it('reports an incident the events show that the pipeline did not find, and one they do not show', () => {
    const observation = perfectObservation();
    const elsewhere = { ...incident, id: 'inc-2', group: 'user:b@acme.com' };

    const missed = checkSoak({ ...observation, expectedIncidents: [incident] });
    const invented = checkSoak({
      ...observation,
      incidents: [elsewhere],
      alerts: [...observation.alerts, { ...incidentAlert, alertKey: 'inc-2' }],
    });

    expect(missed.counts.incidentsLost).toBe(1);
    expect(missed.violations.join('\n')).toMatch(
      /incident brute-force user:a@acme.com .* not found/,
    );
    expect(invented.violations.join('\n')).toMatch(/has no counterpart in the events/);
  });
});
