// The fault-injection soak: a seeded mix through the local pipeline (local-aws-sqs with the
// stack's redrive policy, the CLI's event-source poller, voiso-sec's handler and real adapters,
// dynalite) while faults are injected at the SDK clients, then the checker's verdict.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import {
  eventSourceQueue,
  queueDepth,
  readWholeQueue,
  readWholeTable,
} from '../../cli/local/emulators';
import { SqsEventSourcePoller } from '../../cli/local/poller';
import { sendBodies } from '../../cli/send-messages';
import { PIPELINE_DEFAULTS } from '../../contract/pipeline-defaults';
import { DynamoDbEventStore } from '../../lambda/adapters/dynamodb-event-store';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import {
  contributions,
  emptyState,
  evaluateGroup,
  resolveTunings,
} from '../../lambda/core/detections/engine';
import type { DetectionEvent } from '../../lambda/core/detections/model';
import { buildEventItem, type EventItem } from '../../lambda/core/items';
import { classifyMessage } from '../../lambda/core/message';
import { type IncidentItem, timeMs } from '../../lambda/core/records';
import { createFlush } from '../../lambda/flush/create-flush';
import { detectionEventOf } from '../../lambda/ingest/batch';
import { DEFAULT_INGEST_CONFIG } from '../../lambda/ingest/config';
import type { IngestHandler } from '../../lambda/ingest/create-handler';
import { incidentDue } from '../../lambda/ingest/steps/plan-alerts';
import { type GeneratedMessage, generateMix } from '../generate';
import { InMemorySns } from '../support/aws-clients';
import { startEmulatorProcess } from '../support/emulator-process';
import {
  type CrashPoint,
  DEFAULT_FAULT_RATES,
  decisionRandom,
  FaultInjector,
  type FaultRates,
  type InjectedFault,
  invocationFaults,
} from '../support/faults';
import { dynamoDbClient, snsClient, TOPICS, voisoSecHandler } from '../support/handlers';
import { seededRandom } from '../support/random';
import {
  type AlertWindow,
  checkSoak,
  type ObservedAlert,
  type ObservedEvent,
  type ObservedIncident,
  type SentMessage,
  type SoakVerdict,
} from './checker';

export interface SoakOptions {
  readonly seed: number;
  readonly messages: number;
  /** Messages whose store always fails (they must end in the DLQ). @default max(3, 0.2%) */
  readonly permanentFaults?: number;
  readonly rates?: FaultRates;
  /** Share of invocations that crash (or time out) after an effect. @default 0.1 */
  readonly crashRate?: number;
  readonly pollers?: number;
  readonly onProgress?: (line: string) => void;
}

export interface SoakResult {
  readonly verdict: SoakVerdict;
  readonly injected: Readonly<Record<InjectedFault, number>>;
  readonly invocations: number;
  readonly seconds: number;
}

/**
 * Function timeout given to the poller: the handler keeps back 5 s for publishing, so 6 s
 * leaves 1 s of store retries, short enough to make many runs of the retry path in one soak.
 */
const FUNCTION_TIMEOUT_SECONDS = 6;
/** At least the function timeout, as Lambda requires; short so SQS retries come quickly. */
const VISIBILITY_TIMEOUT_SECONDS = 7;
/** Transient faults only on the first deliveries, so they alone never exhaust maxReceiveCount. */
const LAST_FAULTY_DELIVERY = 2;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What differs between two runs of one seed in the keys a call touches (see `stable`). */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const CLOCK_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;
/** Folding window and summary ids hash the arrival time. */
const ARRIVAL_ID = /\b(win|sum)-[A-Za-z0-9_-]{22}/g;

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const mix = generateMix({ count: options.messages, seed: options.seed });
  const doomed = chooseDoomed(
    mix,
    options.permanentFaults ?? Math.max(3, Math.round(options.messages * 0.002)),
    options.seed,
  );
  const doomedKeys = new Set([...doomed].map((i) => mix[i]?.contentKey));
  const contentOfBody = new Map<string, string>();
  for (const m of mix) if (m.contentKey !== undefined) contentOfBody.set(m.body, m.contentKey);

  const emulators = await startEmulatorProcess(VISIBILITY_TIMEOUT_SECONDS);
  const dynamodb = dynamoDbClient(emulators.dynamodbEndpoint);
  const sns = snsClient();
  new InMemorySns().attach(sns);
  /** SQS message id -> `m<index in the mix>`: the message's name in every run of this seed. */
  const stableIds = new Map<string, string>();
  const stable = (text: string) =>
    text
      .replace(UUID, (id) => stableIds.get(id) ?? id)
      .replace(CLOCK_TIME, 'T')
      .replace(ARRIVAL_ID, '$1')
      .replace(/QUARANTINE#\d{4}-\d{2}/g, 'QUARANTINE#');
  const injector = new FaultInjector(
    options.seed,
    options.rates ?? DEFAULT_FAULT_RATES,
    (item) => {
      const callcenter = (item.callcenter as AttributeValue | undefined)?.S;
      const timestamp = (item.timestamp as AttributeValue | undefined)?.S;
      return doomedKeys.has(`${callcenter}|${timestamp}`);
    },
    stable,
  );
  injector.attachDynamoDb(dynamodb).attachSns(sns);
  const pollers: SqsEventSourcePoller[] = [];
  try {
    const sent = await sendBodies(
      emulators.sqs,
      emulators.queueUrl,
      mix.map((m) => m.body),
    );
    if (sent.rejected.length > 0) throw new Error(`SQS rejected ${sent.rejected.length} bodies`);
    for (const { index, messageId } of sent.accepted) stableIds.set(messageId, `m${index}`);
    const sentMessages: SentMessage[] = sent.accepted.map(({ index, messageId }) => {
      const message = mix[index];
      if (message === undefined) throw new Error(`no message ${index}`);
      return { messageId, message, doomed: doomed.has(index) };
    });

    const inner = voisoSecHandler({ dynamodb, sns, tableName: emulators.tableName });
    const alerts: ObservedAlert[] = [];
    const intervals: { start: number; end: number; contents: Set<string> }[] = [];
    let invocations = 0;
    const crashRate = options.crashRate ?? 0.1;
    const handler: IngestHandler = async (event: SQSEvent, context) => {
      invocations++;
      const transient = event.Records.every(
        (r) => Number(r.attributes.ApproximateReceiveCount) <= LAST_FAULTY_DELIVERY,
      );
      // The invocation as every run of this seed names it: its messages and their receive counts.
      const key = event.Records.map(
        (r) =>
          `${stableIds.get(r.messageId) ?? r.messageId}@${r.attributes.ApproximateReceiveCount}`,
      )
        .sort()
        .join(' ');
      const crash = decisionRandom(options.seed, key, 'crash');
      const crashAt: CrashPoint | undefined =
        transient && crash.chance(crashRate)
          ? crash.chance(0.5)
            ? 'after-store'
            : 'after-publish'
          : undefined;
      const faults = invocationFaults(key, transient, crashAt);
      const start = Date.now();
      const response = await injector.run(faults, () => inner(event, context));
      const contents = new Set(event.Records.flatMap((r) => contentOfBody.get(r.body) ?? []));
      intervals.push({ start, end: Date.now(), contents });
      // A failed publish alone excuses nothing: the handler records the topics an alert reached,
      // so its retry publishes only what is missing.
      const window: AlertWindow | undefined =
        (faults.crashed && faults.crashAt === 'after-publish') || faults.faultAfterPublish
          ? 'crash or failed mark between publish and marking sent'
          : undefined;
      for (const entryId of faults.accepted) alerts.push(observedAlert(entryId, window));
      // The process "died": Lambda reports an error and the poller deletes nothing.
      if (faults.crashed) throw new Error('injected crash: the invocation died mid-batch');
      return response;
    };

    for (let i = 0; i < (options.pollers ?? 2); i++) {
      const poller = new SqsEventSourcePoller({
        ...eventSourceQueue(emulators),
        handler,
        functionTimeoutSeconds: FUNCTION_TIMEOUT_SECONDS,
        maxBatchingWindowSeconds: PIPELINE_DEFAULTS.maxBatchingWindowSeconds,
        onError: () => {},
      });
      poller.start();
      pollers.push(poller);
    }
    let lastReport = Date.now();
    for (;;) {
      await sleep(200);
      const depth = await queueDepth(emulators.sqs, emulators.queueUrl);
      if (depth.visible === 0 && depth.inFlight === 0 && pollers.every((p) => !p.active)) break;
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        options.onProgress?.(
          `  ${Math.round((Date.now() - started) / 1000)} s: ${depth.visible} queued, ${depth.inFlight} in flight, ${invocations} invocations`,
        );
      }
    }
    await Promise.all(pollers.map((p) => p.stop()));
    pollers.length = 0;
    // Every folding window closes, as the scheduled flush would close them; its publishes are
    // observed like the handler's (outside any invocation, so no fault is injected into them).
    const flushPublisher = new SnsAlertPublisher({ client: sns, topics: TOPICS });
    await createFlush({
      store: new DynamoDbEventStore({ client: dynamodb, tableName: emulators.tableName }),
      alerts: {
        async publish(batch) {
          const outcome = await flushPublisher.publish(batch);
          const failed = new Set(outcome.failed);
          for (const alert of batch) {
            if (!failed.has(alert.id)) alerts.push(observedAlert(alert.id, undefined));
          }
          return outcome;
        },
      },
      retentionDays: 0,
    })({ closeAll: true });

    const items = await readWholeTable(emulators.dynamodb, emulators.tableName);
    const events: ObservedEvent[] = items
      .filter((item) => item.kind === 'event')
      .map((item) => ({
        eventId: String(item.eventId),
        callcenter: String(item.callcenter),
        timestamp: String(item.timestamp),
        severity: item.severity as ObservedEvent['severity'],
        ...(item.suppressedBy !== undefined && { suppressedBy: String(item.suppressedBy) }),
        messageId: String(item.messageId),
      }));
    const quarantined = items
      .filter((item) => item.kind === 'quarantine')
      .map((item) => ({ messageId: String(item.messageId), body: String(item.body) }));
    const deadLettered = await readWholeQueue(emulators.sqs, emulators.deadLetterQueueUrl);

    const folded = items.flatMap((item) =>
      item.kind === 'alert' && item.state === 'folded' && item.foldWindow !== undefined
        ? [{ eventId: item.alertKey, windowId: item.foldWindow }]
        : [],
    );
    const incidents = items.flatMap((item) =>
      item.kind === 'incident' ? [observedIncident(item)] : [],
    );
    const verdict = checkSoak({
      sent: sentMessages,
      events,
      quarantined,
      deadLettered,
      alerts,
      concurrentContents: concurrentContents(intervals),
      folded,
      incidents,
      expectedIncidents: incidentsOfAll([
        ...items.filter((item): item is EventItem => item.kind === 'event').map(detectionEventOf),
        ...deadLettered.map((message) => deadLetteredEvent(message.body)),
      ]),
    });
    return {
      verdict,
      injected: Object.fromEntries(injector.injected) as Record<InjectedFault, number>,
      invocations,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await Promise.all(pollers.map((p) => p.stop()));
    dynamodb.destroy();
    sns.destroy();
    await emulators.stop();
  }
}

/** Picks original events nothing else repeats, so each permanent fault is one DLQ message. */
function chooseDoomed(mix: readonly GeneratedMessage[], count: number, seed: number): Set<number> {
  const repeated = new Set(
    mix.flatMap((m) => (m.duplicateOf === undefined ? [] : [m.duplicateOf])),
  );
  const candidates = mix.flatMap((m, i) => (m.kind === 'event' && !repeated.has(i) ? [i] : []));
  const random = seededRandom(seed ^ 0x5eed);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, candidates.length)) chosen.add(random.pick(candidates));
  return chosen;
}

function observedAlert(entryId: string, window: AlertWindow | undefined): ObservedAlert {
  const cut = entryId.lastIndexOf('-');
  const topic = entryId.slice(cut + 1) === 'critical' ? 'critical' : 'alerts';
  return {
    entryId,
    topic,
    alertKey: entryId.slice(0, cut),
    ...(window !== undefined && { window }),
  };
}

/** Content keys carried by two invocations that overlapped in time. */
function concurrentContents(
  intervals: readonly { start: number; end: number; contents: Set<string> }[],
): Set<string> {
  const result = new Set<string>();
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  sorted.forEach((a, i) => {
    for (const b of sorted.slice(i + 1)) {
      if (b.start > a.end) break;
      for (const key of b.contents) if (a.contents.has(key)) result.add(key);
    }
  });
  return result;
}

const TUNINGS = resolveTunings(DEFAULT_INGEST_CONFIG.detection);

function observedIncident(item: IncidentItem): ObservedIncident {
  return {
    id: item.incidentId,
    detection: item.detection,
    callcenter: item.callcenter,
    group: item.group,
    ...(item.key !== undefined && { key: item.key }),
    start: timeMs(item.start),
    end: timeMs(item.end),
    windowMs: item.windowMinutes * 60_000,
    severity: item.severity,
    due: item.alertDue,
  };
}

/**
 * A dead-lettered event as the detections saw it. A permanent fault refuses the event's own
 * write, but the detection state is written in the same round trip, so the event counts (once,
 * by id) towards its incidents: it did arrive, and it is stored when the DLQ is redriven.
 */
function deadLetteredEvent(body: string): DetectionEvent {
  const verdict = classifyMessage(body, DEFAULT_INGEST_CONFIG.detection);
  if (verdict.kind !== 'event') throw new Error(`dead-lettered body is not an event: ${body}`);
  return detectionEventOf(
    buildEventItem(verdict.normalised, verdict.classification, {
      messageId: 'dead-lettered',
      receivedAt: new Date(),
      retentionDays: 0,
    }),
  );
}

/**
 * The incidents of every event that arrived (stored or dead-lettered), evaluated at once: the
 * oracle for batch-by-batch work.
 */
function incidentsOfAll(all: readonly DetectionEvent[]): ObservedIncident[] {
  const ids = new Set(all.map((e) => e.id));
  return [...contributions(all, TUNINGS).values()].flatMap((c) =>
    evaluateGroup(
      emptyState(c.detection, c.callcenter, c.group),
      c,
      TUNINGS[c.detection],
      ids,
    ).incidents.map(({ incident }) => ({
      id: incident.id,
      detection: incident.detection,
      callcenter: incident.callcenter,
      group: incident.group,
      ...(incident.key !== undefined && { key: incident.key }),
      start: incident.start,
      end: incident.end,
      windowMs: incident.windowMinutes * 60_000,
      severity: incident.severity,
      due: incidentDue(incident, DEFAULT_INGEST_CONFIG.detection),
    })),
  );
}
