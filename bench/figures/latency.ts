// Alert latency through the local pipeline with the deployed event-source settings: from the
// SendMessage of an alert-worthy event to the moment the alert publisher accepted its alert.
// The emulators (local-aws-sqs, dynalite) run in a child process; the handler is the production
// factory with the real DynamoDB store and the real SNS publisher (SNS answered in memory).
// Detections and folding are on. Only alerts that go out are timed: the first of a rule, and
// incidents; an alert folded into a window's summary is counted, not timed (its summary goes out
// when the window closes, by design minutes later). An incident's latency runs from the
// SendMessage of the latest-sent event it names: the one that completed it.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { eventSourceQueue, queueDepth } from '../../cli/local/emulators';
import { SqsEventSourcePoller } from '../../cli/local/poller';
import { DETECTION_IDS } from '../../contract/detections';
import { PIPELINE_DEFAULTS } from '../../contract/pipeline-defaults';
import { DynamoDbEventStore } from '../../lambda/adapters/dynamodb-event-store';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import type { Alert } from '../../lambda/core/alert-format';
import { DEFAULT_INGEST_CONFIG, type IngestConfig } from '../../lambda/ingest/config';
import { createHandler, type IngestHandler } from '../../lambda/ingest/create-handler';
import type { AlertPublisher, PublishOutcome } from '../../lambda/ports/alert-publisher';
import { silentLogger } from '../../lambda/ports/telemetry';
import { InMemorySns, intercept } from '../support/aws-clients';
import { startEmulatorProcess } from '../support/emulator-process';
import { baselineHandler, dynamoDbClient, snsClient, TOPICS } from '../support/handlers';
import { baselineTable } from './end-to-end';

export interface LatencyFigure {
  readonly mode: 'trickle' | 'burst';
  readonly messages: number;
  /** Alerts that went out and were timed (one per alert, whatever its topics). */
  readonly alerts: number;
  readonly eventAlerts: number;
  readonly incidentAlerts: number;
  /** Alert-worthy events folded into a summary instead (not timed). */
  readonly folded: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /**
   * Of an event alert's latency, the part inside the handler: from the start of the invocation
   * that published it to SNS accepting it (the path from receive to publish), p50 and p99.
   */
  readonly inHandlerP50Ms: number;
  readonly inHandlerP99Ms: number;
  /** Burst: seconds from the first SendMessage to the last one's answer. */
  readonly sendSeconds: number;
  /** Burst: how long after the last SendMessage the p99 alert went out (0: before it). */
  readonly p99AfterEndMs: number;
  /** Seconds from the last SendMessage until every message was handled. */
  readonly drainSeconds: number;
  readonly invocations: number;
  /** Records reported failed (SQS retries them after the visibility timeout), by reason. */
  readonly failedRecords: number;
  readonly failureReasons: Record<string, number>;
  readonly pollers: number;
}

/** The deployed defaults with every detection turned off. */
const WITHOUT_DETECTIONS: IngestConfig = {
  ...DEFAULT_INGEST_CONFIG,
  detection: {
    ...DEFAULT_INGEST_CONFIG.detection,
    detections: Object.fromEntries(DETECTION_IDS.map((id) => [id, { enabled: false }])),
  },
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? 0;
};

/** Notes when the publisher accepted each alert (after SNS answered). */
class TimedPublisher implements AlertPublisher {
  readonly accepted = new Map<string, { at: number; alert: Alert }>();

  constructor(private readonly inner: AlertPublisher) {}

  async publish(alerts: readonly Alert[]): Promise<PublishOutcome> {
    const outcome = await this.inner.publish(alerts);
    const at = Date.now();
    const failed = new Set(outcome.failed);
    for (const alert of alerts) {
      if (!failed.has(alert.id) && !this.accepted.has(alert.key)) {
        this.accepted.set(alert.key, { at, alert });
      }
    }
    return outcome;
  }
}

/** A few events of a rule never seen, each in its own call center: each alert goes out. */
export function trickleBodies(count: number, now = Date.now()): string[] {
  const kinds = [
    ['app_login', 'unauthorized_ip', { access_group: 'agent', ip: '198.51.100.7' }],
    ['app_login', 'deleted_user', { access_group: 'agent' }],
    ['allowed_ip', 'ip_added', { access_group: 'admin', ip: '203.0.113.0/24' }],
  ] as const;
  return Array.from({ length: count }, (_, i) => {
    const [type, event, params] = kinds[i % kinds.length] ?? kinds[0];
    const person =
      type === 'allowed_ip' ? { who: `admin${i}@acme.com` } : { user: `u${i}@acme.com` };
    return JSON.stringify({
      timestamp: new Date(now + i).toISOString(),
      type,
      event,
      callcenter: `trickle-${i}`,
      params: { ...person, ...params },
    });
  });
}

/** SendMessageBatch, 10 a call, a few calls at once; notes when each message's call began. */
async function sendBurst(
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  sentAt: Map<string, number>,
  sentIds: string[],
): Promise<void> {
  const batches: number[][] = [];
  for (let i = 0; i < bodies.length; i += 10) {
    batches.push(Array.from({ length: Math.min(10, bodies.length - i) }, (_, k) => i + k));
  }
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      const began = Date.now();
      const result = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((index) => ({ Id: String(index), MessageBody: bodies[index] ?? '' })),
        }),
      );
      for (const entry of result.Successful ?? []) {
        sentAt.set(entry.MessageId ?? '', began);
        sentIds[Number(entry.Id)] = entry.MessageId ?? '';
      }
      if ((result.Failed ?? []).length > 0) throw new Error('SQS refused part of the burst');
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** The identity of an event in a body or an alert message: its call center and timestamp. */
const contentKey = (json: string): string => {
  try {
    const value = JSON.parse(json) as { callcenter?: unknown; timestamp?: unknown };
    return `${String(value.callcenter)}|${String(value.timestamp)}`;
  } catch {
    return '';
  }
};

export async function measureAlertLatency(
  mode: 'trickle' | 'burst',
  bodies: readonly string[],
  options: {
    readonly intervalMs?: number;
    readonly visibilityTimeoutSeconds?: number;
    /** The naive Powertools handler instead: one Publish per alert-worthy record, no folding. */
    readonly contestant?: 'voiso-sec' | 'baseline';
    /**
     * voiso-sec with every detection turned off (rules, claims and folding still on): what the
     * harness and the rest of the handler cost, without the detections' state writes.
     */
    readonly detections?: 'on' | 'off';
  } = {},
): Promise<LatencyFigure> {
  const emulators = await startEmulatorProcess(options.visibilityTimeoutSeconds ?? 30);
  const dynamodb = dynamoDbClient(emulators.dynamodbEndpoint);
  const sns = snsClient();
  new InMemorySns().attach(sns);
  const publisher = new TimedPublisher(new SnsAlertPublisher({ client: sns, topics: TOPICS }));
  const messageOf = new Map<string, string>();
  let failedRecords = 0;
  const failureReasons: Record<string, number> = {};
  let folded = 0;
  let invocations = 0;
  /** The baseline's alerts, by the content key of the event each is about. */
  const baselineAccepted = new Map<string, number>();
  let inner: IngestHandler;
  if (options.contestant === 'baseline') {
    const tableName = 'baseline-events';
    await dynamodb.send(new CreateTableCommand(baselineTable(tableName)));
    intercept(sns, 'benchBaselineTimer', 'counter', async (command, input, proceed) => {
      const output = await proceed(input);
      if (command === 'Publish') {
        const key = contentKey(String(input.Message));
        if (!baselineAccepted.has(key)) baselineAccepted.set(key, Date.now());
      }
      return output;
    });
    inner = baselineHandler({ dynamodb, sns, tableName });
  } else {
    inner = createHandler({
      store: new DynamoDbEventStore({ client: dynamodb, tableName: emulators.tableName }),
      alerts: publisher,
      config: options.detections === 'off' ? WITHOUT_DETECTIONS : DEFAULT_INGEST_CONFIG,
      logger: silentLogger,
      metrics: {
        addMetric(name, _unit, value) {
          if (name === 'AlertsFolded') folded += value;
        },
        publishStoredMetrics() {},
      },
      observer: {
        onStored: (item) => messageOf.set(item.eventId, item.messageId),
        onFailed: (_, reason) => {
          failedRecords++;
          failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
        },
      },
    });
  }
  /** When the latest invocation carrying each message began. */
  const invokedAt = new Map<string, number>();
  const handler: IngestHandler = (event, context) => {
    invocations++;
    const began = Date.now();
    for (const record of event.Records) invokedAt.set(record.messageId, began);
    return inner(event, context);
  };
  const pollers = Array.from(
    { length: PIPELINE_DEFAULTS.maxConcurrency },
    () =>
      new SqsEventSourcePoller({
        ...eventSourceQueue(emulators),
        handler,
        batchSize: PIPELINE_DEFAULTS.batchSize,
        maxBatchingWindowSeconds: PIPELINE_DEFAULTS.maxBatchingWindowSeconds,
      }),
  );
  const drained = async () => {
    for (;;) {
      // Every 100 ms: often enough for the drain figure, rarely enough not to load the emulators.
      await sleep(100);
      const depth = await queueDepth(emulators.sqs, emulators.queueUrl);
      const idle = pollers.every((p) => !p.active);
      if (depth.visible + depth.inFlight + depth.delayed === 0 && idle) return;
    }
  };
  try {
    for (const poller of pollers) poller.start();
    const sentAt = new Map<string, number>();
    const sentIds: string[] = [];
    const started = Date.now();
    if (mode === 'trickle') {
      for (const [index, body] of bodies.entries()) {
        const began = Date.now();
        const result = await emulators.sqs.send(
          new SendMessageCommand({ QueueUrl: emulators.queueUrl, MessageBody: body }),
        );
        sentAt.set(result.MessageId ?? '', began);
        sentIds[index] = result.MessageId ?? '';
        await sleep(Math.max(0, (options.intervalMs ?? 2_500) - (Date.now() - began)));
      }
    } else {
      await sendBurst(emulators.sqs, emulators.queueUrl, bodies, sentAt, sentIds);
    }
    const sendEnd = Date.now();
    await drained();
    const drainEnd = Date.now();
    const samples: { ms: number; at: number; kind: string }[] = [];
    const inHandler: number[] = [];
    if (options.contestant === 'baseline') {
      const sentByContent = new Map<string, number>();
      for (const [index, body] of bodies.entries()) {
        const at = sentAt.get(sentIds[index] ?? '');
        const key = contentKey(body);
        if (at !== undefined && !sentByContent.has(key)) sentByContent.set(key, at);
      }
      for (const [key, at] of baselineAccepted) {
        const sent = sentByContent.get(key);
        if (sent !== undefined && sent <= at) samples.push({ ms: at - sent, at, kind: 'event' });
      }
    }
    for (const { at, alert } of publisher.accepted.values()) {
      const ids =
        alert.document.kind === 'incident'
          ? alert.document.eventIds
          : alert.document.kind === 'event'
            ? [alert.document.eventId]
            : [];
      const sends = ids
        .map((id) => sentAt.get(messageOf.get(id) ?? ''))
        .filter((t): t is number => t !== undefined && t <= at);
      if (sends.length === 0) continue;
      samples.push({ ms: at - Math.max(...sends), at, kind: alert.document.kind });
      if (alert.document.kind === 'event') {
        const began = invokedAt.get(messageOf.get(alert.document.eventId) ?? '');
        if (began !== undefined && began <= at) inHandler.push(at - began);
      }
    }
    const ms = samples.map((s) => s.ms);
    return {
      mode,
      messages: bodies.length,
      alerts: samples.length,
      eventAlerts: samples.filter((s) => s.kind === 'event').length,
      incidentAlerts: samples.filter((s) => s.kind === 'incident').length,
      folded,
      p50Ms: percentile(ms, 50),
      p99Ms: percentile(ms, 99),
      maxMs: Math.max(0, ...ms),
      inHandlerP50Ms: percentile(inHandler, 50),
      inHandlerP99Ms: percentile(inHandler, 99),
      sendSeconds: (sendEnd - started) / 1000,
      p99AfterEndMs: Math.max(
        0,
        percentile(
          samples.map((s) => s.at - sendEnd),
          99,
        ),
      ),
      drainSeconds: (drainEnd - sendEnd) / 1000,
      invocations,
      failedRecords,
      failureReasons,
      pollers: pollers.length,
    };
  } finally {
    await Promise.all(pollers.map((p) => p.stop()));
    dynamodb.destroy();
    sns.destroy();
    await emulators.stop();
  }
}
