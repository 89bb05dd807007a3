// What a backtest prints: the incidents and alerts a replay says would have gone out, counted per
// rule and per day, and the difference a second configuration makes. The JSON document is the
// contract (`backtest --json`); the text is the same facts for a person.
import type { Incident } from '../../lambda/core/detections/engine';
import { normalisedTime } from '../../lambda/core/records';
import { plural, printable, renderTable } from '../terminal';
import type { ReplayAlert, ReplayAlertKind, ReplayResult } from './replay';

/** An incident as `backtest --json` lists it (the fields `simulate --json` gives it too). */
export interface IncidentJson {
  readonly id: string;
  readonly rule: string;
  readonly callcenter: string;
  readonly severity: string;
  readonly group: string;
  readonly start: string;
  readonly end: string;
  /** The events that formed it, in time order (the first 50). */
  readonly events: readonly string[];
}

export interface AlertCounts {
  readonly byRule: Readonly<Record<string, number>>;
  readonly byDay: Readonly<Record<string, number>>;
  readonly total: number;
}

export interface RuleDifference {
  readonly before: number;
  readonly after: number;
  readonly added: number;
  readonly removed: number;
}

export interface Comparison {
  /** Where the compared configuration came from. */
  readonly configuration: string;
  /** Alerts the compared configuration would add and remove, against the first one. */
  readonly total: RuleDifference;
  readonly byRule: Readonly<Record<string, RuleDifference>>;
  readonly incidents: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

/** `backtest --json`, exactly. */
export interface BacktestDocument {
  readonly incidents: readonly IncidentJson[];
  readonly alerts: AlertCounts;
  readonly compare: Comparison | null;
}

/** What the text adds to the document: where the events came from and what was left out. */
export interface BacktestContext {
  readonly source: string;
  readonly configuration: string;
  /** Lines of an input file that are not events (they would have been quarantined). */
  readonly malformed: number;
  /** Events given more than once (redeliveries, re-sends): replayed once. */
  readonly duplicates: number;
  /** Stored events past their expiry: left out. */
  readonly expired: number;
  /** Events of an input file outside the range asked for: left out. */
  readonly outOfRange?: number;
  /** Event time of the first and last event replayed, epoch ms. */
  readonly first?: number;
  readonly last?: number;
}

export const toIncidentJson = (incident: Incident): IncidentJson => ({
  id: incident.id,
  rule: incident.detection,
  callcenter: incident.callcenter,
  severity: incident.severity,
  group: incident.group,
  start: normalisedTime(incident.start),
  end: normalisedTime(incident.end),
  events: incident.eventIds,
});

const sortedRecord = <T>(entries: Iterable<readonly [string, T]>): Record<string, T> =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const countBy = (alerts: readonly ReplayAlert[], key: (a: ReplayAlert) => string) => {
  const counts = new Map<string, number>();
  for (const alert of alerts) counts.set(key(alert), (counts.get(key(alert)) ?? 0) + 1);
  return sortedRecord(counts);
};

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const alertCounts = (alerts: readonly ReplayAlert[]): AlertCounts => ({
  byRule: countBy(alerts, (a) => a.rule),
  byDay: countBy(alerts, (a) => dayOf(a.at)),
  total: alerts.length,
});

const alertIdentity = (a: ReplayAlert) => `${a.kind}:${a.id}`;

/** The alerts and incidents `after` has and `before` has not, and the reverse, by rule. */
export function compareReplays(
  before: ReplayResult,
  after: ReplayResult,
  configuration: string,
): Comparison {
  const beforeIds = new Set(before.alerts.map(alertIdentity));
  const afterIds = new Set(after.alerts.map(alertIdentity));
  const rules = new Map<
    string,
    { before: number; after: number; added: number; removed: number }
  >();
  const entry = (rule: string) => {
    const found = rules.get(rule) ?? { before: 0, after: 0, added: 0, removed: 0 };
    rules.set(rule, found);
    return found;
  };
  for (const alert of before.alerts) {
    const e = entry(alert.rule);
    e.before++;
    if (!afterIds.has(alertIdentity(alert))) e.removed++;
  }
  for (const alert of after.alerts) {
    const e = entry(alert.rule);
    e.after++;
    if (!beforeIds.has(alertIdentity(alert))) e.added++;
  }
  const total = { before: 0, after: 0, added: 0, removed: 0 };
  for (const e of rules.values()) {
    total.before += e.before;
    total.after += e.after;
    total.added += e.added;
    total.removed += e.removed;
  }
  const beforeIncidents = new Set(before.incidents.map((i) => i.id));
  const afterIncidents = new Set(after.incidents.map((i) => i.id));
  return {
    configuration,
    total,
    byRule: sortedRecord(rules),
    incidents: {
      added: after.incidents.filter((i) => !beforeIncidents.has(i.id)).map((i) => i.id),
      removed: before.incidents.filter((i) => !afterIncidents.has(i.id)).map((i) => i.id),
    },
  };
}

export const backtestDocument = (
  result: ReplayResult,
  comparison: Comparison | null,
): BacktestDocument => ({
  incidents: result.incidents.map(toIncidentJson),
  alerts: alertCounts(result.alerts),
  compare: comparison,
});

const KINDS: readonly ReplayAlertKind[] = ['event', 'incident', 'summary'];

const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16);

export function formatBacktest(
  result: ReplayResult,
  comparison: Comparison | null,
  context: BacktestContext,
  compared?: ReplayResult,
): string {
  const kinds = Object.fromEntries(
    KINDS.map((kind) => [kind, result.alerts.filter((a) => a.kind === kind).length]),
  );
  const critical = result.alerts.filter((a) => a.severity === 'critical').length;
  const skipped = [
    context.first !== undefined &&
      context.last !== undefined &&
      `${minute(context.first)} to ${minute(context.last)} UTC`,
    context.duplicates > 0 && plural(context.duplicates, 'duplicate'),
    context.malformed > 0 && `${plural(context.malformed, 'malformed line')}, to be quarantined`,
    (context.outOfRange ?? 0) > 0 && `${plural(context.outOfRange ?? 0, 'line')} outside the range`,
    context.expired > 0 && `${plural(context.expired, 'expired event')}`,
    result.suppressed > 0 && `${result.suppressed} suppressed`,
  ].filter((text): text is string => typeof text === 'string');
  const lines = [
    `Replayed ${plural(result.events, 'event')} from ${printable(context.source)}` +
      (skipped.length > 0 ? ` (${skipped.join('; ')})` : '') +
      '; nothing was written or published.',
    `Configuration: ${printable(context.configuration)}`,
    `Would have alerted ${plural(result.alerts.length, 'time')}: ${kinds.incident} for incidents, ` +
      `${kinds.event} for single events, ${plural(kinds.summary ?? 0, 'summary', 'summaries')} of ` +
      `${plural(result.folded, 'folded alert')}` +
      (critical > 0 ? `; ${critical} critical, also to the critical topic` : '') +
      '.',
  ];
  lines.push('', `Incidents alerted (${result.incidents.length}):`);
  if (result.incidents.length === 0) lines.push('  none');
  for (const i of result.incidents) lines.push(`  ${incidentLine(i)}`);
  if (result.quietIncidents.length > 0) {
    lines.push(
      `  and ${plural(result.quietIncidents.length, 'incident')} found but not alerted (suppressed, or below the threshold)`,
    );
  }
  if (result.alerts.length > 0) {
    lines.push('', 'Alerts by rule:');
    lines.push(
      renderTable(
        ['rule', ...KINDS, 'total'],
        Object.entries(countBy(result.alerts, (a) => a.rule)).map(([rule, total]) => [
          rule,
          ...KINDS.map((kind) =>
            String(result.alerts.filter((a) => a.rule === rule && a.kind === kind).length),
          ),
          String(total),
        ]),
      ),
    );
    lines.push('', 'Alerts by day (UTC):');
    lines.push(
      renderTable(
        ['day', 'alerts'],
        Object.entries(alertCounts(result.alerts).byDay).map(([day, n]) => [day, String(n)]),
      ),
    );
  }
  if (comparison !== null) {
    const t = comparison.total;
    lines.push(
      '',
      `Compared with ${printable(comparison.configuration)}: ${t.before} -> ${t.after} alerts ` +
        `(+${t.added} added, -${t.removed} removed); incidents +${comparison.incidents.added.length} ` +
        `-${comparison.incidents.removed.length}`,
    );
    const changed = Object.entries(comparison.byRule).filter(
      ([, d]) => d.added > 0 || d.removed > 0,
    );
    if (changed.length === 0) lines.push('  no alert changes');
    else {
      lines.push(
        renderTable(
          ['rule', 'before', 'after', 'added', 'removed'],
          changed.map(([rule, d]) => [
            rule,
            String(d.before),
            String(d.after),
            `+${d.added}`,
            `-${d.removed}`,
          ]),
        ),
      );
    }
    const byId = new Map(
      [...result.incidents, ...(compared?.incidents ?? [])].map((i) => [i.id, i] as const),
    );
    for (const [sign, ids] of [
      ['+', comparison.incidents.added],
      ['-', comparison.incidents.removed],
    ] as const) {
      for (const id of ids) {
        const incident = byId.get(id);
        if (incident) lines.push(`  ${sign} ${incidentLine(incident)}`);
      }
    }
  }
  return lines.join('\n');
}

/** One incident on one line, as `simulate` prints it. */
export function incidentLine(i: Incident): string {
  const start = normalisedTime(i.start);
  const end = normalisedTime(i.end);
  return (
    `${i.severity.padEnd(8)} ${i.detection.padEnd(25)} ${printable(i.callcenter)} ${printable(i.group)}: ` +
    `${plural(i.eventCount, 'event')} ${start.slice(0, 19)}..${end.slice(11, 19)} ${i.id}`
  );
}
