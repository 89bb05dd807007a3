// CloudWatch Logs bytes the functions actually write: the deployed handler's Powertools Logger
// and Metrics (EMF documents are log lines too), built as lambda/ingest/handler.ts builds them,
// with a Lambda context attached, writing to a captured stdout. Lambda adds its own platform
// records to every invocation; their size is taken from the documented JSON log format with
// realistic values, and stated as such.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { METRICS_NAMESPACE } from '../../contract/metrics';
import * as telemetry from '../../lambda/ports/telemetry';
import { sqsBatches } from '../../lambda/testing/factories';
import { InMemoryDynamoDb, InMemorySns } from '../support/aws-clients';
import { dynamoDbClient, snsClient, voisoSecHandler } from '../support/handlers';

/**
 * What Lambda itself writes per invocation in the JSON log format (platform.start and
 * platform.report, with an X-Ray trace header when tracing is on): sizes of realistic records.
 */
export const PLATFORM_RECORDS = {
  start:
    '{"time":"2026-12-01T12:00:00.000Z","type":"platform.start","record":{"requestId":"6f7f0961-0f4c-4a49-8e33-4b5bd8c5c1d0","version":"$LATEST"}}',
  report:
    '{"time":"2026-12-01T12:00:00.120Z","type":"platform.report","record":{"requestId":"6f7f0961-0f4c-4a49-8e33-4b5bd8c5c1d0","metrics":{"durationMs":118.42,"billedDurationMs":119,"memorySizeMB":256,"maxMemoryUsedMB":112},"status":"success"}}',
  tracing:
    ',"tracing":{"spanId":"7c1bc53b7dd9b3d1","type":"X-Amzn-Trace-Id","value":"Root=1-6751b8a0-3f5c6bd14ad8e3cc6e2c1a0b;Parent=7c1bc53b7dd9b3d1;Sampled=1"}',
} as const;

/** Platform bytes per invocation; the trace header appears in both records when traced. */
export const platformBytesPerInvocation = (traced: boolean): number =>
  Buffer.byteLength(`${PLATFORM_RECORDS.start}\n${PLATFORM_RECORDS.report}\n`) +
  (traced ? 2 * Buffer.byteLength(PLATFORM_RECORDS.tracing) : 0);

export interface LogFigure {
  readonly batchSize: number;
  readonly invocations: number;
  /** Bytes the handler wrote (log lines and EMF documents) per invocation, on average. */
  readonly functionBytesPerInvocation: number;
  /** Of which EMF metric documents. */
  readonly metricBytesPerInvocation: number;
  /** Lambda's platform records per invocation (see PLATFORM_RECORDS). */
  readonly platformBytesPerInvocation: number;
}

const lambdaContext = {
  awsRequestId: '6f7f0961-0f4c-4a49-8e33-4b5bd8c5c1d0',
  functionName: 'VoisoSec-IngestFunction1A2B3C4D-AbCdEfGhIjKl',
  functionVersion: '$LATEST',
  invokedFunctionArn:
    'arn:aws:lambda:us-east-1:123456789012:function:VoisoSec-IngestFunction1A2B3C4D-AbCdEfGhIjKl',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/** Powertools metrics as the deployed entry builds them (sparse when this release has it). */
function deployedMetrics(scope: 'all' | 'alarms'): telemetry.Metrics {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'VoisoSec' });
  const sparse = (telemetry as { sparseMetrics?: typeof telemetry.sparseMetrics }).sparseMetrics;
  if (sparse === undefined) return metrics;
  return sparse(metrics, scope === 'alarms' ? new Set(['QuarantinedMessages']) : undefined);
}

/** Runs the mix through the handler in batches of `batchSize`, counting what it writes. */
export async function measureLogBytes(
  bodies: readonly string[],
  batchSize: number,
  options: { readonly scope?: 'all' | 'alarms'; readonly traced?: boolean } = {},
): Promise<LogFigure> {
  const dynamodb = dynamoDbClient();
  const sns = snsClient();
  new InMemoryDynamoDb().attach(dynamodb);
  new InMemorySns().attach(sns);
  const logger = new Logger({ serviceName: 'VoisoSec', logLevel: 'INFO' });
  logger.addContext(lambdaContext);
  const metrics = deployedMetrics(options.scope ?? 'all');
  const handler = voisoSecHandler(
    { dynamodb, sns, tableName: 'events' },
    { metrics, logger: logger as unknown as telemetry.Logger },
  );
  const batches = sqsBatches(bodies, batchSize);
  let bytes = 0;
  let metricBytes = 0;
  const write = process.stdout.write.bind(process.stdout);
  const writeError = process.stderr.write.bind(process.stderr);
  const capture = (chunk: unknown): boolean => {
    const text = String(chunk);
    const size = Buffer.byteLength(text);
    bytes += size;
    if (text.includes('"_aws"')) metricBytes += size;
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    for (const batch of batches) await handler(batch, lambdaContext);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeError;
    dynamodb.destroy();
    sns.destroy();
  }
  return {
    batchSize,
    invocations: batches.length,
    functionBytesPerInvocation: bytes / batches.length,
    metricBytesPerInvocation: metricBytes / batches.length,
    platformBytesPerInvocation: platformBytesPerInvocation(options.traced ?? true),
  };
}
