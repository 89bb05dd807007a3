// The events table's physical layout, shared by the ingest adapter, the CLI's queries and the
// local emulator. The CDK stack (lib/) declares the same names; test/contract.test.ts holds
// them together, since lib/ and lambda/ never import each other.

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;

/**
 * Global secondary indexes. Each uses the table's `sk` (normalised time + event id) as its
 * sort key, so every query path is a time-range query.
 */
export const INDEXES = {
  /** The user an event is about (`params.user`). */
  bySubject: { name: 'bySubject', partitionKey: 'subjectKey' },
  /** The user who acted (`params.who`). */
  byActor: { name: 'byActor', partitionKey: 'actorKey' },
  /** The (type, event) pair. */
  byPair: { name: 'byPair', partitionKey: 'pairKey' },
  /** The severity. */
  bySeverity: { name: 'bySeverity', partitionKey: 'severityKey' },
} as const;

/** TTL attribute (epoch seconds); absent when retention is 0 (keep forever). */
export const TTL_ATTRIBUTE = 'expiresAt';

/** Item kinds sharing the table: Voiso events and quarantined (malformed) messages. */
export const ITEM_KINDS = { event: 'event', quarantine: 'quarantine' } as const;

/**
 * The events table as a CreateTable request: the same layout the stack declares, used by the
 * local emulator and the tests to create an identical table in dynalite.
 */
export function eventsTableDefinition(tableName: string) {
  const gsi = (index: { name: string; partitionKey: string }) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    KeySchema: [
      { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' as const },
    ],
    AttributeDefinitions: [
      TABLE_KEYS.partition,
      TABLE_KEYS.sort,
      ...Object.values(INDEXES).map((index) => index.partitionKey),
    ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    GlobalSecondaryIndexes: Object.values(INDEXES).map(gsi),
  } satisfies CreateTableCommandInput;
}
