// The EventStore on DynamoDB: BatchGetItem (100 keys, strongly consistent) to read,
// BatchWriteItem (25 items) to put and delete, conditional PutItem for versioned items (claims),
// UpdateItem ADD for the detections an event contributed to, Query for one partition.
// Unprocessed keys/items and transient errors are retried with full-jitter backoff until the
// caller's deadline; whatever is left is reported, never thrown.
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type KeysAndAttributes,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { ItemKey } from '../core/items';
import type { StoredItem, VersionedItem } from '../core/records';
import type {
  DetectionsUpdate,
  EventStore,
  ReadOutcome,
  StoreCallOptions,
  VersionedWriteOutcome,
  WriteOutcome,
} from '../ports/event-store';
import { PermanentStoreError, toStoreError } from './aws-errors';
import { type BackoffOptions, backoff, DEFAULT_BACKOFF } from './backoff';
import { fromAttributes, toAttributes } from './item-codec';

export const MAX_GET_BATCH = 100;
export const MAX_WRITE_BATCH = 25;

export type StoreOperation = 'read' | 'write' | 'writeVersioned' | 'addDetections' | 'query';

export interface DynamoDbEventStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly backoff?: Partial<BackoffOptions>;
  /** Told about every error given up on or retried (the handler logs it). */
  readonly onError?: (error: Error, operation: StoreOperation) => void;
}

const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};

const keyOf = (record: Record<string, unknown>): ItemKey => ({
  pk: String(record.pk),
  sk: String(record.sk),
});

const rawKey = (key: ItemKey): Record<string, AttributeValue> => ({
  pk: { S: key.pk },
  sk: { S: key.sk },
});

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

export class DynamoDbEventStore implements EventStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly backoffOptions: BackoffOptions;
  private readonly onError: (error: Error, operation: StoreOperation) => void;

  constructor(options: DynamoDbEventStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.backoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.onError = options.onError ?? (() => undefined);
  }

  async read(keys: readonly ItemKey[], options: StoreCallOptions): Promise<ReadOutcome> {
    const results = await Promise.all(
      chunk(keys, MAX_GET_BATCH).map((part) => this.readChunk(part, options)),
    );
    return {
      items: results.flatMap((r) => r.items),
      unknown: results.flatMap((r) => r.unknown),
    };
  }

  async write(items: readonly StoredItem[], options: StoreCallOptions): Promise<WriteOutcome> {
    // An item that cannot be encoded fails alone instead of failing its whole chunk.
    const requests: WriteRequest[] = [];
    const unencodable: ItemKey[] = [];
    for (const item of items) {
      try {
        requests.push({ PutRequest: { Item: toAttributes(item) } });
      } catch (error) {
        // The SDK's marshalling errors quote the offending value: name the error, not the value.
        const kind = error instanceof Error ? error.name : typeof error;
        this.onError(new PermanentStoreError(`unencodable item (${kind})`), 'write');
        unencodable.push({ pk: item.pk, sk: item.sk });
      }
    }
    const outcome = await this.writeRequests(requests, options);
    return { ...outcome, unwritten: [...unencodable, ...outcome.unwritten] };
  }

  async remove(keys: readonly ItemKey[], options: StoreCallOptions): Promise<WriteOutcome> {
    return this.writeRequests(
      keys.map((key) => ({ DeleteRequest: { Key: rawKey(key) } })),
      options,
    );
  }

  async writeVersioned(
    items: readonly VersionedItem[],
    options: StoreCallOptions,
  ): Promise<VersionedWriteOutcome> {
    const outcomes = await Promise.all(
      items.map((item) =>
        this.retrying('writeVersioned', options, () =>
          this.client.send(
            new PutItemCommand({
              TableName: this.tableName,
              Item: toAttributes(item),
              ...(item.version === 1
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : {
                    ConditionExpression: 'version = :read',
                    ExpressionAttributeValues: { ':read': { N: String(item.version - 1) } },
                  }),
            }),
          ),
        ),
      ),
    );
    const key = (index: number): ItemKey[] => {
      const item = items[index];
      return item ? [{ pk: item.pk, sk: item.sk }] : [];
    };
    return {
      conflicts: outcomes.flatMap((o, i) => (o.result === 'condition' ? key(i) : [])),
      unwritten: outcomes.flatMap((o, i) => (o.result === 'failed' ? key(i) : [])),
      retries: outcomes.reduce((sum, o) => sum + o.retries, 0),
    };
  }

  async addDetections(
    updates: readonly DetectionsUpdate[],
    options: StoreCallOptions,
  ): Promise<WriteOutcome> {
    const outcomes = await Promise.all(
      updates.map((update) =>
        this.retrying('addDetections', options, () =>
          this.client.send(
            new UpdateItemCommand({
              TableName: this.tableName,
              Key: rawKey(update.key),
              // Only on an event that exists: never create an item from its key alone.
              ConditionExpression: 'attribute_exists(pk)',
              UpdateExpression: 'ADD detections :ids',
              ExpressionAttributeValues: { ':ids': { SS: [...new Set(update.detections)] } },
            }),
          ),
        ),
      ),
    );
    return {
      unwritten: outcomes.flatMap((o, i) => {
        const update = updates[i];
        return o.result === 'failed' && update ? [update.key] : [];
      }),
      retries: outcomes.reduce((sum, o) => sum + o.retries, 0),
    };
  }

  async query(
    partition: string,
    range: { readonly from?: string; readonly to?: string },
    options: StoreCallOptions,
  ): Promise<readonly StoredItem[]> {
    const low = range.from ?? '';
    const high = range.to ?? '\u{10FFFF}';
    const items: StoredItem[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
          ExpressionAttributeValues: {
            ':pk': { S: partition },
            ':low': { S: low },
            ':high': { S: high },
          },
          ExclusiveStartKey: startKey,
        }),
        { abortSignal: AbortSignal.timeout(Math.max(1, options.deadline - Date.now())) },
      );
      for (const raw of page.Items ?? []) items.push(fromAttributes(raw) as StoredItem);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /**
   * One request, retried while its failure is transient and time is left. A failed condition
   * is an answer, not a failure.
   */
  private async retrying(
    operation: StoreOperation,
    options: StoreCallOptions,
    send: () => Promise<unknown>,
  ): Promise<{ result: 'ok' | 'condition' | 'failed'; retries: number }> {
    for (let attempt = 0; ; attempt++) {
      try {
        await send();
        return { result: 'ok', retries: attempt };
      } catch (error) {
        if (isConditionFailure(error)) return { result: 'condition', retries: attempt };
        const storeError = toStoreError(error);
        this.onError(storeError, operation);
        if (storeError instanceof PermanentStoreError) {
          return { result: 'failed', retries: attempt };
        }
      }
      if (!(await backoff(attempt, options.deadline, this.backoffOptions))) {
        return { result: 'failed', retries: attempt };
      }
    }
  }

  private async readChunk(keys: readonly ItemKey[], options: StoreCallOptions) {
    const items: StoredItem[] = [];
    let pending: KeysAndAttributes | undefined = {
      Keys: keys.map(rawKey),
      // A write acknowledged by an earlier delivery must be seen, or it would be written twice.
      ConsistentRead: true,
    };
    for (let attempt = 0; pending?.Keys?.length; attempt++) {
      try {
        const response: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        for (const raw of response.Responses?.[this.tableName] ?? []) {
          items.push(fromAttributes(raw) as StoredItem);
        }
        pending = response.UnprocessedKeys?.[this.tableName];
      } catch (error) {
        const storeError = toStoreError(error);
        this.onError(storeError, 'read');
        if (storeError instanceof PermanentStoreError) break;
      }
      if (!pending?.Keys?.length) break;
      if (!(await backoff(attempt, options.deadline, this.backoffOptions))) break;
    }
    const unknown = (pending?.Keys ?? []).map((raw) => keyOf(fromAttributes(raw)));
    return { items, unknown };
  }

  private async writeRequests(
    requests: readonly WriteRequest[],
    options: StoreCallOptions,
  ): Promise<WriteOutcome> {
    const results = await Promise.all(
      chunk(requests, MAX_WRITE_BATCH).map((part) => this.writeChunk(part, options)),
    );
    return {
      unwritten: results.flatMap((r) => r.unwritten),
      retries: results.reduce((sum, r) => sum + r.retries, 0),
    };
  }

  private async writeChunk(
    requests: readonly WriteRequest[],
    options: StoreCallOptions,
  ): Promise<WriteOutcome> {
    let pending = [...requests];
    let retries = 0;
    for (let attempt = 0; pending.length > 0; attempt++) {
      try {
        const response = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = response.UnprocessedItems?.[this.tableName] ?? [];
      } catch (error) {
        const storeError = toStoreError(error);
        this.onError(storeError, 'write');
        if (storeError instanceof PermanentStoreError) {
          // DynamoDB rejects a whole BatchWriteItem for one bad item. Halve the request until
          // the bad item stands alone, so it alone fails (log2(25) extra calls, on this rare path).
          return pending.length > 1
            ? this.bisect(pending, options, retries)
            : unwrittenOf(pending, retries);
        }
      }
      if (pending.length === 0) break;
      if (!(await backoff(attempt, options.deadline, this.backoffOptions))) break;
      retries++;
    }
    return unwrittenOf(pending, retries);
  }

  private async bisect(
    requests: readonly WriteRequest[],
    options: StoreCallOptions,
    retriesSoFar: number,
  ): Promise<WriteOutcome> {
    const middle = Math.ceil(requests.length / 2);
    const halves = [requests.slice(0, middle), requests.slice(middle)];
    const results = await Promise.all(halves.map((half) => this.writeChunk(half, options)));
    return {
      unwritten: results.flatMap((r) => r.unwritten),
      retries: results.reduce((sum, r) => sum + r.retries, retriesSoFar),
    };
  }
}

function unwrittenOf(pending: readonly WriteRequest[], retries: number): WriteOutcome {
  const unwritten = pending.flatMap((request) => {
    const raw = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
    return raw ? [keyOf(fromAttributes(raw))] : [];
  });
  return { unwritten, retries };
}
