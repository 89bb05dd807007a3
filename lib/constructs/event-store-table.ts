// The events table: every Voiso event, keyed by call center and time, with the indexes the audit
// queries read, as the contract lays them out.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  INDEX_UPGRADE_STEPS,
  indexesAtStep,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../../contract/table';

export interface EventStoreTableProps {
  /** Customer-managed key for the table. @default - encrypted with a DynamoDB-owned key (free) */
  readonly encryptionKey?: kms.IKey;
  /**
   * A table deployed with the legacy indexes moves to the current ones one index per deployment
   * (CloudFormation creates or deletes one global secondary index per update): the step it is
   * at, 0 to INDEX_UPGRADE_STEPS.length. @default - the current indexes (a new table)
   */
  readonly indexUpgradeStep?: number;
}

export class EventStoreTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: EventStoreTableProps = {}) {
    super(scope, id);
    const step = props.indexUpgradeStep;
    if (
      step !== undefined &&
      (!Number.isInteger(step) || step < 0 || step > INDEX_UPGRADE_STEPS.length)
    ) {
      throw new Error(
        `EventStoreTable: indexUpgradeStep must be an integer 0..${INDEX_UPGRADE_STEPS.length}, got ${step}`,
      );
    }
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
    for (const index of indexesAtStep(step)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: string },
        sortKey: { name: TABLE_KEYS.sort, type: string },
        // Keys only: a query fetches the items it keeps; every event's index copies stay small.
        projectionType:
          index.projection === 'KEYS_ONLY'
            ? dynamodb.ProjectionType.KEYS_ONLY
            : dynamodb.ProjectionType.ALL,
      });
    }
  }
}
