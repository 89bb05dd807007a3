// The local event-source poller against local-aws-sqs: Lambda-shaped records, only successes
// deleted, failures back after the visibility timeout, nothing deleted when the handler throws.
// Every wait is for a condition, with a bound: nothing here depends on how fast the machine is
// (the visibility timeout is 1 s, so a check must never rely on still being inside it).
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { type Emulators, queueDepth, startEmulators } from '../../../cli/local/emulators';
import { SqsEventSourcePoller } from '../../../cli/local/poller';
import type { IngestHandler } from '../../../lambda/ingest/create-handler';

/** Retries `attempt` every 50 ms until it returns true; fails the test after `timeoutMs`. */
async function eventually(
  what: string,
  attempt: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await attempt())) {
    if (Date.now() > deadline) throw new Error(`still not ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SqsEventSourcePoller', () => {
  let emulators: Emulators;
  const seen: SQSEvent[] = [];
  let respond: (event: SQSEvent) => string[] = () => [];

  const handler: IngestHandler = async (event) => {
    seen.push(event);
    return { batchItemFailures: respond(event).map((itemIdentifier) => ({ itemIdentifier })) };
  };

  const poller = (custom: IngestHandler = handler) =>
    new SqsEventSourcePoller({
      sqs: emulators.sqs,
      queueUrl: emulators.queueUrl,
      queueArn: emulators.queueArn,
      region: emulators.region,
      handler: custom,
      maxBatchingWindowSeconds: 0,
    });

  const send = async (body: string) =>
    (
      await emulators.sqs.send(
        new SendMessageCommand({ QueueUrl: emulators.queueUrl, MessageBody: body }),
      )
    ).MessageId ?? '';

  const records = (): SQSRecord[] => seen.flatMap((event) => event.Records);

  /** The queue holds nothing, visible or not: every message was deleted. */
  const drained = async () => {
    const depth = await queueDepth(emulators.sqs, emulators.queueUrl);
    return depth.visible === 0 && depth.inFlight === 0 && depth.delayed === 0;
  };

  beforeAll(async () => {
    emulators = await startEmulators({ visibilityTimeoutSeconds: 1 });
  });

  afterAll(async () => {
    await emulators.stop();
  });

  beforeEach(async () => {
    // Each test starts from an empty queue (a message left by a failing test is drained here).
    respond = () => [];
    const cleaner = poller();
    await eventually('drained before the test', async () => {
      await cleaner.pollOnce();
      return drained();
    });
    seen.length = 0;
  });

  it('passes records shaped as Lambda sends them and deletes the successes', async () => {
    // prepare
    await send('first');
    await send('second');
    const subject = poller();

    // act
    await eventually('handled both', async () => {
      await subject.pollOnce();
      return records().length >= 2;
    });

    // assert
    const record = records()[0];
    expect(
      records()
        .map((r) => r.body)
        .sort(),
    ).toEqual(['first', 'second']);
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: emulators.queueArn,
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(record?.attributes.SentTimestamp).toMatch(/^\d+$/);
    expect(record?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    // Deleted at once: handling returned only after the delete.
    expect(await drained()).toBe(true);
  });

  it('leaves a failed record to come back with a higher receive count', async () => {
    // prepare
    const id = await send('fails once');
    respond = (event) =>
      event.Records.filter((r) => r.attributes.ApproximateReceiveCount === '1').map(
        (r) => r.messageId,
      );
    const subject = poller();

    // act: the first delivery fails; the message is back once its visibility timeout ends.
    await eventually('delivered twice', async () => {
      await subject.pollOnce();
      return records().length >= 2;
    });

    // assert
    expect(records().map((r) => [r.messageId, r.attributes.ApproximateReceiveCount])).toEqual([
      [id, '1'],
      [id, '2'],
    ]);
    expect(await drained()).toBe(true);
  });

  it('deletes nothing when the handler throws: the message comes back', async () => {
    // prepare
    const id = await send('boom');
    const thrown: string[] = [];
    const throwing = poller(async (event) => {
      thrown.push(...event.Records.map((r) => r.messageId));
      throw new Error('handler crashed');
    });

    // act
    await eventually('handled once', async () => (await throwing.pollOnce()) || thrown.length > 0);

    // assert: the same message is delivered again (a delete would have removed it for good),
    // whenever its visibility timeout ends, and is gone once a handler succeeds.
    const subject = poller();
    await eventually('redelivered', async () => {
      await subject.pollOnce();
      return records().length > 0;
    });
    expect(thrown).toEqual([id]);
    expect(records().map((r) => [r.messageId, r.attributes.ApproximateReceiveCount])).toEqual([
      [id, '2'],
    ]);
    expect(await drained()).toBe(true);
  });
});

describe('SqsEventSourcePoller payload cap', () => {
  it('ends a batch at the payload cap and carries the rest into the next one', async () => {
    const emulators = await startEmulators({ visibilityTimeoutSeconds: 30 });
    const sizes: number[] = [];
    const poller = new SqsEventSourcePoller({
      sqs: emulators.sqs,
      queueUrl: emulators.queueUrl,
      queueArn: emulators.queueArn,
      region: emulators.region,
      handler: async (event) => {
        sizes.push(event.Records.length);
        return { batchItemFailures: [] };
      },
      maxBatchingWindowSeconds: 0,
      maxBatchBytes: 1000,
    });
    try {
      for (let i = 0; i < 5; i++) {
        await emulators.sqs.send(
          new SendMessageCommand({ QueueUrl: emulators.queueUrl, MessageBody: 'x'.repeat(400) }),
        );
      }

      await eventually('handled all five', async () => {
        await poller.pollOnce();
        return sizes.reduce((a, b) => a + b, 0) >= 5;
      });

      expect(sizes).toEqual([2, 2, 1]);
    } finally {
      await emulators.stop();
    }
  });
});
