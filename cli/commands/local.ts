// `voiso-sec local`: the pipeline left running for any SQS client, until Ctrl-C.

import { readFileSync, statSync } from 'node:fs';
import type { Alert } from '../../lambda/core/alert-format';
import { formatSlackMessage } from '../../lambda/slack/format';
import { postToSlack } from '../../lambda/slack/post';
import { UsageError } from '../errors';
import { checkDataDir } from '../local/data-dir';
import { LOCAL_CREDENTIALS, localResources } from '../local/emulators';
import { parseFaultSpec } from '../local/faults';
import { loadLocalConfiguration } from '../local/ingest-config';
import { type BatchOutcome, startPipeline } from '../local/pipeline';
import { assertNoOtherLocal, clearLocalState, writeLocalState } from '../local/state';
import { parsePort, parseSeconds } from '../options';
import { plural } from '../terminal';

export interface LocalOptions {
  readonly dataDir?: string;
  readonly slackWebhook?: string;
  readonly slackWebhookFile?: string;
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

/** Where `local` finds a Slack incoming-webhook URL without it being on the command line. */
export const SLACK_WEBHOOK_ENV = 'VOISO_SEC_SLACK_WEBHOOK';

export interface SlackWebhook {
  readonly url: string;
  /** Where it came from, for messages (never the URL itself: it is the webhook's credential). */
  readonly source: string;
}

/**
 * The webhook URL from `--slack-webhook-file`, from VOISO_SEC_SLACK_WEBHOOK, or (last, since a
 * command-line argument stays in the shell history and shows in `ps`) from `--slack-webhook`.
 */
export function resolveSlackWebhook(
  options: Pick<LocalOptions, 'slackWebhook' | 'slackWebhookFile'>,
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): SlackWebhook | undefined {
  if (options.slackWebhook !== undefined && options.slackWebhookFile !== undefined) {
    throw new UsageError('Give the Slack webhook once: --slack-webhook-file or --slack-webhook');
  }
  let webhook: SlackWebhook;
  if (options.slackWebhookFile !== undefined) {
    webhook = {
      url: readWebhookFile(options.slackWebhookFile, warn),
      source: '--slack-webhook-file',
    };
  } else if (options.slackWebhook !== undefined) {
    webhook = { url: options.slackWebhook, source: '--slack-webhook' };
    warn(
      `--slack-webhook puts the webhook URL in your shell history; prefer ${SLACK_WEBHOOK_ENV} or --slack-webhook-file`,
    );
  } else if (env[SLACK_WEBHOOK_ENV]) {
    webhook = { url: env[SLACK_WEBHOOK_ENV].trim(), source: SLACK_WEBHOOK_ENV };
  } else {
    return undefined;
  }
  // Plain http only to this machine (a test receiver); a real webhook URL is a credential.
  if (!/^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost)[:/])\S*$/.test(webhook.url)) {
    throw new UsageError(`${webhook.source}: expected an https:// incoming webhook URL`);
  }
  return webhook;
}

function readWebhookFile(path: string, warn: (line: string) => void): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
    // Group- or world-readable: anyone else on this machine can post to the channel.
    if ((statSync(path).mode & 0o077) !== 0) {
      warn(`--slack-webhook-file: ${path} is readable by other users; chmod 600 it`);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`--slack-webhook-file: cannot read ${path} (${code})`);
  }
  return text.trim();
}

/** How often `local` sends the summaries of closed folding windows (the stack: every 4 minutes). */
const LOCAL_FLUSH_EVERY_MS = 30_000;

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
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const slack = resolveSlackWebhook(options, env, err);
  // The argument has been read: take it out of the process list (`ps` shows the title on Linux).
  if (slack?.source === '--slack-webhook') process.title = 'voiso-sec local';
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
  if (slack !== undefined) {
    pipeline.alerts.onAlert(async (alert) => {
      // The deployed notifier subscribes to the alerts topic only; critical events arrive there too.
      if (alert.topic !== 'alerts') return;
      try {
        await postToSlack(slack.url, formatSlackMessage(alert.document));
      } catch (error) {
        err(`Slack post failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }
  writeLocalState({
    pid: process.pid,
    ...localResources(emulators),
    detection: configuration.ingest.detection,
    configuration:
      configuration.detectionSource === undefined
        ? configuration.source
        : `${configuration.detectionSource} (--detection-config)`,
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
      ...(slack === undefined
        ? []
        : [`  Slack:             alerts posted (webhook from ${slack.source})`]),
      `  Event source:      ${eventSourceText(configuration, visibility)}`,
      '',
      'Try: voiso-sec send --local --sample all',
      '     voiso-sec query --local --since 1h',
    ].join('\n'),
  );
  // As the deployed stack's schedule does: summaries of closed folding windows go out.
  const flushing = setInterval(() => {
    pipeline
      .flush()
      .catch((error: unknown) =>
        err(`summary flush failed: ${error instanceof Error ? error.message : String(error)}`),
      );
  }, LOCAL_FLUSH_EVERY_MS);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(flushing);
  out('Stopping...');
  // Only ever this process's own file: another pipeline's must survive this one stopping.
  clearLocalState();
  await pipeline.stop();
}
