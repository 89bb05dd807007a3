// `voiso-sec backtest` speed: the replay of 1 million stored events through the Lambda's engine
// (classification with the configuration under test, detections, folding), and the read of a
// table through the command's own reader (finding the call centers in the table's registry, then
// parallel queries per call center and time slice) against an in-memory table that pages and
// bills reads as DynamoDB does. Run alone: `npx tsx bench/figures/backtest.ts [events]`.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { readStoredEvents } from '../../cli/backtest/read-table';
import { inTimeOrder, replay, replayEventOfItem } from '../../cli/backtest/replay';
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import { REGISTRY_PARTITION, TABLE_KEYS } from '../../contract/table';
import { toAttributes } from '../../lambda/adapters/item-codec';
import { buildEventItem, type EventItem } from '../../lambda/core/items';
import { classifyMessage } from '../../lambda/core/message';
import { callcenterRegistryItem } from '../../lambda/core/records';
import { generateMix } from '../generate';
import { intercept, itemSizeBytes } from '../support/aws-clients';
import { dynamoDbClient } from '../support/handlers';

/** Events as the ingest function stores them: the seeded mix, classified and built into items. */
export function storedEvents(count: number, seed: number): EventItem[] {
  const receivedAt = new Date('2025-03-01T00:00:00Z');
  // One item per distinct event, as the table stores them (the mix re-sends 2%).
  const items = new Map<string, EventItem>();
  for (const message of generateMix({ count, seed, oversized: false })) {
    const verdict = classifyMessage(message.body, DEFAULT_DETECTION_SETTINGS);
    if (verdict.kind !== 'event') continue;
    items.set(
      verdict.normalised.id,
      buildEventItem(verdict.normalised, verdict.classification, {
        messageId: 'bench',
        receivedAt,
        retentionDays: 0,
      }),
    );
  }
  return [...items.values()];
}

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export interface ReplayFigure {
  readonly events: number;
  /** Wall-clock and CPU time of the replay (sorting, classifying, detections, folding). */
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly eventsPerSecond: number;
  readonly incidents: number;
  readonly alerts: number;
}

/** The engine path of a backtest over stored events, as `backtest --stack` runs it once read. */
export function measureReplay(items: readonly EventItem[]): ReplayFigure {
  const wall = performance.now();
  const cpu = cpuMs();
  const events = inTimeOrder(items.map(replayEventOfItem));
  const result = replay(events, DEFAULT_DETECTION_SETTINGS);
  const wallSeconds = (performance.now() - wall) / 1000;
  return {
    events: events.length,
    wallSeconds,
    cpuSeconds: (cpuMs() - cpu) / 1000,
    eventsPerSecond: events.length / wallSeconds,
    incidents: result.incidents.length,
    alerts: result.alerts.length,
  };
}

type Item = Record<string, AttributeValue>;
interface Row {
  readonly sk: string;
  readonly pk: string;
  readonly item: Item;
  readonly bytes: number;
}

/** DynamoDB returns at most 1 MB of items read per Query page. */
const PAGE_BYTES = 1_048_576;

/**
 * The events table in memory, as this release creates it, answering the reader's Query calls
 * (the table's partitions, the registry among them, sort-key ranges, projections, 1 MB pages) and
 * counting what DynamoDB would bill: eventually consistent reads, 0.5 unit per 4 KB read (before
 * projection, as DynamoDB bills). It has no legacy severity index: a query of it is refused as
 * DynamoDB refuses a query of an index the table has not got.
 */
class InMemoryEventsTable {
  private readonly table = new Map<string, Row[]>();
  bytesRead = { discovery: 0, events: 0 };
  readonly totalBytes: number;

  constructor(items: readonly EventItem[]) {
    let total = 0;
    for (const event of items) {
      const item = toAttributes(event);
      const row = { sk: event.sk, pk: event.pk, item, bytes: itemSizeBytes(item) };
      total += row.bytes;
      const push = (map: Map<string, Row[]>, key: string) => {
        const rows = map.get(key) ?? [];
        rows.push(row);
        map.set(key, rows);
      };
      push(this.table, event.pk);
    }
    for (const callcenter of new Set(items.map((event) => event.callcenter))) {
      const entry = callcenterRegistryItem(callcenter);
      const item = toAttributes(entry);
      const bytes = itemSizeBytes(item);
      total += bytes;
      const rows = this.table.get(REGISTRY_PARTITION) ?? [];
      rows.push({ sk: entry.sk, pk: entry.pk, item, bytes });
      this.table.set(REGISTRY_PARTITION, rows);
    }
    const order = (a: Row, b: Row) =>
      a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : a.pk < b.pk ? -1 : a.pk > b.pk ? 1 : 0;
    for (const rows of this.table.values()) rows.sort(order);
    this.totalBytes = total;
  }

  attach(client: { middlewareStack: unknown }): this {
    intercept(client, 'benchEventsTable', 'backend', async (command, input) => {
      if (command !== 'Query') throw new Error(`InMemoryEventsTable does not answer ${command}`);
      return this.query(input);
    });
    return this;
  }

  private query(input: Record<string, unknown>): Record<string, unknown> {
    const values = input.ExpressionAttributeValues as Record<string, AttributeValue>;
    const names = input.ExpressionAttributeNames as Record<string, string>;
    if (input.IndexName !== undefined) {
      const refused = new Error('The table does not have the specified index');
      refused.name = 'ValidationException';
      throw refused;
    }
    const partition = values[':p']?.S ?? '';
    const rows = this.table.get(partition) ?? [];
    const low = values[':low']?.S ?? '';
    const high = values[':high']?.S ?? '~';
    const start = input.ExclusiveStartKey as Item | undefined;
    // Sort keys end in the event id: unique within a partition of the table and of the index.
    const after = start?.[TABLE_KEYS.sort]?.S;
    let i = lowerBound(rows, after ?? low);
    if (after !== undefined && rows[i]?.sk === after) i++;
    const projection = String(input.ProjectionExpression ?? '')
      .split(',')
      .map((name) => names[name.trim()] ?? name.trim())
      .filter((name) => name !== '');
    const Items: Item[] = [];
    let bytes = 0;
    let last: Row | undefined;
    for (; i < rows.length && (rows[i] as Row).sk <= high && bytes < PAGE_BYTES; i++) {
      const row = rows[i] as Row;
      bytes += row.bytes;
      last = row;
      Items.push(
        projection.length === 0
          ? row.item
          : Object.fromEntries(
              projection.flatMap((name) => (row.item[name] ? [[name, row.item[name]]] : [])),
            ),
      );
    }
    this.bytesRead[partition === REGISTRY_PARTITION ? 'discovery' : 'events'] += bytes;
    const more = i < rows.length && (rows[i] as Row).sk <= high && last !== undefined;
    return {
      Items,
      Count: Items.length,
      ...(more &&
        last && {
          LastEvaluatedKey: {
            [TABLE_KEYS.partition]: { S: last.pk },
            [TABLE_KEYS.sort]: { S: last.sk },
          },
        }),
    };
  }
}

function lowerBound(rows: readonly Row[], sk: string): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] as Row).sk < sk) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface ReadFigure {
  readonly events: number;
  readonly callcenters: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly requests: { readonly discovery: number; readonly events: number };
  /** Read units DynamoDB would bill (eventually consistent), and the bytes behind them. */
  readonly readUnits: { readonly discovery: number; readonly events: number };
  readonly megabytes: { readonly discovery: number; readonly events: number };
  /** What a parallel Scan of the same table would read to find the call centers instead. */
  readonly scanAlternative: { readonly megabytes: number; readonly readUnits: number };
}

const units = (bytes: number) => Math.ceil(bytes / 4096) / 2;

/**
 * The reader of `backtest --stack` over a table holding `items`, for the last `share` of their
 * time span (a backtest reads a month of a year's retention: only that month is read).
 */
export async function measureRead(items: readonly EventItem[], share = 0.5): Promise<ReadFigure> {
  const table = new InMemoryEventsTable(items);
  const client = dynamoDbClient();
  table.attach(client);
  const times = items.map((item) => Date.parse(`${item.time.slice(0, 23)}Z`));
  const first = times.reduce((a, b) => Math.min(a, b));
  const last = times.reduce((a, b) => Math.max(a, b));
  const range = { from: new Date(last - (last - first) * share), to: new Date(last) };
  const wall = performance.now();
  const cpu = cpuMs();
  const read = await readStoredEvents(client, 'bench', range, { now: range.to });
  const wallSeconds = (performance.now() - wall) / 1000;
  client.destroy();
  const mb = (bytes: number) => bytes / 1_048_576;
  return {
    events: read.events.length,
    callcenters: read.callcenters.length,
    wallSeconds,
    cpuSeconds: (cpuMs() - cpu) / 1000,
    requests: read.requests,
    readUnits: {
      discovery: units(table.bytesRead.discovery),
      events: units(table.bytesRead.events),
    },
    megabytes: { discovery: mb(table.bytesRead.discovery), events: mb(table.bytesRead.events) },
    scanAlternative: { megabytes: mb(table.totalBytes), readUnits: units(table.totalBytes) },
  };
}

export interface BacktestFigure {
  readonly replay: ReplayFigure;
  readonly read: ReadFigure;
  /** Replay of `replay.events` plus the read, scaled from `read.events` to as many events. */
  readonly estimatedSeconds: number;
}

/** Replays `count` events; reads a table of `readCount` (the in-memory table takes memory). */
export async function measureBacktest(
  count: number,
  readCount: number,
  seed = 1,
): Promise<BacktestFigure> {
  let items: EventItem[] | undefined = storedEvents(count, seed);
  const replayFigure = measureReplay(items);
  const sample = items.slice(0, readCount);
  items = undefined;
  const read = await measureRead(sample);
  return {
    replay: replayFigure,
    read,
    estimatedSeconds:
      replayFigure.wallSeconds + (read.wallSeconds * replayFigure.events) / read.events,
  };
}

if (require.main === module) {
  const count = Number(process.argv[2] ?? 1_000_000);
  measureBacktest(count, Math.min(count, 200_000)).then(
    (figure) => process.stdout.write(`${JSON.stringify(figure, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
