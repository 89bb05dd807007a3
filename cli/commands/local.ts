// `voiso-sec local`: the pipeline left running for any SQS client, until Ctrl-C.

import type { Alert } from '../../lambda/core/alert-format';
import { formatSlackMessage } from '../../lambda/slack/format';
import { postToSlack } from '../../lambda/slack/post';
import { UsageError } from '../errors';
import { checkDataDir } from '../local/data-dir';
import { LOCAL_CREDENTIALS } from '../local/emulators';
import { parseFaultSpec } from '../local/faults';
import { loadLocalConfiguration } from '../local/ingest-config';
import { type BatchOutcome, startPipeline } from '../local/pipeline';
import { assertNoOtherLocal, clearLocalState, writeLocalState } from '../local/state';
import { parsePort, parseSeconds } from '../options';
import { plural } from '../terminal';

export interface LocalOptions {
  readonly dataDir?: string;
  readonly slackWebhook?: string;
  readonly sqsPort?: string;
  readonly dynamodbPort?: string;
  readonly visibilityTimeout?: string;
  readonly injectFaults?: string;
  readonly detectionConfig?: string;
  readonly config?: string;
  /** No line per batch; alerts and errors still print. */
  readonly quiet?: boolean;
}

export function alertLine(alert: Alert): string {
  return `[${new Date().toISOString()}] ALERT ${alert.topic} ${alert.severity}: ${alert.subject}`;
}

/**
 * One line per invocation, saying where its messages ended: `local` otherwise prints only
 * alerts, and a message being retried or dead-lettered would pass unseen.
 */
export function batchLine(outcome: BatchOutcome, maxReceiveCount: number, now = new Date()) {
  const parts = [
    outcome.stored > 0 && `${outcome.stored} stored`,
    outcome.duplicates > 0 && plural(outcome.duplicates, 'duplicate'),
    outcome.quarantined > 0 && `${outcome.quarantined} quarantined`,
    outcome.retried > 0 && `${outcome.retried} failed, to be retried`,
    outcome.deadLettered > 0 &&
      `${outcome.deadLettered} dead-lettered after ${plural(maxReceiveCount, 'failed receive')}`,
  ].filter((part): part is string => typeof part === 'string');
  const total =
    outcome.stored +
    outcome.duplicates +
    outcome.quarantined +
    outcome.retried +
    outcome.deadLettered;
  return `[${now.toISOString()}] batch of ${plural(total, 'message')}: ${parts.join(', ')}`;
}

/** The event-source settings, as the banner states them. */
function eventSourceText(
  configuration: ReturnType<typeof loadLocalConfiguration>,
  visibility: number,
): string {
  const { eventSource, ingest } = configuration;
  return (
    `batches of up to ${plural(eventSource.batchSize, 'message')}, ` +
    `${eventSource.maxBatchingWindowSeconds} s window, visibility timeout ${visibility} s, ` +
    `dead-letter after ${plural(eventSource.maxReceiveCount, 'receive')}, retention ` +
    (ingest.retentionDays === 0 ? 'forever' : plural(ingest.retentionDays, 'day'))
  );
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
  for (const warning of configuration.warnings) err(`voiso-sec: warning: ${warning}`);
  // As deployed unless asked otherwise: derived from the configured timeout and window.
  const visibility =
    options.visibilityTimeout === undefined
      ? configuration.eventSource.visibilityTimeoutSeconds
      : parseSeconds('--visibility-timeout', options.visibilityTimeout, 1, 43_200);
  const fault = options.injectFaults ? parseFaultSpec(options.injectFaults) : undefined;
  const sqsPort = parsePort('--sqs-port', options.sqsPort);
  const dynamodbPort = parsePort('--dynamodb-port', options.dynamodbPort);
  // Before anything starts: a second pipeline would take over the first one's state file.
  assertNoOtherLocal();
  if (options.dataDir !== undefined) await checkDataDir(options.dataDir);
  const { maxReceiveCount } = configuration.eventSource;
  const pipeline = await startPipeline({
    sqsPort,
    dynamodbPort,
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
    visibilityTimeoutSeconds: visibility,
    maxReceiveCount: configuration.eventSource.maxReceiveCount,
    eventSource: configuration.eventSource,
    config: configuration.ingest,
    ...(fault && { fault }),
    onError: (error) =>
      err(`ingest error: ${error instanceof Error ? error.message : String(error)}`),
    ...(!options.quiet && {
      onBatch: (outcome: BatchOutcome) => out(batchLine(outcome, maxReceiveCount)),
    }),
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
  // Also when the process ends another way (a crash): the next command must not trust the file.
  process.once('exit', () => clearLocalState());
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
      `  Event source:      ${eventSourceText(configuration, visibility)}`,
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
  // Only ever this process's own file: another pipeline's must survive this one stopping.
  clearLocalState();
  await pipeline.stop();
}
