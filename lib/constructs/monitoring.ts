// Tells operators when the pipeline needs them (alarms to the ops topic) and shows its health
// at a glance (an optional dashboard). Each alarm's description says what to do about it.
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  METRICS,
  METRICS_NAMESPACE,
  METRICS_SERVICE_DIMENSION,
  type MetricName,
} from '../../contract/metrics';

export interface MonitoringProps {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly ingestFunction: lambda.IFunction;
  /** The scheduled flush of folding windows; its failures delay summaries. @default - none */
  readonly flushFunction?: lambda.IFunction;
  readonly table: dynamodb.ITable;
  readonly opsTopic: sns.ITopic;
  /** Value of the `service` dimension on the ingest metrics (POWERTOOLS_SERVICE_NAME). */
  readonly serviceName: string;
  /** Alarm when Voiso has sent nothing for this many hours (1..24). @default 6 */
  readonly silenceHours?: number;
  /** Alarm when the oldest queued message is older than this. @default Duration.minutes(15) */
  readonly maxMessageAge?: Duration;
  /** Alerts that could not be delivered to a subscriber (see Alerting). */
  readonly undeliveredAlerts: sqs.IQueue;
  /**
   * Alarm when the oldest dead-lettered message is older than this, well before the queue's
   * 14-day retention deletes it. @default Duration.days(3)
   */
  readonly deadLetterAlarmAge?: Duration;
  /**
   * The dashboard: $3 a month beyond an account's first three. Without it the functions publish
   * only the metrics alarms read. @default false
   */
  readonly dashboard?: boolean;
}

/** The metrics both the alarms and the dashboard read. */
interface PipelineMetrics {
  readonly ingest: (name: MetricName) => cloudwatch.Metric;
  readonly deadLettered: cloudwatch.IMetric;
  readonly oldestMessageAge: cloudwatch.IMetric;
}

const FIVE_MINUTES = Duration.minutes(5);

export class Monitoring extends Construct {
  /** The dashboard, with `dashboard: true`. */
  public readonly dashboard?: cloudwatch.Dashboard;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const silenceHours = props.silenceHours ?? 6;
    if (!Number.isInteger(silenceHours) || silenceHours < 1 || silenceHours > 24) {
      throw new Error(`Monitoring: silenceHours must be an integer 1..24, got ${silenceHours}`);
    }
    const maxMessageAge = props.maxMessageAge ?? Duration.minutes(15);
    if (maxMessageAge.toSeconds() < 60) {
      throw new Error('Monitoring: maxMessageAge must be at least one minute');
    }
    const metrics: PipelineMetrics = {
      ingest: (metricName) =>
        new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName,
          dimensionsMap: { [METRICS_SERVICE_DIMENSION]: props.serviceName },
          statistic: cloudwatch.Stats.SUM,
          period: FIVE_MINUTES,
        }),
      deadLettered: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      oldestMessageAge: props.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
    };
    const deadLetterAlarmAge = props.deadLetterAlarmAge ?? Duration.days(3);
    if (deadLetterAlarmAge.toSeconds() < 3600 || deadLetterAlarmAge.toDays() >= 14) {
      throw new Error('Monitoring: deadLetterAlarmAge must be 1 hour or more and under 14 days');
    }
    this.addAlarms(props, metrics, silenceHours, maxMessageAge);
    const deadLetters = this.watchDeadLetters(props, metrics, deadLetterAlarmAge);
    if (props.dashboard === true) {
      this.dashboard = this.createDashboard(props, metrics);
      this.dashboard.addWidgets(deadLetters);
    }
  }

  /**
   * DeadLetterQueueNotEmpty fires once and stays in ALARM, so two more alarms: one for every new
   * arrival (the queue's visible count went up), one before the oldest message can expire. SQS's
   * NumberOfMessagesSent would not do for arrivals: it does not count messages that SQS itself
   * moves to a dead-letter queue.
   */
  private watchDeadLetters(
    props: MonitoringProps,
    metrics: PipelineMetrics,
    maxAge: Duration,
  ): cloudwatch.IWidget {
    const arrivals = new cloudwatch.MathExpression({
      expression: 'DIFF(deadLettered)',
      usingMetrics: { deadLettered: metrics.deadLettered },
      label: 'New dead letters (increase of visible messages)',
      period: FIVE_MINUTES,
    });
    const oldest = props.deadLetterQueue.metricApproximateAgeOfOldestMessage({
      period: FIVE_MINUTES,
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    this.alarm(
      'DeadLetterQueueGrowing',
      {
        alarmDescription:
          'More messages reached the dead-letter queue (fires for each new arrival, also while DeadLetterQueueNotEmpty is already in ALARM). Read the ingest logs for the cause, fix it, then run `voiso-sec redrive`.',
        metric: arrivals,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      props.opsTopic,
    );
    this.alarm(
      'DeadLetterQueueAging',
      {
        alarmDescription: `A dead-lettered message has waited more than ${maxAge.toHumanString()}; SQS deletes it 14 days after it was first sent, and with it a security event that was never stored. Fix the cause and run \`voiso-sec redrive\` now.`,
        metric: oldest,
        threshold: maxAge.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      props.opsTopic,
    );
    return new cloudwatch.GraphWidget({
      title: 'Dead-letter queue',
      left: [metrics.deadLettered, arrivals],
      right: [oldest],
      rightAnnotations: [{ value: maxAge.toSeconds(), label: 'DeadLetterQueueAging alarm' }],
      width: 24,
    });
  }

  /** The console address of the dashboard, when there is one. */
  get dashboardUrl(): string | undefined {
    if (this.dashboard === undefined) return undefined;
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  /** An alarm that tells the ops topic when it fires and when it recovers. */
  private alarm(alarmId: string, options: cloudwatch.AlarmProps, opsTopic: sns.ITopic): void {
    const action = new actions.SnsAction(opsTopic);
    const created = new cloudwatch.Alarm(this, alarmId, options);
    created.addAlarmAction(action);
    created.addOkAction(action);
    this.alarms.push(created);
  }

  private addAlarms(
    props: MonitoringProps,
    metrics: PipelineMetrics,
    silenceHours: number,
    maxMessageAge: Duration,
  ): void {
    /**
     * Fires on any non-zero value in one period; no data means nothing happened (the functions
     * publish a metric only when it is non-zero, so missing data is the normal state).
     */
    const anyOf = (alarmId: string, alarmDescription: string, metric: cloudwatch.IMetric) =>
      this.alarm(
        alarmId,
        {
          alarmDescription,
          metric,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
        props.opsTopic,
      );
    const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };

    anyOf(
      'DeadLetterQueueNotEmpty',
      'Messages failed ingest maxReceiveCount times and are in the dead-letter queue. Read the ingest logs for the cause, fix it, then run `voiso-sec redrive`.',
      metrics.deadLettered,
    );
    anyOf(
      'IngestErrors',
      'The ingest function failed whole invocations (a crash, a timeout or a configuration error at cold start). Its log group says why; messages are retried and then dead-lettered.',
      props.ingestFunction.metricErrors(sum),
    );
    anyOf(
      'IngestThrottles',
      'Lambda throttled the ingest function (account concurrency exhausted). Events wait in the queue; raise the account limit or free concurrency.',
      props.ingestFunction.metricThrottles(sum),
    );
    this.alarm(
      'Backlog',
      {
        alarmDescription: `The oldest event in the queue has waited more than ${maxMessageAge.toMinutes()} minutes: alerts are late. Check the ingest errors, throttles and DynamoDB/SNS health.`,
        metric: metrics.oldestMessageAge,
        threshold: maxMessageAge.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      props.opsTopic,
    );
    anyOf(
      'QuarantinedMessages',
      "Messages that are not valid Voiso events were quarantined (kept, not processed). Read their raw bodies and reasons with the voiso-sec CLI (quarantine query); a change in Voiso's format shows here first.",
      metrics.ingest(METRICS.quarantinedMessages),
    );
    this.alarm(
      'VoisoSilent',
      {
        alarmDescription: `No message reached the events queue for ${silenceHours} hours. Voiso's integration may have lost its connection or its key: check the integration page in Voiso, then \`voiso-sec connection-info\`.`,
        // SQS stops publishing metrics for an idle queue, so missing data is silence too.
        metric: props.queue.metricNumberOfMessagesSent({
          period: Duration.hours(silenceHours),
          statistic: cloudwatch.Stats.SUM,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
      props.opsTopic,
    );
    if (props.flushFunction) {
      anyOf(
        'SummaryFlushErrors',
        'The scheduled flush failed: summaries of folded alerts are late (each run retries what the last one left). Its log group says why.',
        props.flushFunction.metricErrors(sum),
      );
    }
    anyOf(
      'AlertsUndelivered',
      'An alert could not be delivered to a subscriber (a Slack post failing after retries, or an SNS delivery failing for good) and is in the undelivered-alerts queue. Check the Slack webhook secret and the notifier logs; the message body says which alert.',
      props.undeliveredAlerts.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
    );
  }

  private createDashboard(props: MonitoringProps, metrics: PipelineMetrics): cloudwatch.Dashboard {
    const fiveMinutes = { period: FIVE_MINUTES };
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
    });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Events in',
        left: [
          props.queue.metricNumberOfMessagesSent(fiveMinutes),
          metrics.ingest(METRICS.eventsStored),
          metrics.ingest(METRICS.duplicateEvents),
          metrics.ingest(METRICS.unrecognisedEvents),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Alerts out',
        left: [
          metrics.ingest(METRICS.alertsPublished),
          metrics.ingest(METRICS.alertPublishFailures),
          metrics.ingest(METRICS.incidentsDetected),
          metrics.ingest(METRICS.alertsFolded),
          metrics.ingest(METRICS.summariesPublished),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Trouble',
        left: [
          metrics.ingest(METRICS.quarantinedMessages),
          metrics.ingest(METRICS.failedRecords),
          metrics.ingest(METRICS.storeRetries),
          // Alerts sent but not marked `sent`: a retry of their batch may publish them again.
          metrics.ingest(METRICS.alertStateMarkFailures),
          metrics.deadLettered,
        ],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Ingest function',
        left: [
          props.ingestFunction.metricInvocations(fiveMinutes),
          props.ingestFunction.metricErrors(fiveMinutes),
          props.ingestFunction.metricThrottles(fiveMinutes),
        ],
        right: [props.ingestFunction.metricDuration({ ...fiveMinutes, statistic: 'p99' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Queue backlog',
        left: [metrics.oldestMessageAge],
        right: [props.queue.metricApproximateNumberOfMessagesVisible(fiveMinutes)],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Events table',
        left: [
          props.table.metricConsumedWriteCapacityUnits(fiveMinutes),
          props.table.metricThrottledRequestsForOperations(fiveMinutes),
        ],
        width: 8,
      }),
    );
    return dashboard;
  }
}
