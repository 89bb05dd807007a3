// The local event-source poller against local-aws-sqs: Lambda-shaped records, only successes
// deleted, failures back after the visibility timeout, nothing deleted when the handler throws.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { type Emulators, queueDepth, startEmulators } from '../../../cli/local/emulators';
import { SqsEventSourcePoller } from '../../../cli/local/poller';
import type { IngestHandler } from '../../../lambda/ingest/create-handler';

describe('SqsEventSourcePoller', () => {
  let emulators: Emulators;
  const seen: SQSEvent[] = [];
  let respond: (event: SQSEvent) => string[] = () => [];

  const handler: IngestHandler = async (event) => {
    seen.push(event);
    return { batchItemFailures: respond(event).map((itemIdentifier) => ({ itemIdentifier })) };
  };

  const poller = () =>
    new SqsEventSourcePoller({
      sqs: emulators.sqs,
      queueUrl: emulators.queueUrl,
      queueArn: emulators.queueArn,
      region: emulators.region,
      handler,
      maxBatchingWindowSeconds: 0,
    });

  const send = (body: string) =>
    emulators.sqs.send(new SendMessageCommand({ QueueUrl: emulators.queueUrl, MessageBody: body }));

  beforeAll(async () => {
    emulators = await startEmulators({ visibilityTimeoutSeconds: 1 });
  });

  afterAll(async () => {
    await emulators.stop();
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it('passes records shaped as Lambda sends them and deletes the successes', async () => {
    await send('first');
    await send('second');
    respond = () => [];

    await poller().pollOnce();

    const record = seen[0]?.Records[0];
    expect(seen[0]?.Records).toHaveLength(2);
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: emulators.queueArn,
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(record?.attributes.SentTimestamp).toMatch(/^\d+$/);
    expect(record?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(await queueDepth(emulators.sqs, emulators.queueUrl)).toEqual({
      visible: 0,
      inFlight: 0,
      delayed: 0,
    });
  });

  it('leaves a failed record to come back with a higher receive count', async () => {
    await send('fails once');
    respond = (event) =>
      event.Records.filter((r) => r.attributes.ApproximateReceiveCount === '1').map(
        (r) => r.messageId,
      );
    const subject = poller();

    await subject.pollOnce();
    while (!(await subject.pollOnce())) await new Promise((resolve) => setTimeout(resolve, 100));

    expect(seen.map((event) => event.Records[0]?.attributes.ApproximateReceiveCount)).toEqual([
      '1',
      '2',
    ]);
    expect(await queueDepth(emulators.sqs, emulators.queueUrl)).toEqual({
      visible: 0,
      inFlight: 0,
      delayed: 0,
    });
  });

  it('deletes nothing when the handler throws', async () => {
    await send('boom');
    const throwing = new SqsEventSourcePoller({
      sqs: emulators.sqs,
      queueUrl: emulators.queueUrl,
      queueArn: emulators.queueArn,
      region: emulators.region,
      handler: async () => {
        throw new Error('handler crashed');
      },
      maxBatchingWindowSeconds: 0,
    });

    await throwing.pollOnce();

    expect(await queueDepth(emulators.sqs, emulators.queueUrl)).toEqual({
      visible: 1,
      inFlight: 1,
      delayed: 0,
    });
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

      while (sizes.reduce((a, b) => a + b, 0) < 5) await poller.pollOnce();

      expect(sizes).toEqual([2, 2, 1]);
    } finally {
      await emulators.stop();
    }
  });
});
