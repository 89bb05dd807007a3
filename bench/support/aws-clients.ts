// SDK clients for measuring the real adapters without AWS: a request counter, an in-memory
// DynamoDB and SNS answering at the SDK's middleware level, and the hook the fault injector uses.
// Working at the client keeps the production adapters (DynamoDbEventStore, SnsAlertPublisher)
// and their retry logic in the measured path.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { MiddlewareStack } from '@smithy/types';
import { TABLE_KEYS } from '../../contract/table';

/** Any SDK v3 client: only its middleware stack is touched. */
export interface SdkClient {
  readonly middlewareStack: unknown;
}

/** The rest of the stack below an interceptor: the next interceptor, the fake or the network. */
export type Proceed = (input: Record<string, unknown>) => Promise<Record<string, unknown>>;

/**
 * Sees every command once (above the SDK's own retries) and answers it: by calling `proceed`,
 * possibly with another input or after throwing, or on its own (a fake backend).
 */
export type CommandInterceptor = (
  commandName: string,
  input: Record<string, unknown>,
  proceed: Proceed,
) => Promise<Record<string, unknown>>;

/**
 * Where an interceptor sits, nearest the caller first: counters see every command the adapter
 * sends, faults are injected below them, and a fake backend answers last.
 */
export type Layer = 'counter' | 'fault' | 'backend';
const PRIORITY = { counter: 'high', fault: 'normal', backend: 'low' } as const;

/** Adds an interceptor to the client's middleware stack, in the initialize step. */
export function intercept(
  client: SdkClient,
  name: string,
  layer: Layer,
  interceptor: CommandInterceptor,
): void {
  const stack = client.middlewareStack as MiddlewareStack<object, object>;
  stack.add(
    (next, context) => async (args) => {
      const commandName = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      const output = await interceptor(
        commandName,
        args.input as Record<string, unknown>,
        async (input) => {
          const result = await next({ ...args, input });
          return result.output as Record<string, unknown>;
        },
      );
      return { output: { $metadata: { httpStatusCode: 200 }, ...output }, response: {} };
    },
    { step: 'initialize', name, priority: PRIORITY[layer], override: true },
  );
}

/** Counts commands per name; a command the SDK retries counts once (as it is billed once or more). */
export class RequestCounter {
  readonly counts = new Map<string, number>();
  /**
   * Round trips: times the client went from no request in flight to one. Requests sent
   * together (Promise.all) share one round trip; a request sent after another returned makes a
   * new one, which is what an invocation's latency is made of.
   */
  roundTrips = 0;
  private inFlight = 0;

  attach(client: SdkClient, name = 'benchRequestCounter'): this {
    intercept(client, name, 'counter', async (commandName, input, proceed) => {
      this.counts.set(commandName, (this.counts.get(commandName) ?? 0) + 1);
      if (this.inFlight++ === 0) this.roundTrips++;
      try {
        return await proceed(input);
      } finally {
        this.inFlight--;
      }
    });
    return this;
  }

  get(commandName: string): number {
    return this.counts.get(commandName) ?? 0;
  }

  total(): number {
    return [...this.counts.values()].reduce((sum, n) => sum + n, 0);
  }

  reset(): void {
    this.counts.clear();
  }
}

type Item = Record<string, AttributeValue>;

const keyOf = (item: Item): string =>
  `${item[TABLE_KEYS.partition]?.S ?? ''}\u0000${item[TABLE_KEYS.sort]?.S ?? ''}`;

/**
 * DynamoDB's item size: attribute names plus values (strings and binary by bytes, numbers about
 * one byte per two digits, maps and lists with a few bytes of overhead).
 */
export function itemSizeBytes(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item))
    size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSize(v), 0);
  if (value.M !== undefined) return 3 + itemSizeBytes(value.M);
  if (value.SS !== undefined) return value.SS.reduce((sum, v) => sum + Buffer.byteLength(v), 0);
  return 8;
}

/** On-demand capacity units a run consumed, computed as DynamoDB bills them. */
export interface ConsumedCapacity {
  /** Write request units, table plus every index entry written. */
  writeUnits: number;
  /** Read request units (strongly consistent: 1 per 4 KB, at least 1 per key asked for). */
  readUnits: number;
  /** Items written (puts), for per-item figures. */
  itemWrites: number;
  /** Index entries written or deleted (each is at least one write unit). */
  indexEntryWrites: number;
  /** Write units by the written item's `kind` (its index entries included). */
  readonly writeUnitsByKind: Map<string, number>;
}

/** A global secondary index as DynamoDB bills it: by the entries items put in it. */
export interface IndexBilling {
  readonly partitionKey: string;
  /** What an entry holds besides the keys. @default 'ALL' (a whole copy of the item) */
  readonly projection?: 'ALL' | 'KEYS_ONLY';
}

/** Bytes stored, as DynamoDB bills storage: each item and index entry plus 100 bytes. */
export interface StoredBytes {
  readonly items: number;
  readonly tableBytes: number;
  readonly indexEntries: number;
  readonly indexBytes: number;
}

/** DynamoDB's per-item (and per-index-entry) storage overhead. */
export const STORAGE_OVERHEAD_BYTES = 100;

const units = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/**
 * A DynamoDB table in memory, answering the item-level commands the adapters use. Anything else
 * throws, so an adapter change that needs a new command is noticed instead of faked wrongly.
 * It bills capacity as on-demand DynamoDB does, index entries included: an item is in an index
 * when it has the index's key attribute; an entry of keys only holds the table and index keys,
 * one of `ALL` the whole item; an entry is written when it appears, changes (for keys only: its
 * key changes) or goes, at least one unit per 1 KB of entry.
 */
export class InMemoryDynamoDb {
  readonly items = new Map<string, Item>();
  readonly capacity: ConsumedCapacity = {
    writeUnits: 0,
    readUnits: 0,
    itemWrites: 0,
    indexEntryWrites: 0,
    writeUnitsByKind: new Map(),
  };

  constructor(private readonly indexes: readonly IndexBilling[] = []) {}

  /** The entry an item has in an index, or undefined when it is not in it. */
  private entryOf(item: Item | undefined, index: IndexBilling): Item | undefined {
    const key = item?.[index.partitionKey];
    if (item === undefined || key === undefined) return undefined;
    if ((index.projection ?? 'ALL') === 'ALL') return item;
    const entry: Item = { [index.partitionKey]: key };
    for (const name of [TABLE_KEYS.partition, TABLE_KEYS.sort]) {
      const value = item[name];
      if (value !== undefined) entry[name] = value;
    }
    return entry;
  }

  private bill(kind: string, writeUnits: number): void {
    this.capacity.writeUnits += writeUnits;
    const byKind = this.capacity.writeUnitsByKind;
    byKind.set(kind, (byKind.get(kind) ?? 0) + writeUnits);
  }

  /** Units of the index entries that change when `previous` becomes `next`. */
  private indexUnits(previous: Item | undefined, next: Item | undefined): number {
    let total = 0;
    for (const index of this.indexes) {
      const before = this.entryOf(previous, index);
      const after = this.entryOf(next, index);
      if (before === undefined && after === undefined) continue;
      const sameKey =
        before?.[index.partitionKey]?.S === after?.[index.partitionKey]?.S &&
        before !== undefined &&
        after !== undefined;
      if (sameKey && (index.projection ?? 'ALL') === 'KEYS_ONLY') continue;
      if (sameKey && JSON.stringify(before) === JSON.stringify(after)) continue;
      // A new key is a delete of the old entry and a put of the new one.
      if (before !== undefined && !sameKey) {
        total += 1;
        this.capacity.indexEntryWrites++;
      }
      if (after !== undefined) {
        total += units(itemSizeBytes(after));
        this.capacity.indexEntryWrites++;
      }
    }
    return total;
  }

  private put(item: Item): void {
    const key = keyOf(item);
    const previous = this.items.get(key);
    const base = units(Math.max(itemSizeBytes(item), previous ? itemSizeBytes(previous) : 0));
    this.bill(item.kind?.S ?? 'unknown', base + this.indexUnits(previous, item));
    this.capacity.itemWrites++;
    this.items.set(key, item);
  }

  private delete(key: Item): void {
    const previous = this.items.get(keyOf(key));
    if (previous === undefined) {
      this.bill('unknown', 1);
      return;
    }
    this.bill(
      previous.kind?.S ?? 'unknown',
      units(itemSizeBytes(previous)) + this.indexUnits(previous, undefined),
    );
    this.items.delete(keyOf(key));
  }

  /** What the table holds now, by the `kind` of its items. */
  storedBytes(): Map<string, StoredBytes> {
    const byKind = new Map<string, StoredBytes>();
    for (const item of this.items.values()) {
      const kind = item.kind?.S ?? 'unknown';
      const entries = this.indexes
        .map((index) => this.entryOf(item, index))
        .filter((entry): entry is Item => entry !== undefined);
      const stored = byKind.get(kind) ?? {
        items: 0,
        tableBytes: 0,
        indexEntries: 0,
        indexBytes: 0,
      };
      byKind.set(kind, {
        items: stored.items + 1,
        tableBytes: stored.tableBytes + itemSizeBytes(item) + STORAGE_OVERHEAD_BYTES,
        indexEntries: stored.indexEntries + entries.length,
        indexBytes:
          stored.indexBytes +
          entries.reduce((sum, entry) => sum + itemSizeBytes(entry) + STORAGE_OVERHEAD_BYTES, 0),
      });
    }
    return byKind;
  }

  /** `attribute_not_exists(pk)`, `attribute_exists(pk)` or `version = :read`, as the store writes. */
  private conditionHolds(input: Record<string, unknown>, stored: Item | undefined): boolean {
    const condition = String(input.ConditionExpression ?? '');
    if (condition === '') return true;
    if (condition === 'attribute_not_exists(pk)') return stored === undefined;
    if (condition === 'attribute_exists(pk)') return stored !== undefined;
    if (condition === 'version = :read') {
      const values = input.ExpressionAttributeValues as Record<string, AttributeValue>;
      return stored?.version?.N !== undefined && stored.version.N === values[':read']?.N;
    }
    throw new Error(`InMemoryDynamoDb: unsupported condition ${condition}`);
  }

  private read(item: Item | undefined, consistent: boolean): void {
    const units = Math.max(1, Math.ceil((item ? itemSizeBytes(item) : 0) / 4096));
    this.capacity.readUnits += consistent ? units : units / 2;
  }

  attach(client: SdkClient): this {
    intercept(client, 'benchInMemoryDynamoDb', 'backend', async (command, input) =>
      this.answer(command, input),
    );
    return this;
  }

  private answer(command: string, input: Record<string, unknown>): Record<string, unknown> {
    switch (command) {
      case 'BatchGetItem': {
        const requests = input.RequestItems as Record<string, { Keys: Item[] }>;
        const Responses: Record<string, Item[]> = {};
        for (const [table, request] of Object.entries(requests)) {
          const consistent = (request as { ConsistentRead?: boolean }).ConsistentRead === true;
          Responses[table] = request.Keys.map((key) => {
            const item = this.items.get(keyOf(key));
            this.read(item, consistent);
            return item;
          }).filter((item): item is Item => item !== undefined);
        }
        return { Responses, UnprocessedKeys: {} };
      }
      case 'BatchWriteItem': {
        const requests = input.RequestItems as Record<
          string,
          { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]
        >;
        for (const writes of Object.values(requests)) {
          for (const write of writes) {
            if (write.PutRequest) this.put(write.PutRequest.Item);
            if (write.DeleteRequest) this.delete(write.DeleteRequest.Key);
          }
        }
        return { UnprocessedItems: {} };
      }
      case 'GetItem': {
        const item = this.items.get(keyOf(input.Key as Item));
        this.read(item, input.ConsistentRead === true);
        return item === undefined ? {} : { Item: item };
      }
      case 'PutItem': {
        const item = input.Item as Item;
        if (!this.conditionHolds(input, this.items.get(keyOf(item)))) {
          // A failed condition still consumes the write (of the table item only).
          this.bill(item.kind?.S ?? 'unknown', units(itemSizeBytes(item)));
          throw conditionalCheckFailed();
        }
        this.put(item);
        return {};
      }
      case 'UpdateItem': {
        // The one update the adapters make: ADD string-set values, on an item that exists.
        const key = keyOf(input.Key as Item);
        const stored = this.items.get(key);
        if (!this.conditionHolds(input, stored) || stored === undefined) {
          this.bill('unknown', 1);
          throw conditionalCheckFailed();
        }
        const match = /^ADD (\w+) (:\w+)$/.exec(String(input.UpdateExpression));
        const values = input.ExpressionAttributeValues as Record<string, AttributeValue>;
        if (!match?.[1] || !match[2]) throw new Error('InMemoryDynamoDb: unsupported update');
        const added = values[match[2]]?.SS ?? [];
        const existing = stored[match[1]]?.SS ?? [];
        this.put({ ...stored, [match[1]]: { SS: [...new Set([...existing, ...added])] } });
        return {};
      }
      case 'Query': {
        // `pk = :pk AND sk BETWEEN :low AND :high` on the table, as the store queries.
        const values = input.ExpressionAttributeValues as Record<string, AttributeValue>;
        const [pk, low, high] = [
          values[':pk']?.S,
          values[':low']?.S ?? '',
          values[':high']?.S ?? '',
        ];
        const Items = [...this.items.values()]
          .filter((item) => {
            const sk = item[TABLE_KEYS.sort]?.S ?? '';
            return item[TABLE_KEYS.partition]?.S === pk && sk >= low && sk <= high;
          })
          .sort((a, b) => ((a.sk?.S ?? '') < (b.sk?.S ?? '') ? -1 : 1));
        const bytes = Items.reduce((sum, item) => sum + itemSizeBytes(item), 0);
        this.capacity.readUnits += Math.max(1, Math.ceil(bytes / 4096));
        return { Items };
      }
      default:
        throw new Error(`InMemoryDynamoDb does not answer ${command}`);
    }
  }
}

function conditionalCheckFailed(): Error {
  // Required lazily so this module stays cheap to load for the SNS-only users.
  const { ConditionalCheckFailedException } =
    require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { httpStatusCode: 400 },
  });
}

/** One message SNS accepted. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly id?: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Record<string, string>;
}

interface SnsEntry {
  Id?: string;
  Subject?: string;
  Message: string;
  MessageAttributes?: Record<string, { StringValue?: string }>;
}

const attributesOf = (entry: SnsEntry): Record<string, string> =>
  Object.fromEntries(
    Object.entries(entry.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']),
  );

/** SNS that accepts every Publish / PublishBatch and keeps what it accepted. */
export class InMemorySns {
  readonly published: PublishedMessage[] = [];
  /** Requests as SNS bills them: each 64 KB chunk of a call's payload is one request. */
  billedRequests = 0;
  private sequence = 0;

  private bill(entries: readonly SnsEntry[]): void {
    const bytes = entries.reduce(
      (sum, e) => sum + Buffer.byteLength(e.Message) + Buffer.byteLength(e.Subject ?? ''),
      0,
    );
    this.billedRequests += Math.max(1, Math.ceil(bytes / 65_536));
  }

  attach(client: SdkClient): this {
    intercept(client, 'benchInMemorySns', 'backend', async (command, input) =>
      this.answer(command, input),
    );
    return this;
  }

  private answer(command: string, input: Record<string, unknown>): Record<string, unknown> {
    const topicArn = String(input.TopicArn);
    switch (command) {
      case 'Publish': {
        const entry = input as unknown as SnsEntry;
        this.bill([entry]);
        this.published.push({
          topicArn,
          subject: entry.Subject,
          message: entry.Message,
          attributes: attributesOf(entry),
        });
        return { MessageId: `msg-${++this.sequence}` };
      }
      case 'PublishBatch': {
        const entries = input.PublishBatchRequestEntries as SnsEntry[];
        this.bill(entries);
        for (const entry of entries) {
          this.published.push({
            topicArn,
            id: entry.Id,
            subject: entry.Subject,
            message: entry.Message,
            attributes: attributesOf(entry),
          });
        }
        return {
          Successful: entries.map((entry) => ({
            Id: entry.Id,
            MessageId: `msg-${++this.sequence}`,
          })),
          Failed: [],
        };
      }
      default:
        throw new Error(`InMemorySns does not answer ${command}`);
    }
  }
}
