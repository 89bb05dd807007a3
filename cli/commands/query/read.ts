// The DynamoDB side of a query: resolves the plan's registry expansions (every call center, every
// pair), reads each partition over a time range page by page, fetches the items an index holds
// only the keys of (BatchGetItem), and merges everything into one list sorted by time.
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { type Severity, severityRank } from '../../../contract/severity';
import { INDEXES, LEGACY_TWIN, REGISTRY_PARTITION, TABLE_KEYS } from '../../../contract/table';
import { fromAttributes } from '../../../lambda/adapters/item-codec';
import { type ItemKey, keyString } from '../../../lambda/core/items';
import { callcenterKey, pairSeverityKey } from '../../../lambda/core/keys';
import type { ItemCheck, Partition, QueryPlan, RegistryExpansion } from './plan';
import type { SortKeyBounds } from './time-range';

/** An item as the table returns it: its key, and attributes whose shape is not yet asserted. */
export type TableItem = ItemKey & Readonly<Record<string, unknown>>;

export interface QueryResult {
  readonly items: TableItem[];
  /** More items matched than the limit. */
  readonly truncated: boolean;
}

/** What the registry says the table holds. */
export interface Registry {
  readonly callcenters: readonly string[];
  readonly pairs: readonly {
    readonly type: string;
    readonly event: string;
    readonly indexedFrom: Severity;
  }[];
}

/** The plan's items in the range, one per table key, in time order, at most `limit`. */
export async function queryPartitions(
  client: DynamoDBClient,
  tableName: string,
  plan: QueryPlan,
  bounds: SortKeyBounds,
  limit: number,
  onPartition: (index: number, total: number) => void,
): Promise<QueryResult> {
  const registry =
    (plan.expansions?.length ?? 0) > 0 ? await readRegistry(client, tableName) : undefined;
  const partitions = [
    ...plan.partitions,
    ...(plan.expansions ?? []).flatMap((expansion) =>
      registry ? expand(expansion, registry) : [],
    ),
  ];
  const seen = new Map<string, TableItem>();
  for (const [i, partition] of partitions.entries()) {
    onPartition(i, partitions.length);
    // One more than the limit, to tell whether there are more.
    const items = await queryPartition(
      client,
      tableName,
      partition,
      bounds,
      plan.accept,
      limit + 1,
    );
    // An item may be in several partitions (both user indexes, an index and its call center):
    // one row per item.
    for (const item of items) seen.set(keyString(item), item);
  }
  const sorted = [...seen.values()].sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
  return { items: sorted.slice(0, limit), truncated: sorted.length > limit };
}

/** The partitions an expansion names, given what the table holds. */
export function expand(expansion: RegistryExpansion, registry: Registry): Partition[] {
  if (expansion.each === 'pair') {
    const index = INDEXES.byPairSeverity;
    return registry.pairs.flatMap((pair) =>
      expansion.severities
        // Below its floor a pair has no entries: nothing to read there.
        .filter((s) => severityRank(s) >= severityRank(pair.indexedFrom))
        .map((s) => ({
          index: index.name,
          keyName: index.partitionKey,
          keyValue: pairSeverityKey(pair.type, pair.event, s),
        })),
    );
  }
  const condition = expansion.unlessIndexedFrom;
  if (condition !== undefined) {
    const relevant = registry.pairs.filter(
      (p) =>
        condition.pair === undefined ||
        (p.type === condition.pair.type && p.event === condition.pair.event),
    );
    const complete = relevant.every(
      (p) => severityRank(p.indexedFrom) <= severityRank(condition.severity),
    );
    if (complete) return [];
  }
  return registry.callcenters.map((callcenter) => ({
    keyName: TABLE_KEYS.partition,
    keyValue: callcenterKey(callcenter),
  }));
}

/**
 * Every call center and pair the table has events of (`onPage` counts the Query pages). A call
 * center's partition of the table holds every event of it: with the registry, a reader finds
 * every stored event without an index.
 */
export async function readRegistry(
  client: DynamoDBClient,
  tableName: string,
  onPage: () => void = () => {},
): Promise<Registry> {
  const callcenters: string[] = [];
  const pairs: Registry['pairs'][number][] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': TABLE_KEYS.partition },
        ExpressionAttributeValues: { ':p': { S: REGISTRY_PARTITION } },
        ExclusiveStartKey: startKey,
      }),
    );
    onPage();
    for (const raw of page.Items ?? []) {
      const item = fromAttributes(raw);
      if (typeof item.callcenter === 'string') callcenters.push(item.callcenter);
      if (typeof item.type === 'string' && typeof item.event === 'string') {
        pairs.push({
          type: item.type,
          event: item.event,
          indexedFrom: (item.indexedFrom as Severity | undefined) ?? 'info',
        });
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { callcenters, pairs };
}

/** DynamoDB's answer to a Query on an index the table does not have (yet, or any more). */
export const isMissingIndex = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ValidationException' && /index/i.test(error.message);

/**
 * A read of a legacy index (contract/table.ts LEGACY_INDEXES), which only tables deployed before
 * the current layout still have: `absent` when the table has not got it.
 */
export async function fromLegacyIndex<T>(read: () => Promise<T>, absent: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isMissingIndex(error)) return absent;
    throw error;
  }
}

/**
 * A partition's accepted items. A table that has not got the index yet (upgraded one index per
 * deployment) is asked through the legacy index on the same attribute; a legacy-only partition
 * of a table without that index is empty.
 */
async function queryPartition(
  client: DynamoDBClient,
  tableName: string,
  partition: Partition,
  bounds: SortKeyBounds,
  accept: ItemCheck,
  limit: number,
): Promise<TableItem[]> {
  try {
    return await readPages(client, tableName, partition, bounds, accept, limit);
  } catch (error) {
    if (!isMissingIndex(error) || partition.index === undefined) throw error;
    if (partition.legacy) return [];
    const twin = LEGACY_TWIN[partition.index];
    if (twin === undefined) throw error;
    return readPages(client, tableName, { ...partition, index: twin }, bounds, accept, limit);
  }
}

async function readPages(
  client: DynamoDBClient,
  tableName: string,
  partition: Partition,
  bounds: SortKeyBounds,
  accept: ItemCheck,
  limit: number,
): Promise<TableItem[]> {
  const items: TableItem[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        ...(partition.index && { IndexName: partition.index }),
        KeyConditionExpression: '#p = :p AND #s BETWEEN :low AND :high',
        ExpressionAttributeNames: { '#p': partition.keyName, '#s': TABLE_KEYS.sort },
        ExpressionAttributeValues: {
          ':p': { S: partition.keyValue },
          ':low': { S: bounds.low },
          ':high': { S: bounds.high },
        },
        ExclusiveStartKey: startKey,
        // A page of keys is fetched item by item: ask for about what can still be kept.
        ...(partition.index && { Limit: Math.max(100, limit - items.length) }),
      }),
    );
    // Every item in the table has its key; its other attributes stay unknown.
    const entries = (page.Items ?? []).map((raw) => fromAttributes(raw) as TableItem);
    for (const item of await withAttributes(client, tableName, entries)) {
      if (accept(item)) items.push(item);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return items;
}

/** An index entry of keys only has no `kind`: such entries are fetched from the table. */
async function withAttributes(
  client: DynamoDBClient,
  tableName: string,
  entries: readonly TableItem[],
): Promise<TableItem[]> {
  const keysOnly = entries.filter((entry) => entry.kind === undefined);
  if (keysOnly.length === 0) return [...entries];
  const fetched = new Map<string, TableItem>();
  for (let i = 0; i < keysOnly.length; i += 100) {
    let pending: Record<string, AttributeValue>[] | undefined = keysOnly
      .slice(i, i + 100)
      .map((key) => ({ pk: { S: key.pk }, sk: { S: key.sk } }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const response: BatchGetItemCommandOutput = await client.send(
        new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
      );
      for (const raw of response.Responses?.[tableName] ?? []) {
        const item = fromAttributes(raw) as TableItem;
        fetched.set(keyString(item), item);
      }
      pending = response.UnprocessedKeys?.[tableName]?.Keys;
      if (attempt >= 8 && pending && pending.length > 0) {
        throw new Error('DynamoDB left keys unprocessed after 8 retries; try again');
      }
    }
  }
  // An entry whose item is gone (expired and deleted since) is dropped, as the item is.
  return entries.flatMap((entry) => {
    if (entry.kind !== undefined) return [entry];
    const item = fetched.get(keyString(entry));
    return item ? [item] : [];
  });
}
