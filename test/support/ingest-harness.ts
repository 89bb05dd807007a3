// A handler wired to dynalite and a stubbed SNS client, with an observer recording outcomes.
import {
  BatchGetItemCommand,
  DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbEventStore } from '../../lambda/adapters/dynamodb-event-store';
import { fromAttributes, toAttributes } from '../../lambda/adapters/item-codec';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import type { Alert } from '../../lambda/core/alert-format';
import type { EventItem } from '../../lambda/core/items';
import { alertRecordKey } from '../../lambda/core/keys';
import type { AlertRecord } from '../../lambda/core/records';
import { DEFAULT_INGEST_CONFIG, type IngestConfig } from '../../lambda/ingest/config';
import { createHandler, type IngestHandler } from '../../lambda/ingest/create-handler';
import type { DuplicateReport, QuarantineReport } from '../../lambda/ports/observer';
import { createEventsTable, type RunningDynalite } from '../../lambda/testing/dynalite';

export const TOPICS = {
  alerts: 'arn:aws:sns:us-east-1:123456789012:alerts',
  critical: 'arn:aws:sns:us-east-1:123456789012:critical',
};

export interface Outcomes {
  stored: EventItem[];
  duplicates: DuplicateReport[];
  quarantined: QuarantineReport[];
  failed: { messageId: string; reason: string }[];
  alerts: Alert[];
}

export interface Harness {
  readonly handler: IngestHandler;
  readonly tableName: string;
  /** The client the store uses (mock it to inject DynamoDB failures). */
  readonly storeClient: DynamoDBClient;
  readonly sns: ReturnType<typeof mockClient>;
  /** The store and publisher the handler uses: more handlers, or a flush, on the same table. */
  readonly store: DynamoDbEventStore;
  readonly publisher: SnsAlertPublisher;
  readonly outcomes: Outcomes;
  query(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]>;
  /** The alert record of each key (an event, incident or summary id), in order. */
  alertRecords(keys: readonly string[]): Promise<(AlertRecord | undefined)[]>;
}

/**
 * The single-event alert tests count each alert; folding (repeats of a rule go into one summary)
 * has tests of its own, so the harness runs with it off unless given a configuration.
 */
export const UNFOLDED_CONFIG: IngestConfig = {
  ...DEFAULT_INGEST_CONFIG,
  detection: { ...DEFAULT_INGEST_CONFIG.detection, foldingWindowMinutes: 0 },
};

/** Every published entry succeeds unless a test says otherwise. */
export const acceptEveryEntry = (input: { PublishBatchRequestEntries?: { Id?: string }[] }) => ({
  Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({
    Id: e.Id,
    MessageId: `m-${e.Id}`,
  })),
  Failed: [],
});

export function snsAcceptsAll(sns: ReturnType<typeof mockClient>): void {
  sns.on(PublishBatchCommand).callsFake(acceptEveryEntry);
}

export async function createHarness(
  db: RunningDynalite,
  config: IngestConfig = UNFOLDED_CONFIG,
  now = () => new Date('2024-05-06T07:08:10.000Z'),
  /** A table the test created (e.g. with a deployed table's older indexes). @default a new one */
  existingTable?: string,
): Promise<Harness> {
  const tableName = existingTable ?? (await createEventsTable(db.client));
  // A separate client instance so tests can mock it without touching the shared one.
  const storeClient = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const snsClient = new SNSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 't', secretAccessKey: 't' },
  });
  const sns = mockClient(snsClient);
  snsAcceptsAll(sns);
  const outcomes: Outcomes = {
    stored: [],
    duplicates: [],
    quarantined: [],
    failed: [],
    alerts: [],
  };
  const store = new DynamoDbEventStore({
    client: storeClient,
    tableName,
    backoff: { sleep: async () => undefined, baseDelayMs: 1, maxDelayMs: 2 },
  });
  const publisher = new SnsAlertPublisher({ client: snsClient, topics: TOPICS });
  const handler = createHandler({
    store,
    alerts: publisher,
    config,
    now,
    observer: {
      onStored: (item) => outcomes.stored.push(item),
      onDuplicate: (key) => outcomes.duplicates.push(key),
      onQuarantined: (report) => outcomes.quarantined.push(report),
      onFailed: (messageId, reason) => outcomes.failed.push({ messageId, reason }),
      onAlertPublished: (alert) => outcomes.alerts.push(alert),
    },
  });
  return {
    handler,
    tableName,
    storeClient,
    sns,
    store,
    publisher,
    outcomes,
    async alertRecords(keys) {
      const read = await db.client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [tableName]: {
              Keys: keys.map((key) => toAttributes(alertRecordKey(key))),
              ConsistentRead: true,
            },
          },
        }),
      );
      const records = (read.Responses?.[tableName] ?? []).map(
        (raw) => fromAttributes(raw) as AlertRecord,
      );
      return keys.map((key) => records.find((r) => r.alertKey === key));
    },
    async query(input) {
      const items: Record<string, unknown>[] = [];
      let start: QueryCommandInput['ExclusiveStartKey'];
      do {
        const page = await db.client.send(
          new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey: start }),
        );
        items.push(...(page.Items ?? []).map((i) => fromAttributes(i)));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
  };
}
