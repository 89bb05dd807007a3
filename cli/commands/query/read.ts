// The DynamoDB side of a query: reads a plan's partitions over a time range, page by page, and
// merges them into one list sorted by time.
import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from '../../../contract/table';
import { fromAttributes } from '../../../lambda/adapters/item-codec';
import { type ItemKey, keyString } from '../../../lambda/core/items';
import type { ItemCheck, Partition, QueryPlan } from './plan';
import type { SortKeyBounds } from './time-range';

/** An item as the table returns it: its key, and attributes whose shape is not yet asserted. */
export type TableItem = ItemKey & Readonly<Record<string, unknown>>;

export interface QueryResult {
  readonly items: TableItem[];
  /** More items matched than the limit. */
  readonly truncated: boolean;
}

/** The plan's items in the range, one per table key, in time order, at most `limit`. */
export async function queryPartitions(
  client: DynamoDBClient,
  tableName: string,
  plan: QueryPlan,
  bounds: SortKeyBounds,
  limit: number,
  onPartition: (index: number) => void,
): Promise<QueryResult> {
  const seen = new Map<string, TableItem>();
  for (const [i, partition] of plan.partitions.entries()) {
    onPartition(i);
    // One more than the limit, to tell whether there are more.
    const items = await queryPartition(
      client,
      tableName,
      partition,
      bounds,
      plan.accept,
      limit + 1,
    );
    // An actor acting on themselves appears in both user indexes: one row per item.
    for (const item of items) seen.set(keyString(item), item);
  }
  const sorted = [...seen.values()].sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
  return { items: sorted.slice(0, limit), truncated: sorted.length > limit };
}

async function queryPartition(
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
      }),
    );
    for (const raw of page.Items ?? []) {
      // Every item in the table has its key; its other attributes stay unknown.
      const item = fromAttributes(raw) as TableItem;
      if (accept(item)) items.push(item);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return items;
}
