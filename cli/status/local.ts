// `voiso-sec status --local`: what the local pipeline can tell: that it runs, its configuration,
// its queues and its table. It has no topics, alarms or keys: alerts print where `local` runs.
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UsageError } from '../errors';
import { LOCAL_CREDENTIALS, queueDepth, sqsClientFor } from '../local/emulators';
import { readLocalState } from '../local/state';
import { plural } from '../terminal';
import {
  type Check,
  configurationLine,
  guarded,
  report,
  type StatusReport,
  storedEventsCheck,
} from './checks';

export async function localStatus(now = new Date()): Promise<StatusReport> {
  let state: ReturnType<typeof readLocalState>;
  try {
    state = readLocalState();
  } catch (error) {
    // Not running is the answer to "is it healthy?", not a usage mistake.
    if (error instanceof UsageError) {
      return report('the local pipeline', [
        { name: 'local pipeline', level: 'problem', summary: error.message },
      ]);
    }
    throw error;
  }
  const sqs = sqsClientFor(state.sqsEndpoint, state.region);
  const dynamodb = new DynamoDBClient({
    region: state.region,
    endpoint: state.dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const checks: Check[] = [
      {
        name: 'local pipeline',
        level: 'ok',
        summary: `running (pid ${state.pid}); SQS ${state.sqsEndpoint}, DynamoDB ${state.dynamodbEndpoint}`,
      },
      state.detection === undefined
        ? { name: 'configuration', level: 'info', summary: 'not recorded by this pipeline' }
        : {
            name: 'configuration',
            level: 'info',
            summary: `${configurationLine(state.detection)} (${state.configuration ?? 'unknown source'})`,
          },
    ];
    const groups = await Promise.all([
      guarded('events queue', async () => {
        const depth = await queueDepth(sqs, state.queueUrl);
        return {
          name: 'events queue',
          level: 'ok',
          summary: `${depth.visible} queued, ${depth.inFlight} in flight (no message age locally: that is a CloudWatch metric)`,
        };
      }),
      guarded('dead-letter queue', async () => {
        const depth = await queueDepth(sqs, state.deadLetterQueueUrl);
        const total = depth.visible + depth.inFlight + depth.delayed;
        return {
          name: 'dead-letter queue',
          level: total > 0 ? 'problem' : 'ok',
          summary:
            total > 0
              ? `${plural(total, 'message')}: the local batch lines say why; voiso-sec redrive --local`
              : 'empty',
        };
      }),
      guarded('table', async () => {
        const table = await dynamodb.send(new DescribeTableCommand({ TableName: state.tableName }));
        return {
          name: 'table',
          level: table.Table?.TableStatus === 'ACTIVE' ? 'ok' : 'problem',
          summary: `${state.tableName}: ${table.Table?.TableStatus ?? 'unknown'}`,
        };
      }),
      guarded('stored events', () => storedEventsCheck(dynamodb, state.tableName, now)),
    ]);
    return report('the local pipeline', [
      ...checks,
      ...groups.flat(),
      {
        name: 'alerts',
        level: 'info',
        summary:
          'printed by `voiso-sec local` as they fire (and posted to Slack when it has a webhook); no topics locally',
      },
    ]);
  } finally {
    sqs.destroy();
    dynamodb.destroy();
  }
}
