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
  readonly eventId: string;
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

  // Alerts: exactly once per (event, topic) for alert-worthy events, except publishes from
  // invocations that crashed between publishing and marking the alert sent.
  const storedById = new Map(observation.events.map((e) => [e.eventId, e]));
  const publishes = new Map<string, ObservedAlert[]>();
  for (const alert of observation.alerts) {
    const key = `${alert.eventId}|${alert.topic}`;
    publishes.set(key, [...(publishes.get(key) ?? []), alert]);
  }
  let alertWorthyEvents = 0;
  let explainedDuplicateAlerts = 0;
  const explainedByWindow: Record<string, number> = {};
  const expectedKeys = new Set<string>();
  for (const event of observation.events) {
    if (!isAlertWorthy(event.severity) || event.suppressedBy !== undefined) continue;
    alertWorthyEvents++;
    const topics = event.severity === 'critical' ? ['alerts', 'critical'] : ['alerts'];
    for (const topic of topics) {
      const key = `${event.eventId}|${topic}`;
      expectedKeys.add(key);
      const sentAlerts = publishes.get(key) ?? [];
      if (sentAlerts.length === 0) {
        violate(
          `alert-worthy event ${contentKeyOf(event)} (${event.severity}) never alerted on ${topic}`,
        );
      } else if (sentAlerts.length > 1) {
        const extra = sentAlerts.length - 1;
        const inWindow = sentAlerts.filter((a) => a.window !== undefined);
        const concurrent = observation.concurrentContents.has(contentKeyOf(event));
        if (inWindow.length >= extra || concurrent) {
          explainedDuplicateAlerts += extra;
          // Concurrency first: it explains a repeat by itself, whatever else the invocations met.
          const window = concurrent
            ? 'same content delivered to two concurrent invocations'
            : (inWindow[0]?.window ?? 'same content delivered to two concurrent invocations');
          explainedByWindow[window] = (explainedByWindow[window] ?? 0) + extra;
        } else {
          violate(
            `event ${contentKeyOf(event)} alerted ${sentAlerts.length} times on ${topic}, ${inWindow.length} explained`,
          );
        }
      }
    }
  }
  for (const [key, alerts] of publishes) {
    if (expectedKeys.has(key)) continue;
    const eventId = alerts[0]?.eventId ?? '';
    const stored = storedById.get(eventId);
    violate(
      stored === undefined
        ? `alert for event ${eventId} that is not stored`
        : `alert on ${alerts[0]?.topic} for ${contentKeyOf(stored)} at ${stored.severity}, which should not alert there`,
    );
  }

  const accounted =
    observation.events.length + duplicates + observation.quarantined.length + dead.size;
  if (accounted !== observation.sent.length) {
    violate(
      `sent ${observation.sent.length} != stored + duplicates + quarantined + dead-lettered (${accounted})`,
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
      alertsPublished: observation.alerts.length,
      explainedDuplicateAlerts,
      explainedByWindow,
    },
  };
}
