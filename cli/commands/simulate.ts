// `voiso-sec simulate`: the whole pipeline on embedded emulators, from a file of messages, and a
// report of where every message ended (the JSON contract in SPEC.md).
import { readFileSync } from 'node:fs';
import type { Alert } from '../../lambda/core/alert-format';
import type { EventItem, QuarantineItem } from '../../lambda/core/items';
import type { AlertRecord, AlertRecordState, IncidentItem } from '../../lambda/core/records';
import { UsageError } from '../errors';
import { queueDepth, readWholeQueue, readWholeTable } from '../local/emulators';
import { parseFaultSpec } from '../local/faults';
import { loadLocalConfiguration } from '../local/ingest-config';
import { type LocalPipeline, startPipeline } from '../local/pipeline';
import { parseSeconds } from '../options';
import { numberedBodies, sendBodies } from '../send-messages';
import { printable, progress, renderTable, sleep } from '../terminal';

export interface SimulateOptions {
  readonly input: string;
  readonly json?: boolean;
  readonly visibilityTimeout?: string;
  readonly injectFaults?: string;
  readonly detectionConfig?: string;
  readonly config?: string;
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
  readonly quarantined: { readonly body: string; readonly reason: string }[];
  readonly deadLettered: { readonly body: string }[];
  readonly rejected: { readonly line: number; readonly reason: string }[];
}

export interface StoredEventView {
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

/**
 * Characters SQS accepts in a message body. local-aws-sqs does not check them, so simulate
 * does, and reports such lines as refused just as the real queue would refuse them.
 */
const SQS_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** Simulate's default: retries show up within seconds, not the deployed 3 minutes. */
const DEFAULT_SIMULATE_VISIBILITY_SECONDS = 2;

function readInput(input: string): string {
  try {
    return readFileSync(input === '-' ? 0 : input, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`--input: file not found: ${input}`);
    if (code === 'EISDIR') throw new UsageError(`--input: ${input} is a directory`);
    throw new UsageError(`--input: cannot read ${input} (${code ?? String(error)})`);
  }
}

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

const toStoredView = (item: EventItem, alert: AlertRecord | undefined): StoredEventView => ({
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

export async function runSimulation(options: SimulateOptions): Promise<SimulationResult> {
  const visibility =
    options.visibilityTimeout === undefined
      ? DEFAULT_SIMULATE_VISIBILITY_SECONDS
      : parseSeconds('--visibility-timeout', options.visibilityTimeout, 1, 43_200);
  const fault = options.injectFaults ? parseFaultSpec(options.injectFaults) : undefined;
  const numbered = numberedBodies(readInput(options.input));
  const bodies = numbered.map((entry) => entry.body);
  const configuration = loadLocalConfiguration({
    ...(options.config !== undefined && { config: options.config }),
    ...(options.detectionConfig !== undefined && { detectionConfig: options.detectionConfig }),
  });
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
    const sendable = bodies.flatMap((body, index) => (SQS_BODY.test(body) ? [index] : []));
    const report = await sendBodies(
      sqs,
      queueUrl,
      sendable.map((index) => bodies[index] ?? ''),
      (done, total) => bar.update(`sending: ${done}/${total}`),
    );
    const refused = new Set(bodies.keys());
    for (const index of sendable) refused.delete(index);
    const sent = {
      accepted: report.accepted,
      rejected: [
        ...[...refused].map((index) => ({
          index,
          reason: 'contains characters SQS does not accept in a message body',
        })),
        ...report.rejected.map((entry) => ({ ...entry, index: sendable[entry.index] ?? -1 })),
      ].sort((a, b) => a.index - b.index),
    };
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
        sent: sent.accepted.length,
        stored: ledger.count('stored'),
        duplicates: ledger.count('duplicate'),
        quarantined: ledger.count('quarantined'),
        deadLettered: deadLettered.length,
        alerts: alerts.length,
        rejected: sent.rejected.length,
      },
      stored: events.map((item) => toStoredView(item, alertRecords.get(item.eventId))),
      alerts,
      incidents: incidents.map(toIncidentView),
      quarantined: quarantine.map((item) => ({ body: item.body, reason: item.reason })),
      deadLettered: deadLettered.map((message) => ({ body: message.body })),
      rejected: sent.rejected.map((entry) => ({
        line: numbered[entry.index]?.line ?? 0,
        reason: entry.reason,
      })),
    };
  } finally {
    await pipeline.stop();
  }
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function formatSimulation(result: SimulationResult): string {
  const { summary } = result;
  const lines = [
    `Sent ${plural(summary.sent, 'message')}: ${summary.stored} stored, ` +
      `${plural(summary.duplicates, 'duplicate')}, ${summary.quarantined} quarantined, ` +
      `${summary.deadLettered} dead-lettered; ${plural(summary.alerts, 'alert')} published.`,
  ];
  if (summary.rejected > 0)
    lines.push(`${summary.rejected} lines were refused by SQS and not sent.`);
  lines.push('', `Stored events (${result.stored.length}, table order):`);
  lines.push(
    renderTable(
      ['time', 'callcenter', 'severity', 'type/event', 'user', 'who', 'rules'],
      result.stored.map((e) => [
        e.timestamp,
        e.callcenter,
        e.recognised ? e.severity : `${e.severity} (unrecognised)`,
        `${e.type}/${e.event}`,
        String(e.params.user ?? ''),
        String(e.params.who ?? ''),
        e.suppressedBy ? `suppressed by ${e.suppressedBy}` : e.rules.join(','),
      ]),
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
    lines.push('', `Quarantined (${result.quarantined.length}):`);
    // JSON.stringify escapes C0 controls but passes C1 and bidi controls through.
    for (const q of result.quarantined)
      lines.push(`  ${printable(q.reason)}: ${printable(JSON.stringify(q.body).slice(0, 80))}`);
  }
  if (result.deadLettered.length > 0) {
    lines.push('', `Dead-lettered (${result.deadLettered.length}):`);
    for (const d of result.deadLettered)
      lines.push(`  ${printable(JSON.stringify(d.body).slice(0, 100))}`);
  }
  for (const r of result.rejected) lines.push(`  line ${r.line} refused: ${r.reason}`);
  return lines.join('\n');
}
