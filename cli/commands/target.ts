// Which queue, table or DLQ a command works on: a deployed stack (its outputs), explicit
// names, or the running local pipeline.
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { type AwsOptions, awsClientConfig, requireOutput, stackOutputs } from '../aws';
import { LOCAL_CREDENTIALS } from '../local/emulators';
import { readLocalState } from '../local/state';

export interface TargetOptions extends AwsOptions {
  readonly local?: boolean;
  readonly endpoint?: string;
}

export interface ClientTarget {
  /** Settings for an SQS or DynamoDB client. */
  readonly config: DynamoDBClientConfig;
}

const localConfig = (endpoint: string, region: string) => ({
  region,
  endpoint,
  credentials: LOCAL_CREDENTIALS,
});

export interface QueueTarget extends ClientTarget {
  readonly queueUrl: string;
  readonly queueArn?: string;
  readonly deadLetterQueueUrl?: string;
  readonly deadLetterQueueArn?: string;
}

export async function resolveQueue(
  options: TargetOptions & { queueUrl?: string },
  needs: 'queue' | 'dlq' = 'queue',
): Promise<QueueTarget> {
  if (options.local) {
    const state = readLocalState();
    return {
      config: localConfig(options.endpoint ?? state.sqsEndpoint, state.region),
      queueUrl: state.queueUrl,
      queueArn: state.queueArn,
      deadLetterQueueUrl: state.deadLetterQueueUrl,
      deadLetterQueueArn: state.deadLetterQueueArn,
    };
  }
  const config = {
    ...awsClientConfig(options),
    ...(options.endpoint && { endpoint: options.endpoint }),
  };
  if (options.queueUrl) return { config, queueUrl: options.queueUrl };
  const outputs = await stackOutputs(options);
  return {
    config,
    queueUrl: requireOutput(outputs, 'EventsQueueUrl', options.stack),
    ...(needs === 'dlq' && {
      queueArn: requireOutput(outputs, 'EventsQueueArn', options.stack),
      deadLetterQueueUrl: requireOutput(outputs, 'DeadLetterQueueUrl', options.stack),
      deadLetterQueueArn: requireOutput(outputs, 'DeadLetterQueueArn', options.stack),
    }),
  };
}

export interface TableTarget extends ClientTarget {
  readonly tableName: string;
}

export async function resolveTable(
  options: TargetOptions & { table?: string },
): Promise<TableTarget> {
  if (options.local) {
    const state = readLocalState();
    return {
      config: localConfig(options.endpoint ?? state.dynamodbEndpoint, state.region),
      tableName: options.table ?? state.tableName,
    };
  }
  const config = {
    ...awsClientConfig(options),
    ...(options.endpoint && { endpoint: options.endpoint }),
  };
  if (options.table) return { config, tableName: options.table };
  const outputs = await stackOutputs(options);
  return { config, tableName: requireOutput(outputs, 'EventsTableName', options.stack) };
}
