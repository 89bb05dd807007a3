// SQS records shaped as Lambda's SQS event source delivers them, for driving handlers directly
// (no queue) in the CPU benchmark and the fuzzer.
import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:voiso-sec-events';

export function sqsRecord(
  body: string,
  messageId: string,
  sentAt = Date.UTC(2025, 2, 1),
): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(sentAt),
      SenderId: 'AIDAVOISOEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(sentAt + 5),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

/** Splits bodies into SQS events of `batchSize` records with ids `m<offset+i>`. */
export function sqsBatches(
  bodies: readonly string[],
  batchSize: number,
  idPrefix = 'm',
): SQSEvent[] {
  const events: SQSEvent[] = [];
  for (let start = 0; start < bodies.length; start += batchSize) {
    events.push({
      Records: bodies
        .slice(start, start + batchSize)
        .map((body, i) => sqsRecord(body, `${idPrefix}${start + i}`)),
    });
  }
  return events;
}
