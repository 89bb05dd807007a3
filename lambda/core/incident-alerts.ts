// Alerts for incidents (a detection over several events) and for summaries (repeats folded
// together), with the same care for hostile text as event alerts: every value from an event
// is quoted and defanged in text, reduced to printable ASCII in subjects, and carried as data in
// the JSON document.
import { DETECTIONS } from '../../contract/detections';
import {
  type Alert,
  alertsFor,
  MAX_SUBJECT_LENGTH,
  quote,
  toAttributeValue,
  toSubjectText,
} from './alert-format';
import type { Incident } from './detections/engine';
import { cidrOf } from './ip';
import type { IncidentAlertDocument, SummaryAlertDocument } from './model';
import { normalisedTime } from './records';

/** Subjects name values: no angle brackets, which some mail clients read as link markup. */
const subjectValue = (value: string): string => value.replace(/[<>]/g, '?');

const subject = (text: string): string => {
  const clean = toSubjectText(text);
  return clean.length > MAX_SUBJECT_LENGTH ? `${clean.slice(0, MAX_SUBJECT_LENGTH - 3)}...` : clean;
};

/** `user:alice@acme.com` -> `alice@acme.com`; `actor:bob|user/user_deleted` -> `bob`. */
export function groupValue(incident: Pick<Incident, 'group' | 'callcenter'>): string {
  if (incident.group === 'callcenter') return incident.callcenter;
  const value = incident.group.slice(incident.group.indexOf(':') + 1);
  const bar = value.lastIndexOf('|');
  return bar === -1 ? value : value.slice(0, bar);
}

const minutesText = (minutes: number): string =>
  minutes % 1440 === 0
    ? `${minutes / 1440} d`
    : minutes % 60 === 0
      ? `${minutes / 60} h`
      : `${minutes} min`;

function incidentSummary(incident: Incident): string {
  const who = groupValue(incident);
  const window = minutesText(incident.windowMinutes);
  switch (incident.detection) {
    case 'brute-force':
      return `${incident.measure} failed login attempts for ${who} within ${window}`;
    case 'brute-force-succeeded':
      return `${who} logged in within ${window} after failed passwords`;
    case 'password-spray':
      return `Failed passwords for ${incident.measure} different users within ${window}`;
    case 'repeated-deleted-user':
      return `Deleted user ${who} tried to log in ${incident.measure} times within ${window}`;
    case 'mass-change':
      return `${who} made ${incident.measure} changes of one kind within ${window}`;
    case 'escalation-then-perimeter':
      return `Promotion to admin, then an allow-list change by ${who} within ${window}`;
    case 'refused-ip-allowed':
      return `An allow-list change let in an address refused within ${window} before`;
    case 'short-lived-account':
      return `${who} was added and deleted within ${window}`;
    case 'new-source':
      return `${who} changed source IP to ${incident.key ?? '?'}, not seen in ${window}`;
  }
}

export function incidentDocument(incident: Incident): IncidentAlertDocument {
  return {
    version: 1,
    kind: 'incident',
    incidentId: incident.id,
    detection: incident.detection,
    description: DETECTIONS[incident.detection].description,
    callcenter: incident.callcenter,
    severity: incident.severity,
    groupedBy: incident.groupedBy,
    group: groupValue(incident),
    window: {
      minutes: incident.windowMinutes,
      start: normalisedTime(incident.start),
      end: normalisedTime(incident.end),
    },
    measure: incident.measure,
    ...(incident.threshold !== undefined && { threshold: incident.threshold }),
    values: incident.values,
    eventIds: incident.eventIds,
    eventCount: incident.eventCount,
    summary: incidentSummary(incident),
  };
}

function incidentText(doc: IncidentAlertDocument): string {
  const listed =
    doc.eventCount > doc.eventIds.length
      ? `Events (${doc.eventIds.length} of ${doc.eventCount}):`
      : `Events (${doc.eventCount}):`;
  return [
    `Voiso security incident: ${doc.severity.toUpperCase()} ${doc.detection}`,
    '',
    `Summary:     ${quote(doc.summary)}`,
    `Detection:   ${doc.detection}: ${doc.description}`,
    `Call center: ${quote(doc.callcenter)}`,
    `${`${doc.groupedBy[0]?.toUpperCase() ?? ''}${doc.groupedBy.slice(1)}:`.padEnd(13)}${quote(doc.group)}`,
    `Window:      ${minutesText(doc.window.minutes)}; events from ${doc.window.start} to ${doc.window.end} (UTC)`,
    ...(doc.threshold === undefined
      ? []
      : [`Reached:     ${doc.measure} (threshold ${doc.threshold})`]),
    ...(doc.values.length === 0 ? [] : [`Values:      ${doc.values.map(quote).join(', ')}`]),
    `Incident id: ${doc.incidentId}`,
    '',
    listed,
    ...doc.eventIds.map((id) => `  ${id}`),
    '',
    'voiso-sec explain <incident id> shows the events and why they formed this incident.',
    'Values are quoted JSON strings; links are defanged so that nothing here is clickable.',
  ].join('\n');
}

export function buildIncidentAlerts(incident: Incident): Alert[] {
  const document = incidentDocument(incident);
  // What crossed: a count or number of users; a new address; a sequence needs no figure.
  const reached =
    incident.detection === 'new-source'
      ? ` ${subjectValue(incident.key ?? '')}`
      : document.threshold === undefined
        ? ''
        : ` x${document.measure}`;
  return alertsFor(incident.id, {
    severity: incident.severity,
    subject: subject(
      `[${incident.severity.toUpperCase()}] ${subjectValue(incident.callcenter)}: incident ${incident.detection} ${subjectValue(document.group)}${reached}`,
    ),
    text: incidentText(document),
    document,
    attributes: {
      severity: incident.severity,
      type: 'detection',
      event: incident.detection,
      callcenter: toAttributeValue(incident.callcenter),
      rule: incident.detection,
      kind: 'incident',
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Summaries of folded alerts

/** What a closed folding window held. */
export interface FoldSummary {
  readonly summaryId: string;
  readonly windowId: string;
  readonly callcenter: string;
  readonly type: string;
  readonly event: string;
  readonly rule: string;
  readonly severity: Incident['severity'];
  /** Arrival times, epoch ms. */
  readonly opensAt: number;
  readonly closesAt: number;
  /** The folded alerts: their event ids and who or what each was about. */
  readonly members: readonly {
    readonly eventId: string;
    readonly who?: string;
    readonly value?: string;
  }[];
}

/**
 * Most frequent first, then alphabetical: the same members always give the same list. Two
 * values never tie (they are the keys of one Map), so the comparator never answers 0.
 */
function topValues(values: readonly string[], limit: number) {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return {
    distinct: counts.size,
    top: [...counts]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([value, count]) => ({ value, count })),
  };
}

/** `3 users, top: a (2), b (1), c (1)`; nothing when there are none. */
function countedTop({ distinct, top }: ReturnType<typeof topValues>, one: string, many: string) {
  if (distinct === 0) return [];
  const listed = top.map((t) => `${t.value} (${t.count})`).join(', ');
  return [`${distinct} ${distinct === 1 ? one : many}, top: ${listed}`];
}

/** One line per top value, quoted, under its heading in the e-mail text. */
const countLines = (top: SummaryAlertDocument['top']): string[] =>
  top.map((t) => `  ${quote(t.value)}: ${t.count}`);

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/** A summary's document; the one built now always names its addresses (none is an empty list). */
export function summaryDocument(
  summary: FoldSummary,
): SummaryAlertDocument & Required<Pick<SummaryAlertDocument, 'addresses' | 'distinctAddresses'>> {
  const people = topValues(
    summary.members.flatMap((m) => (m.who === undefined ? [] : [m.who])),
    5,
  );
  // Only what is an address or a range: privileges_updated's `to` is an access group.
  const addresses = topValues(
    summary.members.flatMap((m) =>
      m.value !== undefined && cidrOf(m.value) !== undefined ? [m.value] : [],
    ),
    5,
  );
  const count = summary.members.length;
  const noun = count === 1 ? 'alert' : 'alerts';
  const parts = [
    ...countedTop(people, 'user', 'users'),
    ...countedTop(addresses, 'address', 'addresses'),
  ];
  return {
    version: 1,
    kind: 'summary',
    summaryId: summary.summaryId,
    callcenter: summary.callcenter,
    type: summary.type,
    event: summary.event,
    rule: summary.rule,
    severity: summary.severity,
    since: new Date(summary.opensAt).toISOString(),
    until: new Date(summary.closesAt).toISOString(),
    count,
    top: people.top,
    distinctValues: people.distinct,
    addresses: addresses.top,
    distinctAddresses: addresses.distinct,
    eventIds: summary.members.slice(0, 50).map((m) => m.eventId),
    summary:
      `${count} more ${summary.event} ${noun} (${summary.rule}) for ${summary.callcenter} since ${hhmm(summary.opensAt)} UTC` +
      (parts.length > 0 ? `: ${parts.join('; ')}` : ''),
  };
}

export function buildSummaryAlerts(summary: FoldSummary): Alert[] {
  const document = summaryDocument(summary);
  const text = [
    `Voiso security alerts folded: ${summary.severity.toUpperCase()} ${summary.rule}`,
    '',
    `Summary:     ${quote(document.summary)}`,
    `Call center: ${quote(summary.callcenter)}`,
    `Event:       ${quote(`${summary.type}/${summary.event}`)}`,
    `Window:      alerts that arrived from ${document.since} to ${document.until}`,
    `Folded:      ${document.count} (the first of the window went out on its own)`,
    ...countLines(document.top),
    ...(document.addresses.length > 0
      ? [`Addresses:   ${document.distinctAddresses}`, ...countLines(document.addresses)]
      : []),
    '',
    `Events (${document.eventIds.length} of ${document.count}):`,
    ...document.eventIds.map((id) => `  ${id}`),
  ].join('\n');
  return alertsFor(summary.summaryId, {
    severity: summary.severity,
    subject: subject(
      `[${summary.severity.toUpperCase()}] ${subjectValue(summary.callcenter)}: ${document.count} more ${subjectValue(summary.event)} alerts since ${hhmm(summary.opensAt)} UTC`,
    ),
    text,
    document,
    attributes: {
      severity: summary.severity,
      type: toAttributeValue(summary.type),
      event: toAttributeValue(summary.event),
      callcenter: toAttributeValue(summary.callcenter),
      rule: toAttributeValue(summary.rule),
      kind: 'summary',
    },
  });
}
