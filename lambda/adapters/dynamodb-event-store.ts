// The EventStore on DynamoDB: BatchGetItem (100 keys) for existence, BatchWriteItem (25 items)
// for puts. Unprocessed keys/items and transient errors are retried with full-jitter backoff
// until the caller's deadline; whatever is left is reported, never thrown.
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type KeysAndAttributes,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { EventItem, ItemKey, StoredItem } from '../core/items';
import type {
  EventStore,
  LookupOutcome,
  StoreCallOptions,
  WriteOutcome,
} from '../ports/event-store';
import { PermanentStoreError, toStoreError } from './aws-errors';
import { type BackoffOptions, backoff, DEFAULT_BACKOFF } from './backoff';
import { fromAttributes, toAttributes } from './item-codec';

export const MAX_GET_BATCH = 100;
export const MAX_WRITE_BATCH = 25;

export interface DynamoDbEventStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly backoff?: Partial<BackoffOptions>;
  /** Told about every error given up on or retried (the handler logs it). */
  readonly onError?: (error: Error, operation: 'lookup' | 'write') => void;
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

export class DynamoDbEventStore implements EventStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly backoffOptions: BackoffOptions;
  private readonly onError: (error: Error, operation: 'lookup' | 'write') => void;

  constructor(options: DynamoDbEventStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.backoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.onError = options.onError ?? (() => undefined);
  }

  async lookup(keys: readonly ItemKey[], options: StoreCallOptions): Promise<LookupOutcome> {
    const results = await Promise.all(
      chunk(keys, MAX_GET_BATCH).map((part) => this.lookupChunk(part, options)),
    );
    return {
      existing: results.flatMap((r) => r.existing),
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
    const results = await Promise.all(
      chunk(requests, MAX_WRITE_BATCH).map((part) => this.writeRequests(part, options)),
    );
    return {
      unwritten: [...unencodable, ...results.flatMap((r) => r.unwritten)],
      retries: results.reduce((sum, r) => sum + r.retries, 0),
    };
  }

  private async lookupChunk(
    keys: readonly ItemKey[],
    options: StoreCallOptions,
  ): Promise<LookupOutcome> {
    const existing: EventItem[] = [];
    let pending: KeysAndAttributes | undefined = {
      Keys: keys.map((key) => toAttributes({ pk: key.pk, sk: key.sk })),
      // A write acknowledged by an earlier delivery must be seen, or it would be written twice.
      ConsistentRead: true,
    };
    for (let attempt = 0; pending?.Keys?.length; attempt++) {
      try {
        const response: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        for (const raw of response.Responses?.[this.tableName] ?? []) {
          existing.push(fromAttributes(raw) as EventItem);
        }
        pending = response.UnprocessedKeys?.[this.tableName];
      } catch (error) {
        const storeError = toStoreError(error);
        this.onError(storeError, 'lookup');
        if (storeError instanceof PermanentStoreError) break;
      }
      if (!pending?.Keys?.length) break;
      if (!(await backoff(attempt, options.deadline, this.backoffOptions))) break;
    }
    const unknown = (pending?.Keys ?? []).map((raw) => keyOf(fromAttributes(raw)));
    return { existing, unknown };
  }

  private async writeRequests(
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
    const results = await Promise.all(halves.map((half) => this.writeRequests(half, options)));
    return {
      unwritten: results.flatMap((r) => r.unwritten),
      retries: results.reduce((sum, r) => sum + r.retries, retriesSoFar),
    };
  }
}

function unwrittenOf(pending: readonly WriteRequest[], retries: number): WriteOutcome {
  const unwritten = pending.flatMap((request) =>
    request.PutRequest?.Item ? [keyOf(fromAttributes(request.PutRequest.Item))] : [],
  );
  return { unwritten, retries };
}
