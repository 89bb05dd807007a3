// The soak's verdict: given what was sent and what ended up in the table, the DLQ and SNS, does
// the product's promise hold? Pure: the soak gathers the observation, this judges it, and a unit
// test shows it catches planted violations.

import type { Severity } from '../../contract/severity';
import { type GeneratedMessage, isAlertWorthy } from '../generate';

export interface SentMessage {
  readonly messageId: string;
  readonly message: GeneratedMessage;
  /** A permanent fault was injected for this message: it must end in the DLQ. */
  readonly doomed: boolean;
}

export interface ObservedEvent {
  readonly eventId: string;
  readonly callcenter: string;
  /** Original timestamp string. */
  readonly timestamp: string;
  readonly severity: Severity;
  readonly suppressedBy?: string;
  readonly messageId: string;
}

/** The at-least-once windows the handler documents, in which a second alert is expected. */
export type AlertWindow =
  | 'crash or failed mark between publish and marking sent'
  | 'same content delivered to two concurrent invocations';

export interface ObservedAlert {
  /** The PublishBatch entry id. */
  readonly entryId: string;
  readonly topic: 'alerts' | 'critical';
  /** What the alert is about: an event id, an incident id (`inc-`) or a summary id (`sum-`). */
  readonly alertKey: string;
  /** Set when the invocation that published it was inside an at-least-once window. */
  readonly window?: AlertWindow;
}

export interface SoakObservation {
  readonly sent: readonly SentMessage[];
  readonly events: readonly ObservedEvent[];
  readonly quarantined: readonly { readonly messageId: string; readonly body: string }[];
  readonly deadLettered: readonly { readonly messageId: string; readonly body: string }[];
  /** Every alert SNS accepted, once per acceptance. */
  readonly alerts: readonly ObservedAlert[];
  /** Content keys that two overlapping invocations carried. */
  readonly concurrentContents: ReadonlySet<string>;
  /** Alert-worthy events folded into a window's summary instead of alerted on their own. */
  readonly folded: readonly { readonly eventId: string; readonly windowId: string }[];
  /** The incidents the pipeline recorded. */
  readonly incidents: readonly ObservedIncident[];
  /**
   * The incidents one evaluation of every stored event at once finds: what the pipeline must
   * have found, batch by batch, in whatever order and concurrency the events arrived.
   */
  readonly expectedIncidents: readonly ObservedIncident[];
}

export interface ObservedIncident {
  readonly id: string;
  readonly detection: string;
  readonly callcenter: string;
  readonly group: string;
  readonly key?: string;
  /** Event times, epoch ms. */
  readonly start: number;
  readonly end: number;
  readonly windowMs: number;
  readonly severity: Severity;
  /** At or above the threshold and not suppressed: its alert is expected. */
  readonly due: boolean;
}

export interface SoakVerdict {
  readonly violations: readonly string[];
  readonly counts: {
    readonly sent: number;
    readonly stored: number;
    /** Messages whose event was stored by another message (redeliveries and re-sends). */
    readonly duplicates: number;
    readonly quarantined: number;
    readonly deadLettered: number;
    readonly doomed: number;
    readonly alertWorthyEvents: number;
    /** Alert-worthy events folded into a summary rather than alerted on their own. */
    readonly foldedEvents: number;
    readonly summaries: number;
    readonly incidents: number;
    /** Incidents whose alert never went out, or that one evaluation of all events finds but the pipeline did not (must be 0). */
    readonly incidentsLost: number;
    /** Incidents alerted more than once per topic, outside a documented window (goal 0). */
    readonly incidentsAlertedTwice: number;
    readonly alertsPublished: number;
    /** Extra publishes of an alert, each inside a documented at-least-once window. */
    readonly explainedDuplicateAlerts: number;
    readonly explainedByWindow: Readonly<Record<string, number>>;
  };
}

const contentKeyOf = (event: { callcenter: string; timestamp: string }): string =>
  `${event.callcenter}|${event.timestamp}`;

/** Caps the list so a systematic failure prints a readable verdict. */
const MAX_REPORTED = 25;

export function checkSoak(observation: SoakObservation): SoakVerdict {
  const violations: string[] = [];
  const violate = (text: string) => {
    if (violations.length < MAX_REPORTED) violations.push(text);
    else if (violations.length === MAX_REPORTED) violations.push('… more violations not listed');
  };

  const dead = new Map(observation.deadLettered.map((m) => [m.messageId, m]));
  const sentById = new Map(observation.sent.map((s) => [s.messageId, s]));
  const quarantinedById = new Map<string, number>();
  for (const q of observation.quarantined) {
    quarantinedById.set(q.messageId, (quarantinedById.get(q.messageId) ?? 0) + 1);
  }

  // Events: each distinct content stored at most once, and at least once unless dead-lettered.
  const storedByContent = new Map<string, ObservedEvent[]>();
  for (const event of observation.events) {
    const key = contentKeyOf(event);
    storedByContent.set(key, [...(storedByContent.get(key) ?? []), event]);
  }
  const sentByContent = new Map<string, SentMessage[]>();
  for (const sent of observation.sent) {
    const key = sent.message.contentKey;
    if (key !== undefined) sentByContent.set(key, [...(sentByContent.get(key) ?? []), sent]);
  }
  let duplicates = 0;
  for (const [key, messages] of sentByContent) {
    const stored = storedByContent.get(key) ?? [];
    if (stored.length > 1) violate(`event ${key} stored ${stored.length} times (doubled)`);
    const first = messages[0];
    if (first === undefined) continue;
    const alive = messages.filter((m) => !dead.has(m.messageId));
    if (stored.length === 0 && alive.length > 0) {
      violate(`event ${key} (message ${first.messageId}) neither stored nor dead-lettered (lost)`);
    }
    if (stored.length >= 1 && alive.length === 0) {
      // Every carrier is in the DLQ, yet the event was stored: one message, two end states.
      violate(`event ${key} stored although every message carrying it was dead-lettered`);
    } else if (stored.length >= 1) {
      duplicates += alive.length - 1;
    }
    const expected = first.message.expectedSeverity;
    const actual = stored[0]?.severity;
    if (expected !== undefined && actual !== undefined && expected !== actual) {
      violate(`event ${key} (${first.message.pair}) stored as ${actual}, SPEC says ${expected}`);
    }
  }
  for (const [key, stored] of storedByContent) {
    if (!sentByContent.has(key))
      violate(`stored event ${key} (${stored[0]?.eventId}) was never sent`);
  }

  // Malformed bodies: quarantined exactly once, never stored, never retried to the DLQ.
  for (const sent of observation.sent) {
    const times = quarantinedById.get(sent.messageId) ?? 0;
    if (sent.message.kind === 'malformed') {
      if (times === 0 && !dead.has(sent.messageId)) {
        violate(`malformed message ${sent.messageId} (${sent.message.defect}) not quarantined`);
      }
      if (dead.has(sent.messageId)) {
        violate(
          `malformed message ${sent.messageId} (${sent.message.defect}) was retried to the DLQ`,
        );
      }
    } else if (times > 0) {
      violate(`valid message ${sent.messageId} (${sent.message.pair}) was quarantined`);
    }
  }
  for (const q of observation.quarantined) {
    if (!sentById.has(q.messageId)) violate(`quarantine item for unknown message ${q.messageId}`);
  }

  // The DLQ holds exactly the messages with a permanent fault.
  const doomed = observation.sent.filter((s) => s.doomed);
  for (const sent of doomed) {
    if (!dead.has(sent.messageId))
      violate(`message ${sent.messageId} with a permanent fault is not in the DLQ`);
  }
  for (const message of observation.deadLettered) {
    if (sentById.get(message.messageId)?.doomed !== true) {
      violate(`message ${message.messageId} is in the DLQ without a permanent fault`);
    }
  }
  if (observation.deadLettered.length !== doomed.length) {
    violate(
      `DLQ holds ${observation.deadLettered.length} messages; ${doomed.length} permanent faults were injected`,
    );
  }

  // Alerts: exactly once per (subject, topic) for every alert due: alert-worthy events not
  // folded, incidents due, and the summary of every window that folded something; a second
  // publish only from an invocation inside a documented at-least-once window.
  const publishes = new Map<string, ObservedAlert[]>();
  for (const alert of observation.alerts) {
    const key = `${alert.alertKey}|${alert.topic}`;
    publishes.set(key, [...(publishes.get(key) ?? []), alert]);
  }
  const topicsOf = (severity: Severity) =>
    severity === 'critical' ? (['alerts', 'critical'] as const) : (['alerts'] as const);
  const expectedKeys = new Set<string>();
  let explainedDuplicateAlerts = 0;
  const explainedByWindow: Record<string, number> = {};
  /** Checks one due alert; returns false when it was published twice without a reason. */
  const expectOnce = (alertKey: string, severity: Severity, what: string, concurrent: boolean) => {
    let once = true;
    for (const topic of topicsOf(severity)) {
      const key = `${alertKey}|${topic}`;
      expectedKeys.add(key);
      const sent = publishes.get(key) ?? [];
      if (sent.length === 0) {
        violate(`${what} never alerted on ${topic}`);
      } else if (sent.length > 1) {
        const extra = sent.length - 1;
        const inWindow = sent.filter((a) => a.window !== undefined);
        if (inWindow.length >= extra || concurrent) {
          explainedDuplicateAlerts += extra;
          // Concurrency first: it explains a repeat by itself, whatever else the invocations met.
          const window = concurrent
            ? 'same content delivered to two concurrent invocations'
            : (inWindow[0]?.window ?? 'same content delivered to two concurrent invocations');
          explainedByWindow[window] = (explainedByWindow[window] ?? 0) + extra;
        } else {
          once = false;
          violate(`${what} alerted ${sent.length} times on ${topic}, ${inWindow.length} explained`);
        }
      }
    }
    return once;
  };

  const foldedWindow = new Map(observation.folded.map((f) => [f.eventId, f.windowId]));
  const windowSeverity = new Map<string, Severity>();
  let alertWorthyEvents = 0;
  for (const event of observation.events) {
    if (!isAlertWorthy(event.severity) || event.suppressedBy !== undefined) continue;
    alertWorthyEvents++;
    const window = foldedWindow.get(event.eventId);
    if (window !== undefined) {
      windowSeverity.set(window, event.severity);
      continue;
    }
    expectOnce(
      event.eventId,
      event.severity,
      `alert-worthy event ${contentKeyOf(event)} (${event.severity})`,
      observation.concurrentContents.has(contentKeyOf(event)),
    );
  }
  for (const [window, severity] of windowSeverity) {
    // Summary ids are the window id's digest with another prefix (lambda/core/folding.ts).
    expectOnce(`sum-${window.slice(4)}`, severity, `the summary of window ${window}`, false);
  }

  let incidentsLost = 0;
  let incidentsAlertedTwice = 0;
  for (const incident of observation.incidents) {
    if (!incident.due) continue;
    const before = violations.length;
    const once = expectOnce(
      incident.id,
      incident.severity,
      `incident ${incident.detection} ${incident.id}`,
      false,
    );
    if (!once) incidentsAlertedTwice++;
    if (violations.length > before && once) incidentsLost++;
  }
  // What one evaluation of every stored event finds, the pipeline must have found, and the
  // other way round (the same detection, group and key, overlapping in time).
  const overlaps = (a: ObservedIncident, b: ObservedIncident) =>
    a.detection === b.detection &&
    a.callcenter === b.callcenter &&
    a.group === b.group &&
    a.key === b.key &&
    a.start <= b.end + b.windowMs &&
    b.start <= a.end + a.windowMs;
  for (const expected of observation.expectedIncidents) {
    if (!observation.incidents.some((i) => overlaps(i, expected))) {
      incidentsLost++;
      violate(
        `incident ${expected.detection} ${expected.group} at ${new Date(expected.start).toISOString()} not found`,
      );
    }
  }
  for (const incident of observation.incidents) {
    if (!observation.expectedIncidents.some((e) => overlaps(incident, e))) {
      violate(
        `incident ${incident.detection} ${incident.group} ${incident.id} has no counterpart in the events`,
      );
    }
  }

  const storedById = new Map(observation.events.map((e) => [e.eventId, e]));
  for (const [key, alerts] of publishes) {
    if (expectedKeys.has(key)) continue;
    const alertKey = alerts[0]?.alertKey ?? '';
    const stored = storedById.get(alertKey);
    violate(
      stored === undefined
        ? `alert ${alertKey} on ${alerts[0]?.topic} that nothing due explains`
        : `alert on ${alerts[0]?.topic} for ${contentKeyOf(stored)} at ${stored.severity}, which should not alert there`,
    );
  }

  return {
    violations,
    counts: {
      sent: observation.sent.length,
      stored: observation.events.length,
      duplicates,
      quarantined: observation.quarantined.length,
      deadLettered: observation.deadLettered.length,
      doomed: doomed.length,
      alertWorthyEvents,
      foldedEvents: observation.folded.length,
      summaries: windowSeverity.size,
      incidents: observation.incidents.length,
      incidentsLost,
      incidentsAlertedTwice,
      alertsPublished: observation.alerts.length,
      explainedDuplicateAlerts,
      explainedByWindow,
    },
  };
}
