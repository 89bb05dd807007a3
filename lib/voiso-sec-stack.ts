// Everything `cdk deploy` creates: Voiso's intake queue, the ingest function, the events table,
// the alerting, Voiso's credentials and the monitoring, wired together from one configuration.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { detectionSettings, type VoisoSecConfig } from '../contract/config';
import type { MetricsScope } from '../contract/metrics';
import { Alerting } from './constructs/alerting';
import { AuditBackup } from './constructs/audit-backup';
import { EventIntake } from './constructs/event-intake';
import { EventStoreTable } from './constructs/event-store-table';
import { IngestFunction } from './constructs/ingest-function';
import { Monitoring } from './constructs/monitoring';
import { SummaryFlush } from './constructs/summary-flush';
import { VoisoAccess } from './constructs/voiso-access';

export interface VoisoSecStackProps extends StackProps {
  /** The validated deployment configuration (see contract/config.ts, `parseConfig`). */
  readonly config: VoisoSecConfig;
}

export class VoisoSecStack extends Stack {
  public readonly intake: EventIntake;
  public readonly events: EventStoreTable;
  public readonly alerting: Alerting;
  public readonly ingest: IngestFunction;
  public readonly summaryFlush: SummaryFlush;
  public readonly voisoAccess: VoisoAccess;
  public readonly monitoring: Monitoring;
  /** The locked daily backup of the events table, when `backup` is configured. */
  public readonly auditBackup?: AuditBackup;

  constructor(scope: Construct, id: string, props: VoisoSecStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const functionTimeout = Duration.seconds(config.functionTimeoutSeconds);
    const batchingWindow = Duration.seconds(config.maxBatchingWindowSeconds);
    // Without the dashboard, the functions publish only the metrics alarms read.
    const metricsScope: MetricsScope = config.dashboard ? 'all' : 'alarms';

    // Optional customer-managed keys for the data at rest. The events queue has its own key,
    // because Voiso's users must be able to use it (only through SQS, for that queue); the key
    // of the table and the dead-letter queue is never granted to anyone outside the stack. The
    // topics' key is made by Alerting, on the same switch.
    const key = (keyId: string, what: string) =>
      new kms.Key(this, keyId, {
        description: `Encrypts the ${this.stackName} ${what}`,
        enableKeyRotation: true,
      });
    const dataKey = config.customerManagedKey
      ? key('DataKey', 'events table and dead-letter queue')
      : undefined;
    const intakeKey = config.customerManagedKey ? key('IntakeKey', 'events queue') : undefined;

    this.intake = new EventIntake(this, 'Intake', {
      consumerTimeout: functionTimeout,
      maxBatchingWindow: batchingWindow,
      maxReceiveCount: config.maxReceiveCount,
      encryptionKey: intakeKey,
      deadLetterEncryptionKey: dataKey,
    });
    this.events = new EventStoreTable(this, 'Events', {
      encryptionKey: dataKey,
      indexUpgradeStep: config.indexUpgradeStep,
    });
    this.alerting = new Alerting(this, 'Alerting', {
      email: config.email,
      slack: config.slack,
      chatbot: config.chatbot,
      externalSubscribers: config.externalSubscribers,
      logRetention,
      tracing: config.tracing,
      customerManagedKey: config.customerManagedKey,
    });

    this.ingest = new IngestFunction(this, 'Ingest', {
      queue: this.intake.queue,
      table: this.events.table,
      alertsTopic: this.alerting.alertsTopic,
      criticalTopic: this.alerting.criticalTopic,
      dataKey,
      serviceName: this.stackName,
      detection: detectionSettings(config),
      retentionDays: config.retentionDays,
      severityIndexFrom: config.severityIndexFrom,
      metricsScope,
      tracing: config.tracing,
      timeout: functionTimeout,
      memorySize: config.functionMemoryMb,
      logRetention,
      logLevel: config.logLevel,
      batchSize: config.batchSize,
      maxBatchingWindow: batchingWindow,
      maxConcurrency: config.maxConcurrency,
    });

    this.summaryFlush = new SummaryFlush(this, 'SummaryFlush', {
      table: this.events.table,
      alertsTopic: this.alerting.alertsTopic,
      criticalTopic: this.alerting.criticalTopic,
      dataKey,
      serviceName: this.stackName,
      retentionDays: config.retentionDays,
      metricsScope,
      tracing: config.tracing,
      logRetention,
      logLevel: config.logLevel,
    });

    this.voisoAccess = new VoisoAccess(this, 'VoisoAccess', {
      queue: this.intake.queue,
      keySerial: config.voisoKeySerial,
      sourceIpRanges: config.voisoSourceIpRanges,
      deactivatePrevious: config.deactivatePreviousVoisoKey,
      restrictSenders: config.restrictSendersToVoiso,
      administrators: config.administrators,
      secretReaders: config.secretReaders,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      queue: this.intake.queue,
      deadLetterQueue: this.intake.deadLetterQueue,
      ingestFunction: this.ingest.function,
      flushFunction: this.summaryFlush.flush.function,
      table: this.events.table,
      opsTopic: this.alerting.opsTopic,
      serviceName: this.stackName,
      silenceHours: config.silenceHours,
      maxMessageAge: Duration.minutes(config.maxMessageAgeMinutes),
      undeliveredAlerts: this.alerting.undeliveredQueue,
      deadLetterAlarmAge: Duration.days(config.deadLetterAlarmAgeDays),
      dashboard: config.dashboard,
    });

    if (config.backup) {
      this.auditBackup = new AuditBackup(this, 'AuditBackup', {
        table: this.events.table,
        retentionDays: config.backup.retentionDays,
        vaultLock: config.backup.vaultLock,
      });
    }

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
    const dashboardUrl = this.monitoring.dashboardUrl;
    if (dashboardUrl !== undefined) output('DashboardUrl', dashboardUrl, 'Pipeline health');
    output(
      'IngestFunctionName',
      this.ingest.function.functionName,
      'The ingest function: voiso-sec status reads the deployed detection settings from it',
    );
  }
}
