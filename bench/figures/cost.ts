// Estimated AWS cost per million events from the measured request counts and capacity units,
// at list prices stated here (us-east-1, on-demand, no free tier). An estimate: the model's
// assumptions are printed with it.
import type { RequestFigure } from './in-memory';

/** USD, us-east-1 list prices as published by AWS (checked 2025; verify before quoting). */
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  sqsPerMillionRequests: 0.4,
  /** On-demand, after the November 2024 price cut. */
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  /** Each 64 KB chunk of a Publish or PublishBatch payload is one request. */
  snsPerMillionPublishes: 0.5,
} as const;

export const COST_ASSUMPTIONS = {
  /** The stack's default (lib/config.ts functionMemoryMb). */
  memoryMb: 256,
  /** Full batches (the stack's batchSize); a quiet stream gives smaller ones and more invocations. */
  batchSize: 100,
  /** Lambda gives one full vCPU at 1,769 MB; below that, CPU time stretches proportionally. */
  fullCpuMemoryMb: 1769,
  /** Latency of one DynamoDB or SNS round trip from Lambda. */
  roundTripMs: 10,
  /** voiso-sec's sequential phases per batch: lookup, write, publish, mark sent. */
  voisoSecRoundTrips: 4,
  /** The baseline runs records in parallel: a PutItem then a Publish, ~2 waves of 50 sockets. */
  baselineRoundTrips: 4,
  /** Voiso's SendMessage (1 per event), ReceiveMessage and DeleteMessageBatch (10 per call). */
  sqsRequestsPerEvent: 1 + 0.1 + 0.1,
} as const;

export interface CostEstimate {
  readonly lambda: number;
  readonly sqs: number;
  readonly dynamodbWrites: number;
  readonly dynamodbReads: number;
  readonly sns: number;
  readonly total: number;
}

export function costPerMillion(
  figure: RequestFigure,
  contestant: 'voiso-sec' | 'baseline',
): CostEstimate {
  const a = COST_ASSUMPTIONS;
  const perMillion = 1_000_000 / figure.events;
  const invocations = 1_000_000 / a.batchSize;
  const cpuStretch = a.fullCpuMemoryMb / a.memoryMb;
  const roundTrips = contestant === 'voiso-sec' ? a.voisoSecRoundTrips : a.baselineRoundTrips;
  const batchMs =
    (figure.cpuMicrosPerEvent * a.batchSize * cpuStretch) / 1000 + roundTrips * a.roundTripMs;
  const gbSeconds = invocations * (Math.ceil(batchMs) / 1000) * (a.memoryMb / 1024);
  const lambda =
    gbSeconds * PRICES.lambdaArmGbSecond + (invocations / 1e6) * PRICES.lambdaPerMillionRequests;
  const sqs = a.sqsRequestsPerEvent * PRICES.sqsPerMillionRequests;
  const dynamodbWrites =
    ((figure.writeUnits * perMillion) / 1e6) * PRICES.dynamodbPerMillionWriteUnits;
  const dynamodbReads =
    ((figure.readUnits * perMillion) / 1e6) * PRICES.dynamodbPerMillionReadUnits;
  const sns = ((figure.snsBilledRequests * perMillion) / 1e6) * PRICES.snsPerMillionPublishes;
  return {
    lambda,
    sqs,
    dynamodbWrites,
    dynamodbReads,
    sns,
    total: lambda + sqs + dynamodbWrites + dynamodbReads + sns,
  };
}
