// The scheduled flush of folding windows: a small function that EventBridge Scheduler invokes
// every few minutes, so the summary of folded alerts goes out within the folding window plus
// five minutes even when no further event arrives (no polling loop of our own).
import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { INGEST_ENV, POWERTOOLS_ENV } from '../../contract/environment';
import { METRICS_NAMESPACE, type MetricsScope } from '../../contract/metrics';
import { PipelineFunction } from './pipeline-function';
import { grantAlertTopics, grantTableKey } from './table-and-topics';

/**
 * How often the flush runs. A window is summarised a minute after it closes (the grace that
 * lets a late fold land, lambda/flush/create-flush.ts), so four minutes keeps every summary
 * within five minutes of its window's end.
 */
export const FLUSH_EVERY = Duration.minutes(4);

export interface SummaryFlushProps {
  readonly table: { readonly tableName: string; readonly tableArn: string };
  readonly alertsTopic: sns.ITopic;
  readonly criticalTopic: sns.ITopic;
  /** The customer-managed key of the table, when there is one. @default - none */
  readonly dataKey?: kms.IKey;
  /** Value of the metrics' `service` dimension and the logs' service name. */
  readonly serviceName: string;
  /** Days a summary's alert record is kept; 0 keeps it forever. */
  readonly retentionDays: number;
  /** Which metrics the function publishes: all (for the dashboard) or those alarms read. */
  readonly metricsScope: MetricsScope;
  /** X-Ray active tracing. @default false */
  readonly tracing?: boolean;
  readonly logRetention: logs.RetentionDays;
  readonly logLevel: string;
}

export class SummaryFlush extends Construct {
  public readonly flush: PipelineFunction;
  public readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: SummaryFlushProps) {
    super(scope, id);
    this.flush = new PipelineFunction(this, 'Function', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'flush', 'handler.ts'),
      description: 'Sends the summaries of closed alert folding windows',
      timeout: Duration.seconds(60),
      memorySize: 256,
      logRetention: props.logRetention,
      tracing: props.tracing,
      // One flush at a time is all the work needs; a second would only contend for the same windows.
      reservedConcurrentExecutions: 1,
      // A failed run is not retried: the next run, minutes later, picks up the same windows.
      retryAttempts: 0,
      environment: {
        [INGEST_ENV.retentionDays]: String(props.retentionDays),
        [INGEST_ENV.metrics]: props.metricsScope,
        [POWERTOOLS_ENV.serviceName]: props.serviceName,
        [POWERTOOLS_ENV.metricsNamespace]: METRICS_NAMESPACE,
        [POWERTOOLS_ENV.logLevel]: props.logLevel,
      },
    });
    const fn = this.flush.function;
    fn.addEnvironment(INGEST_ENV.eventsTableName, props.table.tableName);
    // Exactly what the flush calls: list windows and their folded alerts (Query), read and claim
    // the summary's alert record (BatchGetItem, conditional PutItem), record it and remove the
    // window (BatchWriteItem). The table only: the flush never reads an index.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:BatchWriteItem',
        ],
        resources: [props.table.tableArn],
      }),
    );
    grantTableKey(fn, props.dataKey);
    grantAlertTopics(this.flush, props);
    const runsAgain =
      'EventBridge Scheduler invokes the flush every few minutes and a failed run is deliberately not retried: the next run picks up the same windows (nothing is removed until its summary is out), and the SummaryFlushErrors alarm reports failures.';
    Validations.of(fn).acknowledge(
      { id: 'Serverless-LambdaDLQ', reason: runsAgain },
      { id: 'Serverless-LambdaAsyncFailureDestination', reason: runsAgain },
    );

    const invoker = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Lets EventBridge Scheduler invoke the summary flush',
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Sends the summaries of closed alert folding windows',
      schedule: scheduler.ScheduleExpression.rate(FLUSH_EVERY),
      target: new targets.LambdaInvoke(fn, { retryAttempts: 0, role: invoker }),
    });
    Validations.of(invoker).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<SummaryFlushFunctionADAE0C72.Arn>:*]',
      reason:
        "Added by the scheduler target's grantInvoke: lambda:InvokeFunction on the flush function and its versions (`:*`); this role can invoke nothing else.",
    });
  }
}
