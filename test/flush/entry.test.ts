// The deployed flush as Lambda loads it: configuration from the environment at cold start, real
// SDK clients (DynamoDB on dynalite through the SDK's endpoint variable, SNS stubbed), and a
// claim that holds until a second before the invocation's end.

import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbEventStore } from '../../lambda/adapters/dynamodb-event-store';
import { fromAttributes } from '../../lambda/adapters/item-codec';
import { FOLD_RETAIN_MS } from '../../lambda/core/folding';
import { alertRecord, foldedItem, foldItem } from '../../lambda/core/records';
import {
  createEventsTable,
  type RunningDynalite,
  startDynalite,
} from '../../lambda/testing/dynalite';
import { acceptEveryEntry } from '../support/ingest-harness';

let db: RunningDynalite;
const saved = { ...process.env };
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});
afterEach(() => {
  process.env = { ...saved };
});

const context = (remainingMs: number): Context =>
  ({
    awsRequestId: 'req-flush',
    getRemainingTimeInMillis: () => remainingMs,
  }) as unknown as Context;

async function loadFlush(tableName: string) {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    POWERTOOLS_METRICS_NAMESPACE: 'VoisoSec',
    POWERTOOLS_SERVICE_NAME: 'VoisoSecTest',
    EVENTS_TABLE_NAME: tableName,
    ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
    CRITICAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:critical',
  });
  let entry: typeof import('../../lambda/flush/handler') | undefined;
  let snsModule: typeof import('@aws-sdk/client-sns') | undefined;
  jest.isolateModules(() => {
    snsModule = require('@aws-sdk/client-sns');
    entry = require('../../lambda/flush/handler');
  });
  if (!entry || !snsModule) throw new Error('the entry did not load');
  return { handler: entry.handler, sns: mockClient(snsModule.SNSClient), snsModule };
}

describe('the deployed flush entry', () => {
  it('sends the summary of a closed window, claimed until a second before the end', async () => {
    // Prepare: a window that closed ten minutes ago, with one alert folded into it.
    const tableName = await createEventsTable(db.client);
    const closesAt = Date.now() - 10 * 60_000;
    const windowId = `win-${'e'.repeat(22)}`;
    await new DynamoDbEventStore({ client: db.client, tableName }).write(
      [
        foldItem(
          {
            windowId,
            callcenter: 'acme',
            rule: 'deleted-user-login',
            severity: 'critical',
            opensAt: closesAt - 60_000,
            closesAt,
            pending: [
              {
                windowId,
                type: 'app_login',
                event: 'deleted_user',
                opensAt: closesAt - 60_000,
                closesAt,
                openedBy: 'e0',
              },
            ],
          },
          0,
          FOLD_RETAIN_MS,
        ),
        foldedItem(
          { windowId, eventId: 'e1', eventKey: { pk: 'CC#acme', sk: 'x' }, time: 't' },
          closesAt,
          FOLD_RETAIN_MS,
        ),
        alertRecord(
          {
            alertKey: 'e1',
            alertKind: 'event',
            callcenter: 'acme',
            rule: 'deleted-user-login',
            severity: 'critical',
            subject: { pk: 'CC#acme', sk: 'x' },
          },
          { state: 'folded', topicsSent: [], owners: ['m'], leaseUntil: 0, foldWindow: windowId },
          0,
          new Date(),
          undefined,
        ),
      ],
      { deadline: Date.now() + 5_000 },
    );
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { handler, sns, snsModule } = await loadFlush(tableName);
    let leaseUntil: number | undefined;
    const published: string[] = [];
    sns.on(snsModule.PublishBatchCommand).callsFake(async (input) => {
      // While publishing, the summary's record holds the claim.
      const got = await db.client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: `ALERT#sum-${'e'.repeat(22)}` }, sk: { S: 'ALERT' } },
          ConsistentRead: true,
        }),
      );
      leaseUntil = Number(fromAttributes(got.Item ?? {}).leaseUntil);
      published.push(String(input.TopicArn));
      return acceptEveryEntry(input);
    });
    // Act
    const started = Date.now();
    const outcome = await handler({}, context(60_000));
    // Assert
    expect(outcome).toEqual({ summaries: 1, left: 0 });
    expect(published.sort()).toEqual([
      'arn:aws:sns:us-east-1:123456789012:alerts',
      'arn:aws:sns:us-east-1:123456789012:critical',
    ]);
    expect(leaseUntil).toBeGreaterThanOrEqual(started + 59_000);
    expect(leaseUntil).toBeLessThanOrEqual(Date.now() + 59_000);
    sns.restore();
    jest.restoreAllMocks();
  });

  it('refuses to start without its table', async () => {
    // Act + Assert
    await expect(loadFlush('')).rejects.toThrow(/EVENTS_TABLE_NAME: required/);
  });
});
