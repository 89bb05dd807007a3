// The embedded AWS side of the local pipeline: local-aws-sqs (events queue + DLQ with the
// deployed stack's redrive settings) and dynalite (the stack's table and indexes), on loopback.

import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import {
  type AttributeValue,
  DescribeTableCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { MAX_MESSAGE_BYTES } from '../../contract/limits';
import { PIPELINE_DEFAULTS } from '../../contract/pipeline-defaults';
import { fromAttributes } from '../../lambda/adapters/item-codec';
import type { StoredItem } from '../../lambda/core/records';
import {
  createEventsTable,
  type RunningDynalite,
  startDynalite,
} from '../../lambda/testing/dynalite';
import { UsageError } from '../errors';

// Neither emulator checks signatures; fixed values make the printed instructions copyable.
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_TABLE_NAME = 'voiso-sec-events';
export const LOCAL_QUEUE_NAME = 'voiso-sec-events';
export const LOCAL_DLQ_NAME = 'voiso-sec-events-dlq';
/**
 * Node's 5 s server keep-alive races the SDK's reuse of idle sockets (ECONNRESET on a later
 * call); servers that outlive the clients' idle sockets avoid it.
 */
const KEEP_ALIVE_MS = 120_000;

export interface EmulatorOptions {
  /** Seconds a received message stays invisible; short values make retries visible in seconds. */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives before the queue moves a message to the dead-letter queue (as deployed). */
  readonly maxReceiveCount?: number;
  /** Directory for dynalite's data; in memory when absent. */
  readonly dataDir?: string;
  readonly sqsPort?: number;
  readonly dynamodbPort?: number;
}

export interface LocalResources {
  readonly region: string;
  readonly sqsEndpoint: string;
  readonly dynamodbEndpoint: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
  readonly tableName: string;
}

/** The addresses alone (no clients), as the state file records them for the other commands. */
export const localResources = (from: LocalResources): LocalResources => ({
  region: from.region,
  sqsEndpoint: from.sqsEndpoint,
  dynamodbEndpoint: from.dynamodbEndpoint,
  queueUrl: from.queueUrl,
  queueArn: from.queueArn,
  deadLetterQueueUrl: from.deadLetterQueueUrl,
  deadLetterQueueArn: from.deadLetterQueueArn,
  tableName: from.tableName,
});

export interface Emulators extends LocalResources {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  stop(): Promise<void>;
}

/** The events queue as an SQS event-source poller reads it. */
export type EventSourceQueue = Pick<Emulators, 'sqs' | 'queueUrl' | 'queueArn' | 'region'>;

export const eventSourceQueue = ({
  sqs,
  queueUrl,
  queueArn,
  region,
}: EventSourceQueue): EventSourceQueue => ({ sqs, queueUrl, queueArn, region });

const portOf = (address: AddressInfo | string | null): number => {
  if (address === null || typeof address === 'string') throw new Error('emulator has no port');
  return address.port;
};

export const sqsClientFor = (endpoint: string, region = LOCAL_REGION) =>
  new SQSClient({ region, endpoint, credentials: LOCAL_CREDENTIALS });

/** Fails with a one-line UsageError when a chosen port is taken (0 always works). */
async function ensurePortFree(port: number, option: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError(`${option}: port ${port} is already in use`)
          : error,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

async function startSqs(port: number): Promise<Server> {
  // local-aws-sqs does not report listen errors; it would crash the process instead.
  await ensurePortFree(port, '--sqs-port');
  const { createSqsServer } = require('local-aws-sqs') as {
    createSqsServer(options: Record<string, unknown>): Promise<Server>;
  };
  const server = await createSqsServer({ port, hostname: '127.0.0.1', region: LOCAL_REGION });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return server;
}

async function startDynamoDb(port: number, dataDir: string | undefined): Promise<RunningDynalite> {
  await ensurePortFree(port, '--dynamodb-port');
  return startDynalite({
    port,
    dataDir,
    keepAliveTimeoutMs: KEEP_ALIVE_MS,
    credentials: LOCAL_CREDENTIALS,
  });
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') throw error;
    await createEventsTable(client, tableName);
  }
}

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const sqsServer = await startSqs(options.sqsPort ?? 0);
  let dynalite: RunningDynalite;
  try {
    dynalite = await startDynamoDb(options.dynamodbPort ?? 0, options.dataDir);
  } catch (error) {
    sqsServer.close();
    throw error;
  }
  const sqsEndpoint = `http://127.0.0.1:${portOf(sqsServer.address())}`;
  const dynamodbEndpoint = dynalite.endpoint;
  const sqs = sqsClientFor(sqsEndpoint);
  const dynamodb = dynalite.client;

  const stop = async () => {
    sqs.destroy();
    sqsServer.closeAllConnections();
    await Promise.all([
      new Promise<void>((resolve) => sqsServer.close(() => resolve())),
      dynalite.stop(),
    ]);
  };

  try {
    const dlq = await sqs.send(
      new CreateQueueCommand({
        QueueName: LOCAL_DLQ_NAME,
        Attributes: { MessageRetentionPeriod: String(14 * 86_400) },
      }),
    );
    const deadLetterQueueUrl = dlq.QueueUrl ?? '';
    const deadLetterQueueArn = await queueArn(sqs, deadLetterQueueUrl);
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: LOCAL_QUEUE_NAME,
        Attributes: {
          VisibilityTimeout: String(
            options.visibilityTimeoutSeconds ?? PIPELINE_DEFAULTS.visibilityTimeoutSeconds,
          ),
          // The deployed queue's limit; local-aws-sqs defaults to 1 MiB, which would hide
          // oversize rejections.
          MaximumMessageSize: String(MAX_MESSAGE_BYTES),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: deadLetterQueueArn,
            maxReceiveCount: options.maxReceiveCount ?? PIPELINE_DEFAULTS.maxReceiveCount,
          }),
        },
      }),
    );
    const queueUrl = queue.QueueUrl ?? '';
    await ensureTable(dynamodb, LOCAL_TABLE_NAME);
    return {
      region: LOCAL_REGION,
      sqsEndpoint,
      dynamodbEndpoint,
      queueUrl,
      queueArn: await queueArn(sqs, queueUrl),
      deadLetterQueueUrl,
      deadLetterQueueArn,
      tableName: LOCAL_TABLE_NAME,
      sqs,
      dynamodb,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const result = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = result.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${queueUrl} has no ARN`);
  return arn;
}

export interface QueueDepth {
  /** ApproximateNumberOfMessages; local-aws-sqs counts in-flight messages here too. */
  readonly visible: number;
  readonly inFlight: number;
  /** Sent but not yet receivable (local-aws-sqs delays even DelaySeconds 0 by one tick). */
  readonly delayed: number;
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const result = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: Number(result.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(result.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(result.Attributes?.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/**
 * Every item of a local table, in key order (call center, then time). A Scan is right here and
 * nowhere else: the table is a local run's own, and its report lists every item.
 */
export async function readWholeTable(
  dynamodb: DynamoDBClient,
  tableName: string,
): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const raw of page.Items ?? []) items.push(fromAttributes(raw) as StoredItem);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const byKey = (a: StoredItem, b: StoredItem) =>
    a.pk < b.pk ? -1 : a.pk > b.pk ? 1 : a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0;
  return items.sort(byKey);
}

/**
 * Every message of a local queue (a dead-letter queue at the end of a run), each hidden for
 * ten minutes once read so that the loop ends; nothing is deleted.
 */
export async function readWholeQueue(
  sqs: SQSClient,
  queueUrl: string,
): Promise<{ messageId: string; body: string }[]> {
  const messages: { messageId: string; body: string }[] = [];
  for (;;) {
    const result = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 600,
      }),
    );
    const batch = result.Messages ?? [];
    if (batch.length === 0) return messages;
    for (const m of batch) messages.push({ messageId: m.MessageId ?? '', body: m.Body ?? '' });
  }
}
