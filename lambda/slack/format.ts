// Turns an alert into a Slack Block Kit message. Every value that came from Voiso is hostile
// text: it is entity-escaped (so `<!channel>`, `<@U123>` and `<http://x|y>` stay literal) and
// shown as inline code (so `*`, `_`, `~` and `>` cannot format), with backticks swapped for a
// look-alike because inline code has no escape for them.

import type { Severity } from '../../contract/severity';
import type {
  AlertDocument,
  EventAlertDocument,
  IncidentAlertDocument,
  SummaryAlertDocument,
} from '../core/model';

export interface PlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}
export interface Mrkdwn {
  readonly type: 'mrkdwn';
  readonly text: string;
}
export type SlackBlock =
  | { readonly type: 'header'; readonly text: PlainText }
  | { readonly type: 'section'; readonly text?: Mrkdwn; readonly fields?: readonly Mrkdwn[] }
  | { readonly type: 'context'; readonly elements: readonly Mrkdwn[] };

/** An incoming-webhook payload: `text` is the notification fallback, `blocks` what is shown. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  info: ':information_source:',
  low: ':large_blue_circle:',
  medium: ':large_yellow_circle:',
  high: ':large_orange_circle:',
  critical: ':red_circle:',
};

/** Slack's limit is 10 fields per section; the first four are the envelope. */
const MAX_PARAM_FIELDS = 6;
const MAX_VALUE_LENGTH = 300;
const HEADER_LIMIT = 150;

/** Slack's three mandatory escapes; `&` first so the others are not double-escaped. */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Any value as one escaped line of inline code: no mention, link or markup survives. */
export function literal(value: unknown, limit = MAX_VALUE_LENGTH): string {
  const raw = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const line = raw.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
  const short = line.length > limit ? `${line.slice(0, limit - 3)}...` : line;
  const safe = escapeEntities(short.replace(/`/g, '\u02cb'));
  return safe === '' ? '(empty)' : `\`${safe}\``;
}

/** Header text is plain_text (never parsed for mentions); keep it to a boring alphabet anyway. */
function headerWord(value: string): string {
  return value.replace(/[^A-Za-z0-9_./ -]/g, '?');
}

/** `label` must already be safe mrkdwn. */
const field = (label: string, value: string): Mrkdwn => ({
  type: 'mrkdwn',
  text: `${label}\n${value}`,
});

export function formatSlackMessage(doc: AlertDocument): SlackMessage {
  switch (doc.kind) {
    case 'incident':
      return incidentMessage(doc);
    case 'summary':
      return summaryMessage(doc);
    default:
      return eventMessage(doc);
  }
}

/** Slack refuses the whole message when the header, emoji code included, exceeds its limit. */
const headerBlock = (severity: Severity, words: string): SlackBlock => ({
  type: 'header',
  text: {
    type: 'plain_text',
    text: `${SEVERITY_EMOJI[severity]} ${severity.toUpperCase()} ${words}`.slice(0, HEADER_LIMIT),
    emoji: true,
  },
});

function eventMessage(doc: EventAlertDocument): SlackMessage {
  const params = Object.entries(doc.params);
  const shown = params.slice(0, MAX_PARAM_FIELDS);
  const hidden = params.length - shown.length;
  const context = [`Event ${literal(doc.eventId, 80)}`, `received ${literal(doc.receivedAt, 40)}`];
  if (hidden > 0) context.push(`${hidden} more param(s) in the stored event`);
  return {
    text: `${doc.severity.toUpperCase()}: ${literal(doc.summary)} (${literal(doc.callcenter, 80)})`,
    blocks: [
      headerBlock(doc.severity, `${headerWord(doc.type)}/${headerWord(doc.event)}`),
      { type: 'section', text: { type: 'mrkdwn', text: literal(doc.summary, 1000) } },
      {
        type: 'section',
        fields: [
          field('*Call center*', literal(doc.callcenter)),
          field('*Time*', literal(doc.timestamp, 60)),
          field('*Severity*', literal(doc.severity)),
          field(
            '*Rules*',
            doc.rules.length > 0 ? doc.rules.map((r) => literal(r, 80)).join(' ') : '-',
          ),
          ...shown.map(([name, value]) => field(literal(name, 60), literal(value))),
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] },
    ],
  };
}

/** At most this many event ids in a Slack message; the rest are in the e-mail and the JSON. */
const SLACK_EVENT_IDS = 10;

function incidentMessage(doc: IncidentAlertDocument): SlackMessage {
  const ids = doc.eventIds.slice(0, SLACK_EVENT_IDS).map((id) => literal(id, 40));
  const more = doc.eventCount - ids.length;
  return {
    text: `${doc.severity.toUpperCase()} incident ${headerWord(doc.detection)}: ${literal(doc.summary)} (${literal(doc.callcenter, 80)})`,
    blocks: [
      headerBlock(doc.severity, `incident ${headerWord(doc.detection)}`),
      { type: 'section', text: { type: 'mrkdwn', text: literal(doc.summary, 1000) } },
      {
        type: 'section',
        fields: [
          field('*Call center*', literal(doc.callcenter)),
          field(`*${headerWord(doc.groupedBy)}*`, literal(doc.group)),
          field(
            '*Window*',
            literal(`${doc.window.minutes} min: ${doc.window.start} .. ${doc.window.end}`, 120),
          ),
          field(
            '*Reached*',
            literal(
              doc.threshold === undefined
                ? 'sequence'
                : `${doc.measure} (threshold ${doc.threshold})`,
            ),
          ),
          ...(doc.values.length > 0
            ? [
                field(
                  '*Values*',
                  doc.values
                    .slice(0, 10)
                    .map((v) => literal(v, 80))
                    .join(' '),
                ),
              ]
            : []),
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Incident ${literal(doc.incidentId, 40)} · events ${ids.join(' ')}${more > 0 ? ` and ${more} more` : ''}`,
          },
        ],
      },
    ],
  };
}

/** A top value and how often it came, as one field. */
const countField = (t: SummaryAlertDocument['top'][number]): Mrkdwn =>
  field(literal(t.value, 80), literal(String(t.count)));

function summaryMessage(doc: SummaryAlertDocument): SlackMessage {
  return {
    text: `${doc.severity.toUpperCase()}: ${literal(doc.summary)} (${literal(doc.callcenter, 80)})`,
    blocks: [
      headerBlock(
        doc.severity,
        `${doc.count} more ${headerWord(doc.type)}/${headerWord(doc.event)}`,
      ),
      { type: 'section', text: { type: 'mrkdwn', text: literal(doc.summary, 1000) } },
      {
        type: 'section',
        fields: [
          field('*Call center*', literal(doc.callcenter)),
          field('*Rule*', literal(doc.rule)),
          field('*Window*', literal(`${doc.since} .. ${doc.until}`, 120)),
          field('*Folded*', literal(String(doc.count))),
          ...doc.top.map(countField),
        ].slice(0, 10),
      },
      ...(doc.addresses !== undefined && doc.addresses.length > 0
        ? [
            {
              type: 'section' as const,
              fields: [
                field(
                  '*Addresses*',
                  literal(String(doc.distinctAddresses ?? doc.addresses.length)),
                ),
                ...doc.addresses.map(countField),
              ],
            },
          ]
        : []),
    ],
  };
}
