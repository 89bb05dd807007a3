// `voiso-sec local`: the pipeline left running for any SQS client, until Ctrl-C.

import type { Alert } from '../../lambda/core/alert-format';
import { formatSlackMessage } from '../../lambda/slack/format';
import { postToSlack } from '../../lambda/slack/post';
import { UsageError } from '../errors';
import { LOCAL_CREDENTIALS } from '../local/emulators';
import { parseFaultSpec } from '../local/faults';
import { loadLocalConfiguration } from '../local/ingest-config';
import { startPipeline } from '../local/pipeline';
import { clearLocalState, writeLocalState } from '../local/state';
import { parsePort, parseSeconds } from '../options';

export interface LocalOptions {
  readonly dataDir?: string;
  readonly slackWebhook?: string;
  readonly sqsPort?: string;
  readonly dynamodbPort?: string;
  readonly visibilityTimeout?: string;
  readonly injectFaults?: string;
  readonly detectionConfig?: string;
  readonly config?: string;
}

export function alertLine(alert: Alert): string {
  return `[${new Date().toISOString()}] ALERT ${alert.topic} ${alert.severity}: ${alert.subject}`;
}

export async function runLocal(
  options: LocalOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<void> {
  // Plain http only to this machine (a test receiver); a real webhook URL is a credential.
  if (
    options.slackWebhook !== undefined &&
    !/^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost)[:/])/.test(options.slackWebhook)
  ) {
    throw new UsageError('--slack-webhook: expected an https:// incoming webhook URL');
  }
  const configuration = loadLocalConfiguration({
    ...(options.config !== undefined && { config: options.config }),
    ...(options.detectionConfig !== undefined && { detectionConfig: options.detectionConfig }),
  });
  // As deployed unless asked otherwise: derived from the configured timeout and window.
  const visibility =
    options.visibilityTimeout === undefined
      ? configuration.eventSource.visibilityTimeoutSeconds
      : parseSeconds('--visibility-timeout', options.visibilityTimeout, 1, 43_200);
  const fault = options.injectFaults ? parseFaultSpec(options.injectFaults) : undefined;
  const pipeline = await startPipeline({
    sqsPort: parsePort('--sqs-port', options.sqsPort),
    dynamodbPort: parsePort('--dynamodb-port', options.dynamodbPort),
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
    visibilityTimeoutSeconds: visibility,
    maxReceiveCount: configuration.eventSource.maxReceiveCount,
    eventSource: configuration.eventSource,
    config: configuration.ingest,
    ...(fault && { fault }),
    onError: (error) =>
      err(`ingest error: ${error instanceof Error ? error.message : String(error)}`),
  });
  const { emulators } = pipeline;
  pipeline.alerts.onAlert((alert) => out(alertLine(alert)));
  const webhook = options.slackWebhook;
  if (webhook !== undefined) {
    pipeline.alerts.onAlert(async (alert) => {
      // The deployed notifier subscribes to the alerts topic only; critical events arrive there too.
      if (alert.topic !== 'alerts') return;
      try {
        await postToSlack(webhook, formatSlackMessage(alert.document));
      } catch (error) {
        err(`Slack post failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }
  writeLocalState({
    pid: process.pid,
    region: emulators.region,
    sqsEndpoint: emulators.sqsEndpoint,
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    queueUrl: emulators.queueUrl,
    queueArn: emulators.queueArn,
    deadLetterQueueUrl: emulators.deadLetterQueueUrl,
    deadLetterQueueArn: emulators.deadLetterQueueArn,
    tableName: emulators.tableName,
  });
  out(
    [
      'voiso-sec local pipeline is running (Ctrl-C to stop)',
      `  SQS endpoint:      ${emulators.sqsEndpoint}`,
      `  Queue URL:         ${emulators.queueUrl}`,
      `  Dead-letter queue: ${emulators.deadLetterQueueUrl}`,
      `  DynamoDB endpoint: ${emulators.dynamodbEndpoint} (table ${emulators.tableName})`,
      `  Region:            ${emulators.region}`,
      `  Access key ID:     ${LOCAL_CREDENTIALS.accessKeyId}`,
      `  Secret access key: ${LOCAL_CREDENTIALS.secretAccessKey}`,
      `  Data:              ${options.dataDir ?? 'in memory (use --data-dir to keep it)'}`,
      `  Configuration:     ${configuration.source}`,
      ...(configuration.detectionSource === undefined
        ? []
        : [`  Detection:         ${configuration.detectionSource} (--detection-config)`]),
      `  Event source:      batches of ${configuration.eventSource.batchSize}, ` +
        `${configuration.eventSource.maxBatchingWindowSeconds} s window, ` +
        `visibility timeout ${visibility} s, ` +
        `dead-letter after ${configuration.eventSource.maxReceiveCount} receives, ` +
        `retention ${configuration.ingest.retentionDays === 0 ? 'forever' : `${configuration.ingest.retentionDays} days`}`,
      '',
      'Try: voiso-sec send --local --sample all',
      '     voiso-sec query --local --since 1h',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  out('Stopping...');
  clearLocalState();
  await pipeline.stop();
}
