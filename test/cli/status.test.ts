// `voiso-sec status` against a deployed stack, every AWS client stubbed: what each answer turns
// into, which findings are problems (exit 1) and which are warnings.
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetAccessKeyLastUsedCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { UsageError } from '../../cli/errors';
import type { Check, StatusReport } from '../../cli/status/checks';
import { deployedStatus } from '../../cli/status/deployed';
import { formatStatus } from '../../cli/status/format';

const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const cloudwatch = mockClient(CloudWatchClient);
const dynamodb = mockClient(DynamoDBClient);
const iam = mockClient(IAMClient);

const NOW = new Date('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const MINUTE = 60_000;
const DAY = 86_400_000;

const TOPIC = (name: string) => `arn:aws:sns:eu-west-1:123456789012:VoisoSec-${name}`;
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/VoisoSec-IntakeQueue';
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/VoisoSec-IntakeDeadLetterQueue';
const OUTPUTS: Record<string, string> = {
  EventsQueueUrl: QUEUE,
  DeadLetterQueueUrl: DLQ,
  EventsTableName: 'VoisoSec-EventsTable',
  AlertsTopicArn: TOPIC('alerts'),
  CriticalTopicArn: TOPIC('critical'),
  OpsTopicArn: TOPIC('ops'),
  IngestFunctionName: 'VoisoSec-IngestFunction',
};
const ALARMS = ['VoisoSec-MonitoringBacklog-1', 'VoisoSec-MonitoringVoisoSilent-2'];
const USERS = ['VoisoSec-VoisoAccessUser-A', 'VoisoSec-VoisoAccessUserB-B'];

const confirmed = (protocol: string, endpoint: string) => ({
  SubscriptionArn: `${TOPIC('alerts')}:${endpoint}`,
  Protocol: protocol,
  Endpoint: endpoint,
});
const pending = (endpoint: string) => ({
  SubscriptionArn: 'PendingConfirmation',
  Protocol: 'email',
  Endpoint: endpoint,
});

const alarmResources = ALARMS.map((name, i) => ({
  LogicalResourceId: `Alarm${i}`,
  PhysicalResourceId: name,
  ResourceType: 'AWS::CloudWatch::Alarm',
  ResourceStatus: 'CREATE_COMPLETE' as const,
  LastUpdatedTimestamp: ago(DAY),
}));
const userResources = (names: readonly string[]) =>
  names.map((name) => ({
    LogicalResourceId: name,
    PhysicalResourceId: name,
    ResourceType: 'AWS::IAM::User',
    ResourceStatus: 'CREATE_COMPLETE' as const,
    LastUpdatedTimestamp: ago(DAY),
  }));

/** A deployment where everything is fine. */
function healthy(): void {
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'VoisoSec',
        CreationTime: ago(90 * DAY),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({
          OutputKey,
          OutputValue,
        })),
      },
    ],
  });
  cloudFormation.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [...alarmResources, ...userResources(USERS.slice(0, 1))],
  });
  lambda.on(GetFunctionConfigurationCommand).resolves({
    Environment: {
      Variables: {
        DETECTION_CONFIG: JSON.stringify({
          alertThreshold: 'high',
          detections: { 'new-source': { enabled: false } },
          suppressions: [{ id: 'robot', actor: 'robot@acme.example' }],
        }),
      },
    },
  });
  sns.on(ListSubscriptionsByTopicCommand).resolves({
    Subscriptions: [confirmed('email', 'secops@acme.example')],
  });
  sqs.on(GetQueueAttributesCommand).resolves({
    Attributes: {
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
    },
  });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE }).resolves({
    Attributes: {
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '2',
      ApproximateNumberOfMessagesDelayed: '0',
    },
  });
  cloudwatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: 'sent', Timestamps: [ago(5 * MINUTE), ago(10 * MINUTE)], Values: [0, 12] },
      { Id: 'age', Timestamps: [ago(5 * MINUTE)], Values: [3] },
      { Id: 'dlqAge', Timestamps: [], Values: [] },
    ],
  });
  cloudwatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: ALARMS.map((AlarmName) => ({ AlarmName, StateValue: 'OK' as const })),
  });
  dynamodb.on(QueryCommand).resolves({ Items: [], Count: 0 });
  dynamodb.on(QueryCommand, { ExpressionAttributeValues: { ':p': { S: 'SEV#info' } } }).resolves({
    Items: [
      {
        pk: { S: 'CC#acme' },
        sk: { S: '2026-12-01T11:58:00.000000000Z#abc' },
        callcenter: { S: 'acme' },
      },
    ],
  });
  iam.on(ListAccessKeysCommand).resolves({
    AccessKeyMetadata: [
      {
        UserName: USERS[0],
        AccessKeyId: 'AKIAACTIVE',
        Status: 'Active',
        CreateDate: ago(30 * DAY),
      },
    ],
  });
  iam.on(GetAccessKeyLastUsedCommand).resolves({
    AccessKeyLastUsed: { LastUsedDate: ago(2 * MINUTE), ServiceName: 'sqs', Region: 'eu-west-1' },
  });
}

const check = (status: StatusReport, name: string): Check => {
  const found = status.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}: ${status.checks.map((c) => c.name).join(', ')}`);
  return found;
};

const run = () => deployedStatus({ stack: 'VoisoSec', region: 'eu-west-1' }, NOW);

describe('status of a deployed stack', () => {
  beforeEach(() => {
    for (const client of [cloudFormation, lambda, sns, sqs, cloudwatch, dynamodb, iam]) {
      client.reset();
    }
    healthy();
  });

  it('is healthy when everything is, and says what it looked at', async () => {
    const status = await run();

    expect(status.healthy).toBe(true);
    expect(status.problems).toEqual([]);
    expect(check(status, 'stack').summary).toBe('VoisoSec in eu-west-1: UPDATE_COMPLETE');
    expect(check(status, 'configuration').summary).toBe(
      'threshold high; 8/9 detections on; 1 suppression; folding 10 min',
    );
    expect(check(status, 'alerts topic')).toMatchObject({
      level: 'ok',
      summary: '1 confirmed subscriber',
    });
    expect(check(status, 'events in').summary).toBe(
      'last message sent to the events queue 10 min ago (within 5 min)',
    );
    expect(check(status, 'events queue').summary).toBe('0 queued, 2 in flight; oldest 3 s');
    expect(check(status, 'dead-letter queue')).toMatchObject({ level: 'ok', summary: 'empty' });
    expect(check(status, 'alarms').summary).toBe('none of 2 in ALARM');
    expect(check(status, 'newest event').summary).toContain('2026-12-01T11:58:00.000Z');
    expect(check(status, 'quarantine').level).toBe('ok');
    expect(check(status, "Voiso's access key")).toMatchObject({
      level: 'ok',
      summary: 'AKIAACTIVE is 30 d old, last used 2 min ago; no previous key active',
    });
    expect(formatStatus(status)).toContain('Healthy: no problem found.');
  });

  it('reads the alarms and users the stack lists, and the function its output names', async () => {
    await run();

    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNames: ALARMS,
    });
    expect(iam.commandCalls(ListAccessKeysCommand)[0]?.args[0].input).toEqual({
      UserName: USERS[0],
    });
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'VoisoSec-IngestFunction',
    });
  });

  it('flags a topic nobody receives, and subscriptions still pending confirmation', async () => {
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC('critical') }).resolves({
      Subscriptions: [],
    });
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC('ops') }).resolves({
      Subscriptions: [pending('platform@acme.example')],
    });
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC('alerts') }).resolves({
      Subscriptions: [
        confirmed('lambda', 'arn:aws:lambda:eu-west-1:123456789012:function:Slack'),
        pending('secops@acme.example'),
      ],
    });

    const status = await run();

    expect(status.healthy).toBe(false);
    expect(check(status, 'critical topic')).toMatchObject({
      level: 'problem',
      summary: 'no subscriber: its alerts reach nobody',
    });
    expect(check(status, 'ops topic')).toMatchObject({
      level: 'problem',
      summary:
        'no confirmed subscriber (1 subscription pending confirmation): its alerts reach nobody yet',
    });
    expect(check(status, 'alerts topic')).toMatchObject({
      level: 'problem',
      summary: '1 confirmed subscriber; 1 pending confirmation, receiving nothing',
    });
    expect(check(status, 'alerts topic').details).toContain(
      "pending confirmation: email secops@acme.example (the address must click the link in AWS's mail)",
    );
    expect(status.problems).toHaveLength(3);
  });

  it('is a problem when the dead-letter queue holds messages or an alarm fires', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ }).resolves({
      Attributes: { ApproximateNumberOfMessages: '4' },
    });
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'sent', Timestamps: [], Values: [] },
        { Id: 'dlqAge', Timestamps: [ago(MINUTE)], Values: [2 * 86_400] },
      ],
    });
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: ALARMS[0], StateValue: 'OK' },
        {
          AlarmName: ALARMS[1],
          StateValue: 'ALARM',
          StateReason: 'Threshold Crossed: no datapoints',
          StateUpdatedTimestamp: ago(7 * 3_600_000),
        },
      ],
    });

    const status = await run();

    expect(check(status, 'dead-letter queue')).toMatchObject({
      level: 'problem',
      summary:
        '4 messages, oldest 2 d: find the cause in the ingest logs, fix it, then voiso-sec redrive',
    });
    expect(check(status, 'alarms')).toMatchObject({
      level: 'problem',
      summary: '1 of 2 in ALARM: VoisoSec-MonitoringVoisoSilent-2',
    });
    expect(check(status, 'events in')).toMatchObject({
      level: 'warning',
      summary: 'no message sent to the events queue in the last 14 days',
    });
    expect(status.problems).toEqual([
      'dead-letter queue: 4 messages, oldest 2 d: find the cause in the ingest logs, fix it, then voiso-sec redrive',
      'alarms: 1 of 2 in ALARM: VoisoSec-MonitoringVoisoSilent-2',
    ]);
  });

  it('warns while a previous key is still active, and about an old key', async () => {
    cloudFormation.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [...alarmResources, ...userResources(USERS)],
    });
    iam.on(ListAccessKeysCommand, { UserName: USERS[0] }).resolves({
      AccessKeyMetadata: [
        {
          UserName: USERS[0],
          AccessKeyId: 'AKIAOLD',
          Status: 'Active',
          CreateDate: ago(400 * DAY),
        },
      ],
    });
    iam.on(ListAccessKeysCommand, { UserName: USERS[1] }).resolves({
      AccessKeyMetadata: [
        {
          UserName: USERS[1],
          AccessKeyId: 'AKIANEW',
          Status: 'Active',
          CreateDate: ago(100 * DAY),
        },
      ],
    });
    iam.on(GetAccessKeyLastUsedCommand, { AccessKeyId: 'AKIAOLD' }).resolves({
      AccessKeyLastUsed: { LastUsedDate: ago(3 * DAY), ServiceName: 'sqs', Region: 'x' },
    });

    const status = await run();

    const key = check(status, "Voiso's access key");
    expect(key.level).toBe('warning');
    expect(key.summary).toContain('AKIANEW is 100 d old');
    expect(key.summary).toContain('over 90 days: rotate it');
    expect(key.summary).toContain(
      'the previous key AKIAOLD (last used 3 d ago) is still active: once Voiso uses the new one, set deactivatePreviousVoisoKey',
    );
    expect(status.healthy).toBe(true);
  });

  it('turns a call it may not make into a problem naming it, and keeps the other checks', async () => {
    iam.on(ListAccessKeysCommand).rejects(
      Object.assign(new Error('not authorized to perform: iam:ListAccessKeys'), {
        name: 'AccessDenied',
      }),
    );

    const status = await run();

    expect(check(status, "Voiso's access key")).toMatchObject({
      level: 'problem',
      summary: 'could not check: AWS denied access: not authorized to perform: iam:ListAccessKeys',
    });
    expect(check(status, 'alarms').level).toBe('ok');
  });

  it('says a deployment made before the IngestFunctionName output cannot show its configuration', async () => {
    const { IngestFunctionName: _, ...older } = OUTPUTS;
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'VoisoSec',
          CreationTime: ago(DAY),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: Object.entries(older).map(([OutputKey, OutputValue]) => ({
            OutputKey,
            OutputValue,
          })),
        },
      ],
    });

    const status = await run();

    expect(check(status, 'configuration')).toMatchObject({ level: 'warning' });
    expect(status.healthy).toBe(true);
  });

  it('is a usage error when the stack does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }),
      );

    await expect(run()).rejects.toThrow(UsageError);
  });

  it('is a problem when the stack is in a failed state', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'VoisoSec',
          CreationTime: ago(DAY),
          StackStatus: 'UPDATE_ROLLBACK_FAILED',
          Outputs: [],
        },
      ],
    });

    const status = await run();

    expect(check(status, 'stack').level).toBe('problem');
    expect(check(status, 'alerts topic').summary).toBe('not in the stack outputs');
  });
});
