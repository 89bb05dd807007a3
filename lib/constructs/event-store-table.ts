// The events table: every Voiso event, keyed by call center and time, with one index per audit
// query path. The names below mirror lambda/adapters/table-schema.ts (lib/ and lambda/ never
// import each other; test/infra checks the synthesized table against the expected layout).
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export const EVENT_TABLE_LAYOUT = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [
    { name: 'bySubject', partitionKey: 'subjectKey' },
    { name: 'byActor', partitionKey: 'actorKey' },
    { name: 'byPair', partitionKey: 'pairKey' },
    { name: 'bySeverity', partitionKey: 'severityKey' },
  ],
} as const;

export interface EventStoreTableProps {
  /** Customer-managed key for the table. @default - encrypted with a DynamoDB-owned key (free) */
  readonly encryptionKey?: kms.IKey;
}

export class EventStoreTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: EventStoreTableProps = {}) {
    super(scope, id);
    const string = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: EVENT_TABLE_LAYOUT.partitionKey, type: string },
      sortKey: { name: EVENT_TABLE_LAYOUT.sortKey, type: string },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: EVENT_TABLE_LAYOUT.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // An audit trail outlives the stack that wrote it.
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.encryptionKey
        ? {
            encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryptionKey: props.encryptionKey,
          }
        : { encryption: dynamodb.TableEncryption.DEFAULT }),
    });
    for (const index of EVENT_TABLE_LAYOUT.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: string },
        sortKey: { name: EVENT_TABLE_LAYOUT.sortKey, type: string },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
