// `simulate` and `query` print stored events in one table: same columns, time precision and
// rule separators, IP values in their own column, fitted to the terminal's width.
import { formatQuery } from '../../cli/commands/query/format';
import type { QueryResult } from '../../cli/commands/query/read';
import { formatSimulation, type SimulationResult } from '../../cli/commands/simulate';
import { renderEventTable, type TableEvent } from '../../cli/event-table';

const event = (overrides: Partial<TableEvent> = {}): TableEvent => ({
  time: '2025-03-14T09:15:45.125000000Z',
  callcenter: 'globex',
  severity: 'critical',
  recognised: true,
  type: 'allowed_ip',
  event: 'ip_changed',
  params: {
    who: 'ops.admin@example.org',
    access_group: 'supervisor',
    from: '192.0.2.0/24',
    to: '2001:db8:ffff:ffff:ffff:ffff:ffff:0/112',
  },
  rules: ['wide-allowlist-range-changed', 'allowlist-ip-changed'],
  ...overrides,
});

const LOGIN = event({
  time: '2025-03-14T08:02:11.500000000Z',
  callcenter: 'acme',
  severity: 'info',
  type: 'app_login',
  event: 'successful_login',
  params: { user: 'john.smith@example.com', access_group: 'supervisor' },
  rules: ['successful-login'],
});

const headerOf = (table: string) => table.split('\n')[0]?.split(/\s{2,}/) ?? [];

/** One column's text, read down the table, without the spaces that wrapping adds. */
function columnText(table: string, header: string): string {
  const [head = '', , ...rows] = table.split('\n');
  const start = head.search(new RegExp(`(^|  )${header}( |$)`)) + (head.startsWith(header) ? 0 : 2);
  const next = head.slice(start + header.length).search(/\S/);
  const end = next === -1 ? undefined : start + header.length + next;
  return rows
    .map((row) => row.slice(start, end))
    .join('')
    .replace(/\s+/g, '');
}

describe('renderEventTable', () => {
  it('shows every column on one line per event when no width is known', () => {
    const table = renderEventTable([event(), LOGIN]);

    expect(headerOf(table)).toEqual([
      'time',
      'callcenter',
      'severity',
      'type/event',
      'user',
      'who',
      'ip',
      'params',
      'rules',
      'sender',
    ]);
    expect(table.split('\n')).toHaveLength(4);
  });

  it('shows times to the millisecond and rules separated by commas', () => {
    const row = renderEventTable([event()]).split('\n')[2] ?? '';

    expect(row).toMatch(/^2025-03-14T09:15:45\.125Z {2}/);
    expect(row).toContain('wide-allowlist-range-changed, allowlist-ip-changed');
  });

  it('puts ip, or from -> to of an IP change, in the ip column; a role change stays a param', () => {
    const table = renderEventTable([
      event(),
      event({ type: 'app_login', event: 'unauthorized_ip', params: { ip: '198.51.100.23' } }),
      event({ type: 'user', event: 'privileges_updated', params: { from: 'agent', to: 'admin' } }),
    ]);

    expect(table).toContain('192.0.2.0/24 -> 2001:db8:ffff:ffff:ffff:ffff:ffff:0/112');
    expect(table).toContain('198.51.100.23');
    expect(table).toContain('from=agent to=admin');
    expect(table).not.toContain('from=192.0.2.0/24');
  });

  it('shows a suppressed event with its rules and the suppression', () => {
    const table = renderEventTable([event({ suppressedBy: 'office' })]);

    expect(table).toContain(
      'wide-allowlist-range-changed, allowlist-ip-changed; suppressed by office',
    );
  });

  it.each([80, 100, 120, 160, 200])('fits %i columns and cuts no value', (width) => {
    const table = renderEventTable([event(), LOGIN, event({ suppressedBy: 'office' })], {
      width,
    });

    for (const line of table.split('\n')) expect(line.length).toBeLessThanOrEqual(width);
    expect(table).not.toContain('…');
  });

  it.each([100, 120, 160])('keeps the whole new range at %i columns, wrapped', (width) => {
    const table = renderEventTable([event()], { width });

    expect(columnText(table, 'ip')).toContain(
      '192.0.2.0/24->2001:db8:ffff:ffff:ffff:ffff:ffff:0/112',
    );
  });

  it('leaves out the least useful columns first, and says so', () => {
    const table = renderEventTable([event(), LOGIN], { width: 120 });

    expect(headerOf(table)).toEqual(['time', 'severity', 'type/event', 'user', 'ip']);
    expect(table.split('\n').at(-1)).toBe(
      '(callcenter, who, params, rules hidden to fit 120 columns; --wide shows everything)',
    );
  });

  it('shows everything with --wide, whatever the width', () => {
    const table = renderEventTable([event(), LOGIN], { width: 40, wide: true });

    expect(headerOf(table)).toHaveLength(10);
    expect(table).not.toContain('hidden');
  });
});

describe('simulate and query print the same table', () => {
  const stored = { ...event({ suppressedBy: 'office' }), timestamp: '2025-03-14T09:15:45.125Z' };

  it.each([undefined, 100])('at width %p', (width) => {
    const simulation: SimulationResult = {
      summary: {
        sent: 1,
        stored: 1,
        duplicates: 0,
        quarantined: 0,
        deadLettered: 0,
        alerts: 0,
        rejected: 0,
      },
      stored: [
        {
          ...stored,
          line: 1,
          timestamp: stored.time,
          eventId: 'e1',
          originalTimestamp: stored.timestamp,
          suppressedBy: 'office',
          alert: 'none',
        },
      ],
      alerts: [],
      incidents: [],
      quarantined: [],
      deadLettered: [],
      rejected: [],
    };
    const query: QueryResult = {
      items: [{ pk: 'CC#globex', sk: `${stored.time}#e1`, kind: 'event', ...stored }],
      truncated: false,
    };
    const options = width === undefined ? {} : { width };

    const fromSimulate = formatSimulation(simulation, options);
    const fromQuery = formatQuery(query, { output: 'table' }, width);

    expect(fromSimulate).toContain(fromQuery);
  });
});
