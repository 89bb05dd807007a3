// The DynamoDB adapter against a stubbed client: the exact requests it sends (chunk sizes,
// strong consistency, conditions), what it retries and how often, and what it reports when it
// gives up. The handler tests run it against dynalite; these pin its own promises.
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  BatchWriteItemCommand,
  type BatchWriteItemCommandInput,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PermanentStoreError, TransientStoreError } from '../../lambda/adapters/aws-errors';
import {
  DynamoDbEventStore,
  MAX_GET_BATCH,
  MAX_WRITE_BATCH,
  type StoreOperation,
} from '../../lambda/adapters/dynamodb-event-store';
import { toAttributes } from '../../lambda/adapters/item-codec';
import type { ItemKey } from '../../lambda/core/items';
import type { StoredItem, VersionedItem } from '../../lambda/core/records';

const TABLE = 'events';
const FAR = Number.MAX_SAFE_INTEGER;

const key = (i: number): ItemKey => ({ pk: `CC#acme`, sk: `s${String(i).padStart(4, '0')}` });
const item = (i: number, extra: Record<string, unknown> = {}) =>
  ({ ...key(i), kind: 'quarantine', body: `b${i}`, ...extra }) as unknown as StoredItem;
const versioned = (i: number, version: number) =>
  ({ ...key(i), kind: 'alert', version }) as unknown as VersionedItem;

const error = (name: string, status: number) =>
  Object.assign(new Error(`${name}!`), { name, $metadata: { httpStatusCode: status } });
const throttled = () => error('ThrottlingException', 400);
const invalid = () => error('ValidationException', 400);
const conditionFailed = () => error('ConditionalCheckFailedException', 400);

/** A store on a stubbed client, with retries that do not wait and a count of them. */
function storeWith(options: { maxRetries?: number; now?: () => number } = {}) {
  const client = new DynamoDBClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  const errors: { error: Error; operation: StoreOperation }[] = [];
  const waits: number[] = [];
  const store = new DynamoDbEventStore({
    client,
    tableName: TABLE,
    backoff: {
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      now: options.now ?? (() => 0),
      maxRetries: options.maxRetries ?? 8,
    },
    onError: (e, operation) => errors.push({ error: e, operation }),
  });
  return { store, mock, errors, waits };
}

const keysOf = (input: BatchGetItemCommandInput) =>
  (input.RequestItems?.[TABLE]?.Keys ?? []).map((k) => k.sk?.S);
const writesOf = (input: BatchWriteItemCommandInput) =>
  (input.RequestItems?.[TABLE] ?? []).map(
    (w) => w.PutRequest?.Item?.sk?.S ?? `delete ${w.DeleteRequest?.Key?.sk?.S}`,
  );

describe('DynamoDbEventStore.read', () => {
  it('reads strongly consistent, 100 keys a call', async () => {
    // Prepare
    const { store, mock } = storeWith();
    mock.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => ({
      Responses: {
        [TABLE]: (input.RequestItems?.[TABLE]?.Keys ?? []).map((k) => ({ ...k, kind: { S: 'x' } })),
      },
    }));
    const keys = Array.from({ length: 250 }, (_, i) => key(i));
    // Act
    const outcome = await store.read(keys, { deadline: FAR });
    // Assert
    const calls = mock.commandCalls(BatchGetItemCommand).map((c) => c.args[0].input);
    expect(calls.map((input) => keysOf(input).length)).toEqual([100, 100, 50]);
    expect(MAX_GET_BATCH).toBe(100);
    for (const input of calls) expect(input.RequestItems?.[TABLE]?.ConsistentRead).toBe(true);
    expect(outcome.items).toHaveLength(250);
    expect(outcome.items[249]).toEqual({ ...key(249), kind: 'x' });
    expect(outcome.unknown).toEqual([]);
  });

  it('asks again for unprocessed keys, and only for them', async () => {
    // Prepare
    const { store, mock, waits } = storeWith();
    mock
      .on(BatchGetItemCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [toAttributes(item(0))] },
        UnprocessedKeys: { [TABLE]: { Keys: [toAttributes(key(1)), toAttributes(key(2))] } },
      })
      .resolvesOnce({
        Responses: { [TABLE]: [toAttributes(item(1))] },
        UnprocessedKeys: { [TABLE]: { Keys: [toAttributes(key(2))] } },
      })
      .resolves({ Responses: { [TABLE]: [toAttributes(item(2))] } });
    // Act
    const outcome = await store.read([key(0), key(1), key(2)], { deadline: FAR });
    // Assert
    const calls = mock.commandCalls(BatchGetItemCommand).map((c) => keysOf(c.args[0].input));
    expect(calls).toEqual([['s0000', 's0001', 's0002'], ['s0001', 's0002'], ['s0002']]);
    expect(outcome.items.map((i) => i.sk)).toEqual(['s0000', 's0001', 's0002']);
    expect(outcome.unknown).toEqual([]);
    // Full jitter at random 0.5: half of 50 ms, then half of 100 ms.
    expect(waits).toEqual([25, 50]);
  });

  it('reports keys still unprocessed when it runs out of retries as unknown, never as absent', async () => {
    // Prepare
    const { store, mock } = storeWith({ maxRetries: 2 });
    mock.on(BatchGetItemCommand).resolves({
      Responses: { [TABLE]: [] },
      UnprocessedKeys: { [TABLE]: { Keys: [toAttributes(key(7))] } },
    });
    // Act
    const outcome = await store.read([key(7)], { deadline: FAR });
    // Assert
    expect(mock.commandCalls(BatchGetItemCommand)).toHaveLength(3);
    expect(outcome).toEqual({ items: [], unknown: [key(7)] });
  });

  it('stops retrying at the deadline', async () => {
    // Prepare: the clock is past the deadline once the first call is made.
    const { store, mock } = storeWith({ now: () => 1_000 });
    mock.on(BatchGetItemCommand).resolves({
      UnprocessedKeys: { [TABLE]: { Keys: [toAttributes(key(1))] } },
    });
    // Act
    const outcome = await store.read([key(1)], { deadline: 1_000 });
    // Assert
    expect(mock.commandCalls(BatchGetItemCommand)).toHaveLength(1);
    expect(outcome.unknown).toEqual([key(1)]);
  });

  it('retries a transient error and tells the caller about it', async () => {
    // Prepare
    const { store, mock, errors } = storeWith();
    mock
      .on(BatchGetItemCommand)
      .rejectsOnce(throttled())
      .resolves({ Responses: { [TABLE]: [toAttributes(item(3))] } });
    // Act
    const outcome = await store.read([key(3)], { deadline: FAR });
    // Assert
    expect(outcome).toEqual({ items: [item(3)], unknown: [] });
    expect(errors.map((e) => [e.error.name, e.operation])).toEqual([
      ['TransientStoreError', 'read'],
    ]);
    expect(errors[0]?.error).toBeInstanceOf(TransientStoreError);
  });

  it('gives up on a permanent error at once: every key of the call is unknown', async () => {
    // Prepare
    const { store, mock, errors } = storeWith();
    mock.on(BatchGetItemCommand).rejects(invalid());
    // Act
    const outcome = await store.read([key(1), key(2)], { deadline: FAR });
    // Assert
    expect(mock.commandCalls(BatchGetItemCommand)).toHaveLength(1);
    expect(outcome).toEqual({ items: [], unknown: [key(1), key(2)] });
    expect(errors[0]?.error).toBeInstanceOf(PermanentStoreError);
  });

  it('reads an empty list of keys without a call', async () => {
    const { store, mock } = storeWith();
    expect(await store.read([], { deadline: FAR })).toEqual({ items: [], unknown: [] });
    expect(mock.calls()).toHaveLength(0);
  });
});

describe('DynamoDbEventStore.write and remove', () => {
  it('puts 25 items a call and reports nothing unwritten', async () => {
    // Prepare
    const { store, mock } = storeWith();
    mock.on(BatchWriteItemCommand).resolves({});
    const items = Array.from({ length: 60 }, (_, i) => item(i));
    // Act
    const outcome = await store.write(items, { deadline: FAR });
    // Assert
    const calls = mock.commandCalls(BatchWriteItemCommand).map((c) => writesOf(c.args[0].input));
    expect(calls.map((c) => c.length)).toEqual([25, 25, 10]);
    expect(MAX_WRITE_BATCH).toBe(25);
    expect(calls[0]?.[0]).toBe('s0000');
    expect(outcome).toEqual({ unwritten: [], retries: 0 });
  });

  it('writes unprocessed items again, counting the retry rounds', async () => {
    // Prepare
    const { store, mock } = storeWith();
    mock
      .on(BatchWriteItemCommand)
      .resolvesOnce({
        UnprocessedItems: {
          [TABLE]: [{ PutRequest: { Item: toAttributes(item(1)) } }],
        },
      })
      .resolves({ UnprocessedItems: {} });
    // Act
    const outcome = await store.write([item(0), item(1)], { deadline: FAR });
    // Assert
    const calls = mock.commandCalls(BatchWriteItemCommand).map((c) => writesOf(c.args[0].input));
    expect(calls).toEqual([['s0000', 's0001'], ['s0001']]);
    expect(outcome).toEqual({ unwritten: [], retries: 1 });
  });

  it('reports the items still unprocessed when it runs out of retries', async () => {
    // Prepare
    const { store, mock } = storeWith({ maxRetries: 1 });
    mock.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => ({
      UnprocessedItems: { [TABLE]: input.RequestItems?.[TABLE]?.slice(1) },
    }));
    // Act
    const outcome = await store.write([item(0), item(1), item(2)], { deadline: FAR });
    // Assert
    expect(mock.commandCalls(BatchWriteItemCommand)).toHaveLength(2);
    expect(outcome).toEqual({ unwritten: [key(2)], retries: 1 });
  });

  it('retries a transient error, then reports the whole chunk unwritten at the deadline', async () => {
    // Prepare
    let now = 0;
    const { store, mock, errors } = storeWith({ now: () => now });
    mock.on(BatchWriteItemCommand).callsFake(() => {
      now += 40;
      throw throttled();
    });
    // Act
    const outcome = await store.write([item(0), item(1)], { deadline: 100 });
    // Assert: 40 + a 25 ms wait < 100; 80 + a 50 ms wait >= 100.
    expect(mock.commandCalls(BatchWriteItemCommand)).toHaveLength(2);
    expect(outcome).toEqual({ unwritten: [key(0), key(1)], retries: 1 });
    expect(errors.map((e) => e.operation)).toEqual(['write', 'write']);
  });

  it('isolates an item DynamoDB refuses: halves the call until the item stands alone', async () => {
    // Prepare
    const { store, mock, errors } = storeWith();
    mock.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => {
      if (writesOf(input).includes('s0005')) throw invalid();
      return {};
    });
    const items = Array.from({ length: 8 }, (_, i) => item(i));
    // Act
    const outcome = await store.write(items, { deadline: FAR });
    // Assert: 8 -> 4 + 4 -> 2 + 2 -> 1 + 1.
    const calls = mock.commandCalls(BatchWriteItemCommand).map((c) => writesOf(c.args[0].input));
    expect(calls.map((c) => c.length)).toEqual([8, 4, 4, 2, 2, 1, 1]);
    expect(outcome).toEqual({ unwritten: [key(5)], retries: 0 });
    expect(errors.every((e) => e.error instanceof PermanentStoreError)).toBe(true);
  });

  it('fails an item the SDK cannot encode alone, without saying what is in it', async () => {
    // Prepare
    const { store, mock, errors } = storeWith();
    mock.on(BatchWriteItemCommand).resolves({});
    const bad = item(1, { params: { secret: Symbol('john@acme.com') } });
    // Act
    const outcome = await store.write([item(0), bad, item(2)], { deadline: FAR });
    // Assert
    const calls = mock.commandCalls(BatchWriteItemCommand).map((c) => writesOf(c.args[0].input));
    expect(calls).toEqual([['s0000', 's0002']]);
    expect(outcome).toEqual({ unwritten: [key(1)], retries: 0 });
    expect(errors.map((e) => [e.error.name, e.error.message, e.operation])).toEqual([
      ['PermanentStoreError', 'unencodable item (TypeError)', 'write'],
    ]);
  });

  it('writes nothing and calls nothing for no items', async () => {
    const { store, mock } = storeWith();
    expect(await store.write([], { deadline: FAR })).toEqual({ unwritten: [], retries: 0 });
    expect(mock.calls()).toHaveLength(0);
  });

  it('deletes by key, and reports keys it could not delete', async () => {
    // Prepare
    const { store, mock } = storeWith({ maxRetries: 0 });
    mock.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => ({
      UnprocessedItems: { [TABLE]: input.RequestItems?.[TABLE]?.slice(1) },
    }));
    // Act
    const outcome = await store.remove([key(0), key(1)], { deadline: FAR });
    // Assert
    const input = mock.commandCalls(BatchWriteItemCommand)[0]?.args[0].input;
    expect(input?.RequestItems?.[TABLE]).toEqual([
      { DeleteRequest: { Key: { pk: { S: 'CC#acme' }, sk: { S: 's0000' } } } },
      { DeleteRequest: { Key: { pk: { S: 'CC#acme' }, sk: { S: 's0001' } } } },
    ]);
    expect(outcome).toEqual({ unwritten: [key(1)], retries: 0 });
  });
});

describe('DynamoDbEventStore.writeVersioned', () => {
  it('writes a first version only where nothing is, and later ones on the version read', async () => {
    // Prepare
    const { store, mock } = storeWith();
    mock.on(PutItemCommand).resolves({});
    // Act
    const outcome = await store.writeVersioned([versioned(1, 1), versioned(2, 4)], {
      deadline: FAR,
    });
    // Assert
    const inputs = mock.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({
      TableName: TABLE,
      Item: toAttributes(versioned(1, 1)),
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(inputs[1]).toEqual({
      TableName: TABLE,
      Item: toAttributes(versioned(2, 4)),
      ConditionExpression: 'version = :read',
      ExpressionAttributeValues: { ':read': { N: '3' } },
    });
    expect(outcome).toEqual({ conflicts: [], unwritten: [], retries: 0 });
  });

  it('reports a failed condition as a conflict (an answer, not an error)', async () => {
    // Prepare
    const { store, mock, errors } = storeWith();
    mock
      .on(PutItemCommand, { Item: toAttributes(versioned(1, 2)) })
      .rejects(conditionFailed())
      .on(PutItemCommand, { Item: toAttributes(versioned(2, 2)) })
      .rejects(invalid())
      .on(PutItemCommand, { Item: toAttributes(versioned(3, 2)) })
      .resolves({});
    // Act
    const outcome = await store.writeVersioned(
      [versioned(1, 2), versioned(2, 2), versioned(3, 2)],
      { deadline: FAR },
    );
    // Assert
    expect(outcome).toEqual({ conflicts: [key(1)], unwritten: [key(2)], retries: 0 });
    expect(errors.map((e) => [e.error.name, e.operation])).toEqual([
      ['PermanentStoreError', 'writeVersioned'],
    ]);
  });

  it('retries a transient error and counts each retry', async () => {
    // Prepare
    const { store, mock } = storeWith();
    mock.on(PutItemCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    // Act
    const outcome = await store.writeVersioned([versioned(1, 1)], { deadline: FAR });
    // Assert
    expect(mock.commandCalls(PutItemCommand)).toHaveLength(3);
    expect(outcome).toEqual({ conflicts: [], unwritten: [], retries: 2 });
  });

  it('reports the item unwritten once retries run out', async () => {
    // Prepare
    const { store, mock } = storeWith({ maxRetries: 1 });
    mock.on(PutItemCommand).rejects(throttled());
    // Act
    const outcome = await store.writeVersioned([versioned(1, 1)], { deadline: FAR });
    // Assert
    expect(mock.commandCalls(PutItemCommand)).toHaveLength(2);
    expect(outcome).toEqual({ conflicts: [], unwritten: [key(1)], retries: 1 });
  });
});

describe('DynamoDbEventStore.addDetections', () => {
  it('adds to the set on existing events only, each id once', async () => {
    // Prepare
    const { store, mock } = storeWith();
    mock.on(UpdateItemCommand).resolves({});
    // Act
    const outcome = await store.addDetections(
      [{ key: key(1), detections: ['brute-force', 'password-spray', 'brute-force'] }],
      { deadline: FAR },
    );
    // Assert
    expect(mock.commandCalls(UpdateItemCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: { S: 'CC#acme' }, sk: { S: 's0001' } },
      ConditionExpression: 'attribute_exists(pk)',
      UpdateExpression: 'ADD detections :ids',
      ExpressionAttributeValues: { ':ids': { SS: ['brute-force', 'password-spray'] } },
    });
    expect(outcome).toEqual({ unwritten: [], retries: 0 });
  });

  it('skips an event that is not there, and reports updates that failed', async () => {
    // Prepare
    const { store, mock } = storeWith({ maxRetries: 1 });
    mock
      .on(UpdateItemCommand, { Key: { pk: { S: 'CC#acme' }, sk: { S: 's0001' } } })
      .rejects(conditionFailed())
      .on(UpdateItemCommand, { Key: { pk: { S: 'CC#acme' }, sk: { S: 's0002' } } })
      .rejects(throttled());
    // Act
    const outcome = await store.addDetections(
      [
        { key: key(1), detections: ['mass-change'] },
        { key: key(2), detections: ['mass-change'] },
      ],
      { deadline: FAR },
    );
    // Assert
    expect(outcome).toEqual({ unwritten: [key(2)], retries: 1 });
  });
});

describe('DynamoDbEventStore.query', () => {
  it('reads a partition strongly consistent, page by page, within the range', async () => {
    // Prepare
    const { store, mock } = storeWith();
    const lastKey: Record<string, AttributeValue> = { pk: { S: 'P' }, sk: { S: 's0001' } };
    mock
      .on(QueryCommand)
      .resolvesOnce({
        Items: [toAttributes(item(0)), toAttributes(item(1))],
        LastEvaluatedKey: lastKey,
      })
      .resolves({ Items: [toAttributes(item(2))] });
    // Act
    const items = await store.query('P', { from: 'a', to: 'z' }, { deadline: Date.now() + 10_000 });
    // Assert
    const inputs = mock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({
      TableName: TABLE,
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': { S: 'P' }, ':low': { S: 'a' }, ':high': { S: 'z' } },
      ExclusiveStartKey: undefined,
    });
    expect(inputs[1]?.ExclusiveStartKey).toEqual(lastKey);
    expect(items.map((i) => i.sk)).toEqual(['s0000', 's0001', 's0002']);
  });

  it('reads the whole partition when no range is given', async () => {
    // Prepare
    const { store, mock } = storeWith();
    mock.on(QueryCommand).resolves({});
    // Act
    const items = await store.query('P', {}, { deadline: Date.now() + 10_000 });
    // Assert
    const values = mock.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues;
    expect(values).toEqual({ ':pk': { S: 'P' }, ':low': { S: '' }, ':high': { S: '\u{10FFFF}' } });
    expect(items).toEqual([]);
  });
});
