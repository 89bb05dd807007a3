// `voiso-sec redrive`: moves dead-lettered messages back to the events queue with an SQS
// message move task, and follows the task until it ends.
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { CommandFailure } from '../errors';
import { plural, progress, sleep } from '../terminal';
import { resolveQueue, type TargetOptions } from './target';

export interface RedriveOptions extends TargetOptions {
  readonly wait?: boolean;
}

export const redriveStartText = (waiting: number) =>
  `Moving about ${plural(waiting, 'message')} from the dead-letter queue back to the events queue.`;

export const redriveDoneText = (moved: number) =>
  `Redrive complete: ${plural(moved, 'message')} moved.`;

export async function runRedrive(
  options: RedriveOptions,
  out: (line: string) => void,
): Promise<void> {
  const target = await resolveQueue(options, 'dlq');
  const dlqUrl = target.deadLetterQueueUrl ?? '';
  const dlqArn = target.deadLetterQueueArn ?? '';
  const sqs = new SQSClient(target.config);
  const bar = progress();
  try {
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    const waiting = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0);
    if (waiting === 0) {
      out('The dead-letter queue is empty: nothing to redrive.');
      return;
    }
    await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: dlqArn,
        ...(target.queueArn && { DestinationArn: target.queueArn }),
      }),
    );
    out(redriveStartText(waiting));
    if (options.wait === false) return;
    for (;;) {
      await sleep(1000);
      const tasks = await sqs.send(
        new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }),
      );
      const task = tasks.Results?.[0];
      if (!task) throw new CommandFailure('The move task disappeared before it finished');
      const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
      const total = task.ApproximateNumberOfMessagesToMove ?? waiting;
      bar.update(`moved ${moved}/${total}`);
      if (task.Status === 'RUNNING' || task.Status === 'CANCELLING') continue;
      bar.done();
      if (task.Status === 'COMPLETED') {
        out(redriveDoneText(moved));
        return;
      }
      throw new CommandFailure(
        `Redrive ${task.Status?.toLowerCase() ?? 'ended'} after ${plural(moved, 'message')}: ${task.FailureReason ?? 'no reason given'}`,
      );
    }
  } finally {
    sqs.destroy();
  }
}
