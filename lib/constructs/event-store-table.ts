// The events table: every Voiso event, keyed by call center and time, with one index per audit
// query path, as the contract lays it out.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../contract/table';

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
      partitionKey: { name: TABLE_KEYS.partition, type: string },
      sortKey: { name: TABLE_KEYS.sort, type: string },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TTL_ATTRIBUTE,
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
    for (const index of Object.values(INDEXES)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: string },
        sortKey: { name: TABLE_KEYS.sort, type: string },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
