// The deployed entry point as Lambda loads it: configuration from the environment at cold start,
// real SDK clients (DynamoDB pointed at dynalite through the SDK's endpoint variable, SNS
// stubbed), and logs that carry the invocation's request id.
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createEventsTable,
  type RunningDynalite,
  startDynalite,
} from '../../lambda/testing/dynalite';
import { sqsEvent, sqsRecord, voisoEvent } from '../../lambda/testing/factories';
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
  jest.restoreAllMocks();
});

const lambdaContext = (awsRequestId: string): Context =>
  ({
    awsRequestId,
    functionName: 'ingest',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ingest',
    memoryLimitInMB: '256',
    getRemainingTimeInMillis: () => 20_000,
  }) as unknown as Context;

async function loadEntry(env: Record<string, string>) {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    POWERTOOLS_METRICS_NAMESPACE: 'VoisoSec',
    POWERTOOLS_SERVICE_NAME: 'VoisoSecTest',
    ...env,
  });
  let entry: typeof import('../../lambda/ingest/handler') | undefined;
  let snsModule: typeof import('@aws-sdk/client-sns') | undefined;
  jest.isolateModules(() => {
    // The SNS module of the same registry as the entry, so its client can be stubbed.
    snsModule = require('@aws-sdk/client-sns');
    entry = require('../../lambda/ingest/handler');
  });
  if (!entry || !snsModule) throw new Error('the entry did not load');
  const sns = mockClient(snsModule.SNSClient);
  sns.on(snsModule.PublishBatchCommand).callsFake(acceptEveryEntry);
  return { handler: entry.handler, sns, PublishBatchCommand: snsModule.PublishBatchCommand };
}

describe('the deployed ingest entry', () => {
  it('stores and alerts with real clients, logging the request id', async () => {
    // Prepare
    const tableName = await createEventsTable(db.client);
    const printed: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    const { handler, sns, PublishBatchCommand } = await loadEntry({
      EVENTS_TABLE_NAME: tableName,
      ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
      CRITICAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:critical',
    });
    // Act
    const response = await handler(
      sqsEvent(sqsRecord(voisoEvent('app_login/deleted_user'))),
      lambdaContext('req-123'),
    );
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(1);
    sns.restore();
    const batchLog = printed
      .map((line) => line.trim())
      .find((line) => line.includes('Batch processed'));
    expect(JSON.parse(batchLog ?? '{}')).toMatchObject({
      message: 'Batch processed',
      function_request_id: 'req-123',
      stored: 1,
    });
    // The metrics the stack's alarms watch: namespace VoisoSec, one dimension, service.
    const emf = JSON.parse(printed.find((line) => line.includes('"_aws"')) ?? '{}');
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'VoisoSec',
      Dimensions: [['service']],
    });
    // Zeros are not published: a metric costs for every hour it appears in.
    expect(emf).toMatchObject({ service: 'VoisoSecTest', EventsStored: 1, AlertsPublished: 1 });
    expect(emf).not.toHaveProperty('QuarantinedMessages');
  });

  it('publishes only the metrics alarms read when the deployment has no dashboard', async () => {
    // Prepare
    const tableName = await createEventsTable(db.client);
    const printed: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    const { handler, sns } = await loadEntry({
      EVENTS_TABLE_NAME: tableName,
      ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
      CRITICAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:critical',
      METRICS: 'alarms',
    });
    // Act
    await handler(sqsEvent(sqsRecord(voisoEvent('app_login/deleted_user'))), lambdaContext('a'));
    await handler(sqsEvent(sqsRecord('not json')), lambdaContext('b'));
    sns.restore();
    // Assert: no document for the first batch (nothing alarmed happened), one for the second.
    const documents = printed.filter((line) => line.includes('"_aws"')).map((l) => JSON.parse(l));
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ QuarantinedMessages: 1 });
    expect(documents[0]).not.toHaveProperty('EventsStored');
    // And no "No application metrics to publish" warning for the batch without any.
    expect(printed.join('')).not.toContain('No application metrics');
  });

  it("logs each failed AWS call with what failed and AWS's error, e-mail addresses masked", async () => {
    // Prepare: a table that does not exist, and SNS refusing every call. Warnings go to stderr.
    const printed: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    const tableName = await createEventsTable(db.client);
    const { handler, sns, PublishBatchCommand } = await loadEntry({
      EVENTS_TABLE_NAME: tableName,
      ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
      CRITICAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:critical',
    });
    sns
      .on(PublishBatchCommand)
      .rejects(
        Object.assign(new Error('denied for maria@acme.com'), { name: 'AuthorizationError' }),
      );
    const missing = await loadEntry({
      EVENTS_TABLE_NAME: 'no-such-table',
      ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
      CRITICAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:critical',
    });
    // Act
    await handler(sqsEvent(sqsRecord(voisoEvent('app_login/deleted_user'))), lambdaContext('r1'));
    await missing.handler(sqsEvent(sqsRecord(voisoEvent('user/user_added'))), lambdaContext('r2'));
    sns.restore();
    missing.sns.restore();
    // Assert
    const warnings = printed
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.level === 'WARN');
    expect(warnings).toContainEqual(
      expect.objectContaining({
        message: 'SNS publish failed',
        topic: 'alerts',
        error: 'AuthorizationError: denied for m***@acme.com',
      }),
    );
    expect(warnings).toContainEqual(
      expect.objectContaining({
        message: 'DynamoDB call failed',
        operation: 'read',
        error: expect.stringMatching(/^PermanentStoreError: ResourceNotFoundException: /),
      }),
    );
  });

  it('refuses to start with a broken configuration, naming what is wrong', async () => {
    // Act + Assert
    await expect(
      loadEntry({
        EVENTS_TABLE_NAME: 'events',
        ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
        CRITICAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:critical',
        DETECTION_CONFIG: '{"alertThreshold":"severe"}',
      }),
    ).rejects.toThrow(/alertThreshold/);
  });
});
