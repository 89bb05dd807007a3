// Issue 10, the infrastructure half: what a security review found in the synthesized template, each
// finding asserted where it shows first (a synth warning, a template property, a policy).
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { NO_SUBSCRIBER_WARNING } from '../../lib/constructs/alerting';
import { VOISO_ACCESS_WARNINGS } from '../../lib/constructs/voiso-access';
import { ADMIN_ROLE_ARN, buildStack, fullContext, logicalIdOf, SECRET_READER_ARN } from './support';

const STACK = 'VoisoSecTest';
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
/** The role CloudFormation deploys with after `cdk bootstrap`, as an Fn::Sub template. */
const CLOUDFORMATION_EXECUTION_ROLE =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
  'arn:${AWS::Partition}:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-eu-west-1';

/** The paths and messages of the stack's synth warnings with one id. */
function warnings(context: unknown, id: string): { path: string; message: string }[] {
  const { stack } = buildStack(context, STACK);
  return Annotations.fromStack(stack)
    .findWarning('*', Match.stringLikeRegexp(`\\[ack: ${id}\\]`))
    .map((w) => ({ path: w.id, message: String(w.entry.data) }));
}

const defaults = buildStack({}, STACK);
const full = buildStack(fullContext(), STACK);

describe('2. a deployment that alerts nobody says so at synth', () => {
  it('warns once for each of alerts, critical and ops when nobody subscribes', () => {
    // act
    const found = warnings({}, NO_SUBSCRIBER_WARNING);

    // assert
    expect(found.map((w) => w.path).sort()).toEqual(
      [
        `/${STACK}/Alerting/AlertsTopic`,
        `/${STACK}/Alerting/CriticalTopic`,
        `/${STACK}/Alerting/OpsTopic`,
      ].sort(),
    );
    Annotations.fromStack(defaults.stack).hasWarning(
      `/${STACK}/Alerting/OpsTopic`,
      Match.stringLikeRegexp('The ops topic has no subscriber: pipeline alarms .* reach nobody'),
    );
  });

  it('counts e-mail, the Slack notifier, Chatbot and declared outside subscribers', () => {
    // prepare
    const slackOnAlerts = { webhookSecret: 'voiso-sec/slack', topics: ['alerts'] };
    const chatbot = { slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCD' };

    // act
    const withEmail = warnings({ email: { critical: ['oncall@acme.com'] } }, NO_SUBSCRIBER_WARNING);
    const withSlackAndChatbot = warnings({ slack: slackOnAlerts, chatbot }, NO_SUBSCRIBER_WARNING);
    const declared = warnings({ externalSubscribers: ['alerts', 'ops'] }, NO_SUBSCRIBER_WARNING);

    // assert
    const topics = (found: { path: string }[]) => found.map((w) => w.path.split('/').pop()).sort();
    expect(topics(withEmail)).toEqual(['AlertsTopic', 'OpsTopic']);
    expect(topics(withSlackAndChatbot)).toEqual(['CriticalTopic']);
    expect(topics(declared)).toEqual(['CriticalTopic']);
    expect(warnings(fullContext(), NO_SUBSCRIBER_WARNING)).toEqual([]);
  });
});

describe("3. a leaked Voiso key: source ranges and the previous key's switch", () => {
  it('warns when voisoSourceIpRanges is empty, and not when ranges are set', () => {
    expect(warnings({}, VOISO_ACCESS_WARNINGS.anySourceAddress)).toEqual([
      {
        path: `/${STACK}/VoisoAccess`,
        message: expect.stringMatching(/^voisoSourceIpRanges is empty: .* works from any address/),
      },
    ]);
    expect(warnings(fullContext(), VOISO_ACCESS_WARNINGS.anySourceAddress)).toEqual([]);
  });

  it.each([
    [2, 'VoisoAccessUser', 'VoisoAccessSlotBUser'],
    [3, 'VoisoAccessSlotBUser', 'VoisoAccessUser'],
  ])(
    'at serial %i with deactivatePreviousVoisoKey, makes only the previous slot Inactive',
    (serial, previousUser, activeUser) => {
      // act
      const { template } = buildStack(
        fullContext({ voisoKeySerial: serial, deactivatePreviousVoisoKey: true }),
        STACK,
      );

      // assert
      const statusOf = (user: string) =>
        Object.values(
          template.findResources('AWS::IAM::AccessKey', {
            Properties: { UserName: { Ref: logicalIdOf(template, 'AWS::IAM::User', user) } },
          }),
        ).map((key) => key.Properties.Status);
      expect(statusOf(previousUser)).toEqual(['Inactive']);
      // unset is Active, as every key was before the switch existed
      expect(statusOf(activeUser)).toEqual([undefined]);
    },
  );

  it('keeps both keys Active by default, and says when the switch is on', () => {
    // act
    const { template } = buildStack(fullContext({ deactivatePreviousVoisoKey: false }), STACK);

    // assert
    const statuses = Object.values(template.findResources('AWS::IAM::AccessKey')).map(
      (key) => key.Properties.Status,
    );
    expect(statuses).toEqual([undefined, undefined]);
    expect(warnings(fullContext(), VOISO_ACCESS_WARNINGS.previousKeyInactive)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /serial 1 is Inactive .* back to false before the next voisoKeySerial bump/,
        ),
      }),
    ]);
    expect(
      warnings({ deactivatePreviousVoisoKey: true }, VOISO_ACCESS_WARNINGS.nothingToDeactivate),
    ).toHaveLength(1);
  });
});

describe('4. an alert flood cannot scale the Slack notifier, and a throttled post is retried', () => {
  const notifierOf = (template: Template) =>
    template.toJSON().Resources[logicalIdOf(template, 'AWS::Lambda::Function', 'AlertingSlack')]
      .Properties;

  it('reserves 2 concurrent executions by default, or what is configured, or none', () => {
    const slack = { webhookSecret: 'voiso-sec/slack' };

    const byDefault = notifierOf(full.template);
    const five = notifierOf(buildStack({ slack: { ...slack, reservedConcurrency: 5 } }).template);
    const none = notifierOf(
      buildStack({ slack: { ...slack, reservedConcurrency: false } }).template,
    );

    expect(byDefault.ReservedConcurrentExecutions).toBe(2);
    expect(five.ReservedConcurrentExecutions).toBe(5);
    expect(none.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('keeps retrying a throttled event for 6 hours, then parks it in the alarmed queue', () => {
    const undelivered = logicalIdOf(full.template, 'AWS::SQS::Queue', 'AlertingUndeliveredQueue');

    full.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdOf(full.template, 'AWS::Lambda::Function', 'AlertingSlack') },
      MaximumEventAgeInSeconds: 6 * 3600,
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: arnOf(undelivered) } },
    });
    full.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [undelivered, 'QueueName'] } }],
    });
  });
});

describe('6. dead letters cannot expire unnoticed', () => {
  const dlqOf = (template: Template) =>
    logicalIdOf(template, 'AWS::SQS::Queue', 'IntakeDeadLetterQueue');

  it('alarms on the age of the oldest dead-lettered message, 3 days by default', () => {
    const dlq = dlqOf(defaults.template);

    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 3 * 24 * 3600,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: logicalIdOf(defaults.template, 'AWS::SNS::Topic', 'AlertingOps') }],
    });
    full.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqOf(full.template), 'QueueName'] } },
      ],
      Threshold: 2 * 24 * 3600,
    });
  });

  it('fires again for every new arrival, also while the not-empty alarm stays in ALARM', () => {
    const dlq = dlqOf(defaults.template);

    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'DIFF(deadLettered)', ReturnData: true }),
        Match.objectLike({
          Id: 'deadLettered',
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'AWS/SQS',
              MetricName: 'ApproximateNumberOfMessagesVisible',
              Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
            },
          }),
        }),
      ]),
    });
  });

  it('graphs arrivals and the oldest age against the alarm on the dashboard', () => {
    const dashboard = Object.values(full.template.findResources('AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);

    expect(body).toContain('Dead-letter queue');
    expect(body).toContain('DIFF(deadLettered)');
    expect(body).toContain('DeadLetterQueueAging alarm');
  });
});

describe("8. Voiso's secret is closed to all but administrators and named readers", () => {
  it('denies GetSecretValue to every principal not allowed, keeping root and CloudFormation', () => {
    const secret = logicalIdOf(full.template, 'AWS::SecretsManager::Secret', 'VoisoAccess');

    full.template.hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      SecretId: { Ref: secret },
      BlockPublicPolicy: true,
      ResourcePolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'OnlyAdministratorsAndNamedReadersReadVoisoKey',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'secretsmanager:GetSecretValue',
            Resource: '*',
            Condition: {
              ArnNotLike: {
                'aws:PrincipalArn': [
                  'arn:aws:iam::123456789012:root',
                  { 'Fn::Sub': CLOUDFORMATION_EXECUTION_ROLE },
                  ADMIN_ROLE_ARN,
                  SECRET_READER_ARN,
                ],
              },
            },
          },
        ],
      },
    });
  });

  it('has no policy by default, and warns that the whole account may read the key', () => {
    defaults.template.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 0);
    expect(warnings({}, VOISO_ACCESS_WARNINGS.secretReadableByAccount)).toEqual([
      expect.objectContaining({ path: `/${STACK}/VoisoAccess/Credentials` }),
    ]);
    expect(warnings(fullContext(), VOISO_ACCESS_WARNINGS.secretReadableByAccount)).toEqual([]);
  });
});

describe('12. only Voiso sends to the events queue, when asked', () => {
  const sendDenials = (template: Template) =>
    Object.values(template.findResources('AWS::SQS::QueuePolicy')).flatMap((policy) =>
      policy.Properties.PolicyDocument.Statement.filter(
        (s: { Effect: string; Action: string }) =>
          s.Effect === 'Deny' && s.Action === 'sqs:SendMessage',
      ).map((s: unknown) => ({ queues: policy.Properties.Queues, statement: s })),
    );

  it("denies sqs:SendMessage on the events queue to all but Voiso's users and administrators", () => {
    const queue = logicalIdOf(full.template, 'AWS::SQS::Queue', 'IntakeQueue');
    const user = (prefix: string) => arnOf(logicalIdOf(full.template, 'AWS::IAM::User', prefix));

    expect(sendDenials(full.template)).toEqual([
      {
        queues: [{ Ref: queue }],
        statement: {
          Sid: 'OnlyVoisoSendsSecurityEvents',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sqs:SendMessage',
          Resource: arnOf(queue),
          Condition: {
            ArnNotLike: {
              'aws:PrincipalArn': [
                user('VoisoAccessSlotBUser'),
                user('VoisoAccessUser'),
                ADMIN_ROLE_ARN,
              ],
            },
          },
        },
      },
    ]);
  });

  it('is off by default (voiso-sec send needs it off) and warns when nobody could redrive', () => {
    expect(sendDenials(defaults.template)).toEqual([]);
    expect(
      warnings(
        fullContext({ administrators: [] }),
        VOISO_ACCESS_WARNINGS.sendersWithoutAdministrators,
      ),
    ).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/voiso-sec redrive.* refused/) }),
    ]);
  });
});

describe('13. events not yet stored outlive the stack', () => {
  it.each([
    ['defaults', defaults],
    ['every option', full],
  ])('retains the events queue and the dead-letter queue (%s)', (_name, { template }) => {
    for (const prefix of ['IntakeQueue', 'IntakeDeadLetterQueue']) {
      const queue = template.toJSON().Resources[logicalIdOf(template, 'AWS::SQS::Queue', prefix)];
      expect(queue).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });
});

describe('15. immutable audit copies with AWS Backup, when asked', () => {
  it('backs the events table up daily into a vault locked for the retention', () => {
    const { template } = full;
    const vault = logicalIdOf(template, 'AWS::Backup::BackupVault', 'AuditBackupVault');

    template.hasResource('AWS::Backup::BackupVault', {
      Properties: {
        BackupVaultName: `${STACK}-events`,
        // compliance mode: immutable after the 3-day grace period
        LockConfiguration: { MinRetentionDays: 400, ChangeableForDays: 3 },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: `${STACK}-events`,
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: 'cron(0 3 * * ? *)',
            Lifecycle: { DeleteAfterDays: 400 },
            TargetBackupVault: { 'Fn::GetAtt': [vault, 'BackupVaultName'] },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        Resources: [arnOf(logicalIdOf(template, 'AWS::DynamoDB::Table', 'EventsTable'))],
      }),
    });
  });

  it('uses a governance lock by default and creates nothing without the switch', () => {
    const { template } = buildStack({ backup: {} }, STACK);

    template.hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: { MinRetentionDays: 365 },
    });
    expect(
      Object.values(template.findResources('AWS::Backup::BackupVault'))[0]?.Properties
        .LockConfiguration.ChangeableForDays,
    ).toBeUndefined();
    defaults.template.resourceCountIs('AWS::Backup::BackupPlan', 0);
    defaults.template.resourceCountIs('AWS::Backup::BackupVault', 0);
  });
});
