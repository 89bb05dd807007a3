// The ingest handler factory: SQS batch in, partial batch response out. Wiring lives in
// handler.ts; tests, the local simulator and benchmarks build handlers here with other adapters.
//
// Exactly-once effects under at-least-once delivery, as a list of steps (lambda/ingest/steps/;
// each file says what it guarantees and which window it leaves open). DynamoDB transactions are
// not used: the local emulator has none, and the batch APIs are what keeps a 100-message batch
// to a handful of calls; claims are conditional writes on a version read in the same batch. A
// record is reported in batchItemFailures exactly when an effect it needs did not happen (a
// read, a write, a claim or its alert), so SQS redelivers it and the retry completes the work.
// Quarantined messages succeed (they are stored, not retried).
//
// Round trips per batch: one read (events, alert records, folding windows, detection state),
// one write (events, claims, states), the publish, one write to record what went out; plus one
// read and one write only in batches that find an incident or must finish one, and one write
// only in batches that fold an alert (its record, after its place and its window). Event alerts
// are published as soon as their events and claims are written, without waiting for the
// detection states written in the same round trip; incident alerts follow once their states are
// written.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { DetectionId } from '../../contract/detections';
import { type IncidentOutcome, resolveTunings, stateRetainMs } from '../core/detections/engine';
import { expiryFor } from '../core/items';
import { callcenterKey, eventSortKey } from '../core/keys';
import type { AlertPublisher } from '../ports/alert-publisher';
import type { DetectionsUpdate, EventStore } from '../ports/event-store';
import type { IngestObserver } from '../ports/observer';
import { type Logger, type Metrics, noMetrics, silentLogger } from '../ports/telemetry';
import { carriersByEvent, deadlinesFor } from './batch';
import type { IngestConfig } from './config';
import { claimIncidents } from './steps/claim-incidents';
import { detect, detectionsByEvent } from './steps/detect';
import { markPublished } from './steps/mark';
import { planBatch } from './steps/plan';
import { planEventAlerts, planIncidentAlerts } from './steps/plan-alerts';
import { type Published, publishClaims } from './steps/publish';
import { readBatch } from './steps/read-batch';
import { type RegistryMemory, registryWrites } from './steps/registry';
import { reportBatch } from './steps/report';
import { writeBatch } from './steps/write-batch';

export interface IngestDeps {
  readonly store: EventStore;
  readonly alerts: AlertPublisher;
  readonly config: IngestConfig;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Clock for receivedAt, TTL and folding windows (claims and deadlines use the real clock). */
  readonly now?: () => Date;
  readonly observer?: IngestObserver;
}

export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export type IngestHandler = (
  event: SQSEvent,
  context?: InvocationContext,
) => Promise<SQSBatchResponse>;

export function createHandler(deps: IngestDeps): IngestHandler {
  const { store, alerts, config } = deps;
  const { detection, retentionDays } = config;
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? noMetrics;
  const clock = deps.now ?? (() => new Date());
  const observer = deps.observer ?? {};
  const tunings = resolveTunings(detection);
  /** Registry entries this instance has written: each is written once per instance. */
  const registered: RegistryMemory = new Set();
  const stateRetention = (id: DetectionId) => stateRetainMs(detection, id);

  return async (sqsEvent, context) => {
    const receivedAt = clock();
    const startedAt = Date.now();
    const deadlines = deadlinesFor(context?.getRemainingTimeInMillis(), startedAt);
    const records = sqsEvent.Records ?? [];
    const claimContext = {
      now: receivedAt,
      claimNowMs: startedAt,
      leaseUntil: deadlines.final,
      expiresAt: expiryFor(receivedAt, retentionDays),
      detection,
    };

    const plan = planBatch(records, { receivedAt, ...config });
    const read = await readBatch(
      store,
      plan.events,
      { tunings, detection, nowMs: startedAt, deadline: deadlines.store },
      logger,
    );
    const found = await detect(store, read, tunings, deadlines.store, logger);
    const carriers = carriersByEvent(read.readable);
    const beforeWrite = planIncidentAlerts(
      found.outcomes,
      found.incidentRecords,
      found.unreadIncidents,
      carriers,
      claimContext,
    );
    const eventAlerts = planEventAlerts(read, claimContext);
    const writing = writeBatch(
      store,
      {
        state: read,
        quarantines: plan.quarantines,
        alerts: eventAlerts,
        outcomes: beforeWrite.outcomes,
        detectionsOf: detectionsByEvent(found.outcomes.values()),
        registry: registryWrites(read.readable, registered, config.severityIndexFrom),
      },
      { tunings, nowMs: startedAt, deadline: deadlines.store, stateRetainMs: stateRetention },
      logger,
    );
    const written = await writing.events;
    for (const key of written.registered) registered.add(key);
    const stored = read.readable.flatMap((group) => {
      const item = read.existing.get(group.key) ?? written.written.get(group.key);
      return item ? [{ group, stored: item }] : [];
    });
    const storedIds = new Set(stored.map((s) => s.stored.eventId));
    // A claim whose event was not stored is not published: its record's retry finishes it.
    const eventSends = eventAlerts.sends.filter(
      (c) => written.claimed.has(c.record.alertKey) && storedIds.has(c.record.alertKey),
    );
    // Event alerts need their event and their claim written, nothing else: they go out now,
    // while the detection states are still being written (and perhaps retried).
    const eventsPublished = publishClaims(alerts, eventSends, logger);
    eventsPublished.catch(() => undefined);
    const states = await writing.states;
    const incidentAlerts = planIncidentAlerts(
      states.outcomes,
      found.incidentRecords,
      found.unreadIncidents,
      carriers,
      claimContext,
    );
    const incidentClaims = await claimIncidents(
      store,
      incidentAlerts.claims,
      deadlines.store,
      logger,
    );
    const published = mergePublished(
      await eventsPublished,
      await publishClaims(alerts, incidentClaims.claimed, logger),
    );
    const write = { ...written, outcomes: states.outcomes };
    const incidents = [...write.outcomes.values()].flatMap((o) =>
      o.incidents.filter((i) => i.status === 'new' || i.batchEventIds.length > 0),
    );
    const mark = await markPublished(
      store,
      {
        published: published.claims,
        unpublished: eventAlerts.sends.filter(
          (c) => write.claimed.has(c.record.alertKey) && !storedIds.has(c.record.alertKey),
        ),
        incidents,
        earlierEvents: earlierEventsOf(incidents),
        detection,
        now: receivedAt,
        expiresAt: claimContext.expiresAt,
      },
      deadlines.final,
      logger,
    );

    return reportBatch(
      {
        records: records.length,
        stored,
        written: new Set(write.written.keys()),
        quarantined: write.quarantined,
        alertsSent: published.sent,
        alertPublishFailures: published.failedCount,
        storeRetries: written.retries + states.retries + incidentClaims.retries + mark.retries,
        markFailures: mark.failedCount,
        incidentsDetected: incidents.filter((i) => i.status === 'new').length,
        alertsFolded: eventAlerts.folded.filter((f) => write.claimed.has(f.eventId)).length,
        failures: [
          ...plan.failures,
          ...read.failures,
          ...eventAlerts.failures,
          ...written.failures,
          ...states.failures,
          ...incidentAlerts.failures,
          ...incidentClaims.failures,
          ...published.failures,
        ],
      },
      { observer, metrics, logger },
    );
  };
}

/** The two publishes of a batch (event alerts, then incidents) as one outcome. */
function mergePublished(first: Published, second: Published): Published {
  return {
    claims: [...first.claims, ...second.claims],
    sent: [...first.sent, ...second.sent],
    failedCount: first.failedCount + second.failedCount,
    failures: [...first.failures, ...second.failures],
  };
}

/** Events stored by earlier batches that formed a new incident: they record its detection. */
function earlierEventsOf(incidents: readonly IncidentOutcome[]): DetectionsUpdate[] {
  return incidents
    .filter((i) => i.status === 'new')
    .flatMap(({ incident, earlierEvents }) =>
      earlierEvents.map((e) => ({
        key: { pk: callcenterKey(incident.callcenter), sk: eventSortKey(e.time, e.id) },
        detections: [incident.detection],
      })),
    );
}
