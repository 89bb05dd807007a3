// The events table as a CreateTable request, built from the contract's layout: the local
// emulator and the tests create the same table in dynalite that the stack declares in AWS.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { INDEXES, type IndexLayout, TABLE_KEYS } from '../../contract/table';

export function eventsTableDefinition(tableName: string) {
  const gsi = (index: IndexLayout) => ({
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
