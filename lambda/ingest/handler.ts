// The deployed Lambda entry: real clients, logger and metrics built once per container; the
// configuration is checked at cold start so a broken deployment fails before touching events.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { POWERTOOLS_ENV } from '../../contract/environment';
import { ALARMED_METRICS, METRICS_NAMESPACE } from '../../contract/metrics';
import { DynamoDbEventStore } from '../adapters/dynamodb-event-store';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { maskEmails } from '../core/alert-format';
import { sparseMetrics } from '../ports/telemetry';
import { loadIngestConfig } from './config';
import { createHandler } from './create-handler';

const config = loadIngestConfig(process.env);
const logger = new Logger();
// A metric costs for every hour it is published in: zeros are not published, and without the
// dashboard only the metrics alarms read are.
const metrics = sparseMetrics(
  new Metrics({ namespace: process.env[POWERTOOLS_ENV.metricsNamespace] ?? METRICS_NAMESPACE }),
  config.metricsScope === 'alarms' ? ALARMED_METRICS : undefined,
);

const ingest = createHandler({
  store: new DynamoDbEventStore({
    client: new DynamoDBClient({}),
    tableName: config.eventsTableName,
    onError: (error, operation) =>
      logger.warn('DynamoDB call failed', {
        operation,
        error: maskEmails(`${error.name}: ${error.message}`),
      }),
  }),
  alerts: new SnsAlertPublisher({
    client: new SNSClient({}),
    topics: { alerts: config.alertsTopicArn, critical: config.criticalTopicArn },
    onError: (error, topic) =>
      logger.warn('SNS publish failed', {
        topic,
        error: maskEmails(`${error.name}: ${error.message}`),
      }),
  }),
  config,
  logger,
  metrics,
});

/** Adds the request id and cold-start flag to every log line of the invocation. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  return ingest(event, context);
};
