// Reads the stored events of a time range for a backtest, in parallel: the call centers are
// found first, then each call center's partition is read in time slices, many queries in flight
// at once. Every read is a Query on a key; never a table Scan.
//
// Finding the call centers: the table's registry (contract/table.ts REGISTRY_PARTITION) names
// every call center it has events of, in one small partition: one Query, whatever the range.
// A table deployed before the registry keeps the severity index of that release until its
// upgrade ends; every event stored before the upgrade is in one of its five partitions, so while
// the table has it, reading them over the range asking only for `pk` finds the call centers of
// those events too. A Scan would read the whole table instead (every month of retention, and the
// pipeline's own records, detection state items of up to ~100 KB among them). Measured in
// bench/figures/backtest.ts.
import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { SEVERITIES } from '../../contract/severity';
import { LEGACY_INDEXES, TABLE_KEYS } from '../../contract/table';
import { fromAttributes } from '../../lambda/adapters/item-codec';
import type { EventItem } from '../../lambda/core/items';
import { callcenterKey, severityKey } from '../../lambda/core/keys';
import { fromLegacyIndex, readRegistry } from '../commands/query/read';
import { type SortKeyBounds, sortKeyBounds, type TimeRange } from '../commands/query/time-range';
import { type ReplayEvent, replayEventOfItem } from './replay';

const DAY_MS = 86_400_000;

export interface TableReadOptions {
  /** Queries in flight at once. @default 16 */
  readonly concurrency?: number;
  /** Most time slices a partition's range is cut into (one a day up to this). @default 32 */
  readonly maxSlices?: number;
  /** Events that expired (TTL) before this instant are gone for the audit, so not replayed. */
  readonly now?: Date;
  readonly onProgress?: (progress: ReadProgress) => void;
}

export interface ReadProgress {
  readonly phase: 'callcenters' | 'events';
  readonly queriesDone: number;
  readonly queries: number;
  /** Call centers found, or events read, so far. */
  readonly found: number;
}

export interface TableRead {
  readonly events: ReplayEvent[];
  /** Call center partition keys (`CC#...`). */
  readonly callcenters: readonly string[];
  /** Events past their expiry that DynamoDB had not deleted yet: left out. */
  readonly expired: number;
  /** Query calls (pages) made: finding call centers, then reading events. */
  readonly requests: { readonly discovery: number; readonly events: number };
}

/** The range cut into at most `max` slices of at least a day, as sort-key bounds. */
export function timeSlices(range: TimeRange, max: number): SortKeyBounds[] {
  const from = range.from.getTime();
  const to = range.to.getTime();
  const count = Math.max(1, Math.min(max, Math.ceil((to - from) / DAY_MS)));
  const step = Math.ceil((to - from + 1) / count);
  const slices: SortKeyBounds[] = [];
  for (let start = from; start <= to; start += step) {
    const end = Math.min(to, start + step - 1);
    slices.push(sortKeyBounds({ from: new Date(start), to: new Date(end) }));
  }
  return slices;
}

/** Runs `tasks` with at most `limit` in flight; results in task order. */
export async function inParallel<T>(
  tasks: readonly (() => Promise<T>)[],
  limit: number,
): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task) results[index] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

interface PartitionQuery {
  readonly index?: string;
  readonly keyName: string;
  readonly keyValue: string;
  readonly bounds: SortKeyBounds;
  readonly projection: readonly string[];
}

/** Every page of one query; `onPage` sees each page's items as they arrive. */
async function queryAll(
  client: DynamoDBClient,
  tableName: string,
  query: PartitionQuery,
  onPage: (items: Record<string, AttributeValue>[]) => void,
): Promise<number> {
  let pages = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  const names = Object.fromEntries(query.projection.map((name, i) => [`#a${i}`, name]));
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        ...(query.index && { IndexName: query.index }),
        KeyConditionExpression: '#p = :p AND #s BETWEEN :low AND :high',
        ProjectionExpression: Object.keys(names).join(', '),
        ExpressionAttributeNames: { '#p': query.keyName, '#s': TABLE_KEYS.sort, ...names },
        ExpressionAttributeValues: {
          ':p': { S: query.keyValue },
          ':low': { S: query.bounds.low },
          ':high': { S: query.bounds.high },
        },
        ExclusiveStartKey: startKey,
      }),
    );
    pages++;
    onPage(page.Items ?? []);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return pages;
}

/** What a replay reads of an event (all of it but keys, index keys and delivery details). */
const EVENT_ATTRIBUTES = [
  'kind',
  'eventId',
  'callcenter',
  'timestamp',
  'time',
  'type',
  'event',
  'params',
  'recognised',
  'expiresAt',
] as const;

export async function readStoredEvents(
  client: DynamoDBClient,
  tableName: string,
  range: TimeRange,
  options: TableReadOptions = {},
): Promise<TableRead> {
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const slices = timeSlices(range, options.maxSlices ?? 32);
  const report = options.onProgress ?? (() => {});

  // 1. The call centers: the registry's, and those of events stored before it (legacy index).
  let registryPages = 0;
  const registry = await readRegistry(client, tableName, () => registryPages++);
  const callcenters = new Set(registry.callcenters.map(callcenterKey));
  const legacy = LEGACY_INDEXES.bySeverity;
  const discovery = SEVERITIES.flatMap((severity) =>
    slices.map(
      (bounds): PartitionQuery => ({
        index: legacy.name,
        keyName: legacy.partitionKey,
        keyValue: severityKey(severity),
        bounds,
        projection: [TABLE_KEYS.partition],
      }),
    ),
  );
  let done = 0;
  const discoveryPages = await inParallel(
    discovery.map((query) => async () => {
      const pages = await fromLegacyIndex(
        () =>
          queryAll(client, tableName, query, (items) => {
            for (const item of items) {
              const pk = item[TABLE_KEYS.partition]?.S;
              if (pk?.startsWith('CC#')) callcenters.add(pk);
            }
          }),
        0,
      );
      report({
        phase: 'callcenters',
        queriesDone: ++done,
        queries: discovery.length,
        found: callcenters.size,
      });
      return pages;
    }),
    concurrency,
  );

  // 2. Each call center's events, slice by slice, in parallel.
  const nowSeconds = (options.now ?? new Date()).getTime() / 1000;
  const events: ReplayEvent[] = [];
  let expired = 0;
  const reads = [...callcenters].sort().flatMap((pk) =>
    slices.map(
      (bounds): PartitionQuery => ({
        keyName: TABLE_KEYS.partition,
        keyValue: pk,
        bounds,
        projection: EVENT_ATTRIBUTES,
      }),
    ),
  );
  done = 0;
  const eventPages = await inParallel(
    reads.map((query) => async () => {
      const pages = await queryAll(client, tableName, query, (items) => {
        for (const raw of items) {
          const item = fromAttributes(raw) as EventItem;
          if (item.kind !== 'event') continue;
          // DynamoDB deletes expired items only within about 48 hours: check in code.
          if (item.expiresAt !== undefined && item.expiresAt <= nowSeconds) {
            expired++;
            continue;
          }
          events.push(replayEventOfItem(item));
        }
      });
      report({ phase: 'events', queriesDone: ++done, queries: reads.length, found: events.length });
      return pages;
    }),
    concurrency,
  );
  const sum = (values: readonly number[]) => values.reduce((total, n) => total + n, 0);
  return {
    events,
    callcenters: [...callcenters].sort(),
    expired,
    requests: { discovery: registryPages + sum(discoveryPages), events: sum(eventPages) },
  };
}
