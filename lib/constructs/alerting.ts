// Who hears about what: the alerts, critical and ops topics (encrypted at rest with SNS's
// AWS-managed key, or with a key this stack owns), e-mail subscriptions with optional filter
// policies, and Slack: a small notifier function for alerts, AWS Chatbot for the ops topic's
// alarms.
import * as path from 'node:path';
import { Annotations, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type AlertAttributeName,
  type AlertTopic,
  TOPIC_NAMES,
  type TopicName,
} from '../../contract/alerts';
import { EMAIL_ADDRESS, SLACK_RESERVED_CONCURRENCY } from '../../contract/config';
import { SLACK_ENV } from '../../contract/environment';
import { PipelineFunction } from './pipeline-function';

/** An e-mail address, optionally with an SNS filter over the alert attributes. */
export type EmailSubscriber =
  | string
  | {
      readonly address: string;
      /** Attribute name (severity, type, event, callcenter, rule) to allowed values. */
      readonly filter?: Readonly<Partial<Record<AlertAttributeName, readonly string[]>>>;
    };

export interface SlackNotifierOptions {
  /** Name or ARN of the Secrets Manager secret holding the incoming-webhook URL. */
  readonly webhookSecret: string;
  /** Alert topics the notifier subscribes to. */
  readonly topics: readonly AlertTopic[];
  /**
   * Most concurrent posts; `false` reserves none. A flood of alerts then queues inside Lambda's
   * asynchronous invocation queue (throttled events are retried for up to 6 hours) instead of
   * scaling the notifier against one webhook. @default 2
   */
  readonly reservedConcurrency?: number | false;
}

export interface ChatbotOptions {
  readonly slackWorkspaceId: string;
  readonly slackChannelId: string;
  /**
   * Only `ops`: Chatbot renders AWS service notifications (CloudWatch alarms) and its own
   * custom-notification schema, not our alert documents; alerts go through the Slack notifier.
   */
  readonly topics: readonly 'ops'[];
}

export interface AlertingProps {
  /** E-mail subscribers per topic. @default - none */
  readonly email?: Readonly<Partial<Record<TopicName, readonly EmailSubscriber[]>>>;
  /** Post alerts to Slack through an incoming webhook. @default - no Slack notifier */
  readonly slack?: SlackNotifierOptions;
  /** Send the ops topic's alarms to Slack through AWS Chatbot. @default - no Chatbot channel */
  readonly chatbot?: ChatbotOptions;
  /** Retention of the notifier's logs. @default 90 days */
  readonly logRetention?: logs.RetentionDays;
  /** X-Ray active tracing of the Slack notifier. @default false */
  readonly tracing?: boolean;
  /**
   * Encrypt all three topics with a KMS key this stack creates ($1 a month), which CloudWatch
   * alarms may use. Without it the alert topics use SNS's AWS-managed key (`aws/sns`, free),
   * and the ops topic is not encrypted at rest: CloudWatch cannot publish to a topic under the
   * AWS-managed key, whose policy cannot admit it. @default false
   */
  readonly customerManagedKey?: boolean;
  /**
   * Topics subscribed to outside this stack (an HTTPS endpoint, a SIEM queue): they get no
   * "no subscriber" warning at synth. @default []
   */
  readonly externalSubscribers?: readonly TopicName[];
}

/** SNS's AWS-managed key: free, usable by this account's principals through SNS only. */
export const SNS_MANAGED_KEY = 'alias/aws/sns';

/** The synth warning for a topic nobody hears, so a test or a deployment can refer to it. */
export const NO_SUBSCRIBER_WARNING = 'voiso-sec:topicWithoutSubscriber';

export class Alerting extends Construct {
  /**
   * With `customerManagedKey`: encrypts all three topics; CloudWatch may use it so alarms can
   * publish to `ops`.
   */
  public readonly topicKey?: kms.Key;
  public readonly alertsTopic: sns.Topic;
  public readonly criticalTopic: sns.Topic;
  public readonly opsTopic: sns.Topic;
  public readonly slackNotifier?: PipelineFunction;
  /**
   * Alerts that never reached a subscriber: SNS deliveries that failed for good (e-mail, Lambda)
   * and Slack posts that still failed after Lambda's retries. Alarmed by Monitoring.
   */
  public readonly undeliveredQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: AlertingProps = {}) {
    super(scope, id);
    for (const [topic, subscribers] of Object.entries(props.email ?? {})) {
      for (const subscriber of subscribers ?? []) {
        const address = typeof subscriber === 'string' ? subscriber : subscriber.address;
        if (!EMAIL_ADDRESS.test(address)) {
          throw new Error(`Alerting: "${address}" (topic ${topic}) is not an e-mail address`);
        }
      }
    }
    if (props.slack && props.slack.topics.length === 0) {
      throw new Error('Alerting: slack.topics must name at least one topic');
    }
    const reserved = props.slack?.reservedConcurrency;
    if (typeof reserved === 'number' && (!Number.isInteger(reserved) || reserved < 1)) {
      throw new Error(
        `Alerting: slack.reservedConcurrency must be a positive integer or false, got ${reserved}`,
      );
    }
    // The type says `ops`, but JavaScript callers and casts get the reason too.
    const chatbotTopics: readonly string[] = props.chatbot?.topics ?? [];
    if (chatbotTopics.some((name) => name !== 'ops')) {
      throw new Error(
        'Alerting: chatbot.topics may only be ["ops"]; Chatbot cannot render alert messages, so send alerts to Slack with the Slack notifier (slack.webhookSecret)',
      );
    }
    const stack = Stack.of(this);

    const alarmsOfThisAccount = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
      },
    };

    // Alarms cannot publish to a topic encrypted with the AWS-managed aws/sns key (its policy
    // cannot be changed to admit CloudWatch). A key this stack owns costs $1 a month, a third of
    // a small deployment's bill, so it is the customerManagedKey opt-in; by default the alert
    // topics, which carry event content, use aws/sns, and ops carries none (see below).
    if (props.customerManagedKey) {
      this.topicKey = new kms.Key(this, 'TopicKey', {
        description: `Encrypts the ${stack.stackName} alert and ops topics`,
        enableKeyRotation: true,
      });
      this.topicKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          // Only alarms of this account, as on the ops topic policy: no other account's alarm
          // can use the key through a confused CloudWatch.
          conditions: alarmsOfThisAccount,
        }),
      );
    }
    const topic = (topicId: string, displayName: string) =>
      new sns.Topic(this, topicId, { displayName, masterKey: this.topicKey, enforceSSL: true });
    this.alertsTopic = topic('AlertsTopic', 'Voiso security alerts');
    this.criticalTopic = topic('CriticalTopic', 'Voiso critical security alerts');
    this.opsTopic = topic('OpsTopic', 'Voiso security pipeline health');
    if (this.topicKey === undefined) {
      // Set on the template rather than as `masterKey`: aws/sns's own policy lets every principal
      // of this account use it through SNS, so publishers need no KMS statement, and `masterKey`
      // would have grantPublish add one (on every key of the account carrying that alias).
      for (const alertTopic of [this.alertsTopic, this.criticalTopic]) {
        (alertTopic.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = SNS_MANAGED_KEY;
      }
      Validations.of(this.opsTopic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'The ops topic carries only CloudWatch alarm notifications (alarm names, states, thresholds and metric values), never event content, and CloudWatch cannot publish to a topic under the AWS-managed aws/sns key. The topic policy still denies publishing without TLS. Set customerManagedKey to encrypt it at rest with a key the stack owns ($1 a month).',
      });
    }
    // A topic policy replaces SNS's default one, which is what lets CloudWatch publish; say so.
    this.opsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.opsTopic.topicArn],
        conditions: alarmsOfThisAccount,
      }),
    );

    this.undeliveredQueue = new sqs.Queue(this, 'UndeliveredQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const isDeadLetterQueue =
      'This queue is itself the dead-letter queue of the alert subscriptions and the Slack notifier; it is alarmed, and a dead-letter queue of its own would only hide failures one level deeper.';
    Validations.of(this.undeliveredQueue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: isDeadLetterQueue },
      { id: 'Serverless-SQSRedrivePolicy', reason: isDeadLetterQueue },
    );

    for (const [name, subscribers] of Object.entries(props.email ?? {})) {
      for (const subscriber of subscribers ?? []) {
        this.topic(name as TopicName).addSubscription(
          emailSubscription(subscriber, this.undeliveredQueue),
        );
      }
    }

    if (props.slack) {
      this.slackNotifier = this.createSlackNotifier(props.slack, props.logRetention, props.tracing);
    }

    this.warnAboutTopicsWithoutSubscribers(props);

    if (props.chatbot) {
      new chatbot.SlackChannelConfiguration(this, 'Chatbot', {
        // Chatbot requires a name; derived from the stack so two stacks never clash.
        slackChannelConfigurationName: `${stack.stackName}-voiso-sec`,
        slackWorkspaceId: props.chatbot.slackWorkspaceId,
        slackChannelId: props.chatbot.slackChannelId,
        notificationTopics: props.chatbot.topics.map((name) => this.topic(name)),
        // Notifications only: whatever the channel's users type, Chatbot may do nothing.
        guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AWSDenyAll')],
        loggingLevel: chatbot.LoggingLevel.ERROR,
      });
    }
  }

  /**
   * Publishing to a topic without subscribers succeeds, and ingest marks the alert `sent`: an
   * alert nobody hears looks delivered. Say so at synth, for every topic nobody hears.
   */
  private warnAboutTopicsWithoutSubscribers(props: AlertingProps): void {
    const heard = new Set<TopicName>(props.externalSubscribers ?? []);
    for (const [name, subscribers] of Object.entries(props.email ?? {})) {
      if ((subscribers ?? []).length > 0) heard.add(name as TopicName);
    }
    for (const name of props.slack?.topics ?? []) heard.add(name);
    for (const name of props.chatbot?.topics ?? []) heard.add(name);
    const what: Record<TopicName, string> = {
      alerts: 'security alerts reach nobody',
      critical: 'critical security alerts reach nobody',
      ops: 'pipeline alarms (dead letters, errors, Voiso silent) reach nobody',
    };
    for (const name of TOPIC_NAMES.filter((topicName) => !heard.has(topicName))) {
      Annotations.of(this.topic(name)).addWarningV2(
        NO_SUBSCRIBER_WARNING,
        `The ${name} topic has no subscriber: ${what[name]}, although publishing succeeds. Add an address under email.${name}${name === 'ops' ? ', a Chatbot channel (chatbot)' : ', the Slack notifier (slack.topics)'}, or list it in externalSubscribers if you subscribe to it outside this stack.`,
      );
    }
  }

  topic(name: TopicName): sns.Topic {
    switch (name) {
      case 'alerts':
        return this.alertsTopic;
      case 'critical':
        return this.criticalTopic;
      case 'ops':
        return this.opsTopic;
    }
  }

  private createSlackNotifier(
    options: SlackNotifierOptions,
    logRetention?: logs.RetentionDays,
    tracing?: boolean,
  ) {
    const secret = options.webhookSecret.startsWith('arn:')
      ? secretsmanager.Secret.fromSecretAttributes(
          this,
          'SlackWebhook',
          /-[A-Za-z0-9]{6}$/.test(options.webhookSecret)
            ? { secretCompleteArn: options.webhookSecret }
            : { secretPartialArn: options.webhookSecret },
        )
      : secretsmanager.Secret.fromSecretNameV2(this, 'SlackWebhook', options.webhookSecret);
    const notifier = new PipelineFunction(this, 'SlackNotifier', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'slack', 'handler.ts'),
      description: 'Posts Voiso security alerts to Slack',
      timeout: Duration.seconds(10),
      memorySize: 128,
      logRetention,
      tracing,
      // SNS invokes the notifier asynchronously: Lambda retries a failed post twice, then sends
      // the event with the error to the undelivered queue.
      retryAttempts: 2,
      onFailure: new destinations.SqsDestination(this.undeliveredQueue),
      // One webhook needs few hands. An invocation the reservation throttles is not a failed
      // post: Lambda keeps it in its asynchronous queue and retries it with backoff until it is
      // maxEventAge old, and only then sends it to the undelivered queue (alarmed). So a flood
      // is delayed, never dropped.
      reservedConcurrentExecutions:
        options.reservedConcurrency === false
          ? undefined
          : (options.reservedConcurrency ?? SLACK_RESERVED_CONCURRENCY),
      maxEventAge: Duration.hours(6),
      environment: { [SLACK_ENV.webhookSecretArn]: secret.secretArn },
    });
    secret.grantRead(notifier.role);
    Validations.of(notifier.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Failed asynchronous invocations go to an on-failure destination (the alarmed undelivered-alerts queue), which records the error as well as the event; a legacy DLQ on top would duplicate it.',
    });
    // Ingest publishes a critical alert to both topics; a notifier on both would post it twice.
    const hearsCritical = options.topics.includes('critical');
    for (const name of options.topics) {
      const filterPolicy =
        name === 'alerts' && hearsCritical
          ? { severity: sns.SubscriptionFilter.stringFilter({ denylist: ['critical'] }) }
          : undefined;
      this.topic(name).addSubscription(
        // SNS parks here what it could not hand to Lambda at all.
        new subscriptions.LambdaSubscription(notifier.function, {
          deadLetterQueue: this.undeliveredQueue,
          filterPolicy,
        }),
      );
    }
    return notifier;
  }
}

function emailSubscription(
  subscriber: EmailSubscriber,
  deadLetterQueue: sqs.IQueue,
): subscriptions.EmailSubscription {
  if (typeof subscriber === 'string') {
    return new subscriptions.EmailSubscription(subscriber, { deadLetterQueue });
  }
  const filterPolicy: Record<string, sns.SubscriptionFilter> = {};
  for (const [attribute, values] of Object.entries(subscriber.filter ?? {})) {
    if (values && values.length > 0) {
      filterPolicy[attribute] = sns.SubscriptionFilter.stringFilter({ allowlist: [...values] });
    }
  }
  return new subscriptions.EmailSubscription(subscriber.address, {
    filterPolicy: Object.keys(filterPolicy).length > 0 ? filterPolicy : undefined,
    deadLetterQueue,
  });
}
