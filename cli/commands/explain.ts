// `voiso-sec explain ID`: why an event or an incident alerted, or did not. For an event: the
// event, each rule of its pair (fired or not, with the values its condition read), the override
// and threshold, every suppression field by field, the incidents it helped form, and what became
// of its alert (sent to which topics, or folded into which summary). For an incident: its
// detection, what crossed the threshold, its events in time order, and its alert.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DetectionSettings } from '../../contract/config';
import { DETECTIONS, type DetectionDefaults, type DetectionId } from '../../contract/detections';
import type { EventPair } from '../../contract/pairs';
import { DETECTION_CATALOGUE } from '../../lambda/core/detections/catalogue';
import type { EventItem } from '../../lambda/core/items';
import type { AlertRecord, IncidentItem } from '../../lambda/core/records';
import { timeMs } from '../../lambda/core/records';
import { stackOutputs } from '../aws';
import { deployedDetection } from '../deployed-config';
import { CommandFailure, UsageError } from '../errors';
import {
  eventsOf,
  findEvent,
  findIncident,
  foldedInto,
  incidentsIn,
  TableReader,
} from '../explain/find';
import { type EventJudgement, judgeEvent } from '../explain/reasons';
import { loadDetectionConfiguration } from '../local/ingest-config';
import { readLocalState } from '../local/state';
import { duration, plural, printable } from '../terminal';
import { parseTimeRange, type TimeRange, type TimeRangeOptions } from './query/time-range';
import { minutesText } from './rules';
import { resolveTable, type TargetOptions } from './target';

export interface ExplainOptions extends TargetOptions, TimeRangeOptions {
  readonly callcenter?: string;
  readonly table?: string;
  readonly config?: string;
}

/** What became of one alert, from its alert record. */
export interface AlertOutcome {
  readonly id: string;
  readonly kind: string;
  /** `sent`, `folded`, `partial`, `claimed`, or `none` (no record). */
  readonly state: string;
  readonly topics: readonly string[];
  readonly rule?: string;
  readonly updatedAt?: string;
  /** A folded alert: the summary that counts it, and what became of that. */
  readonly summary?: AlertOutcome & { readonly window: string; readonly members?: number };
}

export interface IncidentReasons {
  readonly id: string;
  readonly detection: string;
  readonly description: string;
  readonly callcenter: string;
  readonly group: string;
  readonly groupedBy: string;
  readonly windowMinutes: number;
  readonly start: string;
  readonly end: string;
  /** What was measured and what it had to reach (a sequence has no threshold). */
  readonly measure: number;
  readonly threshold?: number;
  readonly thresholdMeans?: string;
  readonly values: readonly string[];
  readonly severity: string;
  /** The detection's configured severity: an admin's incident may be one level above it. */
  readonly configuredSeverity: string;
  readonly eventCount: number;
  readonly suppressed: boolean;
  readonly alertDue: boolean;
}

export type Explanation =
  | {
      readonly kind: 'event';
      readonly configuration: string;
      readonly foundVia: string;
      readonly event: Record<string, unknown>;
      /** What the function decided when it stored the event. */
      readonly stored: {
        readonly severity: string;
        readonly rules: readonly string[];
        readonly suppressedBy?: string;
        readonly alertDue: boolean;
        readonly detections: readonly string[];
      };
      /** The same decision again, with the configuration in use now. */
      readonly judgement: EventJudgement;
      readonly incidents: readonly IncidentReasons[];
      readonly alert: AlertOutcome;
    }
  | {
      readonly kind: 'incident';
      readonly configuration: string;
      readonly foundVia: string;
      readonly incident: IncidentReasons;
      /** The events that formed it (at most 50), in time order. */
      readonly events: readonly {
        readonly eventId: string;
        readonly time: string;
        readonly pair: string;
        readonly severity: string;
        readonly suppressedBy?: string;
        readonly params: Readonly<Record<string, unknown>>;
      }[];
      readonly alert: AlertOutcome;
      readonly threshold: string;
    };

const EVENT_ID = /^[A-Za-z0-9_-]{22}$/;
const INCIDENT_ID = /^inc-[A-Za-z0-9_-]{22}$/;

/** Incidents may begin up to this long before an event they include (new-source's window). */
const LONGEST_WINDOW_MS =
  Math.max(...Object.values(DETECTIONS).map((d: DetectionDefaults) => d.windowMinutes)) * 60_000;

/** Searches for an event that has no alert record look this far back unless told. */
export const DEFAULT_EXPLAIN_SINCE = '30d';

/** The configuration to judge with: --config, else what the stack or local pipeline runs. */
async function configurationFor(
  options: ExplainOptions,
): Promise<{ detection: DetectionSettings; source: string }> {
  if (options.config !== undefined) {
    const loaded = loadDetectionConfiguration('--config', options.config);
    return { detection: loaded.detection, source: loaded.source };
  }
  if (options.local) {
    const state = readLocalState();
    if (state.detection !== undefined) {
      return { detection: state.detection, source: state.configuration ?? 'the local pipeline' };
    }
  } else if (options.table === undefined) {
    // Not being allowed to read the function's configuration must not stop the explanation.
    const deployed = await deployedDetection(options, await stackOutputs(options)).catch(
      (error: unknown) => ({
        ok: false as const,
        problem: error instanceof Error ? error.message : String(error),
      }),
    );
    if (deployed.ok) return deployed;
    const loaded = loadDetectionConfiguration('--config', undefined);
    return {
      detection: loaded.detection,
      source: `${loaded.source}; the deployed one could not be read: ${deployed.problem}`,
    };
  }
  const loaded = loadDetectionConfiguration('--config', undefined);
  return { detection: loaded.detection, source: loaded.source };
}

const outcomeOf = (id: string, kind: string, record: AlertRecord | undefined): AlertOutcome => ({
  id,
  kind,
  state: record?.state ?? 'none',
  topics: record?.topicsSent ?? [],
  ...(record !== undefined && { rule: record.rule, updatedAt: record.updatedAt }),
});

function incidentReasons(item: IncidentItem): IncidentReasons {
  const defaults: DetectionDefaults = DETECTIONS[item.detection];
  return {
    id: item.incidentId,
    detection: item.detection,
    description: defaults.description,
    callcenter: item.callcenter,
    group: item.group,
    groupedBy: item.groupedBy,
    windowMinutes: item.windowMinutes,
    start: item.start,
    end: item.end,
    measure: item.measure,
    ...(item.threshold !== undefined && {
      threshold: item.threshold,
      thresholdMeans: defaults.thresholdMeans,
    }),
    values: item.values,
    severity: item.severity,
    configuredSeverity: defaults.severity,
    eventCount: item.eventCount,
    suppressed: item.suppressed,
    alertDue: item.alertDue,
  };
}

/** Key attributes are layout, not evidence. */
function publicEvent(item: EventItem): Record<string, unknown> {
  const { pk, sk, subjectKey, actorKey, pairKey, severityKey, ...rest } = item;
  return rest;
}

export async function runExplain(
  id: string,
  options: ExplainOptions,
  now = new Date(),
): Promise<Explanation> {
  const trimmed = id.trim();
  if (!EVENT_ID.test(trimmed) && !INCIDENT_ID.test(trimmed)) {
    throw new UsageError(
      `ID: expected an event id (22 characters, as in query --output json) or an incident id (inc-...), got "${id}"`,
    );
  }
  const range: TimeRange = parseTimeRange(
    options.since !== undefined || options.from !== undefined || options.to !== undefined
      ? options
      : { since: DEFAULT_EXPLAIN_SINCE },
    now,
  );
  const target = await resolveTable(options);
  const configuration = await configurationFor(options);
  const client = new DynamoDBClient(target.config);
  try {
    const reader = new TableReader(client, target.tableName);
    const alert = await reader.alertRecord(trimmed);
    return INCIDENT_ID.test(trimmed)
      ? await explainIncident(reader, trimmed, range, alert, configuration)
      : await explainEvent(reader, trimmed, options, range, alert, configuration);
  } finally {
    client.destroy();
  }
}

async function explainEvent(
  reader: TableReader,
  id: string,
  options: ExplainOptions,
  range: TimeRange,
  alert: AlertRecord | undefined,
  configuration: { detection: DetectionSettings; source: string },
): Promise<Explanation> {
  const found = await findEvent(
    reader,
    id,
    { ...(options.callcenter !== undefined && { callcenter: options.callcenter }), range },
    alert,
  );
  if (found === undefined) {
    const where = options.callcenter === undefined ? '' : ` in call center ${options.callcenter}`;
    throw new CommandFailure(
      `No event ${id}${where} between ${range.from.toISOString()} and ${range.to.toISOString()}, and it has no alert record: widen --since (or --from/--to), or name its --callcenter`,
    );
  }
  const item = found.item;
  const pair = `${item.type}/${item.event}` as EventPair;
  const judgement = judgeEvent(
    {
      timestamp: item.timestamp,
      type: item.type,
      event: item.event,
      callcenter: item.callcenter,
      params: item.params,
    },
    pair,
    item.recognised,
    configuration.detection,
  );
  // The incidents it formed began at most a window before it.
  const at = timeMs(item.time);
  const incidents =
    (item.detections ?? []).length === 0
      ? []
      : (
          await incidentsIn(reader, {
            from: new Date(at - LONGEST_WINDOW_MS),
            to: new Date(at),
          })
        ).filter((incident) => incident.eventIds.includes(item.eventId));
  let outcome = outcomeOf(item.eventId, 'event', alert);
  if (alert?.state === 'folded' && alert.foldWindow !== undefined) {
    const summaryId = `sum-${alert.foldWindow.slice(4)}`;
    const [record, members] = await Promise.all([
      reader.alertRecord(summaryId),
      foldedInto(reader, alert.foldWindow),
    ]);
    outcome = {
      ...outcome,
      summary: {
        ...outcomeOf(summaryId, 'summary', record),
        window: alert.foldWindow,
        members: members.length,
      },
    };
  }
  return {
    kind: 'event',
    configuration: configuration.source,
    foundVia: found.via,
    event: publicEvent(item),
    stored: {
      severity: item.severity,
      rules: item.rules,
      ...(item.suppressedBy !== undefined && { suppressedBy: item.suppressedBy }),
      alertDue: item.alertDue,
      detections: item.detections ?? [],
    },
    judgement,
    incidents: incidents.map(incidentReasons),
    alert: outcome,
  };
}

async function explainIncident(
  reader: TableReader,
  id: string,
  range: TimeRange,
  alert: AlertRecord | undefined,
  configuration: { detection: DetectionSettings; source: string },
): Promise<Explanation> {
  const found = await findIncident(reader, id, range, alert);
  if (found === undefined) {
    throw new CommandFailure(
      `No incident ${id} began between ${range.from.toISOString()} and ${range.to.toISOString()}, and it has no alert record: widen --since (or --from/--to)`,
    );
  }
  const incident = found.item;
  const events = (await eventsOf(reader, incident)).sort((a, b) =>
    a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0,
  );
  return {
    kind: 'incident',
    configuration: configuration.source,
    foundVia: found.via,
    incident: incidentReasons(incident),
    events: events.map((e) => ({
      eventId: e.eventId,
      time: e.time,
      pair: `${e.type}/${e.event}`,
      severity: e.severity,
      ...(e.suppressedBy !== undefined && { suppressedBy: e.suppressedBy }),
      params: e.params,
    })),
    alert: outcomeOf(incident.incidentId, 'incident', alert),
    threshold: configuration.detection.alertThreshold,
  };
}

// ---------------------------------------------------------------------------------------------
// Text

const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const millis = (time: string) => (time.length > 24 ? `${time.slice(0, 23)}Z` : time);

function alertLines(outcome: AlertOutcome, due: boolean, why: string): string[] {
  if (outcome.state === 'none') {
    return [
      due
        ? `  due, but no alert record was found (expired, or not processed yet)`
        : `  none: ${why}`,
    ];
  }
  const lines = [
    `  ${outcome.kind} alert ${outcome.id}: ${outcome.state}` +
      (outcome.topics.length > 0 ? ` to ${outcome.topics.join(' and ')}` : '') +
      (outcome.updatedAt ? ` (${outcome.updatedAt})` : ''),
  ];
  if (outcome.summary !== undefined) {
    const s = outcome.summary;
    lines.push(
      `  folded into summary ${s.id} (window ${s.window}, ${plural(s.members ?? 0, 'folded alert')}): ` +
        (s.state === 'none'
          ? 'not sent yet (the window is open, or its flush is due)'
          : `${s.state}${s.topics.length > 0 ? ` to ${s.topics.join(' and ')}` : ''}`),
    );
  }
  return lines;
}

/** `user dana@acme.example in acme`, `the whole call center acme`. */
const groupText = (i: IncidentReasons) =>
  i.group === 'callcenter'
    ? `the whole call center ${i.callcenter}`
    : `${i.groupedBy} ${i.group.slice(i.group.indexOf(':') + 1)} in ${i.callcenter}`;

function incidentWhy(i: IncidentReasons): string[] {
  const window = minutesText(i.windowMinutes);
  const firstSeen = DETECTION_CATALOGUE[i.detection as DetectionId]?.shape === 'first-seen';
  const crossed = firstSeen
    ? `${i.values.join(', ')} not seen for this user in the ${window} before (the user had at least ${i.threshold ?? '?'} days of history)`
    : i.threshold === undefined
      ? `its last event came ${duration(timeMs(i.end) - timeMs(i.start))} after its first, within the ${window} window`
      : `${i.measure} ${i.thresholdMeans ?? ''} within ${window} reached the threshold ${i.threshold}`;
  return [
    `  ${i.severity} ${i.detection} ${i.id}: ${printable(i.description)}`,
    `    ${printable(groupText(i))}, ${millis(i.start)} to ${millis(i.end)}`,
    `    why: ${printable(crossed)}` +
      (i.values.length > 0 && !firstSeen ? `; values: ${printable(i.values.join(', '))}` : '') +
      (i.severity !== i.configuredSeverity
        ? ` (severity ${i.severity}; the detection's default is ${i.configuredSeverity}: tuned, or one level up for an admin)`
        : ''),
  ];
}

export function formatExplanation(x: Explanation): string {
  const lines: string[] = [];
  if (x.kind === 'event') {
    const e = x.event;
    const j = x.judgement;
    lines.push(
      `Event ${value(e.eventId)} (found by ${x.foundVia})`,
      `  ${millis(String(e.time))}  ${printable(value(e.callcenter))}  ${printable(`${value(e.type)}/${value(e.event)}`)}`,
      `  params: ${printable(
        Object.entries(e.params as Record<string, unknown>)
          .map(([k, v]) => `${k}=${value(v)}`)
          .join(' '),
      )}`,
      `  received ${value(e.receivedAt)}${e.senderId ? ` from ${printable(value(e.senderId))}` : ''}`,
      '',
      `Stored as ${x.stored.severity} (rules ${x.stored.rules.join(', ')})` +
        (x.stored.suppressedBy ? `, suppressed by ${printable(x.stored.suppressedBy)}` : '') +
        `; alert ${x.stored.alertDue ? 'due' : 'not due'}.`,
      '',
      `Rules with the configuration now (${printable(x.configuration)}):`,
    );
    if (j.override) {
      lines.push(
        `  override: ${printable(j.override.pair)} -> ${j.override.severity} replaces the pair's rules`,
      );
    }
    if (j.verdicts.length === 0 && !j.override) {
      lines.push(
        `  no rule for this pair (not a documented Voiso event): ${j.rules.join(', ')}, ${j.severity}`,
      );
    }
    for (const v of j.verdicts) {
      const evidence = Object.entries(v.evidence)
        .map(([k, val]) => `${k}=${val === undefined ? '(none)' : value(val)}`)
        .join(' ');
      lines.push(
        `  ${v.fired ? 'fired    ' : 'not fired'} ${v.id.padEnd(32)} ${v.severity.padEnd(8)} ${printable(v.condition)}` +
          (evidence ? ` [${printable(evidence)}]` : ' [every event of the pair]'),
      );
    }
    lines.push(
      `  severity ${j.severity} is ${j.atOrAboveThreshold ? 'at or above' : 'below'} the alert threshold ${j.threshold}`,
    );
    if (j.severity !== x.stored.severity || j.rules.join() !== x.stored.rules.join()) {
      lines.push(
        `  (stored as ${x.stored.severity}: the configuration differs from the one it was judged with)`,
      );
    }
    lines.push('', `Suppressions (${j.suppressions.length}):`);
    if (j.suppressions.length === 0) lines.push('  none configured');
    for (const s of j.suppressions) {
      lines.push(
        `  ${s.matched ? 'matched  ' : 'no match '} ${printable(s.id)}: ` +
          s.fields
            .map(
              (f) =>
                `${f.field} ${printable(f.wanted)} ${f.matches ? '=' : '!='} ${f.actual === undefined ? '(none)' : printable(f.actual)}`,
            )
            .join('; '),
      );
    }
    lines.push('', `Incidents it helped form (${x.incidents.length}):`);
    if (x.incidents.length === 0) {
      lines.push(
        x.stored.detections.length === 0
          ? '  none'
          : `  its item names ${x.stored.detections.join(', ')}, but the incident no longer lists it (it lists its first 50 events)`,
      );
    }
    for (const i of x.incidents) lines.push(...incidentWhy(i));
    lines.push('', 'Alert:');
    lines.push(
      ...alertLines(
        x.alert,
        x.stored.alertDue,
        x.stored.suppressedBy !== undefined
          ? `suppressed by ${printable(x.stored.suppressedBy)}`
          : `${x.stored.severity} is below the threshold`,
      ),
    );
    return lines.join('\n');
  }
  const i = x.incident;
  lines.push(`Incident ${i.id} (found by ${x.foundVia})`, ...incidentWhy(i));
  lines.push(
    `    ${plural(i.eventCount, 'event')}` +
      (i.suppressed ? '; every one suppressed, so the incident is too' : '') +
      `; alert ${i.alertDue ? 'due' : 'not due'} (threshold ${x.threshold})`,
    '',
    `Events (${x.events.length} of ${i.eventCount}, time order):`,
  );
  for (const e of x.events) {
    lines.push(
      `  ${millis(e.time)}  ${e.eventId}  ${e.severity.padEnd(8)} ${printable(e.pair)} ` +
        printable(
          Object.entries(e.params)
            .map(([k, v]) => `${k}=${value(v)}`)
            .join(' '),
        ) +
        (e.suppressedBy ? `  suppressed by ${printable(e.suppressedBy)}` : ''),
    );
  }
  lines.push('', 'Alert:');
  lines.push(
    ...alertLines(
      x.alert,
      i.alertDue,
      i.suppressed ? 'every event was suppressed' : `${i.severity} is below the threshold`,
    ),
  );
  return lines.join('\n');
}
