// `npm run bench` (`npm run -s bench -- --json` for machines; -s keeps npm's banner off
// stdout): voiso-sec against the Powertools baseline
// (bench/baseline/) and against the floors, on a seeded Voiso mix at 1k / 10k / 100k events.
// This machine is shared and noisy, so every timing is a ratio to something measured in the
// same run; request and capacity counts do not depend on speed at all.
import './support/quiet-sdk';
import { cpus } from 'node:os';
import { measureBacktest } from './figures/backtest';
import { measureBundle } from './figures/bundle';
import { COST_ASSUMPTIONS, costPerMillion, PRICES } from './figures/cost';
import { type EndToEndFigure, measureEndToEnd } from './figures/end-to-end';
import { measureCpu, measureRequests, type RequestFigure } from './figures/in-memory';
import { describeMix, generateMix } from './generate';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const quick = argv.includes('--quick');
const SEED = 1;
const SIZES = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
/** The end-to-end run through the emulators is too slow for 100k within the time budget. */
const E2E_SIZES = quick ? [1_000] : [1_000, 10_000];
const E2E_POLLERS = 2;

const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  if (!json) process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
};
const f = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');

const perThousand = (n: number, events: number) => (n * 1000) / events;
const perHundredAlerts = (n: number, alerts: number) => (alerts === 0 ? 0 : (n * 100) / alerts);

async function main() {
  const startedAt = Date.now();
  const mixes = new Map(SIZES.map((n) => [n, generateMix({ count: n, seed: SEED })]));
  const mixSummary = describeMix(mixes.get(SIZES[SIZES.length - 1] ?? 1000) ?? []);
  say(
    `mix (seed ${SEED}): ${mixSummary.pairs} pairs incl. unrecognised, ` +
      `${f((100 * mixSummary.alertWorthy) / mixSummary.messages)}% alert-worthy, ` +
      `${f((100 * mixSummary.duplicates) / mixSummary.messages)}% duplicates, ` +
      `${f((100 * mixSummary.malformed) / mixSummary.messages)}% malformed`,
  );

  // Warm the JIT on both sides before anything is timed.
  await measureCpu(
    (mixes.get(1_000) ?? []).map((m) => m.body),
    2,
  );

  const cpu = [];
  const requests: { events: number; voisoSec: RequestFigure; baseline: RequestFigure }[] = [];
  for (const n of SIZES) {
    const bodies = (mixes.get(n) ?? []).map((m) => m.body);
    const figure = await measureCpu(bodies, n <= 1_000 ? 9 : n <= 10_000 ? 3 : 1);
    cpu.push(figure);
    say(
      `cpu per event, n=${n}: handler ${f(figure.handlerMicrosPerEvent)} µs vs JSON.parse ` +
        `${f(figure.parseMicrosPerEvent, 2)} µs = ${f(figure.ratio)}x the floor ` +
        `(target <= 10x: ${mark(figure.ratio <= 10)}; median of ${figure.repetitions})`,
    );
    const voisoSec = await measureRequests('voiso-sec', bodies);
    const baseline = await measureRequests('baseline', bodies);
    requests.push({ events: n, voisoSec, baseline });
    const ddbFloor = Math.ceil(n / 25);
    const snsFloor = Math.ceil(voisoSec.alerts / 10);
    const byCommand = Object.entries(voisoSec.dynamodbByCommand)
      .map(([c, k]) => `${c} ${k}`)
      .join(' + ');
    say(
      `dynamodb requests per 1,000 events, n=${n}: voiso-sec ${f(perThousand(voisoSec.dynamodbRequests, n))} ` +
        `(${byCommand}) vs floor ceil(n/25) ${f(perThousand(ddbFloor, n))} = ` +
        `${f(voisoSec.dynamodbRequests / ddbFloor, 2)}x the floor (target within 5%: ` +
        `${mark(voisoSec.dynamodbRequests <= ddbFloor * 1.05)}); baseline ` +
        `${f(perThousand(baseline.dynamodbRequests, n))} = ${f(baseline.dynamodbRequests / voisoSec.dynamodbRequests)}x voiso-sec`,
    );
    say(
      `dynamodb capacity per event, n=${n}: voiso-sec ${f(voisoSec.writeUnits / n, 2)} write units, ` +
        `${f(voisoSec.readUnits / n, 2)} read units (table + index copies + detection state + ` +
        `alert records); ${f(voisoSec.dynamodbRoundTripsPerBatch, 2)} round trips per batch of 100; ` +
        `baseline ${f(baseline.writeUnits / n, 2)} write units, ${f(baseline.readUnits / n, 2)} read units`,
    );
    say(
      `sns requests per 100 alerts, n=${n}: voiso-sec ${f(perHundredAlerts(voisoSec.snsRequests, voisoSec.alerts))} ` +
        `(${voisoSec.snsRequests} calls, ${voisoSec.alerts} alert messages) vs floor ceil(a/10) ` +
        `${f(perHundredAlerts(snsFloor, voisoSec.alerts))} = ${f(voisoSec.snsRequests / Math.max(1, snsFloor), 2)}x ` +
        `(target within 5%: ${mark(voisoSec.snsRequests <= snsFloor * 1.05)}); baseline ` +
        `${f(perHundredAlerts(baseline.snsRequests, baseline.alerts))} (one Publish per alert)`,
    );
    if (voisoSec.failedRecords + baseline.failedRecords > 0) {
      say(
        `  warning: failed records voiso-sec ${voisoSec.failedRecords}, baseline ${baseline.failedRecords}`,
      );
    }
  }

  const e2e: EndToEndFigure[][] = [];
  for (const n of E2E_SIZES) {
    const bodies = (mixes.get(n) ?? []).map((m) => m.body);
    const row: EndToEndFigure[] = [];
    for (const contestant of ['no-op', 'voiso-sec', 'baseline'] as const) {
      row.push(await measureEndToEnd(contestant, bodies, E2E_POLLERS));
    }
    e2e.push(row);
    const [noop, voisoSec, baseline] = row as [EndToEndFigure, EndToEndFigure, EndToEndFigure];
    const ratio = voisoSec.eventsPerSecond / baseline.eventsPerSecond;
    say(
      `end-to-end, n=${n} (local-aws-sqs + poller x${E2E_POLLERS} + dynalite): voiso-sec ` +
        `${f(voisoSec.eventsPerSecond, 0)} events/s vs baseline ${f(baseline.eventsPerSecond, 0)} = ` +
        `${f(ratio, 2)}x (target >= 5x: ${mark(ratio >= 5)}); a no-op handler reaches ` +
        `${f(noop.eventsPerSecond, 0)} events/s (the emulators' ceiling); time inside the handler ` +
        `${f(voisoSec.handlerSeconds, 2)} s vs ${f(baseline.handlerSeconds, 2)} s = ` +
        `${f(baseline.handlerSeconds / voisoSec.handlerSeconds, 2)}x`,
    );
    say(
      `function-side CPU per event end to end, n=${n} (handler + SDK clients + poller; the ` +
        `emulators run in another process): voiso-sec ${f(voisoSec.functionCpuMicrosPerEvent, 0)} µs ` +
        `vs baseline ${f(baseline.functionCpuMicrosPerEvent, 0)} µs = ` +
        `${f(baseline.functionCpuMicrosPerEvent / voisoSec.functionCpuMicrosPerEvent, 2)}x less; ` +
        `above the no-op's ${f(noop.functionCpuMicrosPerEvent, 0)} µs (receiving and deleting): ` +
        `${f(voisoSec.functionCpuMicrosPerEvent - noop.functionCpuMicrosPerEvent, 0)} µs vs ` +
        `${f(baseline.functionCpuMicrosPerEvent - noop.functionCpuMicrosPerEvent, 0)} µs = ` +
        `${f((baseline.functionCpuMicrosPerEvent - noop.functionCpuMicrosPerEvent) / (voisoSec.functionCpuMicrosPerEvent - noop.functionCpuMicrosPerEvent), 2)}x less`,
    );
  }
  if (!E2E_SIZES.includes(100_000) && SIZES.includes(100_000)) {
    say(
      'end-to-end, n=100000: not run (about 5 minutes per contestant on the emulators); in-memory figures cover 100k',
    );
  }

  const flat = (values: readonly number[]) => Math.max(...values) / Math.min(...values);
  const cpuGrowth = cpu.map((c) => c.handlerMicrosPerEvent);
  const reqGrowth = requests.map((r) => perThousand(r.voisoSec.dynamodbRequests, r.events));
  say(
    `growth ${SIZES.map((n) => `${n / 1000}k`).join(' / ')}: cpu ${cpuGrowth.map((v) => f(v)).join(' / ')} µs per event ` +
      `(max/min ${f(flat(cpuGrowth), 2)}); dynamodb ${reqGrowth.map((v) => f(v)).join(' / ')} requests per 1,000 ` +
      `(max/min ${f(flat(reqGrowth), 2)}); sns ${requests.map((r) => f(perHundredAlerts(r.voisoSec.snsRequests, r.voisoSec.alerts))).join(' / ')} per 100 alerts`,
  );

  const bundle = await measureBundle(7);
  say(
    `ingest bundle: ${bundle.bundleBytes.toLocaleString('en-US')} bytes minified (+ ${bundle.sourceMapBytes.toLocaleString('en-US')} source map); ` +
      `module load ${f(bundle.loadMs)} ms = ${f(bundle.ratio, 2)}x the bare DynamoDB + SNS clients ` +
      `(${f(bundle.bareClientsLoadMs)} ms, ${bundle.bareClientsBytes.toLocaleString('en-US')} bytes), median of ${bundle.runs} fresh processes`,
  );

  const largest = requests[requests.length - 1];
  if (largest === undefined) throw new Error('no request figures');
  const voisoCost = costPerMillion(largest.voisoSec, 'voiso-sec');
  const baseCost = costPerMillion(largest.baseline, 'baseline');
  const money = (n: number) => `$${n.toFixed(3)}`;
  const breakdown = (c: typeof voisoCost) =>
    `lambda ${money(c.lambda)}, sqs ${money(c.sqs)}, dynamodb writes ${money(c.dynamodbWrites)}, reads ${money(c.dynamodbReads)}, sns ${money(c.sns)}`;
  say(
    `estimated AWS cost per 1M events (n=${largest.events} measured): voiso-sec ${money(voisoCost.total)} (${breakdown(voisoCost)}); ` +
      `baseline ${money(baseCost.total)} (${breakdown(baseCost)}; its table has no indexes)`,
  );
  say(
    `  prices (us-east-1 list, USD): Lambda arm64 ${PRICES.lambdaArmGbSecond}/GB-s + ${PRICES.lambdaPerMillionRequests}/1M requests at ` +
      `${COST_ASSUMPTIONS.memoryMb} MB; SQS ${PRICES.sqsPerMillionRequests}/1M requests (${f(COST_ASSUMPTIONS.sqsRequestsPerEvent)} per event); ` +
      `DynamoDB on-demand ${PRICES.dynamodbPerMillionWriteUnits}/1M WRU (item + one per index it appears in) and ` +
      `${PRICES.dynamodbPerMillionReadUnits}/1M RRU; SNS ${PRICES.snsPerMillionPublishes}/1M publish requests (64 KB chunks); ` +
      `deliveries (e-mail, HTTPS), CloudWatch logs/metrics and idle SQS polling not included; Lambda duration = CPU ` +
      `x ${f(COST_ASSUMPTIONS.fullCpuMemoryMb / COST_ASSUMPTIONS.memoryMb, 1)} (CPU share at ${COST_ASSUMPTIONS.memoryMb} MB) + ` +
      `${COST_ASSUMPTIONS.roundTripMs} ms per sequential round trip, full batches of ${COST_ASSUMPTIONS.batchSize}`,
  );
  const backtest = await measureBacktest(quick ? 100_000 : 1_000_000, quick ? 50_000 : 200_000);
  say(
    `backtest, ${backtest.replay.events.toLocaleString('en-US')} stored events: replay (rules, detections, folding) ` +
      `${f(backtest.replay.wallSeconds)} s = ${f(backtest.replay.eventsPerSecond, 0)} events/s ` +
      `(${f(backtest.replay.cpuSeconds)} s CPU; ${backtest.replay.incidents} incidents, ${backtest.replay.alerts} alerts); ` +
      `table read of ${backtest.read.events.toLocaleString('en-US')} events ${f(backtest.read.wallSeconds)} s in memory ` +
      `(${backtest.read.requests.discovery} + ${backtest.read.requests.events} queries; finding ${backtest.read.callcenters} call centers ` +
      `read ${f(backtest.read.megabytes.discovery)} MB of the severity index, ${f(backtest.read.keysOnlyDiscovery.megabytes)} MB were it keys only, ` +
      `a Scan ${f(backtest.read.scanAlternative.megabytes)} MB); estimated total ${f(backtest.estimatedSeconds)} s ` +
      `(target < 60 s: ${mark(backtest.estimatedSeconds < 60)})`,
  );
  say(
    `machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}; ` +
      `took ${f((Date.now() - startedAt) / 1000, 0)} s`,
  );

  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
          seed: SEED,
          mix: mixSummary,
          cpu,
          requests,
          endToEnd: e2e,
          bundle,
          cost: {
            voisoSec: voisoCost,
            baseline: baseCost,
            prices: PRICES,
            assumptions: COST_ASSUMPTIONS,
          },
          lines,
        },
        null,
        2,
      )}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
