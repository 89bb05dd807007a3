// `voiso-sec status` against a deployed stack: every check reads AWS only (nothing is changed),
// each on its own so that one denied call leaves the others standing.
//
// Where each answer comes from: the stack and its outputs (CloudFormation DescribeStacks); the
// alarms and Voiso's IAM users (ListStackResources: every AWS::CloudWatch::Alarm and
// AWS::IAM::User of the stack; the alarm's physical id is its name); the configuration (the
// ingest function's DETECTION_CONFIG, Lambda GetFunctionConfiguration); subscribers (SNS
// ListSubscriptionsByTopic); queue depths (SQS GetQueueAttributes); the age of the oldest message
// and the last message sent (CloudWatch GetMetricData on the queues' metrics); the newest event
// and quarantined messages (DynamoDB queries); Voiso's keys (IAM ListAccessKeys and
// GetAccessKeyLastUsed).
import {
  CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type AccessKeyMetadata,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { ListSubscriptionsByTopicCommand, SNSClient, type Subscription } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type AwsOptions, awsClientConfig, DEFAULT_STACK_NAME, type StackOutputs } from '../aws';
import { deployedDetection } from '../deployed-config';
import { UsageError } from '../errors';
import { duration, plural } from '../terminal';
import {
  type Check,
  configurationLine,
  guarded,
  report,
  type StatusReport,
  storedEventsCheck,
} from './checks';

const DAY_MS = 86_400_000;
/** An access key older than this is due for rotation (CIS AWS Foundations: 90 days). */
const KEY_ROTATION_DAYS = 90;
/** Stack states in which the stack is not what was last deployed. */
const BROKEN_STACK = /FAILED|ROLLBACK_COMPLETE$/;

interface StackFacts {
  readonly name: string;
  readonly status: string;
  readonly outputs: StackOutputs;
  readonly region: string;
}

async function describeStack(options: AwsOptions): Promise<StackFacts> {
  const name = options.stack ?? DEFAULT_STACK_NAME;
  const client = new CloudFormationClient(awsClientConfig(options));
  try {
    const region = await client.config.region().catch(() => 'the current region');
    let result: DescribeStacksCommandOutput;
    try {
      result = await client.send(new DescribeStacksCommand({ StackName: name }));
    } catch (error) {
      if (error instanceof Error && error.name === 'ValidationError') {
        throw new UsageError(
          `Stack "${name}" not found in ${region}: deploy it, or pass --stack/--region`,
        );
      }
      throw error;
    }
    const stack = result.Stacks?.[0];
    if (!stack) throw new UsageError(`Stack "${name}" not found in ${region}`);
    const outputs: Record<string, string> = {};
    for (const output of stack.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue !== undefined) {
        outputs[output.OutputKey] = output.OutputValue;
      }
    }
    return { name, status: stack.StackStatus ?? 'UNKNOWN', outputs, region };
  } finally {
    client.destroy();
  }
}

async function stackResources(options: AwsOptions, name: string): Promise<StackResourceSummary[]> {
  const client = new CloudFormationClient(awsClientConfig(options));
  try {
    const resources: StackResourceSummary[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListStackResourcesCommand({ StackName: name, NextToken: token }),
      );
      resources.push(...(page.StackResourceSummaries ?? []));
      token = page.NextToken;
    } while (token);
    return resources;
  } finally {
    client.destroy();
  }
}

const ofType = (resources: readonly StackResourceSummary[], type: string): string[] =>
  resources.flatMap((r) =>
    r.ResourceType === type && r.PhysicalResourceId ? [r.PhysicalResourceId] : [],
  );

const TOPICS = [
  ['alerts', 'AlertsTopicArn'],
  ['critical', 'CriticalTopicArn'],
  ['ops', 'OpsTopicArn'],
] as const;

async function subscriptions(sns: SNSClient, topicArn: string): Promise<Subscription[]> {
  const all: Subscription[] = [];
  let token: string | undefined;
  do {
    const page = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }),
    );
    all.push(...(page.Subscriptions ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}

const PENDING = 'PendingConfirmation';

/** A topic nobody receives, or someone who has not confirmed: the usual reason nobody is told. */
export async function topicCheck(
  sns: SNSClient,
  topic: string,
  topicArn: string | undefined,
): Promise<Check> {
  const name = `${topic} topic`;
  if (!topicArn) return { name, level: 'problem', summary: 'not in the stack outputs' };
  const subs = await subscriptions(sns, topicArn);
  const endpoint = (s: Subscription) => `${s.Protocol ?? '?'} ${s.Endpoint ?? '?'}`;
  const confirmed = subs.filter((s) => s.SubscriptionArn !== PENDING);
  const pending = subs.filter((s) => s.SubscriptionArn === PENDING);
  const details = [
    ...confirmed.map((s) => `confirmed: ${endpoint(s)}`),
    ...pending.map(
      (s) => `pending confirmation: ${endpoint(s)} (the address must click the link in AWS's mail)`,
    ),
  ];
  if (confirmed.length === 0) {
    return {
      name,
      level: 'problem',
      summary:
        pending.length === 0
          ? 'no subscriber: its alerts reach nobody'
          : `no confirmed subscriber (${plural(pending.length, 'subscription')} pending confirmation): its alerts reach nobody yet`,
      details,
    };
  }
  return {
    name,
    level: pending.length > 0 ? 'problem' : 'ok',
    summary:
      `${plural(confirmed.length, 'confirmed subscriber')}` +
      (pending.length > 0 ? `; ${pending.length} pending confirmation, receiving nothing` : ''),
    details,
  };
}

const queueName = (url: string) => url.slice(url.lastIndexOf('/') + 1);

interface QueueFacts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

async function queueFacts(sqs: SQSClient, url: string): Promise<QueueFacts> {
  const result = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const a = result.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

interface QueueMetrics {
  /** Newest 5-minute period in which messages were sent to the events queue, epoch ms. */
  readonly lastSent?: number;
  /** Latest ApproximateAgeOfOldestMessage, seconds (within the last 15 minutes). */
  readonly age?: number;
  readonly deadLetterAge?: number;
}

/** One GetMetricData call over 14 days at 5-minute periods (CloudWatch keeps those 63 days). */
async function queueMetrics(
  cloudwatch: CloudWatchClient,
  queue: string,
  deadLetterQueue: string,
  now: Date,
): Promise<QueueMetrics> {
  const metric = (id: string, name: string, metricName: string, stat: string) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/SQS',
        MetricName: metricName,
        Dimensions: [{ Name: 'QueueName', Value: name }],
      },
      Period: 300,
      Stat: stat,
    },
  });
  const results: MetricDataResult[] = [];
  let token: string | undefined;
  do {
    const page = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now.getTime() - 14 * DAY_MS),
        EndTime: now,
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [
          metric('sent', queue, 'NumberOfMessagesSent', 'Sum'),
          metric('age', queue, 'ApproximateAgeOfOldestMessage', 'Maximum'),
          metric('dlqAge', deadLetterQueue, 'ApproximateAgeOfOldestMessage', 'Maximum'),
        ],
        NextToken: token,
      }),
    );
    results.push(...(page.MetricDataResults ?? []));
    token = page.NextToken;
  } while (token);
  const points = (id: string) =>
    results
      .filter((r) => r.Id === id)
      .flatMap((r) =>
        (r.Timestamps ?? []).map((t, i) => ({ t: t.getTime(), v: r.Values?.[i] ?? 0 })),
      )
      .sort((a, b) => b.t - a.t);
  const recent = (id: string) => {
    const latest = points(id)[0];
    return latest !== undefined && now.getTime() - latest.t <= 15 * 60_000 ? latest.v : undefined;
  };
  const lastSent = points('sent').find((p) => p.v > 0)?.t;
  const age = recent('age');
  const deadLetterAge = recent('dlqAge');
  return {
    ...(lastSent !== undefined && { lastSent }),
    ...(age !== undefined && { age }),
    ...(deadLetterAge !== undefined && { deadLetterAge }),
  };
}

async function queueChecks(
  options: AwsOptions,
  outputs: StackOutputs,
  now: Date,
): Promise<Check[]> {
  const queueUrl = outputs.EventsQueueUrl;
  const dlqUrl = outputs.DeadLetterQueueUrl;
  if (!queueUrl || !dlqUrl) {
    return [{ name: 'queues', level: 'problem', summary: 'not in the stack outputs' }];
  }
  const sqs = new SQSClient(awsClientConfig(options));
  const cloudwatch = new CloudWatchClient(awsClientConfig(options));
  try {
    const [queue, dlq, metrics] = await Promise.all([
      queueFacts(sqs, queueUrl),
      queueFacts(sqs, dlqUrl),
      queueMetrics(cloudwatch, queueName(queueUrl), queueName(dlqUrl), now).catch(() => undefined),
    ]);
    const ageText = (seconds: number | undefined) =>
      seconds === undefined ? 'age not reported' : `oldest ${duration(seconds * 1000)}`;
    const dlqTotal = dlq.visible + dlq.inFlight + dlq.delayed;
    return [
      {
        name: 'events in',
        level: metrics?.lastSent === undefined ? 'warning' : 'info',
        summary:
          metrics === undefined
            ? 'CloudWatch metrics unavailable (cloudwatch:GetMetricData)'
            : metrics.lastSent === undefined
              ? 'no message sent to the events queue in the last 14 days'
              : `last message sent to the events queue ${duration(now.getTime() - metrics.lastSent)} ago (within 5 min)`,
      },
      {
        name: 'events queue',
        level: metrics?.age !== undefined && metrics.age > 15 * 60 ? 'warning' : 'ok',
        summary: `${queue.visible} queued, ${queue.inFlight} in flight; ${ageText(metrics?.age)}`,
      },
      {
        name: 'dead-letter queue',
        level: dlqTotal > 0 ? 'problem' : 'ok',
        summary:
          dlqTotal > 0
            ? `${plural(dlqTotal, 'message')}, ${ageText(metrics?.deadLetterAge)}: find the cause in the ingest logs, fix it, then voiso-sec redrive`
            : 'empty',
      },
    ];
  } finally {
    sqs.destroy();
    cloudwatch.destroy();
  }
}

async function alarmCheck(options: AwsOptions, alarmNames: readonly string[]): Promise<Check> {
  const name = 'alarms';
  if (alarmNames.length === 0) {
    return { name, level: 'problem', summary: 'the stack lists no CloudWatch alarm' };
  }
  const cloudwatch = new CloudWatchClient(awsClientConfig(options));
  try {
    const alarms = [];
    for (let i = 0; i < alarmNames.length; i += 100) {
      const page = await cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNames: alarmNames.slice(i, i + 100) }),
      );
      alarms.push(...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? []));
    }
    const firing = alarms.filter((a) => a.StateValue === 'ALARM');
    return {
      name,
      level: firing.length > 0 ? 'problem' : 'ok',
      summary:
        firing.length > 0
          ? `${firing.length} of ${alarms.length} in ALARM: ${firing.map((a) => a.AlarmName).join(', ')}`
          : `none of ${alarms.length} in ALARM`,
      details: firing.map(
        (a) =>
          `${a.AlarmName} since ${a.StateUpdatedTimestamp?.toISOString() ?? '?'}: ${a.StateReason ?? ''}`,
      ),
    };
  } finally {
    cloudwatch.destroy();
  }
}

interface KeyFacts extends AccessKeyMetadata {
  readonly lastUsed?: Date;
}

/**
 * Voiso's keys, one per key slot user: the newest active key is the one in the secret (every
 * rotation writes the new key there); any other active key is the previous one, still valid.
 */
export async function voisoKeyCheck(
  options: AwsOptions,
  users: readonly string[],
  now: Date,
): Promise<Check> {
  const name = "Voiso's access key";
  if (users.length === 0) return { name, level: 'problem', summary: 'the stack lists no IAM user' };
  const iam = new IAMClient(awsClientConfig(options));
  try {
    const keys: KeyFacts[] = [];
    for (const user of users) {
      const listed = await iam.send(new ListAccessKeysCommand({ UserName: user }));
      for (const key of listed.AccessKeyMetadata ?? []) {
        if (key.Status !== 'Active' || !key.AccessKeyId) {
          keys.push(key);
          continue;
        }
        const used = await iam.send(
          new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }),
        );
        keys.push({
          ...key,
          ...(used.AccessKeyLastUsed?.LastUsedDate && {
            lastUsed: used.AccessKeyLastUsed.LastUsedDate,
          }),
        });
      }
    }
    const active = keys
      .filter((k) => k.Status === 'Active')
      .sort((a, b) => (b.CreateDate?.getTime() ?? 0) - (a.CreateDate?.getTime() ?? 0));
    const [current, ...previous] = active;
    if (current === undefined) {
      return { name, level: 'problem', summary: 'no active key: Voiso cannot send' };
    }
    const age = now.getTime() - (current.CreateDate?.getTime() ?? now.getTime());
    const used = (k: KeyFacts) =>
      k.lastUsed === undefined
        ? 'never used'
        : `last used ${duration(now.getTime() - k.lastUsed.getTime())} ago`;
    const old = age > KEY_ROTATION_DAYS * DAY_MS;
    return {
      name,
      level: old || previous.length > 0 ? 'warning' : 'ok',
      summary:
        `${current.AccessKeyId} is ${duration(age)} old, ${used(current)}` +
        (old ? ` (over ${KEY_ROTATION_DAYS} days: rotate it, README "Rotate Voiso's key")` : '') +
        (previous.length > 0
          ? `; the previous key ${previous.map((k) => `${k.AccessKeyId} (${used(k)})`).join(', ')} is still active: once Voiso uses the new one, set deactivatePreviousVoisoKey`
          : '; no previous key active'),
      details: keys.map(
        (k) =>
          `${k.UserName}: ${k.AccessKeyId} ${k.Status}, created ${k.CreateDate?.toISOString() ?? '?'}` +
          (k.Status === 'Active' ? `, ${used(k)}` : ''),
      ),
    };
  } finally {
    iam.destroy();
  }
}

async function configurationCheck(options: AwsOptions, outputs: StackOutputs): Promise<Check> {
  const deployed = await deployedDetection(options, outputs);
  return deployed.ok
    ? { name: 'configuration', level: 'info', summary: configurationLine(deployed.detection) }
    : { name: 'configuration', level: 'warning', summary: deployed.problem };
}

export async function deployedStatus(options: AwsOptions, now = new Date()): Promise<StatusReport> {
  const stack = await describeStack(options);
  const { outputs } = stack;
  const stackCheck: Check = {
    name: 'stack',
    level: BROKEN_STACK.test(stack.status)
      ? 'problem'
      : stack.status.endsWith('IN_PROGRESS')
        ? 'warning'
        : 'ok',
    summary: `${stack.name} in ${stack.region}: ${stack.status}`,
  };
  const resources = stackResources(options, stack.name);
  const sns = new SNSClient(awsClientConfig(options));
  const table = outputs.EventsTableName;
  const dynamodb = new DynamoDBClient(awsClientConfig(options));
  try {
    const groups = await Promise.all([
      guarded('configuration', () => configurationCheck(options, outputs)),
      ...TOPICS.map(([topic, output]) =>
        guarded(`${topic} topic`, () => topicCheck(sns, topic, outputs[output])),
      ),
      guarded('queues', () => queueChecks(options, outputs, now)),
      guarded('alarms', async () =>
        alarmCheck(options, ofType(await resources, 'AWS::CloudWatch::Alarm')),
      ),
      guarded('stored events', async () =>
        table
          ? storedEventsCheck(dynamodb, table, now)
          : { name: 'stored events', level: 'problem', summary: 'no EventsTableName output' },
      ),
      guarded("Voiso's access key", async () =>
        voisoKeyCheck(options, ofType(await resources, 'AWS::IAM::User'), now),
      ),
    ]);
    return report(`stack ${stack.name} in ${stack.region}`, [stackCheck, ...groups.flat()]);
  } finally {
    sns.destroy();
    dynamodb.destroy();
  }
}
