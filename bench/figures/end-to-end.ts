// End-to-end throughput through the local pipeline the CLI runs: local-aws-sqs (queue + DLQ),
// the CLI's SQS event-source poller, the handler, dynalite. SNS is answered in memory (there is
// no SNS emulator). Both contestants get fresh emulators, the same pre-loaded queue and the
// same pollers; only the handler differs. The emulators run in a child process, as AWS's
// services do not share the function's CPU.
import { type AttributeValue, CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { eventSourceQueue, queueDepth } from '../../cli/local/emulators';
import { SqsEventSourcePoller } from '../../cli/local/poller';
import { sendBodies } from '../../cli/send-messages';
import { PIPELINE_DEFAULTS } from '../../contract/pipeline-defaults';
import { InMemorySns } from '../support/aws-clients';
import { startEmulatorProcess } from '../support/emulator-process';
import { baselineHandler, dynamoDbClient, snsClient, voisoSecHandler } from '../support/handlers';

/** `no-op` deletes every message untouched: the emulators' and poller's own ceiling. */
export type EndToEndContestant = 'voiso-sec' | 'baseline' | 'no-op';

export interface EndToEndFigure {
  readonly contestant: EndToEndContestant;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Items in the table afterwards (a sanity check that the work was done). */
  readonly items: number;
  readonly alerts: number;
  readonly invocations: number;
  /** Wall time spent inside the handler, summed over invocations (pollers overlap). */
  readonly handlerSeconds: number;
  /**
   * CPU of this process (handler, SDK clients, poller) per event, the emulators excluded: they
   * run in a child process. This is the side of the work a Lambda function pays for.
   */
  readonly functionCpuMicrosPerEvent: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The table a developer writing the baseline would create: keys only, no indexes. */
export const baselineTable = (tableName: string) => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST' as const,
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'S' as const },
  ],
});

export async function measureEndToEnd(
  contestant: EndToEndContestant,
  bodies: readonly string[],
  pollers: number,
): Promise<EndToEndFigure> {
  const emulators = await startEmulatorProcess(60);
  const dynamodb = dynamoDbClient(emulators.dynamodbEndpoint);
  const sns = snsClient();
  const topic = new InMemorySns().attach(sns);
  const running: SqsEventSourcePoller[] = [];
  try {
    let tableName = emulators.tableName;
    if (contestant === 'baseline') {
      tableName = 'baseline-events';
      await dynamodb.send(new CreateTableCommand(baselineTable(tableName)));
    }
    const sent = await sendBodies(emulators.sqs, emulators.queueUrl, bodies);
    if (sent.rejected.length > 0)
      throw new Error(`${sent.rejected.length} bodies were rejected by SQS`);
    const clients = { dynamodb, sns, tableName };
    const inner =
      contestant === 'voiso-sec'
        ? voisoSecHandler(clients)
        : contestant === 'baseline'
          ? baselineHandler(clients)
          : async () => ({ batchItemFailures: [] });
    let invocations = 0;
    let handlerNanos = 0n;
    const handler: typeof inner = async (event) => {
      const begun = process.hrtime.bigint();
      invocations++;
      try {
        return await inner(event);
      } finally {
        handlerNanos += process.hrtime.bigint() - begun;
      }
    };
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < pollers; i++) {
      const poller = new SqsEventSourcePoller({
        ...eventSourceQueue(emulators),
        handler,
        batchSize: PIPELINE_DEFAULTS.batchSize,
        maxBatchingWindowSeconds: PIPELINE_DEFAULTS.maxBatchingWindowSeconds,
      });
      poller.start();
      running.push(poller);
    }
    for (;;) {
      await sleep(25);
      const depth = await queueDepth(emulators.sqs, emulators.queueUrl);
      if (depth.visible === 0 && depth.inFlight === 0 && running.every((p) => !p.active)) break;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    await Promise.all(running.map((p) => p.stop()));
    running.length = 0;
    let items = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamodb.send(
        new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: startKey }),
      );
      items += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return {
      contestant,
      events: bodies.length,
      seconds,
      eventsPerSecond: bodies.length / seconds,
      items,
      alerts: topic.published.length,
      invocations,
      handlerSeconds: Number(handlerNanos) / 1e9,
      functionCpuMicrosPerEvent: (cpu.user + cpu.system) / bodies.length,
    };
  } finally {
    await Promise.all(running.map((p) => p.stop()));
    dynamodb.destroy();
    sns.destroy();
    await emulators.stop();
  }
}
