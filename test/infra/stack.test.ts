// What the stack promises for security and correctness, asserted on the synthesized template
// (one synth, reused): Voiso's narrow access, TLS, encryption, the event source, the table
// layout the ingest handler writes, alarms, outputs, and no hard-coded names.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { parseDetectionSettings } from '../../contract/config';
import { MAX_MESSAGE_BYTES } from '../../contract/limits';
import { ALARMED_METRICS, METRICS } from '../../contract/metrics';
import { PIPELINE_DEFAULTS } from '../../contract/pipeline-defaults';
import { INDEX_UPGRADE_STEPS, INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../contract/table';
import { MAX_QUARANTINE_BODY_BYTES } from '../../lambda/core/items';
import { buildStack, fullContext, logicalIdOf, PHYSICAL_NAME_PROPERTIES } from './support';

const STACK = 'VoisoSecTest';
let template: Template;
let ids: Record<string, string>;

beforeAll(() => {
  template = buildStack(fullContext(), STACK).template;
  ids = {
    queue: logicalIdOf(template, 'AWS::SQS::Queue', 'IntakeQueue'),
    dlq: logicalIdOf(template, 'AWS::SQS::Queue', 'IntakeDeadLetterQueue'),
    table: logicalIdOf(template, 'AWS::DynamoDB::Table', 'EventsTable'),
    ingest: logicalIdOf(template, 'AWS::Lambda::Function', 'IngestFunction'),
    notifier: logicalIdOf(template, 'AWS::Lambda::Function', 'AlertingSlackNotifier'),
    opsTopic: logicalIdOf(template, 'AWS::SNS::Topic', 'AlertingOpsTopic'),
    alertsTopic: logicalIdOf(template, 'AWS::SNS::Topic', 'AlertingAlertsTopic'),
    criticalTopic: logicalIdOf(template, 'AWS::SNS::Topic', 'AlertingCriticalTopic'),
    undelivered: logicalIdOf(template, 'AWS::SQS::Queue', 'AlertingUndeliveredQueue'),
  };
});

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const gsiShape = (i: {
  IndexName: string;
  KeySchema: { AttributeName: string; KeyType: string }[];
  Projection: unknown;
}) => {
  expect(i.KeySchema[1]).toEqual({ AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' });
  return [i.IndexName, i.KeySchema[0]?.AttributeName, i.Projection];
};
const ingestEnv = (): Record<string, unknown> =>
  template.toJSON().Resources[ids.ingest as string].Properties.Environment.Variables;

describe("Voiso's access", () => {
  it.each([
    ['slot A', 'VoisoAccessUser'],
    ['slot B', 'VoisoAccessSlotBUser'],
  ])(
    'lets the Voiso user of %s call exactly sqs:SendMessage on the events queue, from its ranges only',
    (_slot, prefix) => {
      // prepare
      const userId = logicalIdOf(template, 'AWS::IAM::User', prefix);
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { Users: [{ Ref: userId }] },
      });

      // act
      const documents = Object.values(policies).map((p) => p.Properties.PolicyDocument);

      // assert
      expect(documents).toEqual([
        {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'SendVoisoSecurityEvents',
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Resource: arnOf(ids.queue as string),
              Condition: { IpAddress: { 'aws:SourceIp': ['198.51.100.0/24'] } },
            },
          ],
        },
      ]);
      const user = template.toJSON().Resources[userId];
      expect(user.Properties?.ManagedPolicyArns).toBeUndefined();
      expect(user.Properties?.Groups).toBeUndefined();
    },
  );

  it('stores the access key pair as JSON in a secret and rotates it with the serial', () => {
    template.hasResourceProperties('AWS::IAM::AccessKey', {
      UserName: { Ref: logicalIdOf(template, 'AWS::IAM::User', 'VoisoAccessSlotBUser') },
      Serial: 2,
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: {
        'Fn::Join': [
          '',
          Match.arrayWith([
            Match.stringLikeRegexp('"accessKeyId":"'),
            Match.stringLikeRegexp('"secretAccessKey":"'),
          ]),
        ],
      },
    });
  });
});

describe('events queue', () => {
  it('is encrypted with SQS-managed keys, keeps 14 days and outlasts 6 function timeouts', () => {
    const queue = template.toJSON().Resources[ids.queue as string].Properties;

    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 30);
    // The local pipeline (voiso-sec simulate/local) redelivers on the same clock.
    expect(queue.VisibilityTimeout).toBe(PIPELINE_DEFAULTS.visibilityTimeoutSeconds);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: arnOf(ids.dlq as string),
      maxReceiveCount: 5,
    });
  });

  it('refuses at the door any message larger than the function can quarantine whole', () => {
    const queue = template.toJSON().Resources[ids.queue as string].Properties;

    // SQS's own default is now 1 MiB; an oversized body must be refused to Voiso, not lost.
    expect(queue.MaximumMessageSize).toBe(MAX_MESSAGE_BYTES);
    expect(MAX_MESSAGE_BYTES).toBeLessThanOrEqual(MAX_QUARANTINE_BODY_BYTES);
  });

  it('denies every request that does not use TLS, on both queues', () => {
    for (const queue of [ids.queue, ids.dlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('encrypts the dead-letter queue, keeps messages 14 days and keeps the queue on stack delete', () => {
    const resource = template.toJSON().Resources[ids.dlq as string];
    const dlq = resource.Properties;

    expect(dlq.SqsManagedSseEnabled).toBe(true);
    expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(dlq.RedrivePolicy).toBeUndefined();
    expect(resource.DeletionPolicy).toBe('Retain');
  });
});

describe('ingest function', () => {
  it('is fed by the events queue with partial batch responses and the configured batching', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(ids.queue as string),
      FunctionName: { Ref: ids.ingest },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('runs nodejs24.x on arm64 with tracing and its own log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 30,
      LoggingConfig: Match.objectLike({
        LogGroup: { Ref: logicalIdOf(template, 'AWS::Logs::LogGroup', 'IngestLogs') },
      }),
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 90 },
      DeletionPolicy: 'Retain',
    });
  });

  it('gets the environment the ingest config loader reads', () => {
    const env = ingestEnv();

    expect(env).toMatchObject({
      EVENTS_TABLE_NAME: { Ref: ids.table },
      ALERTS_TOPIC_ARN: { Ref: ids.alertsTopic },
      CRITICAL_TOPIC_ARN: { Ref: ids.criticalTopic },
      RETENTION_DAYS: '400',
      POWERTOOLS_SERVICE_NAME: STACK,
      POWERTOOLS_METRICS_NAMESPACE: 'VoisoSec',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });

  it('passes a DETECTION_CONFIG the ingest function accepts, with the configured rules', () => {
    const json = JSON.parse(ingestEnv().DETECTION_CONFIG as string);

    const parsed = parseDetectionSettings(json);

    expect(parsed.alertThreshold).toBe('medium');
    expect(json.severityOverrides).toEqual({ 'app_login/successful_login': 'low' });
    expect(json.suppressions.map((s: { id: string }) => s.id)).toEqual([
      'automation-bot',
      'office',
    ]);
  });

  it('may read and write the events table and publish to the alert topics, and nothing more', () => {
    const policy = Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: {
          Roles: [{ Ref: logicalIdOf(template, 'AWS::IAM::Role', 'IngestRole') }],
        },
      }),
    )[0];
    const statements: { Action: string | string[]; Resource: unknown }[] =
      policy?.Properties.PolicyDocument.Statement ?? [];

    const actions = statements.flatMap((s) => s.Action).sort();

    expect(actions).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
        // the SQS event source's own grant, on the events queue
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ],
        Resource: arnOf(ids.table as string),
      }),
    );
    // One statement for both topics (the minimizePolicies feature flag merges them).
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'sns:Publish',
        Resource: [{ Ref: ids.alertsTopic }, { Ref: ids.criticalTopic }],
      }),
    );
  });
});

describe('summary flush', () => {
  const flushId = () => logicalIdOf(template, 'AWS::Lambda::Function', 'SummaryFlushFunction');

  it('runs every four minutes, so a summary goes out within five of its window closing', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(4 minutes)',
      Target: Match.objectLike({
        Arn: arnOf(flushId()),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
      }),
    });
  });

  it('may query and write the table and publish to the alert topics, and nothing more', () => {
    const policy = Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: {
          Roles: [{ Ref: logicalIdOf(template, 'AWS::IAM::Role', 'SummaryFlushFunctionRole') }],
        },
      }),
    )[0];
    const statements: { Action: string | string[]; Resource: unknown }[] =
      policy?.Properties.PolicyDocument.Statement ?? [];

    expect(statements.flatMap((s) => s.Action).sort()).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['dynamodb:Query']),
        Resource: arnOf(ids.table as string),
      }),
    );
  });

  it('gets the environment its loader reads, and runs one at a time', () => {
    const fn = template.toJSON().Resources[flushId()].Properties;

    expect(fn.Environment.Variables).toMatchObject({
      EVENTS_TABLE_NAME: { Ref: ids.table },
      ALERTS_TOPIC_ARN: { Ref: ids.alertsTopic },
      CRITICAL_TOPIC_ARN: { Ref: ids.criticalTopic },
    });
    expect(fn.ReservedConcurrentExecutions).toBe(1);
  });
});

describe('events table', () => {
  it('has the key schema and the three keys-only indexes the ingest handler writes', () => {
    const table = template.toJSON().Resources[ids.table as string].Properties;

    expect(table.KeySchema).toEqual([
      { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
    ]);
    expect(table.GlobalSecondaryIndexes.map(gsiShape)).toEqual(
      Object.values(INDEXES).map((index) => [
        index.name,
        index.partitionKey,
        { ProjectionType: 'KEYS_ONLY' },
      ]),
    );
  });

  it('moves a deployed table to the new indexes one index per deployment', () => {
    const at = (step: number) =>
      buildStack({ indexUpgradeStep: step })
        .template.toJSON()
        .Resources[
          logicalIdOf(template, 'AWS::DynamoDB::Table', 'EventsTable')
        ].Properties.GlobalSecondaryIndexes.map((i: { IndexName: string }) => i.IndexName)
        .sort();
    const layouts = INDEX_UPGRADE_STEPS.map((_, step) => at(step)).concat([
      at(INDEX_UPGRADE_STEPS.length),
    ]);

    // Step 0 is what a deployed table has: the four indexes projecting every attribute.
    expect(layouts[0]).toEqual(['byActor', 'byPair', 'bySeverity', 'bySubject']);
    expect(layouts.at(-1)).toEqual(
      Object.values(INDEXES)
        .map((i) => i.name)
        .sort(),
    );
    // CloudFormation creates or deletes one index per update: each step changes exactly one.
    for (let step = 1; step < layouts.length; step++) {
      const before = new Set(layouts[step - 1]);
      const after = new Set(layouts[step]);
      const changed = [...before, ...after].filter((n) => before.has(n) !== after.has(n));
      expect([step, changed.length]).toEqual([step, 1]);
    }
    expect(() => buildStack({ indexUpgradeStep: INDEX_UPGRADE_STEPS.length + 1 })).toThrow(
      /indexUpgradeStep/,
    );
  });

  it('is on-demand, expires items by TTL, has PITR and deletion protection, and is retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('alerting', () => {
  it("encrypts the alert topics with SNS's AWS-managed key and creates no key to pay for", () => {
    for (const topic of [ids.alertsTopic, ids.criticalTopic]) {
      expect(template.toJSON().Resources[topic as string].Properties.KmsMasterKeyId).toBe(
        'alias/aws/sns',
      );
    }
    // CloudWatch alarms cannot publish to a topic under aws/sns: ops carries alarm states only.
    expect(
      template.toJSON().Resources[ids.opsTopic as string].Properties.KmsMasterKeyId,
    ).toBeUndefined();
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  describe('with customerManagedKey', () => {
    const managed = buildStack(fullContext({ customerManagedKey: true }), STACK).template;
    const topicKey = logicalIdOf(managed, 'AWS::KMS::Key', 'AlertingTopicKey');

    it('encrypts all three topics with the stack key, which CloudWatch alarms may use', () => {
      for (const prefix of ['AlertingAlertsTopic', 'AlertingCriticalTopic', 'AlertingOpsTopic']) {
        const topic = logicalIdOf(managed, 'AWS::SNS::Topic', prefix);
        expect(managed.toJSON().Resources[topic].Properties.KmsMasterKeyId).toEqual(
          arnOf(topicKey),
        );
      }
      managed.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
    });

    it("lets only this account's alarms use the topic key", () => {
      const statements: { Principal?: { Service?: string }; Condition?: unknown }[] =
        managed.toJSON().Resources[topicKey].Properties.KeyPolicy.Statement;

      const cloudWatch = statements.filter(
        (s) => s.Principal?.Service === 'cloudwatch.amazonaws.com',
      );

      expect(cloudWatch).toHaveLength(1);
      expect(cloudWatch[0]?.Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        // A literal partition: the stack's region is known (enablePartitionLiterals).
        ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' },
      });
    });
  });

  it("lets this account's CloudWatch alarms publish to ops and denies non-TLS publishing", () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: ids.opsTopic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '123456789012' } }),
          }),
        ]),
      },
    });
  });

  it('subscribes e-mail addresses with their filter policy and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@acme.com',
      TopicArn: { Ref: ids.criticalTopic },
      FilterPolicy: { callcenter: ['acme-main'] },
      RedrivePolicy: { deadLetterTargetArn: arnOf(ids.undelivered as string) },
    });
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 3);
  });

  it('retries Slack posts twice and then sends them to the undelivered queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.notifier },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: arnOf(ids.undelivered as string) } },
    });
    template.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      {
        Protocol: 'lambda',
        Endpoint: arnOf(ids.notifier as string),
        RedrivePolicy: { deadLetterTargetArn: arnOf(ids.undelivered as string) },
      },
      2,
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SLACK_WEBHOOK_SECRET_ARN: Match.stringLikeRegexp(':secret:voiso-sec/slack-webhook$'),
        }),
      },
    });
  });

  it('posts each critical alert to Slack once when the notifier hears both topics', () => {
    const slackSubscription = (topic: string) =>
      Object.values(
        template.findResources('AWS::SNS::Subscription', {
          Properties: { Protocol: 'lambda', TopicArn: { Ref: topic } },
        }),
      ).map((s) => s.Properties.FilterPolicy);

    const onAlerts = slackSubscription(ids.alertsTopic as string);
    const onCritical = slackSubscription(ids.criticalTopic as string);

    expect(onAlerts).toEqual([{ severity: [{ 'anything-but': ['critical'] }] }]);
    expect(onCritical).toEqual([undefined]);
  });

  it('connects Chatbot with a deny-all guardrail', () => {
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [{ Ref: ids.opsTopic }],
    });
    const chatbot = Object.values(
      template.findResources('AWS::Chatbot::SlackChannelConfiguration'),
    )[0];
    expect(JSON.stringify(chatbot?.Properties.GuardrailPolicies)).toMatch(
      /:iam::aws:policy\/AWSDenyAll"/,
    );
  });
});

describe('monitoring', () => {
  const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm'));

  it('graphs every metric the ingest function emits on the dashboard', () => {
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);

    const missing = Object.values(METRICS).filter((name) => !body.includes(`"${name}\\"`));

    expect(missing).toEqual([]);
  });

  it('sends every alarm and its recovery to the ops topic', () => {
    // 7, plus the two dead-letter alarms of issue 10 (growing, aging) and the summary flush's
    expect(alarms()).toHaveLength(10);
    for (const alarm of alarms()) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: ids.opsTopic }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: ids.opsTopic }]);
    }
  });

  it('raises the silence alarm when nothing was sent for the configured hours, data or not', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'NumberOfMessagesSent',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
      Period: 4 * 3600,
      Statistic: 'Sum',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  it.each([
    ['Errors', 'IngestErrors'],
    ['Throttles', 'IngestThrottles'],
  ])('watches the ingest function for %s', (metricName, alarmId) => {
    const alarm =
      template.toJSON().Resources[
        logicalIdOf(template, 'AWS::CloudWatch::Alarm', `Monitoring${alarmId}`)
      ].Properties;

    expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: metricName });
    expect(alarm.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: ids.ingest } }]);
  });

  it('watches the dead-letter queue, errors, throttles, backlog and quarantine', () => {
    const watched = alarms().map((a) =>
      a.Properties.MetricName
        ? `${a.Properties.Namespace}/${a.Properties.MetricName}`
        : `math/${a.Properties.Metrics.find((m: { Expression?: string }) => m.Expression).Expression}`,
    );

    expect(watched.sort()).toEqual(
      [
        // ingest and the summary flush
        'AWS/Lambda/Errors',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
        'AWS/Lambda/Errors',
        'AWS/Lambda/Throttles',
        'AWS/SQS/ApproximateAgeOfOldestMessage',
        'VoisoSec/QuarantinedMessages',
        'AWS/SQS/NumberOfMessagesSent',
        // the dead-letter queue's new arrivals and the age of its oldest message
        'math/DIFF(deadLettered)',
        'AWS/SQS/ApproximateAgeOfOldestMessage',
      ].sort(),
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.dlq, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'VoisoSec',
      MetricName: 'QuarantinedMessages',
      Dimensions: [{ Name: 'service', Value: STACK }],
      Threshold: 0,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 15 * 60,
    });
  });

  it('treats a missing custom metric as nothing happened: the functions publish only non-zero values', () => {
    const custom = alarms().filter((a) => a.Properties.Namespace === 'VoisoSec');

    expect(custom.length).toBeGreaterThan(0);
    for (const alarm of custom) {
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
      expect(ALARMED_METRICS.has(alarm.Properties.MetricName)).toBe(true);
    }
    expect(ingestEnv()).toMatchObject({ METRICS: 'all' });
  });

  it('leaves out the dashboard, and the metrics only it reads, with `dashboard: false`', () => {
    const lean = buildStack({ dashboard: false }).template;
    const functions = Object.values(lean.findResources('AWS::Lambda::Function'));

    lean.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    lean.resourceCountIs('AWS::CloudWatch::Alarm', alarms().length);
    expect(Object.keys(lean.toJSON().Outputs)).not.toContain('DashboardUrl');
    const scopes = functions
      .map((fn) => fn.Properties.Environment?.Variables?.METRICS)
      .filter((scope) => scope !== undefined);
    // The ingest function and the summary flush publish metrics; both only what alarms read.
    expect(scopes).toEqual(['alarms', 'alarms']);
  });

  it('turns X-Ray tracing off with `tracing: false`', () => {
    const untraced = buildStack({ tracing: false }).template;

    for (const fn of Object.values(untraced.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.TracingConfig?.Mode).not.toBe('Active');
    }
  });
});

describe('outputs and names', () => {
  it('exports exactly the outputs the CLI reads', () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(
      [
        'EventsQueueUrl',
        'EventsQueueArn',
        'DeadLetterQueueUrl',
        'DeadLetterQueueArn',
        'EventsTableName',
        'AlertsTopicArn',
        'CriticalTopicArn',
        'OpsTopicArn',
        'VoisoCredentialsSecretName',
        'DashboardUrl',
        'IngestFunctionName',
      ].sort(),
    );
  });

  it('hard-codes no physical resource names (a required one is derived from the stack name)', () => {
    const named = Object.entries(
      template.toJSON().Resources as Record<
        string,
        { Type: string; Properties?: Record<string, unknown> }
      >,
    )
      .filter(
        ([, r]) =>
          r.Type !== 'AWS::Lambda::EventSourceMapping' && r.Type !== 'AWS::Lambda::Permission',
      )
      .flatMap(([id, r]) =>
        PHYSICAL_NAME_PROPERTIES.filter((p) => typeof r.Properties?.[p] === 'string')
          .filter((p) => !String(r.Properties?.[p]).startsWith(`${STACK}-`))
          .map((p) => `${id}.${p}`),
      );

    expect(named).toEqual([]);
  });
});

describe('customer-managed key', () => {
  let keyed: Template;
  let dataKey: string;

  beforeAll(() => {
    keyed = buildStack(fullContext({ customerManagedKey: true }), STACK).template;
    dataKey = logicalIdOf(keyed, 'AWS::KMS::Key', 'DataKey');
  });

  it('encrypts both intake queues with customer-managed keys, the events queue with its own', () => {
    const resources = keyed.toJSON().Resources;
    const intakeKey = logicalIdOf(keyed, 'AWS::KMS::Key', 'IntakeKey');
    const keyOf = (prefix: string) =>
      resources[logicalIdOf(keyed, 'AWS::SQS::Queue', prefix)].Properties;

    // Issue 10: the key Voiso may use (the events queue's) encrypts nothing else.
    expect(keyOf('IntakeQueue').KmsMasterKeyId).toEqual(arnOf(intakeKey));
    expect(keyOf('IntakeDeadLetterQueue').KmsMasterKeyId).toEqual(arnOf(dataKey));
    for (const prefix of ['IntakeQueue', 'IntakeDeadLetterQueue']) {
      expect(keyOf(prefix).SqsManagedSseEnabled).toBeUndefined();
    }
    expect(intakeKey).not.toEqual(dataKey);
  });

  it('encrypts the events table with the data key', () => {
    const table =
      keyed.toJSON().Resources[logicalIdOf(keyed, 'AWS::DynamoDB::Table', 'EventsTable')]
        .Properties;

    expect(table.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: arnOf(dataKey),
    });
  });

  it("lets each Voiso user encrypt with the events queue's key, only through SQS for that queue", () => {
    const intakeKey = logicalIdOf(keyed, 'AWS::KMS::Key', 'IntakeKey');
    const queue = logicalIdOf(keyed, 'AWS::SQS::Queue', 'IntakeQueue');
    for (const prefix of ['VoisoAccessUser', 'VoisoAccessSlotBUser']) {
      const userId = logicalIdOf(keyed, 'AWS::IAM::User', prefix);
      const statements = Object.values(
        keyed.findResources('AWS::IAM::Policy', { Properties: { Users: [{ Ref: userId }] } }),
      ).flatMap((p) => p.Properties.PolicyDocument.Statement);

      expect(statements).toEqual([
        expect.objectContaining({ Action: 'sqs:SendMessage' }),
        {
          Sid: 'EncryptThroughSqsForTheEventsQueueOnly',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: arnOf(intakeKey),
          Condition: {
            StringEquals: {
              'kms:ViaService': { 'Fn::Join': ['', ['sqs.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
              'kms:EncryptionContext:aws:sqs:arn': arnOf(queue),
            },
          },
        },
      ]);
    }
  });

  it('never lets anyone outside the stack use the key of the table and the dead-letter queue', () => {
    const intakeKey = logicalIdOf(keyed, 'AWS::KMS::Key', 'IntakeKey');
    const policies = Object.values(keyed.findResources('AWS::IAM::Policy'));
    const usersOf = (key: string) =>
      policies
        .filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes(`"${key}"`))
        .flatMap((p) => [...(p.Properties.Users ?? []), ...(p.Properties.Roles ?? [])])
        .map((principal: { Ref: string }) => principal.Ref);

    const dataKeyUsers = usersOf(dataKey);

    // The two functions inside the stack that read and write the table.
    expect(dataKeyUsers.sort()).toEqual(
      [
        logicalIdOf(keyed, 'AWS::IAM::Role', 'IngestRole'),
        logicalIdOf(keyed, 'AWS::IAM::Role', 'SummaryFlushFunctionRole'),
      ].sort(),
    );
    expect(usersOf(intakeKey).sort()).toEqual(
      [
        logicalIdOf(keyed, 'AWS::IAM::Role', 'IngestRole'),
        logicalIdOf(keyed, 'AWS::IAM::User', 'VoisoAccessUser'),
        logicalIdOf(keyed, 'AWS::IAM::User', 'VoisoAccessSlotBUser'),
      ].sort(),
    );
    for (const key of [dataKey, intakeKey]) {
      const statements = keyed.toJSON().Resources[key].Properties.KeyPolicy.Statement;
      // Only the account (IAM policies decide, as above): no other principal in the key policy.
      expect(statements.map((s: { Principal: unknown }) => s.Principal)).toEqual([
        { AWS: 'arn:aws:iam::123456789012:root' },
      ]);
    }
  });
});
