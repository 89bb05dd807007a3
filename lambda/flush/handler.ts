// The deployed flush: invoked every few minutes by EventBridge Scheduler, it sends the summaries
// of the folding windows that have closed. Same environment as the ingest function.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { POWERTOOLS_ENV } from '../../contract/environment';
import { ALARMED_METRICS, METRICS_NAMESPACE } from '../../contract/metrics';
import { DynamoDbEventStore } from '../adapters/dynamodb-event-store';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { loadIngestConfig } from '../ingest/config';
import { sparseMetrics } from '../ports/telemetry';
import { createFlush, type FlushOutcome } from './create-flush';

const config = loadIngestConfig(process.env);
const logger = new Logger();
// A metric costs for every hour it is published in: zeros are not published, and without the
// dashboard only the metrics alarms read are.
const metrics = sparseMetrics(
  new Metrics({ namespace: process.env[POWERTOOLS_ENV.metricsNamespace] ?? METRICS_NAMESPACE }),
  config.metricsScope === 'alarms' ? ALARMED_METRICS : undefined,
);

const flush = createFlush({
  store: new DynamoDbEventStore({
    client: new DynamoDBClient({}),
    tableName: config.eventsTableName,
  }),
  alerts: new SnsAlertPublisher({
    client: new SNSClient({}),
    topics: { alerts: config.alertsTopicArn, critical: config.criticalTopicArn },
  }),
  retentionDays: config.retentionDays,
  logger,
  metrics,
});

export const handler = async (_event: unknown, context: Context): Promise<FlushOutcome> => {
  logger.addContext(context);
  return flush({ deadline: Date.now() + context.getRemainingTimeInMillis() - 1_000 });
};
