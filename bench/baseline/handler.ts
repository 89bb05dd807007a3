// THE BASELINE — not part of voiso-sec. This is the Lambda a competent developer would write
// on their own, the way the Powertools docs suggest: `BatchProcessor` + `processPartialResponse`
// (records processed in parallel, partial batch responses), one `PutItem` per record made
// idempotent with a condition, and one `Publish` per alert-worthy record. JSON is validated
// minimally (an object with the envelope's string fields). The benchmark runs voiso-sec against
// it on the same emulators in the same run, so every speed figure is a ratio between the two.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface BaselineDeps {
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly tableName: string;
  readonly topicArn: string;
  readonly logger?: Logger;
}

export type BaselineHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

interface BaselineEvent {
  timestamp: string;
  type: string;
  event: string;
  callcenter: string;
  params: Record<string, unknown>;
}

// A per-pair severity map with the obvious escalations, as one would write it inline.
const SEVERITY: Record<string, string> = {
  'app_login/incorrect_password': 'high',
  'app_login/deleted_user': 'high',
  'app_login/successful_login': 'info',
  'app_login/unauthorized_ip': 'high',
  'app_login/ip_changed': 'medium',
  'user/user_added': 'medium',
  'user/user_deleted': 'medium',
  'user/password_changed': 'low',
  'user/privileges_updated': 'high',
  'allowed_ip/ip_added': 'high',
  'allowed_ip/ip_removed': 'medium',
  'allowed_ip/ip_changed': 'high',
};

function severityOf(e: BaselineEvent): string {
  const base = SEVERITY[`${e.type}/${e.event}`] ?? 'medium';
  if (e.params.access_group === 'admin' && base !== 'info') return 'critical';
  if (e.event === 'privileges_updated' && e.params.to === 'admin') return 'critical';
  return base;
}

function parse(body: string): BaselineEvent | undefined {
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const e = value as Record<string, unknown>;
    const strings = ['timestamp', 'type', 'event', 'callcenter'].every(
      (key) => typeof e[key] === 'string',
    );
    if (!strings || typeof e.params !== 'object' || e.params === null) return undefined;
    return e as unknown as BaselineEvent;
  } catch {
    return undefined;
  }
}

export function createBaselineHandler(deps: BaselineDeps): BaselineHandler {
  const logger = deps.logger ?? new Logger({ serviceName: 'baseline', logLevel: 'SILENT' });
  const processor = new BatchProcessor(EventType.SQS);

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const event = parse(record.body);
    if (event === undefined) {
      // Retrying a malformed body cannot help: log it and let the record succeed.
      logger.warn('Skipping malformed message', { messageId: record.messageId });
      return;
    }
    const severity = severityOf(event);
    try {
      await deps.dynamodb.send(
        new PutItemCommand({
          TableName: deps.tableName,
          Item: marshall(
            {
              pk: event.callcenter,
              sk: `${event.timestamp}#${record.messageId}`,
              ...event,
              severity,
              receivedAt: new Date().toISOString(),
            },
            { removeUndefinedValues: true },
          ),
          // SQS delivers at least once: a redelivered message must not alert twice.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
    if (severity === 'high' || severity === 'critical') {
      await deps.sns.send(
        new PublishCommand({
          TopicArn: deps.topicArn,
          Subject: `[${severity.toUpperCase()}] ${event.callcenter}: ${event.event}`.slice(0, 100),
          Message: JSON.stringify({ ...event, severity }),
          MessageAttributes: { severity: { DataType: 'String', StringValue: severity } },
        }),
      );
    }
  };

  return (event) => processPartialResponse(event, recordHandler, processor);
}
