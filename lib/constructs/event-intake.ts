// Where Voiso's events arrive: the events queue and its dead-letter queue, both kept if the stack
// is deleted. SQS-managed encryption by default, so Voiso's IAM user needs no KMS permission to
// send; with customer-managed keys, each queue has its own.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_MESSAGE_BYTES } from '../../contract/limits';
import { PIPELINE_DEFAULTS, visibilityTimeoutFor } from '../../contract/pipeline-defaults';

export interface EventIntakeProps {
  /** Timeout of the function that consumes the queue; the visibility timeout is derived from it. */
  readonly consumerTimeout: Duration;
  /** The event source's batching window, added to the visibility timeout as AWS recommends. @default Duration.seconds(1) */
  readonly maxBatchingWindow?: Duration;
  /** Deliveries before a message moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /**
   * Customer-managed key for the events queue alone: Voiso's users must be able to use it (through
   * SQS, for this queue), so it encrypts nothing else. @default - SQS-managed encryption (SSE-SQS)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Customer-managed key for the dead-letter queue, which no outside party ever writes to (SQS
   * moves messages there itself). @default - SQS-managed encryption (SSE-SQS)
   */
  readonly deadLetterEncryptionKey?: kms.IKey;
}

/** SQS keeps a message at most 14 days; an audit trail wants every one of them. */
const RETENTION = Duration.days(14);

export class EventIntake extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: EventIntakeProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? PIPELINE_DEFAULTS.maxReceiveCount;
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1) {
      throw new Error(
        `EventIntake: maxReceiveCount must be a positive integer, got ${maxReceiveCount}`,
      );
    }
    const window =
      props.maxBatchingWindow ?? Duration.seconds(PIPELINE_DEFAULTS.maxBatchingWindowSeconds);
    const visibilityTimeout = Duration.seconds(
      visibilityTimeoutFor(props.consumerTimeout.toSeconds(), window.toSeconds()),
    );
    if (visibilityTimeout.toSeconds() > 43_200) {
      throw new Error('EventIntake: 6x the consumer timeout exceeds the 12-hour visibility limit');
    }

    const encryption = (key?: kms.IKey) =>
      key
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED };

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...encryption(props.deadLetterEncryptionKey),
      enforceSSL: true,
      retentionPeriod: RETENTION,
      // Dead-lettered messages are security events not yet stored: deleting the stack must not
      // delete them with it (the events table is retained for the same reason).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        "This is the events queue's dead-letter queue; it is alarmed and redriven back to the events queue by the CLI.",
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...encryption(props.encryptionKey),
      enforceSSL: true,
      retentionPeriod: RETENTION,
      // SQS now accepts up to 1 MiB; the function quarantines a body whole only up to this size
      // (a quarantine item must fit DynamoDB's 400 KB), so the queue refuses anything larger
      // at the door, where Voiso sees the refusal, instead of losing it later.
      maxMessageSizeBytes: MAX_MESSAGE_BYTES,
      visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
      // Like the dead-letter queue: what it holds may not be stored yet. See the README's
      // "Remove the stack" for the order that leaves nothing behind unread.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
