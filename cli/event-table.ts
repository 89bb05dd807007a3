// The one table of stored events a person reads, for `simulate` and `query` alike: the same
// columns, time precision and rule separators, IP values in a column of their own, fitted to
// the terminal by wrapping long cells, then dropping the least useful columns (`--wide` keeps
// everything on one line per event).
import { parseCidr } from '../contract/ip';
import { longestUnbreakable, plural, printable, renderTable, wrapText } from './terminal';

/** What the table shows of a stored event (an EventItem has all of it). */
export interface TableEvent {
  /** Normalised fixed-width UTC time, `YYYY-MM-DDTHH:MM:SS.fffffffffZ`. */
  readonly time: string;
  readonly callcenter: string;
  readonly severity: string;
  readonly recognised: boolean;
  readonly type: string;
  readonly event: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly rules: readonly string[];
  readonly suppressedBy?: string;
  /** The SQS `SenderId` of the message that stored it (which key sent it). */
  readonly senderId?: string;
}

export interface EventTableOptions {
  /** Columns available; undefined means no limit (a file or a pipe keeps every character). */
  readonly width?: number;
  /** Every column, every character, whatever the width. */
  readonly wide?: boolean;
}

interface Column {
  readonly header: string;
  readonly cell: (event: TableEvent) => string;
}

const text = (value: unknown): string =>
  value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);

const isIp = (value: unknown): value is string =>
  typeof value === 'string' && parseCidr(value) !== undefined;

/** `ip`, or `from -> to` when both are addresses or ranges (an IP change, not a role change). */
function ipCell(params: TableEvent['params']): string {
  if (params.ip !== undefined) return text(params.ip);
  return isIp(params.from) && isIp(params.to) ? `${params.from} -> ${params.to}` : '';
}

/** The params no other column shows, as `name=value`. */
function paramsCell(params: TableEvent['params']): string {
  const shownAsIp = params.ip !== undefined ? ['ip'] : ipCell(params) ? ['from', 'to'] : [];
  const shown = new Set(['user', 'who', ...shownAsIp]);
  return Object.entries(params)
    .filter(([name]) => !shown.has(name))
    .map(([name, value]) => `${name}=${text(value)}`)
    .join(' ');
}

/** Milliseconds are what a person compares; `--output json` keeps all nine digits. */
const timeCell = (time: string) => (time.length > 24 ? `${time.slice(0, 23)}Z` : time);

const COLUMNS = {
  time: { header: 'time', cell: (e) => timeCell(e.time) },
  callcenter: { header: 'callcenter', cell: (e) => e.callcenter },
  // An unrecognised event says so in its rules (`unrecognised-event`).
  severity: { header: 'severity', cell: (e) => e.severity },
  pair: { header: 'type/event', cell: (e) => `${e.type}/${e.event}` },
  user: { header: 'user', cell: (e) => text(e.params.user) },
  who: { header: 'who', cell: (e) => text(e.params.who) },
  // Wrapped between words, never cut: a cut range would hide what an IP change is about.
  ip: { header: 'ip', cell: (e) => ipCell(e.params) },
  params: { header: 'params', cell: (e) => paramsCell(e.params) },
  rules: {
    header: 'rules',
    cell: (e) =>
      e.rules.join(', ') +
      (e.suppressedBy === undefined ? '' : `; suppressed by ${e.suppressedBy}`),
  },
  sender: { header: 'sender', cell: (e) => e.senderId ?? '' },
} satisfies Record<string, Column>;

type ColumnName = keyof typeof COLUMNS;

const ORDER: readonly ColumnName[] = [
  'time',
  'callcenter',
  'severity',
  'pair',
  'user',
  'who',
  'ip',
  'params',
  'rules',
  'sender',
];

/**
 * When the terminal is too narrow, these columns first wrap down to their longest word, in this
 * order; then they are left out, in the same order, until the table fits.
 */
const LEAST_USEFUL_FIRST: readonly ColumnName[] = [
  'sender',
  'params',
  'callcenter',
  'rules',
  'who',
  'user',
  'ip',
];

const GAP = 2;

interface ColumnWidths {
  /** On one line: the longest cell (or header). */
  readonly natural: number;
  /** Wrapped between words, never inside one: the longest word (or header); see wrapText. */
  readonly narrowest: number;
}

/**
 * Columns that may break inside a word down to this width rather than be left out: an IPv6
 * range is one long word, and the ip column is what an audit of an IP change is about. An
 * IPv4 range (at most `255.255.255.255/32`, 18 characters) never breaks.
 */
const BREAKS_WORDS_AT: Partial<Record<ColumnName, number>> = { ip: 18 };

/** The columns that fit in `width`, and how wide each one gets. */
function fitColumns(
  columns: readonly ColumnName[],
  sizes: ReadonlyMap<ColumnName, ColumnWidths>,
  width: number,
): { visible: ColumnName[]; widths: Map<ColumnName, number> } {
  let visible = [...columns];
  for (const droppable of [...LEAST_USEFUL_FIRST, undefined]) {
    const widths = new Map(visible.map((name) => [name, sizes.get(name)?.natural ?? 0]));
    let excess =
      [...widths.values()].reduce((sum, w) => sum + w, 0) + GAP * (visible.length - 1) - width;
    for (const name of LEAST_USEFUL_FIRST) {
      const current = widths.get(name);
      if (excess <= 0 || current === undefined) continue;
      const narrower = Math.min(excess, current - (sizes.get(name)?.narrowest ?? current));
      widths.set(name, current - narrower);
      excess -= narrower;
    }
    if (excess <= 0 || droppable === undefined) return { visible, widths };
    visible = visible.filter((name) => name !== droppable);
  }
  throw new Error('unreachable: the last round always returns');
}

export function renderEventTable(
  events: readonly TableEvent[],
  options: EventTableOptions = {},
): string {
  const headers = ORDER.map((name) => COLUMNS[name].header);
  const rows = events.map((event) => ORDER.map((name) => printable(COLUMNS[name].cell(event))));
  if (options.wide || options.width === undefined) {
    return renderTable(headers, rows, { maxWidths: ORDER.map(() => Infinity) });
  }
  const sizes = new Map(
    ORDER.map((name, i) => {
      const cells = [headers[i] ?? '', ...rows.map((row) => row[i] ?? '')];
      return [
        name,
        {
          natural: Math.max(...cells.map((cell) => cell.length)),
          narrowest: Math.min(
            Math.max(...cells.map(longestUnbreakable)),
            Math.max(headers[i]?.length ?? 0, BREAKS_WORDS_AT[name] ?? Infinity),
          ),
        },
      ];
    }),
  );
  // A column with nothing in it is not worth its width on a narrow terminal.
  const filled = ORDER.filter((_, i) => rows.some((row) => row[i] !== ''));
  const { visible, widths } = fitColumns(filled, sizes, options.width);
  const pick = visible.map((name) => ORDER.indexOf(name));
  const table = renderTable(
    pick.map((i) => headers[i] ?? ''),
    rows.map((row) => pick.map((i) => row[i] ?? '')),
    {
      maxWidths: visible.map((name) => widths.get(name) ?? Infinity),
      wrap: visible.map(() => true),
    },
  );
  const hidden = filled
    .filter((name) => !visible.includes(name))
    .map((name) => COLUMNS[name].header);
  if (hidden.length === 0) return table;
  const note = `(${hidden.join(', ')} hidden to fit ${plural(options.width, 'column')}; --wide shows everything)`;
  return [table, ...wrapText(note, options.width)].join('\n');
}
