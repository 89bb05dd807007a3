// The events table as a CreateTable request, built from the contract's layout: the local
// emulator and the tests create the same table in dynalite that the stack declares in AWS.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { INDEXES, type IndexLayout, TABLE_KEYS } from '../../contract/table';

/** `indexes` defaults to the current layout; tests pass an upgrade step's (contract/table.ts). */
export function eventsTableDefinition(
  tableName: string,
  indexes: readonly IndexLayout[] = Object.values(INDEXES),
) {
  const gsi = (index: IndexLayout) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: index.projection },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    KeySchema: [
      { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' as const },
    ],
    AttributeDefinitions: [
      ...new Set([TABLE_KEYS.partition, TABLE_KEYS.sort, ...indexes.map((i) => i.partitionKey)]),
    ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    GlobalSecondaryIndexes: indexes.map(gsi),
  } satisfies CreateTableCommandInput;
}
