// Finding what `explain` explains, by key wherever possible. An alerted (or folded) event and an
// alerted incident have an alert record, `ALERT#<id>`, whose `subject` is their item's key: one
// GetItem each. Any other event is looked for by its id in the sort keys of a time range: the
// call center's partition with --callcenter, else every call center's (the table's registry names
// them; every event is in its call center's partition) and, while a table deployed before the
// registry still has it, the old severity index's five partitions; reading keys only. An
// incident without an alert record is looked for in the month partitions of the incidents
// (`INCIDENTS#<yyyy-mm>`), which hold few items.
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { SEVERITIES } from '../../contract/severity';
import { LEGACY_INDEXES, TABLE_KEYS } from '../../contract/table';
import { fromAttributes, toAttributes } from '../../lambda/adapters/item-codec';
import type { EventItem, ItemKey } from '../../lambda/core/items';
import {
  alertRecordKey,
  callcenterKey,
  foldedPartition,
  incidentPartition,
  severityKey,
} from '../../lambda/core/keys';
import type { AlertRecord, FoldedItem, IncidentItem, StoredItem } from '../../lambda/core/records';
import { inParallel, timeSlices } from '../backtest/read-table';
import { fromLegacyIndex, readRegistry } from '../commands/query/read';
import type { SortKeyBounds, TimeRange } from '../commands/query/time-range';

export class TableReader {
  /** Read requests made (GetItem and Query pages), for tests and curiosity. */
  requests = 0;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** The call centers the table's registry names. */
  async callcenters(): Promise<readonly string[]> {
    const registry = await readRegistry(this.client, this.tableName, () => this.requests++);
    return registry.callcenters;
  }

  async get(key: ItemKey): Promise<StoredItem | undefined> {
    this.requests++;
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: toAttributes(key) }),
    );
    return result.Item === undefined ? undefined : (fromAttributes(result.Item) as StoredItem);
  }

  /** Every item of one partition (of the table, or of an index) within sort-key bounds. */
  async query(
    partition: { readonly index?: string; readonly keyName: string; readonly keyValue: string },
    bounds: SortKeyBounds,
    keysOnly = false,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      this.requests++;
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...(partition.index && { IndexName: partition.index }),
          KeyConditionExpression: '#p = :p AND #s BETWEEN :low AND :high',
          ExpressionAttributeNames: {
            '#p': partition.keyName,
            '#s': TABLE_KEYS.sort,
            ...(keysOnly && { '#pk': TABLE_KEYS.partition }),
          },
          ...(keysOnly && { ProjectionExpression: '#pk, #s' }),
          ExpressionAttributeValues: {
            ':p': { S: partition.keyValue },
            ':low': { S: bounds.low },
            ':high': { S: bounds.high },
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const raw of page.Items ?? []) items.push(fromAttributes(raw));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  alertRecord = async (id: string): Promise<AlertRecord | undefined> => {
    const item = await this.get(alertRecordKey(id));
    return item?.kind === 'alert' ? item : undefined;
  };
}

const endsWithId = (id: string) => (item: Record<string, unknown>) =>
  typeof item[TABLE_KEYS.sort] === 'string' && (item[TABLE_KEYS.sort] as string).endsWith(`#${id}`);

const keyOf = (item: Record<string, unknown>): ItemKey => ({
  pk: String(item[TABLE_KEYS.partition]),
  sk: String(item[TABLE_KEYS.sort]),
});

export interface EventSearch {
  readonly callcenter?: string;
  readonly range: TimeRange;
}

/** How an item was found, for people: `alert record`, `call center acme, 30 days`... */
export interface Found<T> {
  readonly item: T;
  readonly via: string;
}

export async function findEvent(
  reader: TableReader,
  id: string,
  search: EventSearch,
  alert: AlertRecord | undefined,
): Promise<Found<EventItem> | undefined> {
  if (alert !== undefined && alert.alertKind === 'event') {
    const item = await reader.get(alert.subject);
    if (item?.kind === 'event') return { item, via: `its alert record ALERT#${id}` };
  }
  const slices = timeSlices(search.range, 32);
  const callcenters =
    search.callcenter !== undefined ? [search.callcenter] : await reader.callcenters();
  const legacy = LEGACY_INDEXES.bySeverity;
  const partitions = [
    ...callcenters.map((callcenter) => ({
      keyName: TABLE_KEYS.partition,
      keyValue: callcenterKey(callcenter),
      legacy: false,
    })),
    ...(search.callcenter !== undefined
      ? []
      : SEVERITIES.map((severity) => ({
          index: legacy.name,
          keyName: legacy.partitionKey,
          keyValue: severityKey(severity),
          legacy: true,
        }))),
  ];
  const matches = await inParallel(
    partitions.flatMap((partition) =>
      slices.map((bounds) => async () => {
        const read = () => reader.query(partition, bounds, true);
        const items = partition.legacy ? await fromLegacyIndex(read, []) : await read();
        return items.find(endsWithId(id));
      }),
    ),
    16,
  );
  const match = matches.find((m) => m !== undefined);
  if (match === undefined) return undefined;
  const item = await reader.get(keyOf(match));
  if (item?.kind !== 'event') return undefined;
  const where =
    search.callcenter !== undefined
      ? `call center ${search.callcenter}`
      : "every call center's partition";
  return { item, via: `its id in the sort keys of ${where}` };
}

/** The month partitions of incidents that began in the range. */
function incidentMonths(range: TimeRange): string[] {
  const months: string[] = [];
  const cursor = new Date(Date.UTC(range.from.getUTCFullYear(), range.from.getUTCMonth(), 1));
  while (cursor.getTime() <= range.to.getTime()) {
    months.push(incidentPartition(cursor.toISOString()));
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return months;
}

const boundsOf = (range: TimeRange): SortKeyBounds => ({
  low: `${range.from.toISOString().slice(0, 23)}000000Z`,
  high: `${range.to.toISOString().slice(0, 23)}999999Z~`,
});

/** Incidents that began in the range, oldest first. */
export async function incidentsIn(reader: TableReader, range: TimeRange): Promise<IncidentItem[]> {
  const pages = await Promise.all(
    incidentMonths(range).map((pk) =>
      reader.query({ keyName: TABLE_KEYS.partition, keyValue: pk }, boundsOf(range)),
    ),
  );
  return pages
    .flat()
    .filter((item): item is IncidentItem & Record<string, unknown> => item.kind === 'incident')
    .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
}

export async function findIncident(
  reader: TableReader,
  id: string,
  range: TimeRange,
  alert: AlertRecord | undefined,
): Promise<Found<IncidentItem> | undefined> {
  if (alert !== undefined && alert.alertKind === 'incident') {
    const item = await reader.get(alert.subject);
    if (item?.kind === 'incident') return { item, via: `its alert record ALERT#${id}` };
  }
  const item = (await incidentsIn(reader, range)).find((i) => i.incidentId === id);
  return item === undefined ? undefined : { item, via: 'the incidents of the range' };
}

/** The events an incident lists, from its call center's partition between its start and end. */
export async function eventsOf(reader: TableReader, incident: IncidentItem): Promise<EventItem[]> {
  const ids = new Set(incident.eventIds);
  const items = await reader.query(
    { keyName: TABLE_KEYS.partition, keyValue: callcenterKey(incident.callcenter) },
    { low: incident.start, high: `${incident.end}~` },
  );
  return items.filter(
    (item): item is EventItem & Record<string, unknown> =>
      item.kind === 'event' && ids.has(String(item.eventId)),
  );
}

/** The alerts folded into one window (their event ids and times). */
export async function foldedInto(reader: TableReader, windowId: string): Promise<FoldedItem[]> {
  const items = await reader.query(
    { keyName: TABLE_KEYS.partition, keyValue: foldedPartition(windowId) },
    { low: '!', high: '~' },
  );
  return items.filter(
    (item): item is FoldedItem & Record<string, unknown> => item.kind === 'folded',
  );
}
