// The figures that need no emulator: CPU per event against the JSON.parse floor, and requests
// and capacity per event through the real adapters over in-memory SDK backends.

import { INDEXES } from '../../contract/table';
import { DEFAULT_INGEST_CONFIG } from '../../lambda/ingest/config';
import { createHandler } from '../../lambda/ingest/create-handler';
import { silentLogger } from '../../lambda/ports/telemetry';
import { sqsBatches } from '../../lambda/testing/factories';
import { CapturingAlertPublisher, InMemoryEventStore } from '../../lambda/testing/memory-ports';
import { InMemoryDynamoDb, InMemorySns, RequestCounter } from '../support/aws-clients';
import { baselineHandler, dynamoDbClient, snsClient, voisoSecHandler } from '../support/handlers';

const BATCH_SIZE = 100;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** CPU microseconds (user + system) spent in `work`. */
async function cpuMicros(work: () => Promise<void> | void): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const spent = process.cpuUsage(before);
  return spent.user + spent.system;
}

export interface CpuFigure {
  readonly events: number;
  /** JSON.parse of every body, µs per event: the floor. */
  readonly parseMicrosPerEvent: number;
  /** voiso-sec's handler with in-memory ports, µs per event. */
  readonly handlerMicrosPerEvent: number;
  readonly ratio: number;
  readonly repetitions: number;
}

/**
 * The handler's own work (parse, validate, classify, key, build items and alerts) with ports
 * that do nothing but keep items in a Map. Both sides run interleaved, median of repetitions.
 */
export async function measureCpu(
  bodies: readonly string[],
  repetitions: number,
): Promise<CpuFigure> {
  const batches = sqsBatches(bodies, BATCH_SIZE);
  const parseRounds = Math.max(1, Math.round(20_000 / bodies.length));
  const parse: number[] = [];
  const handler: number[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    parse.push(
      (await cpuMicros(() => {
        for (let round = 0; round < parseRounds; round++) {
          for (const body of bodies) {
            try {
              JSON.parse(body);
            } catch {
              // malformed bodies cost their failed parse, as in the handler
            }
          }
        }
      })) / parseRounds,
    );
    const run = createHandler({
      store: new InMemoryEventStore(),
      alerts: new CapturingAlertPublisher(),
      config: DEFAULT_INGEST_CONFIG,
      logger: silentLogger,
    });
    handler.push(
      await cpuMicros(async () => {
        for (const batch of batches) await run(batch);
      }),
    );
  }
  const parseMicrosPerEvent = median(parse) / bodies.length;
  const handlerMicrosPerEvent = median(handler) / bodies.length;
  return {
    events: bodies.length,
    parseMicrosPerEvent,
    handlerMicrosPerEvent,
    ratio: handlerMicrosPerEvent / parseMicrosPerEvent,
    repetitions,
  };
}

export interface RequestFigure {
  readonly events: number;
  /** Messages per invocation. */
  readonly batchSize: number;
  readonly invocations: number;
  /** Distinct events stored. */
  readonly eventsStored: number;
  /** Alert messages SNS accepted (a critical event counts once per topic for voiso-sec). */
  readonly alerts: number;
  readonly dynamodbRequests: number;
  readonly dynamodbByCommand: Record<string, number>;
  readonly snsRequests: number;
  /** SNS requests as billed (64 KB chunks of payload per call). */
  readonly snsBilledRequests: number;
  readonly writeUnits: number;
  readonly readUnits: number;
  /** Write units by the kind of item written, its index entries included. */
  readonly writeUnitsByKind: Record<string, number>;
  /** Event items: their write units (item + index entries) and stored copies, per stored event. */
  readonly eventItem: {
    readonly writeUnitsPerEvent: number;
    /** The item and its index entries: 1 + entries. */
    readonly copiesPerEvent: number;
    readonly tableBytesPerEvent: number;
    readonly indexBytesPerEvent: number;
  };
  /**
   * Bytes a stored event leaves for as long as the retention keeps it: its item and index entries,
   * its alert record, quarantined messages and incidents, per stored event (DynamoDB's 100-byte
   * overhead per item and per entry included). Detection state and folding windows expire
   * within days and stay bounded; they are not counted.
   */
  readonly retainedBytesPerEvent: { readonly table: number; readonly indexes: number };
  /** For each metric, the share of invocations that published a non-zero value of it. */
  readonly metricShare: Record<string, number>;
  /** DynamoDB round trips per invocation (requests in flight together count once). */
  readonly dynamodbRoundTripsPerBatch: number;
  /** Whole-run CPU per event including the SDK's middleware and marshalling, µs. */
  readonly cpuMicrosPerEvent: number;
  readonly failedRecords: number;
}

/** Kinds kept as long as the events (retention); the rest expire within days. */
const RETAINED_KINDS = new Set(['event', 'quarantine', 'alert', 'incident', 'registry']);

/** Runs one contestant over in-memory SDK backends, counting requests and capacity. */
export async function measureRequests(
  contestant: 'voiso-sec' | 'baseline',
  bodies: readonly string[],
  batchSize = BATCH_SIZE,
): Promise<RequestFigure> {
  const dynamodb = dynamoDbClient();
  const sns = snsClient();
  // The baseline's table has no indexes: it writes one unit per item, honestly cheaper.
  const table = new InMemoryDynamoDb(
    contestant === 'voiso-sec' ? Object.values(INDEXES) : [],
  ).attach(dynamodb);
  const topic = new InMemorySns().attach(sns);
  const dynamodbCounter = new RequestCounter().attach(dynamodb);
  const snsCounter = new RequestCounter().attach(sns);
  const clients = { dynamodb, sns, tableName: 'events' };
  const published = new Map<string, number>();
  let current = new Set<string>();
  const metrics = {
    addMetric(name: string, _unit: 'Count', value: number) {
      if (value !== 0) current.add(name);
    },
    publishStoredMetrics() {
      for (const name of current) published.set(name, (published.get(name) ?? 0) + 1);
      current = new Set();
    },
  };
  const run =
    contestant === 'voiso-sec' ? voisoSecHandler(clients, { metrics }) : baselineHandler(clients);
  let failedRecords = 0;
  const batches = sqsBatches(bodies, batchSize);
  const cpu = await cpuMicros(async () => {
    for (const batch of batches) failedRecords += (await run(batch)).batchItemFailures.length;
  });
  dynamodb.destroy();
  sns.destroy();
  const stored = table.storedBytes();
  const events = stored.get('event') ?? { items: 0, tableBytes: 0, indexEntries: 0, indexBytes: 0 };
  const perEvent = (n: number) => (events.items === 0 ? 0 : n / events.items);
  const retained = [...stored].filter(([kind]) => RETAINED_KINDS.has(kind));
  return {
    events: bodies.length,
    batchSize,
    invocations: batches.length,
    eventsStored: events.items,
    alerts: topic.published.length,
    dynamodbRequests: dynamodbCounter.total(),
    dynamodbByCommand: Object.fromEntries(dynamodbCounter.counts),
    snsRequests: snsCounter.total(),
    snsBilledRequests: topic.billedRequests,
    writeUnits: table.capacity.writeUnits,
    readUnits: table.capacity.readUnits,
    writeUnitsByKind: Object.fromEntries(table.capacity.writeUnitsByKind),
    eventItem: {
      writeUnitsPerEvent: perEvent(table.capacity.writeUnitsByKind.get('event') ?? 0),
      copiesPerEvent: perEvent(events.items + events.indexEntries),
      tableBytesPerEvent: perEvent(events.tableBytes),
      indexBytesPerEvent: perEvent(events.indexBytes),
    },
    retainedBytesPerEvent: {
      table: perEvent(retained.reduce((sum, [, b]) => sum + b.tableBytes, 0)),
      indexes: perEvent(retained.reduce((sum, [, b]) => sum + b.indexBytes, 0)),
    },
    metricShare: Object.fromEntries(
      [...published].map(([name, count]) => [name, count / batches.length]),
    ),
    dynamodbRoundTripsPerBatch: dynamodbCounter.roundTrips / batches.length,
    cpuMicrosPerEvent: cpu / bodies.length,
    failedRecords,
  };
}
