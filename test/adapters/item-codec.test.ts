// Items to DynamoDB attribute values and back, the one way every writer and reader uses: what
// DynamoDB cannot hold is dropped or kept as it must be, and what it returns reads as written.

import { INDEXES } from '../../contract/table';
import { fromAttributes, toAttributes } from '../../lambda/adapters/item-codec';
import { eventsTableDefinition } from '../../lambda/adapters/table-schema';

describe('item codec', () => {
  it('stores detections as a string set, each once, and reads them back sorted', () => {
    // Act
    const attributes = toAttributes({
      pk: 'p',
      sk: 's',
      detections: ['mass-change', 'brute-force', 'mass-change'],
    });
    const read = fromAttributes(attributes);
    // Assert
    expect(attributes.detections).toEqual({ SS: ['mass-change', 'brute-force'] });
    expect(read.detections).toEqual(['brute-force', 'mass-change']);
  });

  it('stores no attribute for an empty detections list (DynamoDB has no empty set)', () => {
    // Act
    const attributes = toAttributes({ pk: 'p', sk: 's', detections: [] });
    // Assert
    expect(attributes).toEqual({ pk: { S: 'p' }, sk: { S: 's' } });
  });

  it('keeps a `detections` param inside params as a plain list', () => {
    // Act
    const attributes = toAttributes({ pk: 'p', params: { detections: ['x'] } });
    // Assert
    expect(attributes.params).toEqual({ M: { detections: { L: [{ S: 'x' }] } } });
  });

  it('drops undefined values, and stores numbers beyond 2^53 as parsed', () => {
    // Act
    const attributes = toAttributes({ pk: 'p', gone: undefined, params: { score: 2.13e41 } });
    const read = fromAttributes(attributes);
    // Assert
    expect(attributes).not.toHaveProperty('gone');
    expect(read.params).toEqual({ score: 2.13e41 });
  });

  it('reads numbers back as plain numbers', () => {
    // Act
    const read = fromAttributes({ n: { N: '12' }, big: { N: '12345678901234567890' } });
    // Assert
    expect(read).toEqual({ n: 12, big: Number('12345678901234567890') });
  });

  it('encodes a param named `constructor` like any other', () => {
    // Act
    const attributes = toAttributes({ pk: 'p', params: { constructor: 'x', toString: 'y' } });
    // Assert
    expect(fromAttributes(attributes).params).toEqual({ constructor: 'x', toString: 'y' });
  });

  it('reads a string set that is not `detections` as DynamoDB returns it', () => {
    // Act
    const read = fromAttributes({ tags: { SS: ['b', 'a'] } });
    // Assert
    expect(read.tags).toEqual(new Set(['b', 'a']));
  });
});

describe('events table definition', () => {
  it('is the layout of the contract: pk and sk, on-demand, every index keyed by its attribute and sk', () => {
    // Act
    const table = eventsTableDefinition('events-test');
    // Assert
    expect(table).toEqual({
      TableName: 'events-test',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: ['pk', 'sk', 'subjectKey', 'actorKey', 'pairKey'].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      GlobalSecondaryIndexes: Object.values(INDEXES).map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        // Keys only: a query fetches the items it keeps (contract/table.ts).
        Projection: { ProjectionType: 'KEYS_ONLY' },
      })),
    });
  });
});
