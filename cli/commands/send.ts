// `voiso-sec send`: sample events or a file of messages to the events queue.
import { SQSClient } from '@aws-sdk/client-sqs';
import { CommandFailure, UsageError } from '../errors';
import { readMessageInput } from '../message-input';
import { SAMPLE_PAIRS, sampleBodies } from '../samples';
import {
  type NumberedBody,
  type RefusedLine,
  refusedLineText,
  sendBodies,
  sqsRefusal,
} from '../send-messages';
import { plural, progress } from '../terminal';
import { resolveQueue, type TargetOptions } from './target';

export interface SendOptions extends TargetOptions {
  readonly sample?: string;
  readonly file?: string;
  readonly queueUrl?: string;
  readonly callcenter?: string;
  /** Send the file's lines as they are: no JSON Lines check, a byte order mark kept. */
  readonly raw?: boolean;
}

/** What `send` says when it is done: every count reads right for 0, 1 and many. */
export function sendSummary(sent: number, total: number, queueUrl: string): string {
  return sent === total
    ? `Sent ${plural(sent, 'message')} to ${queueUrl}`
    : `Sent ${sent} of ${plural(total, 'message')} to ${queueUrl}`;
}

export const notSentFailure = (count: number) =>
  new CommandFailure(`${plural(count, 'message')} not sent`);

function messagesToSend(options: SendOptions, warn: (message: string) => void): NumberedBody[] {
  if ((options.sample === undefined) === (options.file === undefined)) {
    throw new UsageError('Give exactly one of --sample <all|type/event> or --file <path>');
  }
  if (options.sample !== undefined) {
    if (options.sample !== 'all' && !SAMPLE_PAIRS.includes(options.sample as never)) {
      throw new UsageError(
        `--sample: unknown "${options.sample}"; use all or one of ${SAMPLE_PAIRS.join(', ')}`,
      );
    }
    return sampleBodies(options.sample, new Date(), options.callcenter).map((body, index) => ({
      line: index + 1,
      body,
    }));
  }
  const input = readMessageInput(options.file ?? '', {
    option: '--file',
    ...(options.raw !== undefined && { raw: options.raw }),
  });
  for (const warning of input.warnings) warn(warning);
  return input.bodies;
}

export async function runSend(
  options: SendOptions,
  out: (line: string) => void,
  warn: (message: string) => void = () => {},
): Promise<void> {
  const messages = messagesToSend(options, warn);
  // The same check `simulate` makes: a line SQS would refuse is reported, never sent.
  const refused: RefusedLine[] = [];
  const sendable = messages.filter((entry) => {
    const reason = sqsRefusal(entry.body);
    if (reason !== undefined) refused.push({ line: entry.line, reason });
    return reason === undefined;
  });
  const target = await resolveQueue(options);
  const sqs = new SQSClient(target.config);
  const bar = progress();
  try {
    const report = await sendBodies(
      sqs,
      target.queueUrl,
      sendable.map((entry) => entry.body),
      (done, total) => bar.update(`sending ${done}/${total}`),
    );
    bar.done();
    for (const { index, reason } of report.rejected) {
      refused.push({ line: sendable[index]?.line ?? 0, reason });
    }
    out(sendSummary(report.accepted.length, messages.length, target.queueUrl));
    for (const entry of refused.sort((a, b) => a.line - b.line)) {
      out(`  ${refusedLineText(entry)}`);
    }
    if (refused.length > 0) throw notSentFailure(refused.length);
  } finally {
    sqs.destroy();
  }
}
