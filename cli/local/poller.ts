// Drains the local events queue the way Lambda's SQS event source does: receive up to 10 at a
// time until a batch is full or the batching window closes, invoke the handler with a real
// SQSEvent, delete only the records the partial batch response did not report as failed.
// Failed records stay invisible until the visibility timeout; the queue's redrive policy then
// moves them to the DLQ after maxReceiveCount receives (local-aws-sqs does that itself).
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { PIPELINE_DEFAULTS } from '../../contract/pipeline-defaults';
import type { IngestHandler } from '../../lambda/ingest/create-handler';
import { sleep } from '../terminal';

export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly handler: IngestHandler;
  readonly batchSize?: number;
  readonly maxBatchingWindowSeconds?: number;
  readonly functionTimeoutSeconds?: number;
  /** Payload cap per invocation; Lambda's is 6 MB. @default 6_291_456 */
  readonly maxBatchBytes?: number;
  /** Called when an invocation throws or a delete fails; the poller keeps going. */
  readonly onError?: (error: unknown) => void;
  /** Called after every invocation with the ids that succeeded and failed. */
  readonly onInvocation?: (outcome: InvocationOutcome) => void;
}

export interface InvocationOutcome {
  readonly succeeded: readonly string[];
  readonly failed: readonly string[];
  /** ApproximateReceiveCount of every record of the invocation (1 on the first delivery). */
  readonly receiveCounts: ReadonlyMap<string, number>;
}

/** Converts a received message to the record shape Lambda passes to SQS-triggered functions. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && {
        binaryValue: Buffer.from(value.BinaryValue).toString('base64'),
      }),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
      ...(attributes.AWSTraceHeader !== undefined && { AWSTraceHeader: attributes.AWSTraceHeader }),
    } as SQSRecordAttributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes !== undefined && {
      md5OfMessageAttributes: message.MD5OfMessageAttributes,
    }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

export class SqsEventSourcePoller {
  private running = false;
  private busy = false;
  private loop: Promise<void> | undefined;
  private readonly batchSize: number;
  private readonly windowMs: number;
  private readonly timeoutMs: number;
  private readonly maxBatchBytes: number;
  /** Received messages that did not fit the last batch's payload cap; they open the next one. */
  private carried: Message[] = [];

  constructor(private readonly options: PollerOptions) {
    this.batchSize = options.batchSize ?? PIPELINE_DEFAULTS.batchSize;
    this.windowMs =
      (options.maxBatchingWindowSeconds ?? PIPELINE_DEFAULTS.maxBatchingWindowSeconds) * 1000;
    this.maxBatchBytes = options.maxBatchBytes ?? 6 * 1024 * 1024;
    this.timeoutMs =
      (options.functionTimeoutSeconds ?? PIPELINE_DEFAULTS.functionTimeoutSeconds) * 1000;
  }

  /** True while a batch is being collected or handled (its messages are in flight). */
  get active(): boolean {
    return this.busy;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const handled = await this.pollOnce();
        if (!handled) await sleep(50);
      } catch (error) {
        this.options.onError?.(error);
        await sleep(200);
      }
    }
  }

  /** Collects one batch and invokes the handler; false when the queue had nothing. */
  async pollOnce(): Promise<boolean> {
    const messages = await this.collectBatch();
    if (messages.length === 0) return false;
    this.busy = true;
    try {
      await this.invoke(messages);
    } finally {
      this.busy = false;
    }
    return true;
  }

  private async receive(max: number): Promise<Message[]> {
    const result = await this.options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        // Long polling in local-aws-sqs can hand back a message twice once its visibility
        // expires during the wait; short polls plus the batching window behave like Lambda.
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        // local-aws-sqs only understands the older parameter name.
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return result.Messages ?? [];
  }

  private async collectBatch(): Promise<Message[]> {
    const first = this.carried.length > 0 ? this.carried : await this.receive(this.batchSize);
    this.carried = [];
    if (first.length === 0) return first;
    this.busy = true;
    const batch = new Map<string, Message>();
    let bytes = 0;
    let full = false;
    const add = (messages: readonly Message[]) => {
      for (const message of messages) {
        const size = Buffer.byteLength(message.Body ?? '', 'utf8');
        // Like Lambda, stop at the payload cap; one oversized message still goes alone.
        if (full || (batch.size > 0 && bytes + size > this.maxBatchBytes)) {
          full = true;
          this.carried.push(message);
          continue;
        }
        batch.set(message.MessageId ?? '', message);
        bytes += size;
      }
    };
    add(first);
    const closesAt = Date.now() + this.windowMs;
    while (!full && batch.size < this.batchSize && Date.now() < closesAt && this.running) {
      const more = await this.receive(this.batchSize - batch.size);
      add(more);
      if (more.length === 0) await sleep(Math.min(50, Math.max(0, closesAt - Date.now())));
    }
    return [...batch.values()];
  }

  private async invoke(messages: readonly Message[]): Promise<void> {
    const { handler, queueArn, region, sqs, queueUrl } = this.options;
    const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, queueArn, region)) };
    const receiveCounts = new Map(
      event.Records.map((r) => [r.messageId, Number(r.attributes.ApproximateReceiveCount) || 1]),
    );
    const deadline = Date.now() + this.timeoutMs;
    const context = { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
    let failedIds: Set<string>;
    try {
      const response = await handler(event, context);
      failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    } catch (error) {
      // Lambda treats a thrown error as the whole batch failing: nothing is deleted.
      this.options.onError?.(error);
      this.options.onInvocation?.({
        succeeded: [],
        failed: event.Records.map((r) => r.messageId),
        receiveCounts,
      });
      return;
    }
    const succeeded = event.Records.filter((record) => !failedIds.has(record.messageId));
    for (let i = 0; i < succeeded.length; i += 10) {
      const chunk = succeeded.slice(i, i + 10);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((record, index) => ({
            Id: String(index),
            ReceiptHandle: record.receiptHandle,
          })),
        }),
      );
    }
    this.options.onInvocation?.({
      succeeded: succeeded.map((r) => r.messageId),
      failed: [...failedIds],
      receiveCounts,
    });
  }
}
