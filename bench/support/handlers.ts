// Builds the two contestants the same way for every figure: voiso-sec's real handler with its
// real DynamoDB and SNS adapters, and the baseline, each over SDK clients the caller prepares
// (pointed at dynalite, or answered in memory, with counters and faults on top).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { BackoffOptions } from '../../lambda/adapters/backoff';
import { DynamoDbEventStore } from '../../lambda/adapters/dynamodb-event-store';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { DEFAULT_INGEST_CONFIG } from '../../lambda/ingest/config';
import { createHandler, type IngestHandler } from '../../lambda/ingest/create-handler';
import type { IngestObserver } from '../../lambda/ports/observer';
import { type Logger, type Metrics, silentLogger } from '../../lambda/ports/telemetry';
import { type BaselineHandler, createBaselineHandler } from '../baseline/handler';

export const TOPICS = {
  alerts: 'arn:aws:sns:us-east-1:123456789012:voiso-sec-alerts',
  critical: 'arn:aws:sns:us-east-1:123456789012:voiso-sec-critical',
} as const;

const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
/** Never contacted: in-memory backends answer before the SDK's HTTP handler runs. */
const UNUSED_ENDPOINT = 'http://127.0.0.1:9';

export function dynamoDbClient(endpoint = UNUSED_ENDPOINT): DynamoDBClient {
  // One attempt: the adapters' own retries (voiso-sec) are what is measured, and the baseline
  // gets the same treatment so neither hides work in SDK retries.
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
}

export function snsClient(): SNSClient {
  return new SNSClient({
    endpoint: UNUSED_ENDPOINT,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
}

export interface ContestantClients {
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly tableName: string;
}

export function voisoSecHandler(
  clients: ContestantClients,
  options: {
    observer?: IngestObserver;
    backoff?: Partial<BackoffOptions>;
    metrics?: Metrics;
    logger?: Logger;
  } = {},
): IngestHandler {
  return createHandler({
    store: new DynamoDbEventStore({
      client: clients.dynamodb,
      tableName: clients.tableName,
      backoff: options.backoff,
    }),
    alerts: new SnsAlertPublisher({ client: clients.sns, topics: TOPICS }),
    config: DEFAULT_INGEST_CONFIG,
    logger: options.logger ?? silentLogger,
    observer: options.observer,
    metrics: options.metrics,
  });
}

export function baselineHandler(clients: ContestantClients): BaselineHandler {
  return createBaselineHandler({
    dynamodb: clients.dynamodb,
    sns: clients.sns,
    tableName: clients.tableName,
    topicArn: TOPICS.alerts,
  });
}
