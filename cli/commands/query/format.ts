// What `query` prints: a table for people, CSV for spreadsheets, JSON for scripts.
import { INDEX_KEY_ATTRIBUTES, TABLE_KEYS } from '../../../contract/table';
import { DETECTION_CATALOGUE } from '../../../lambda/core/detections/catalogue';
import type { EventItem, QuarantineItem } from '../../../lambda/core/items';
import type { IncidentItem } from '../../../lambda/core/records';
import { UsageError } from '../../errors';
import { renderEventTable } from '../../event-table';
import { renderCsv, renderTable, terminalSafeJson, terminalWidth } from '../../terminal';
import type { QueryResult, TableItem } from './read';

export interface FormatOptions {
  readonly output?: string;
  readonly quarantined?: boolean;
  readonly incidents?: boolean;
  /** Table: every column and every character, whatever the terminal's width. */
  readonly wide?: boolean;
}

export type OutputFormat = 'table' | 'json' | 'csv';

export function parseOutput(
  value: string | undefined,
  isTty = Boolean(process.stdout.isTTY),
): OutputFormat {
  if (value === undefined) return isTty ? 'table' : 'json';
  if (value === 'table' || value === 'json' || value === 'csv') return value;
  throw new UsageError(`--output: expected table, json or csv, got "${value}"`);
}

const EVENT_COLUMNS = [
  'time',
  'callcenter',
  'severity',
  'type',
  'event',
  'user',
  'who',
  'params',
  'rules',
  'sender',
];
const QUARANTINE_COLUMNS = ['time', 'messageId', 'reason', 'body', 'sender'];
const INCIDENT_COLUMNS = [
  'start',
  'end',
  'severity',
  'detection',
  'callcenter',
  'group',
  'measure',
  'events',
  'alerted',
  'id',
];

/** Milliseconds are what a person compares; JSON keeps all nine digits. */
const toMillis = (time: string) => (time.length > 24 ? `${time.slice(0, 23)}Z` : time);

function incidentRow(item: IncidentItem): string[] {
  return [
    toMillis(item.start),
    toMillis(item.end),
    item.severity,
    item.detection,
    item.callcenter,
    item.group,
    // A count to reach reads as measure/threshold; first-seen's threshold is days of history.
    item.threshold === undefined || DETECTION_CATALOGUE[item.detection]?.shape === 'first-seen'
      ? String(item.measure)
      : `${item.measure}/${item.threshold}`,
    String(item.eventCount),
    item.alertDue ? 'yes' : item.suppressed ? 'suppressed' : 'below threshold',
    item.incidentId,
  ];
}

function eventRow(item: EventItem): string[] {
  const { user, who, ...rest } = item.params;
  return [
    item.timestamp,
    item.callcenter,
    item.severity,
    item.type,
    item.event,
    user === undefined ? '' : String(user),
    who === undefined ? '' : String(who),
    Object.keys(rest).length === 0 ? '' : JSON.stringify(rest),
    item.suppressedBy ? `suppressed:${item.suppressedBy}` : item.rules.join(' '),
    item.senderId ?? '',
  ];
}

function quarantineRow(item: QuarantineItem): string[] {
  return [item.sk.slice(0, 30), item.messageId, item.reason, item.body, item.senderId ?? ''];
}

/** Key attributes are layout, not audit data. */
const KEY_ATTRIBUTES: ReadonlySet<string> = new Set([
  TABLE_KEYS.partition,
  TABLE_KEYS.sort,
  ...Object.values(INDEX_KEY_ATTRIBUTES),
]);

const publicView = (item: TableItem): Record<string, unknown> =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.has(name)));

export function formatQuery(
  result: QueryResult,
  options: FormatOptions,
  width = terminalWidth(),
): string {
  const format = parseOutput(options.output);
  // Every format is safe to print on a terminal: JSON escapes controls, CSV and tables drop them.
  if (format === 'json') return terminalSafeJson(result.items.map(publicView));
  if (options.incidents) {
    const rows = result.items.map((item) => incidentRow(item as unknown as IncidentItem));
    if (format === 'csv') return renderCsv(INCIDENT_COLUMNS, rows);
    return rows.length === 0 ? 'No matching items.' : renderTable(INCIDENT_COLUMNS, rows);
  }
  if (format === 'table' && !options.quarantined) {
    if (result.items.length === 0) return 'No matching items.';
    // The same table as `simulate`'s, so the two read alike.
    const events = result.items as unknown as EventItem[];
    return renderEventTable(events, {
      ...(width !== undefined && { width }),
      wide: !!options.wide,
    });
  }
  const headers = options.quarantined ? QUARANTINE_COLUMNS : EVENT_COLUMNS;
  const rows = result.items.map((item) =>
    options.quarantined
      ? quarantineRow(item as unknown as QuarantineItem)
      : eventRow(item as unknown as EventItem),
  );
  if (format === 'csv') return renderCsv(headers, rows);
  return result.items.length === 0 ? 'No matching items.' : renderTable(headers, rows);
}
