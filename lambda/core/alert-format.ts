// Turns a stored event into the alerts people and programs receive. Event data is hostile text:
// the subject is reduced to printable ASCII, the e-mail body quotes every value (escaping
// newlines and control characters), links in either are defanged so no mail client turns them
// into something to click, and the JSON document carries the data as data.

import type { AlertAttributes, AlertTopic } from '../../contract/alerts';
import type { Severity } from '../../contract/severity';
import type { EventItem } from './items';
import type { AlertDocument, EventAlertDocument } from './model';

/** One message for one topic. A critical event yields two: one per topic. */
export interface Alert {
  /** Unique per (alert key, topic); used as the PublishBatch entry id. */
  readonly id: string;
  /** The event, incident or summary id the alert is about (its alert record's key). */
  readonly key: string;
  readonly topic: AlertTopic;
  readonly severity: Severity;
  /** At most 100 printable ASCII characters (SNS's limit for e-mail subjects). */
  readonly subject: string;
  /** Plain text for e-mail subscribers, escaped event data. */
  readonly text: string;
  /** Structured JSON for programmatic subscribers (Lambda, SQS, HTTPS). */
  readonly document: AlertDocument;
  /** SNS message attributes, for subscription filter policies. */
  readonly attributes: AlertAttributes;
}

/** SNS requires subjects of fewer than 100 characters. */
export const MAX_SUBJECT_LENGTH = 99;

/**
 * Breaks what mail clients turn into links: `https://x` becomes `https[:]//x` and `www.x`
 * becomes `www[.]x`, the convention security teams read as "do not click".
 */
export function defang(text: string): string {
  // The scheme pattern can only match where `://` occurs, and on text without it the regex
  // still tries every letter run: the costliest step of formatting an alert. Skip it there.
  const withoutSchemes = text.includes('://')
    ? text.replace(/([a-z][a-z0-9+.-]*):\/\//gi, '$1[:]//')
    : text;
  return withoutSchemes.replace(/\bwww\./gi, 'www[.]');
}

/** Printable ASCII only, whitespace runs collapsed, links defanged: safe for a subject line. */
export function toSubjectText(value: string): string {
  return defang(
    value
      .replace(/[\r\n\t\v\f]+/g, ' ')
      .replace(/[^\x20-\x7e]/g, '?')
      .replace(/ {2,}/g, ' ')
      .trim(),
  );
}

/** An event value for a subject: no angle brackets, which some clients read as link markup. */
const subjectValue = (value: unknown): string => String(value).replace(/[<>]/g, '?');

/** A value as a quoted JSON string, everything outside printable ASCII escaped, links defanged. */
export function quote(value: unknown): string {
  const json =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'null');
  return defang(
    json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}

/**
 * An SNS message attribute value: only characters SNS accepts in a message (XML 1.0's), never
 * empty. Anything else would make SNS refuse the entry on every retry.
 */
export function toAttributeValue(value: string): string {
  const clean = value.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
  return clean === '' ? '-' : clean;
}

/** One line for the summary: control characters removed, long values shortened. */
function plain(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  const clean = text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
}

/** A sentence a person reads first, per documented pair. */
export function summarise(item: Pick<EventItem, 'type' | 'event' | 'params'>): string {
  const p = (name: string) => plain(item.params[name]);
  switch (`${item.type}/${item.event}`) {
    case 'app_login/incorrect_password':
      return `${p('count')} failed logins for ${p('user')} (${p('access_group')})`;
    case 'app_login/deleted_user':
      return `Login attempt by deleted user ${p('user')} (${p('access_group')})`;
    case 'app_login/successful_login':
      return `${p('user')} (${p('access_group')}) logged in`;
    case 'app_login/unauthorized_ip':
      return `Login attempt by ${p('user')} (${p('access_group')}) from unauthorized IP ${p('ip')}`;
    case 'app_login/ip_changed':
      return `Source IP of ${p('user')} (${p('access_group')}) changed from ${p('from')} to ${p('to')}`;
    case 'user/user_added':
      return `${p('who')} added ${p('user')} (${p('access_group')})`;
    case 'user/user_deleted':
      return `${p('who')} deleted ${p('user')} (${p('access_group')})`;
    case 'user/password_changed':
      return `${p('who')} changed the password of ${p('user')} (${p('access_group')})`;
    case 'user/privileges_updated':
      return `${p('who')} changed the privileges of ${p('user')} from ${p('from')} to ${p('to')}`;
    case 'allowed_ip/ip_added':
      return `${p('who')} authorized ${p('ip')} for ${p('access_group')}`;
    case 'allowed_ip/ip_removed':
      return `${p('who')} removed ${p('ip')} from the allowed IPs of ${p('access_group')}`;
    case 'allowed_ip/ip_changed':
      return `${p('who')} changed allowed IP ${p('from')} to ${p('to')} for ${p('access_group')}`;
    default:
      return `Unrecognised event ${plain(item.type)}/${plain(item.event)}`;
  }
}

/** The subject detail after the pair: the people and values an on-call engineer scans for. */
function subjectDetail(item: EventItem): string {
  const p = (name: string) =>
    typeof item.params[name] === 'string' || typeof item.params[name] === 'number'
      ? subjectValue(item.params[name])
      : undefined;
  const parts = [
    p('user') ?? p('who'),
    p('from') && p('to') ? `${p('from')}->${p('to')}` : p('ip'),
    p('count') && `x${p('count')}`,
  ];
  return parts.filter((part): part is string => Boolean(part)).join(' ');
}

export function alertSubject(item: EventItem): string {
  const subject = toSubjectText(
    `[${item.severity.toUpperCase()}] ${subjectValue(item.callcenter)}: ${subjectValue(item.event)} ${subjectDetail(item)}`,
  );
  return subject.length > MAX_SUBJECT_LENGTH
    ? `${subject.slice(0, MAX_SUBJECT_LENGTH - 3)}...`
    : subject;
}

export function alertDocument(item: EventItem): EventAlertDocument {
  return {
    version: 1,
    kind: 'event',
    eventId: item.eventId,
    callcenter: item.callcenter,
    timestamp: item.timestamp,
    type: item.type,
    event: item.event,
    severity: item.severity,
    rules: item.rules,
    summary: summarise(item),
    params: item.params,
    receivedAt: item.receivedAt,
  };
}

export function alertText(
  item: EventItem,
  document: EventAlertDocument = alertDocument(item),
): string {
  const params = Object.entries(item.params).map(
    ([name, value]) => `  ${quote(name)}: ${quote(value)}`,
  );
  return [
    `Voiso security alert: ${item.severity.toUpperCase()}`,
    '',
    `Summary:     ${quote(document.summary)}`,
    `Call center: ${quote(item.callcenter)}`,
    `Event:       ${quote(`${item.type}/${item.event}`)}`,
    `Time:        ${quote(item.timestamp)} (UTC ${item.time})`,
    `Severity:    ${item.severity}`,
    `Rules:       ${item.rules.join(', ')}`,
    `Received:    ${item.receivedAt}`,
    `Event id:    ${item.eventId}`,
    '',
    'Parameters (quoted as received):',
    ...params,
    '',
    'Values are quoted JSON strings; characters outside printable ASCII are escaped and links',
    'are defanged ([:]//, www[.]) so that nothing in this message is clickable.',
  ].join('\n');
}

/**
 * Alert entry ids: PublishBatch allows [A-Za-z0-9_-]{1,80}; event, incident and summary ids
 * are base64url with a short prefix.
 */
export const alertId = (alertKey: string, topic: AlertTopic): string => `${alertKey}-${topic}`;

/** Topics an alert of this severity goes to: `alerts`, and `critical` when critical. */
export const topicsFor = (severity: Severity): AlertTopic[] =>
  severity === 'critical' ? ['alerts', 'critical'] : ['alerts'];

/** One alert per topic for one alert key (an event, incident or summary id). */
export function alertsFor(alertKey: string, content: Omit<Alert, 'id' | 'topic' | 'key'>): Alert[] {
  return topicsFor(content.severity).map((topic) => ({
    ...content,
    id: alertId(alertKey, topic),
    key: alertKey,
    topic,
  }));
}

/** The alerts for one stored event: the alerts topic, and the critical topic when critical. */
export function buildAlerts(item: EventItem): Alert[] {
  const document = alertDocument(item);
  return alertsFor(item.eventId, {
    severity: item.severity,
    subject: alertSubject(item),
    text: alertText(item, document),
    document,
    attributes: {
      severity: item.severity,
      type: toAttributeValue(item.type),
      event: toAttributeValue(item.event),
      callcenter: toAttributeValue(item.callcenter),
      rule: item.rules[0] ?? 'none',
      kind: 'event',
    },
  });
}

/** Masks e-mail addresses for logs (`alice@acme.com` -> `a***@acme.com`). Not used in alerts. */
export function maskEmails(text: string): string {
  return text.replace(/([^\s@"'<>(),;:]{1})[^\s@"'<>(),;:]*@([^\s@"'<>(),;:]+)/g, '$1***@$2');
}
