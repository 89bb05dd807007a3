// What a month costs a customer, all in, from the units this run measured and one table of
// prices (us-east-1, on-demand, list prices without free tiers, each with its source and the
// date it was last checked). Fixed costs are counted from the synthesized stack; variable costs
// from what the handler measurably does per event and per invocation at the batch size a given
// volume makes; storage from the bytes an event leaves behind.

import type { StackResources } from '../support/stack-resources';
import type { RequestFigure } from './in-memory';
import type { LogFigure } from './logs';

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

/** When the prices below were last checked against their sources. */
export const PRICES_CHECKED = '2026-12-01';

/**
 * us-east-1 list prices. Sources are the AWS pricing pages, re-read on PRICES_CHECKED through
 * the stored copies the project's search tool serves; where a stored AWS page renders its table
 * client-side (numbers missing), a dated third-party transcription of it is named as well.
 */
export const PRICES = {
  dynamodbWriteUnit: {
    usd: 0.625 / 1e6,
    unit: 'write request unit (on-demand)',
    source:
      'aws.amazon.com/dynamodb/pricing/on-demand (since the Nov 2024 cut; airbyte.com, 2025-07-21)',
  },
  dynamodbReadUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit (on-demand)',
    source: 'aws.amazon.com/dynamodb/pricing/on-demand (airbyte.com, 2025-07-21)',
  },
  dynamodbStorage: {
    usd: 0.25,
    unit: 'GB-month of table and index storage (first 25 GB free)',
    source: 'aws.amazon.com/dynamodb/pricing',
  },
  dynamodbPitr: {
    usd: 0.2,
    unit: 'GB-month of table size (indexes excluded) under point-in-time recovery',
    source:
      'aws.amazon.com/dynamodb/pricing/on-demand (not in the stored copy; basis: DynamoDB developer guide, PITR)',
  },
  sqsRequest: {
    usd: 0.4 / 1e6,
    unit: 'SQS standard request (64 KB chunk)',
    source: 'aws.amazon.com/sqs/pricing (cloudburn.io, 2026-03-14)',
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'Lambda request',
    source: 'aws.amazon.com/lambda/pricing (lambda-local-runner docs, 2026-05-11)',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'Lambda arm64 GB-second',
    source: 'aws.amazon.com/lambda/pricing (vantage.sh; lambda-local-runner docs, 2026-05-11)',
  },
  snsPublish: {
    usd: 0.5 / 1e6,
    unit: 'SNS publish request (64 KB chunk)',
    source: 'aws.amazon.com/sns/pricing (factualminds.com, 2026-06-13)',
  },
  cloudwatchMetric: {
    usd: 0.3,
    unit: 'custom metric-month, prorated by the hour it is published in',
    source: 'aws.amazon.com/cloudwatch/pricing (signoz.io, 2026-02-15)',
  },
  cloudwatchAlarm: {
    usd: 0.1,
    unit: 'standard-resolution alarm metric-month',
    source: 'aws.amazon.com/cloudwatch/pricing (cloudburn.io, 2026-02)',
  },
  cloudwatchDashboard: {
    usd: 3,
    unit: 'dashboard-month (first 3 per account free)',
    source: 'aws.amazon.com/cloudwatch/pricing (factualminds.com, 2026-06-13)',
  },
  logsIngestion: {
    usd: 0.5,
    unit: 'GB of CloudWatch Logs ingested',
    source: 'aws.amazon.com/cloudwatch/pricing (factualminds.com, 2026-06-13)',
  },
  logsStorage: {
    usd: 0.03,
    unit: 'GB-month of CloudWatch Logs kept (counted uncompressed: an upper bound)',
    source: 'aws.amazon.com/cloudwatch/pricing (not in the stored copy)',
  },
  kmsKey: {
    usd: 1,
    unit: 'KMS key-month (+$1 per automatic rotation for two years)',
    source: 'aws.amazon.com/kms/pricing (wring.co, 2026-03-15)',
  },
  kmsRequest: {
    usd: 0.03 / 10_000,
    unit: 'KMS request',
    source: 'aws.amazon.com/kms/pricing (wring.co, 2026-03-15)',
  },
  secret: {
    usd: 0.4,
    unit: 'Secrets Manager secret-month',
    source: 'aws.amazon.com/secrets-manager/pricing (api-evangelist transcription, 2026-09-20)',
  },
  schedulerInvocation: {
    usd: 1 / 1e6,
    unit: 'EventBridge Scheduler invocation (14 million a month free)',
    source: 'aws.amazon.com/eventbridge/pricing (cloudburn.io, 2026-03-13)',
  },
  xrayTrace: {
    usd: 5 / 1e6,
    unit: 'X-Ray trace recorded (100,000 a month free)',
    source: 'aws.amazon.com/xray/pricing',
  },
} as const satisfies Record<string, Price>;

/** The model's assumptions, printed with its results. */
export const COST_ASSUMPTIONS = {
  /** The stack's default (contract/config.ts functionMemoryMb). */
  memoryMb: 256,
  /** Lambda gives one full vCPU at 1,769 MB; below that, CPU time stretches proportionally. */
  fullCpuMemoryMb: 1769,
  /** One DynamoDB or SNS round trip from Lambda in the same region. */
  roundTripMs: 10,
  /** The deployed batching window: an invocation gathers what arrives within it. */
  batchingWindowSeconds: 1,
  maxBatchSize: 100,
  /** Lambda's SQS event source long-polls with 5 pollers, 20 s per empty poll. */
  idlePolls: 5 * 3 * 60 * 24 * (365.25 / 12),
  /** Voiso sends each event with its own SendMessage. */
  sendsPerEvent: 1,
  /** A scheduled flush with nothing to send: one Query round trip and start-up. */
  flushMs: 50,
  /** Days CloudWatch Logs keeps the functions' logs (the default logRetentionDays). */
  logRetentionDays: 90,
  /** X-Ray's default sampling: the first request each second, then 5 %. */
  xrayReservoirPerSecond: 1,
  xrayRate: 0.05,
  /**
   * A KMS request per SNS publish request to an encrypted alert topic (an upper bound). Requests
   * to the AWS-managed aws/sns key are billed like those to a key the stack owns.
   */
  kmsRequestsPerPublish: 1,
  secondsPerMonth: (365.25 / 12) * 86_400,
} as const;

/**
 * Events in an invocation at a steady rate: the first, plus whatever arrives within the
 * batching window, up to the batch size.
 */
export function batchSizeAt(eventsPerMonth: number): number {
  const a = COST_ASSUMPTIONS;
  const perSecond = eventsPerMonth / a.secondsPerMonth;
  return Math.min(a.maxBatchSize, Math.max(1, Math.round(1 + perSecond * a.batchingWindowSeconds)));
}

/**
 * The AWS always-free tier, per account and month (it does not expire): what a stack alone in
 * an account that uses it for nothing else would not pay for. Shown beside the list price.
 */
export const FREE_TIER: Partial<Record<keyof typeof PRICES, number>> = {
  lambdaRequest: 1_000_000,
  lambdaArmGbSecond: 400_000,
  sqsRequest: 1_000_000,
  snsPublish: 1_000_000,
  cloudwatchMetric: 10,
  cloudwatchAlarm: 10,
  cloudwatchDashboard: 3,
  /** 5 GB of logs ingested, stored and scanned together: counted against ingestion. */
  logsIngestion: 5,
  kmsRequest: 20_000,
  xrayTrace: 100_000,
  schedulerInvocation: 14_000_000,
  dynamodbStorage: 25,
};

/** One line of the bill: a quantity of one priced unit. */
export interface CostLine {
  readonly item: string;
  readonly price: keyof typeof PRICES;
  readonly quantity: number;
  readonly usd: number;
  readonly fixed: boolean;
}

export interface MonthlyCost {
  readonly eventsPerMonth: number;
  /** fixedUsd + variableUsd: what the month's activity costs (its own storage included). */
  readonly usd: number;
  readonly fixedUsd: number;
  readonly variableUsd: number;
  /** Storage and point-in-time recovery a month once a year of events is kept (default retention). */
  readonly storageUsdAfterOneYear: number;
  /** The month (usd) within the always-free tier, if the account uses it for nothing else. */
  readonly usdWithFreeTier: number;
  /** Events per invocation the volume makes (see batchSizeAt). */
  readonly batchSize: number;
  readonly lines: readonly CostLine[];
}

export interface CostInputs {
  /** Measured at `batchSize` (in-memory run of the mix). */
  readonly requests: RequestFigure;
  /** Measured at the same batch size, with the configuration's metrics scope. */
  readonly logs: LogFigure;
  readonly resources: StackResources;
  /** Whether the functions publish every metric (dashboard) or only the alarmed ones. */
  readonly metricsScope: 'all' | 'alarms';
}

const GB = 1e9;

/** One volume's month: fixed lines, variable lines, and storage after a year. */
export function monthlyCost(eventsPerMonth: number, inputs: CostInputs): MonthlyCost {
  const a = COST_ASSUMPTIONS;
  const { requests, logs, resources } = inputs;
  const perEvent = (n: number) => n / requests.events;
  const batch = requests.batchSize;
  const invocations = eventsPerMonth / batch;
  const hours = a.secondsPerMonth / 3600;
  const lines: CostLine[] = [];
  const add = (item: string, price: keyof typeof PRICES, quantity: number, fixed: boolean) =>
    lines.push({ item, price, quantity, usd: quantity * PRICES[price].usd, fixed });
  const logMonths = a.logRetentionDays / 30;

  // Fixed: what the stack costs with no event at all.
  const flushRuns = resources.scheduledRunsPerMonth;
  add('KMS keys (customerManagedKey only)', 'kmsKey', resources.kmsKeys, true);
  add(
    `Alarms (${resources.alarmMetrics} alarm metrics)`,
    'cloudwatchAlarm',
    resources.alarmMetrics,
    true,
  );
  add('Dashboard', 'cloudwatchDashboard', resources.dashboards, true);
  add("Voiso's credentials secret", 'secret', resources.secrets, true);
  add('Idle SQS polling (5 long polls every 20 s)', 'sqsRequest', a.idlePolls, true);
  add('Scheduled flush: scheduler', 'schedulerInvocation', flushRuns, true);
  add('Scheduled flush: Lambda requests', 'lambdaRequest', flushRuns, true);
  add(
    'Scheduled flush: Lambda duration',
    'lambdaArmGbSecond',
    flushRuns * (a.flushMs / 1000) * (a.memoryMb / 1024),
    true,
  );
  add('Scheduled flush: its Query', 'dynamodbReadUnit', flushRuns, true);
  const flushLogGb = (flushRuns * logs.platformBytesPerInvocation) / GB;
  add('Scheduled flush: platform logs', 'logsIngestion', flushLogGb, true);
  add('Scheduled flush: platform logs kept', 'logsStorage', flushLogGb * logMonths, true);

  // Variable: per event and per invocation, at this volume's batch size.
  add(
    'DynamoDB writes (items, index entries, detection state, alert records)',
    'dynamodbWriteUnit',
    eventsPerMonth * perEvent(requests.writeUnits),
    false,
  );
  add(
    'DynamoDB reads (strongly consistent batch reads)',
    'dynamodbReadUnit',
    eventsPerMonth * perEvent(requests.readUnits),
    false,
  );
  const receivesPerInvocation = 2 * Math.max(1, Math.ceil(batch / 10));
  add(
    "SQS: Voiso's sends, the event source's receives and deletes",
    'sqsRequest',
    eventsPerMonth * a.sendsPerEvent + invocations * receivesPerInvocation,
    false,
  );
  add('Lambda requests', 'lambdaRequest', invocations, false);
  const cpuStretch = a.fullCpuMemoryMb / a.memoryMb;
  const durationMs =
    (requests.cpuMicrosPerEvent * batch * cpuStretch) / 1000 +
    (requests.dynamodbRoundTripsPerBatch + 1) * a.roundTripMs; // + the publish
  add(
    'Lambda duration (arm64)',
    'lambdaArmGbSecond',
    invocations * (durationMs / 1000) * (a.memoryMb / 1024),
    false,
  );
  const snsRequests = eventsPerMonth * perEvent(requests.snsBilledRequests);
  add('SNS publishes', 'snsPublish', snsRequests, false);
  add(
    'KMS requests of the encrypted topics',
    'kmsRequest',
    snsRequests * a.kmsRequestsPerPublish,
    false,
  );
  const logGb =
    (invocations * (logs.functionBytesPerInvocation + logs.platformBytesPerInvocation)) / GB;
  add('CloudWatch Logs ingested', 'logsIngestion', logGb, false);
  add('CloudWatch Logs kept 90 days', 'logsStorage', logGb * logMonths, false);
  // A custom metric costs for each hour it is published in.
  const perHour = invocations / hours;
  const metricMonths = Object.entries(requests.metricShare)
    .filter(([name]) => inputs.metricsScope === 'all' || name === 'QuarantinedMessages')
    .reduce((sum, [, share]) => sum + (1 - (1 - share) ** perHour), 0);
  add('Custom metrics (hours with a non-zero value)', 'cloudwatchMetric', metricMonths, false);
  if (resources.tracedFunctions > 0) {
    const perSecond = (invocations + flushRuns) / a.secondsPerMonth;
    const traced =
      (Math.min(perSecond, a.xrayReservoirPerSecond) +
        a.xrayRate * Math.max(0, perSecond - a.xrayReservoirPerSecond)) *
      a.secondsPerMonth;
    add('X-Ray traces (default sampling)', 'xrayTrace', traced, false);
  }
  const retained = requests.retainedBytesPerEvent;
  const storageGb = (events: number) => (events * (retained.table + retained.indexes)) / GB;
  const pitrGb = (events: number) => (events * retained.table) / GB;
  // The month's own events, kept half the month on average.
  add(
    "DynamoDB storage of the month's events",
    'dynamodbStorage',
    storageGb(eventsPerMonth / 2),
    false,
  );
  add(
    "Point-in-time recovery of the month's events",
    'dynamodbPitr',
    pitrGb(eventsPerMonth / 2),
    false,
  );

  const fixedUsd = lines.filter((l) => l.fixed).reduce((sum, l) => sum + l.usd, 0);
  const variableUsd = lines.filter((l) => !l.fixed).reduce((sum, l) => sum + l.usd, 0);
  const quantities = new Map<keyof typeof PRICES, number>();
  for (const l of lines) quantities.set(l.price, (quantities.get(l.price) ?? 0) + l.quantity);
  const usdWithFreeTier = [...quantities].reduce(
    (sum, [price, quantity]) =>
      sum + Math.max(0, quantity - (FREE_TIER[price] ?? 0)) * PRICES[price].usd,
    0,
  );
  const yearOfEvents = eventsPerMonth * 12;
  return {
    eventsPerMonth,
    usd: fixedUsd + variableUsd,
    fixedUsd,
    variableUsd,
    storageUsdAfterOneYear:
      storageGb(yearOfEvents) * PRICES.dynamodbStorage.usd +
      pitrGb(yearOfEvents) * PRICES.dynamodbPitr.usd,
    usdWithFreeTier,
    batchSize: batch,
    lines,
  };
}
