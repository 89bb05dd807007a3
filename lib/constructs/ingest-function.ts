// The ingest function wired to what it works on: fed by the events queue (partial batch
// responses), writing the events table, publishing to the alert topics. Each permission is
// granted next to the environment variable that names its resource.
import * as path from 'node:path';
import { type Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DetectionSettings } from '../../contract/config';
import { INGEST_ENV, POWERTOOLS_ENV } from '../../contract/environment';
import { METRICS_NAMESPACE, type MetricsScope } from '../../contract/metrics';
import type { Severity } from '../../contract/severity';
import { PipelineFunction } from './pipeline-function';
import { grantAlertTopics, grantTableKey } from './table-and-topics';

export interface IngestFunctionProps {
  /** The queue Voiso sends to; its messages are the function's input. */
  readonly queue: sqs.IQueue;
  /** Where events and quarantined messages are stored. */
  readonly table: { readonly tableName: string; readonly tableArn: string };
  readonly alertsTopic: sns.ITopic;
  readonly criticalTopic: sns.ITopic;
  /** The customer-managed key of the table, when there is one. @default - none */
  readonly dataKey?: kms.IKey;
  /** Value of the metrics' `service` dimension and the logs' service name. */
  readonly serviceName: string;
  readonly detection: DetectionSettings;
  /** Days before an event expires from the table; 0 keeps it forever. */
  readonly retentionDays: number;
  /** From which severity the high-volume pairs are in the pair-and-severity index. */
  readonly severityIndexFrom: Severity;
  /** Which metrics the function publishes: all (for the dashboard) or those alarms read. */
  readonly metricsScope: MetricsScope;
  /** X-Ray active tracing. @default false */
  readonly tracing?: boolean;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  readonly logLevel: string;
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
  readonly maxConcurrency: number;
}

export class IngestFunction extends PipelineFunction {
  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    super(scope, id, {
      entry: path.join(__dirname, '..', '..', 'lambda', 'ingest', 'handler.ts'),
      description: 'Stores Voiso security events and publishes alerts',
      timeout: props.timeout,
      memorySize: props.memorySize,
      logRetention: props.logRetention,
      tracing: props.tracing,
      environment: {
        [INGEST_ENV.retentionDays]: String(props.retentionDays),
        [INGEST_ENV.detectionConfig]: JSON.stringify(props.detection),
        [INGEST_ENV.severityIndexFrom]: props.severityIndexFrom,
        [INGEST_ENV.metrics]: props.metricsScope,
        [POWERTOOLS_ENV.serviceName]: props.serviceName,
        [POWERTOOLS_ENV.metricsNamespace]: METRICS_NAMESPACE,
        [POWERTOOLS_ENV.logLevel]: props.logLevel,
      },
    });
    const ingest = this.function;

    ingest.addEnvironment(INGEST_ENV.eventsTableName, props.table.tableName);
    // Exactly what the event store calls, on the table only: read a batch's items
    // (BatchGetItem), write events and records (BatchWriteItem), claim alerts and write detection
    // state on a condition (PutItem), record on an event the detections it formed (UpdateItem).
    // Never Query, Scan or DeleteItem, never an index; grantReadWriteData would add all of those.
    ingest.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ],
        resources: [props.table.tableArn],
      }),
    );
    grantTableKey(ingest, props.dataKey);
    grantAlertTopics(this, props);

    ingest.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: props.batchSize,
        maxBatchingWindow: props.maxBatchingWindow,
        maxConcurrency: props.maxConcurrency,
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
  }
}
