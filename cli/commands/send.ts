// `voiso-sec send`: sample events or a file of messages to the events queue.
import { readFileSync } from 'node:fs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CommandFailure, UsageError } from '../errors';
import { SAMPLE_PAIRS, sampleBodies } from '../samples';
import { bodiesFromLines, sendBodies } from '../send-messages';
import { progress } from '../terminal';
import { resolveQueue, type TargetOptions } from './target';

export interface SendOptions extends TargetOptions {
  readonly sample?: string;
  readonly file?: string;
  readonly queueUrl?: string;
  readonly callcenter?: string;
}

export async function runSend(options: SendOptions, out: (line: string) => void): Promise<void> {
  if ((options.sample === undefined) === (options.file === undefined)) {
    throw new UsageError('Give exactly one of --sample <all|type/event> or --file <path>');
  }
  let bodies: string[];
  if (options.sample !== undefined) {
    if (options.sample !== 'all' && !SAMPLE_PAIRS.includes(options.sample as never)) {
      throw new UsageError(
        `--sample: unknown "${options.sample}"; use all or one of ${SAMPLE_PAIRS.join(', ')}`,
      );
    }
    bodies = sampleBodies(options.sample, new Date(), options.callcenter);
  } else {
    const file = options.file ?? '';
    try {
      bodies = bodiesFromLines(readFileSync(file === '-' ? 0 : file, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `--file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`,
      );
    }
  }
  const target = await resolveQueue(options);
  const sqs = new SQSClient(target.config);
  const bar = progress();
  try {
    const report = await sendBodies(sqs, target.queueUrl, bodies, (done, total) =>
      bar.update(`sending ${done}/${total}`),
    );
    bar.done();
    out(`Sent ${report.accepted.length} of ${bodies.length} messages to ${target.queueUrl}`);
    for (const rejected of report.rejected) {
      out(`  message ${rejected.index + 1} not sent: ${rejected.reason}`);
    }
    if (report.rejected.length > 0) {
      throw new CommandFailure(`${report.rejected.length} messages were not sent`);
    }
  } finally {
    sqs.destroy();
  }
}
