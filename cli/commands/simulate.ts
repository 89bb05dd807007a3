// `voiso-sec simulate`: the whole pipeline on embedded emulators, from a file of messages, and a
// report of where every message ended (the JSON contract in SPEC.md).
import type { Alert } from '../../lambda/core/alert-format';
import type { EventItem, QuarantineItem } from '../../lambda/core/items';
import type { AlertRecord, AlertRecordState, IncidentItem } from '../../lambda/core/records';
import { type EventTableOptions, renderEventTable } from '../event-table';
import { queueDepth, readWholeQueue, readWholeTable } from '../local/emulators';
import { parseFaultSpec } from '../local/faults';
import { loadLocalConfiguration } from '../local/ingest-config';
import { type LocalPipeline, startPipeline } from '../local/pipeline';
import { readMessageInput } from '../message-input';
import { parseSeconds } from '../options';
import { type RefusedLine, refusedLineText, sendBodies, sqsRefusal } from '../send-messages';
import { plural, printable, progress, sleep } from '../terminal';

export interface SimulateOptions {
  readonly input: string;
  readonly json?: boolean;
  readonly visibilityTimeout?: string;
  readonly injectFaults?: string;
  readonly detectionConfig?: string;
  readonly config?: string;
  /** Send the lines as they are: no JSON Lines check, a byte order mark kept. */
  readonly raw?: boolean;
}

export interface SimulationResult {
  readonly summary: {
    readonly sent: number;
    readonly stored: number;
    readonly duplicates: number;
    readonly quarantined: number;
    readonly deadLettered: number;
    readonly alerts: number;
    /** Lines SQS refused (too large, characters SQS forbids); never sent, so not in `sent`. */
    readonly rejected: number;
  };
  readonly stored: StoredEventView[];
  readonly alerts: AlertView[];
  readonly incidents: IncidentView[];
  /** In input order; `line` is the 1-based input line of the message. */
  readonly quarantined: { readonly line: number; readonly body: string; readonly reason: string }[];
  readonly deadLettered: { readonly line: number; readonly body: string }[];
  /** Lines SQS would refuse, never sent; in input order. */
  readonly rejected: RefusedLine[];
}

export interface StoredEventView {
  /** The input line of the message that stored the event. */
  readonly line: number;
  readonly callcenter: string;
  readonly timestamp: string;
  readonly type: string;
  readonly event: string;
  readonly severity: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly rules: readonly string[];
  readonly recognised: boolean;
  readonly eventId: string;
  readonly originalTimestamp: string;
  readonly suppressedBy?: string;
  /** What became of its alert: sent, folded into a summary, or none (not due). */
  readonly alert: AlertRecordState | 'none';
  /** The detections whose incidents it helped form. */
  readonly detections?: readonly string[];
}

/** An incident as `simulate --json` and `backtest --json` list it. */
export interface IncidentView {
  readonly id: string;
  readonly rule: string;
  readonly callcenter: string;
  readonly severity: string;
  readonly group: string;
  readonly start: string;
  readonly end: string;
  readonly measure: number;
  readonly events: readonly string[];
  readonly eventCount: number;
  readonly alerted: boolean;
}

export interface AlertView {
  readonly topic: string;
  readonly severity: string;
  readonly subject: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Simulate's default: retries show up within seconds, not the deployed 3 minutes. */
const DEFAULT_SIMULATE_VISIBILITY_SECONDS = 2;

/** Waits until the events queue is empty, nothing is in flight and the poller is idle. */
async function waitUntilDrained(pipeline: LocalPipeline, report: (text: string) => void) {
  const { sqs, queueUrl } = pipeline.emulators;
  let quietChecks = 0;
  // Two consecutive quiet checks: a batch can be between receive and invoke for an instant.
  while (quietChecks < 2) {
    const depth = await queueDepth(sqs, queueUrl);
    const quiet =
      depth.visible === 0 && depth.inFlight === 0 && depth.delayed === 0 && !pipeline.poller.active;
    quietChecks = quiet ? quietChecks + 1 : 0;
    report(`draining: ${depth.visible} queued, ${depth.inFlight} in flight`);
    await sleep(100);
  }
}

const toAlertView = (alert: Alert): AlertView => ({
  topic: alert.topic,
  severity: alert.severity,
  subject: alert.subject,
  message: alert.text,
  attributes: alert.attributes,
});

const toStoredView = (
  item: EventItem,
  line: number,
  alert: AlertRecord | undefined,
): StoredEventView => ({
  line,
  callcenter: item.callcenter,
  timestamp: item.time,
  type: item.type,
  event: item.event,
  severity: item.severity,
  params: item.params,
  rules: item.rules,
  recognised: item.recognised,
  eventId: item.eventId,
  originalTimestamp: item.timestamp,
  ...(item.suppressedBy !== undefined && { suppressedBy: item.suppressedBy }),
  alert: alert?.state ?? 'none',
  ...(item.detections !== undefined && { detections: item.detections }),
});

export const toIncidentView = (item: IncidentItem): IncidentView => ({
  id: item.incidentId,
  rule: item.detection,
  callcenter: item.callcenter,
  severity: item.severity,
  group: item.group,
  start: item.start,
  end: item.end,
  measure: item.measure,
  events: item.eventIds,
  eventCount: item.eventCount,
  alerted: item.alertDue,
});

/**
 * Which input line each message came from: by SQS message id, which a message keeps through
 * retries and into the DLQ; by body for a message the emulator handed back with a new id.
 */
class InputLines {
  private readonly byId = new Map<string, number>();
  private readonly byBody = new Map<string, number[]>();

  add(messageId: string, line: number, body: string): void {
    this.byId.set(messageId, line);
    this.byBody.set(body, [...(this.byBody.get(body) ?? []), line]);
  }

  lineOf(messageId: string, body: string): number {
    return this.byId.get(messageId) ?? this.byBody.get(body)?.[0] ?? 0;
  }
}

const byLine = (a: { line: number }, b: { line: number }) => a.line - b.line;

export async function runSimulation(
  options: SimulateOptions,
  warn: (message: string) => void = () => {},
): Promise<SimulationResult> {
  const visibility =
    options.visibilityTimeout === undefined
      ? DEFAULT_SIMULATE_VISIBILITY_SECONDS
      : parseSeconds('--visibility-timeout', options.visibilityTimeout, 1, 43_200);
  const fault = options.injectFaults ? parseFaultSpec(options.injectFaults) : undefined;
  const input = readMessageInput(options.input, {
    option: '--input',
    ...(options.raw !== undefined && { raw: options.raw }),
  });
  const configuration = loadLocalConfiguration({
    ...(options.config !== undefined && { config: options.config }),
    ...(options.detectionConfig !== undefined && { detectionConfig: options.detectionConfig }),
  });
  for (const warning of [...input.warnings, ...configuration.warnings]) warn(warning);
  const bar = progress();
  const pipeline = await startPipeline({
    // Simulate keeps its short visibility timeout (retries in seconds, not minutes); everything
    // else is as configured for the deployment.
    visibilityTimeoutSeconds: visibility,
    maxReceiveCount: configuration.eventSource.maxReceiveCount,
    eventSource: configuration.eventSource,
    config: configuration.ingest,
    ...(fault && { fault }),
  });
  try {
    const { sqs, dynamodb, queueUrl, deadLetterQueueUrl, tableName } = pipeline.emulators;
    // local-aws-sqs does not enforce SQS's character set: refuse here what SQS would refuse.
    const refused: RefusedLine[] = [];
    const sendable = input.bodies.filter((entry) => {
      const reason = sqsRefusal(entry.body);
      if (reason !== undefined) refused.push({ line: entry.line, reason });
      return reason === undefined;
    });
    const report = await sendBodies(
      sqs,
      queueUrl,
      sendable.map((entry) => entry.body),
      (done, total) => bar.update(`sending: ${done}/${total}`),
    );
    const lines = new InputLines();
    for (const { index, messageId } of report.accepted) {
      const entry = sendable[index];
      if (entry) lines.add(messageId, entry.line, entry.body);
    }
    for (const { index, reason } of report.rejected) {
      refused.push({ line: sendable[index]?.line ?? 0, reason });
    }
    await waitUntilDrained(pipeline, (text) => bar.update(text));
    await pipeline.poller.stop();
    // As the scheduled flush would once every folding window has closed: summaries go out.
    await pipeline.flush({ closeAll: true });
    bar.done();

    const items = await readWholeTable(dynamodb, tableName);
    const events = items.filter((item): item is EventItem => item.kind === 'event');
    const alertRecords = new Map(
      items.flatMap((item) => (item.kind === 'alert' ? [[item.alertKey, item] as const] : [])),
    );
    const incidents = items
      .filter((item): item is IncidentItem => item.kind === 'incident')
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const quarantine = items.filter((item): item is QuarantineItem => item.kind === 'quarantine');
    const deadLettered = await readWholeQueue(sqs, deadLetterQueueUrl);
    const { ledger } = pipeline;
    const alerts = pipeline.alerts.published.map(toAlertView);
    return {
      summary: {
        sent: report.accepted.length,
        stored: ledger.count('stored'),
        duplicates: ledger.count('duplicate'),
        quarantined: ledger.count('quarantined'),
        deadLettered: deadLettered.length,
        alerts: alerts.length,
        rejected: refused.length,
      },
      stored: events.map((item) =>
        toStoredView(item, lines.lineOf(item.messageId, ''), alertRecords.get(item.eventId)),
      ),
      alerts,
      incidents: incidents.map(toIncidentView),
      quarantined: quarantine
        .map((item) => ({
          line: lines.lineOf(item.messageId, item.body),
          body: item.body,
          reason: item.reason,
        }))
        .sort(byLine),
      deadLettered: deadLettered
        .map((message) => ({
          line: lines.lineOf(message.messageId, message.body),
          body: message.body,
        }))
        .sort(byLine),
      rejected: refused.sort(byLine),
    };
  } finally {
    await pipeline.stop();
  }
}

/** A body on one line, JSON-quoted (JSON.stringify escapes C0 controls, printable the rest). */
const quoted = (body: string, max: number) => printable(JSON.stringify(body).slice(0, max));

export function formatSimulation(result: SimulationResult, table: EventTableOptions = {}): string {
  const { summary } = result;
  const lines = [
    `Sent ${plural(summary.sent, 'message')}: ${summary.stored} stored, ` +
      `${plural(summary.duplicates, 'duplicate')}, ${summary.quarantined} quarantined, ` +
      `${summary.deadLettered} dead-lettered; ${plural(summary.alerts, 'alert')} published.`,
  ];
  if (summary.rejected > 0)
    lines.push(`Not sent: ${plural(summary.rejected, 'line')} SQS would refuse (listed below).`);
  lines.push('', `Stored events (${result.stored.length}, table order):`);
  lines.push(
    renderEventTable(
      result.stored.map((e) => ({ ...e, time: e.timestamp })),
      table,
    ),
  );
  if (result.incidents.length > 0) {
    lines.push('', `Incidents (${result.incidents.length}):`);
    for (const i of result.incidents) {
      lines.push(
        `  ${i.severity.padEnd(8)} ${i.rule.padEnd(25)} ${printable(i.callcenter)} ${printable(i.group)}: ` +
          `${plural(i.eventCount, 'event')} ${i.start.slice(0, 19)}..${i.end.slice(11, 19)}` +
          (i.alerted ? '' : ' (not alerted: below the threshold or suppressed)'),
      );
    }
  }
  if (result.alerts.length > 0) {
    lines.push('', `Alerts (${result.alerts.length}):`);
    for (const alert of result.alerts) {
      lines.push(
        `  [${alert.topic}] ${alert.attributes.kind?.padEnd(8) ?? ''} ${printable(alert.subject)}`,
      );
    }
  }
  if (result.quarantined.length > 0) {
    lines.push('', `Quarantined (${result.quarantined.length}, input order):`);
    for (const q of result.quarantined)
      lines.push(`  line ${q.line}: ${printable(q.reason)}: ${quoted(q.body, 80)}`);
  }
  if (result.deadLettered.length > 0) {
    lines.push('', `Dead-lettered (${result.deadLettered.length}, input order):`);
    for (const d of result.deadLettered) lines.push(`  line ${d.line}: ${quoted(d.body, 100)}`);
  }
  if (result.rejected.length > 0) {
    lines.push('', `Not sent (${result.rejected.length}, SQS would refuse them):`);
    for (const r of result.rejected) lines.push(`  ${refusedLineText(r)}`);
  }
  return lines.join('\n');
}
