// Everything `cdk deploy` creates: Voiso's intake queue, the ingest function, the events table,
// the alerting, Voiso's credentials and the monitoring, wired together from one configuration.
import * as path from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { detectionSettings, type VoisoSecConfig } from './config';
import { Alerting } from './constructs/alerting';
import { EventIntake } from './constructs/event-intake';
import { EventStoreTable } from './constructs/event-store-table';
import { METRICS_NAMESPACE, Monitoring } from './constructs/monitoring';
import { PipelineFunction } from './constructs/pipeline-function';
import { VoisoAccess } from './constructs/voiso-access';

export interface VoisoSecStackProps extends StackProps {
  /** The validated deployment configuration (see lib/config.ts, `parseConfig`). */
  readonly config: VoisoSecConfig;
}

export class VoisoSecStack extends Stack {
  public readonly intake: EventIntake;
  public readonly events: EventStoreTable;
  public readonly alerting: Alerting;
  public readonly ingest: PipelineFunction;
  public readonly voisoAccess: VoisoAccess;
  public readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: VoisoSecStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const functionTimeout = Duration.seconds(config.functionTimeoutSeconds);
    const batchingWindow = Duration.seconds(config.maxBatchingWindowSeconds);

    // One optional customer-managed key for the data at rest (queue and table).
    const dataKey = config.customerManagedKey
      ? new kms.Key(this, 'DataKey', {
          description: `Encrypts the ${this.stackName} events queue and table`,
          enableKeyRotation: true,
        })
      : undefined;

    this.intake = new EventIntake(this, 'Intake', {
      consumerTimeout: functionTimeout,
      maxBatchingWindow: batchingWindow,
      maxReceiveCount: config.maxReceiveCount,
      encryptionKey: dataKey,
    });
    this.events = new EventStoreTable(this, 'Events', { encryptionKey: dataKey });
    this.alerting = new Alerting(this, 'Alerting', {
      email: config.email,
      slack: config.slack,
      chatbot: config.chatbot,
      logRetention,
    });

    this.ingest = new PipelineFunction(this, 'Ingest', {
      entry: path.join(__dirname, '..', 'lambda', 'ingest', 'handler.ts'),
      description: 'Stores Voiso security events and publishes alerts',
      timeout: functionTimeout,
      memorySize: config.functionMemoryMb,
      logRetention,
      environment: {
        RETENTION_DAYS: String(config.retentionDays),
        DETECTION_CONFIG: JSON.stringify(detectionSettings(config)),
        POWERTOOLS_SERVICE_NAME: this.stackName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: config.logLevel,
      },
    });
    const ingest = this.ingest.function;
    ingest.addEnvironment('EVENTS_TABLE_NAME', this.events.table.tableName);
    // Exactly what the event store calls (lookup, then write), on the table only: the function
    // never queries an index, and grantReadWriteData would add index/* and a dozen actions.
    ingest.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
        resources: [this.events.table.tableArn],
      }),
    );
    // What DynamoDB needs from the caller for a table under a customer-managed key.
    dataKey?.grant(ingest, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
    ingest.addEnvironment('ALERTS_TOPIC_ARN', this.alerting.alertsTopic.topicArn);
    this.alerting.alertsTopic.grantPublish(ingest);
    ingest.addEnvironment('CRITICAL_TOPIC_ARN', this.alerting.criticalTopic.topicArn);
    this.alerting.criticalTopic.grantPublish(ingest);
    Validations.of(this.ingest.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "Added by topic.grantPublish and limited to the one key that encrypts this stack's topics; SNS needs GenerateDataKey (with or without plaintext) to encrypt each published message.",
    });
    ingest.addEventSource(
      new SqsEventSource(this.intake.queue, {
        batchSize: config.batchSize,
        maxBatchingWindow: batchingWindow,
        maxConcurrency: config.maxConcurrency,
        // A bad or failing record fails alone; the rest of its batch is deleted.
        reportBatchItemFailures: true,
      }),
    );

    Validations.of(ingest).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'The ingest function is invoked synchronously by its SQS event source, never asynchronously; failed records stay in the events queue and its redrive policy moves them to the alarmed dead-letter queue.',
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          "On-failure destinations of event source mappings do not apply to SQS sources; the queue's redrive policy (maxReceiveCount) sends failing messages to the alarmed dead-letter queue.",
      },
    );

    this.voisoAccess = new VoisoAccess(this, 'VoisoAccess', {
      queue: this.intake.queue,
      keySerial: config.voisoKeySerial,
      sourceIpRanges: config.voisoSourceIpRanges,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      queue: this.intake.queue,
      deadLetterQueue: this.intake.deadLetterQueue,
      ingestFunction: ingest,
      table: this.events.table,
      opsTopic: this.alerting.opsTopic,
      serviceName: this.stackName,
      silenceHours: config.silenceHours,
      maxMessageAge: Duration.minutes(config.maxMessageAgeMinutes),
      undeliveredAlerts: this.alerting.undeliveredQueue,
    });

    const output = (outputId: string, value: string, description: string) =>
      new CfnOutput(this, outputId, { value, description });
    output('EventsQueueUrl', this.intake.queue.queueUrl, 'Paste into Voiso: SQS queue URL');
    output('EventsQueueArn', this.intake.queue.queueArn, 'The events queue');
    output(
      'DeadLetterQueueUrl',
      this.intake.deadLetterQueue.queueUrl,
      'Messages that failed ingest',
    );
    output(
      'DeadLetterQueueArn',
      this.intake.deadLetterQueue.queueArn,
      'Messages that failed ingest',
    );
    output('EventsTableName', this.events.table.tableName, 'Every Voiso security event');
    output(
      'AlertsTopicArn',
      this.alerting.alertsTopic.topicArn,
      'Alerts at or above the threshold',
    );
    output('CriticalTopicArn', this.alerting.criticalTopic.topicArn, 'Critical alerts only');
    output('OpsTopicArn', this.alerting.opsTopic.topicArn, 'Alarms about the pipeline');
    output(
      'VoisoCredentialsSecretName',
      this.voisoAccess.credentialsSecretName,
      "Secret holding Voiso's access key id and secret (voiso-sec connection-info prints them)",
    );
    output('DashboardUrl', this.monitoring.dashboardUrl, 'Pipeline health');
  }
}
