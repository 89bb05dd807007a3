// `npm run bench` (`npm run -s bench -- --json` for machines; -s keeps npm's banner off stdout;
// `-- --readme` also records the figures in bench/results/latest.json and rewrites the README's
// generated sections from them). What a customer decides on: how fast an alert arrives (through
// the local pipeline, deployed event-source settings) and what a month costs, all in, at three
// volumes. Then the regression figures, each beside the naive Powertools handler
// (bench/baseline/). The machine is shared and noisy: every timing is compared with something
// measured in the same run; request and capacity counts do not depend on speed at all.
import './support/quiet-sdk';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { PIPELINE_DEFAULTS } from '../contract/pipeline-defaults';
import { measureBacktest } from './figures/backtest';
import { measureBundle } from './figures/bundle';
import {
  batchSizeAt,
  COST_ASSUMPTIONS,
  type MonthlyCost,
  monthlyCost,
  PRICES,
  PRICES_CHECKED,
} from './figures/cost';
import { type EndToEndFigure, measureEndToEnd } from './figures/end-to-end';
import { measureCpu, measureRequests, type RequestFigure } from './figures/in-memory';
import { type LatencyFigure, measureAlertLatency, trickleBodies } from './figures/latency';
import { type LogFigure, measureLogBytes } from './figures/logs';
import {
  MARKERS,
  type RecordedFigures,
  renderCost,
  renderPerformance,
  replaceSection,
} from './figures/report';
import { describeMix, generateMix } from './generate';
import { stackResources } from './support/stack-resources';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const readme = argv.includes('--readme');
const quick = argv.includes('--quick');
const SEED = 1;
const ROOT = join(__dirname, '..');
/** Events a month the cost is computed for: a small, a mid-size and a large call-center estate. */
const VOLUMES = [150_000, 3_000_000, 30_000_000];
const BURST = quick ? 2_000 : 10_000;
const TRICKLE = { events: quick ? 4 : 8, intervalMs: 2_500 };
/** Goals of issue 13: trickle p99 within the batching window plus a second; a burst's p99 within 5 s of its end. */
const GOALS = {
  trickleMs: (PIPELINE_DEFAULTS.maxBatchingWindowSeconds + 1) * 1000,
  burstAfterEndMs: 5_000,
  writeUnits: 2.5,
};

const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  (json ? process.stderr : process.stdout).write(`${line}\n`);
};
const f = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const money = (n: number) => `$${n.toFixed(2)}`;
const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
const perThousand = (n: number, events: number) => (n * 1000) / events;
const perHundredAlerts = (n: number, alerts: number) => (alerts === 0 ? 0 : (n * 100) / alerts);

function sayLatency(name: string, v: LatencyFigure, b: LatencyFigure): void {
  say(
    `alert latency, ${name}: voiso-sec p50 ${f(v.p50Ms / 1000, 2)} s, p99 ${f(v.p99Ms / 1000, 2)} s ` +
      `(${v.alerts} alerts timed: ${v.eventAlerts} first of a rule, ${v.incidentAlerts} incidents; ` +
      `${v.folded} folded into summaries, counted not timed); naive handler p50 ` +
      `${f(b.p50Ms / 1000, 2)} s, p99 ${f(b.p99Ms / 1000, 2)} s (${b.alerts} alerts, one per alert-worthy event)`,
  );
}

async function main() {
  const startedAt = Date.now();
  const mix = generateMix({ count: 10_000, seed: SEED });
  const bodies = mix.map((m) => m.body);
  const mixSummary = describeMix(mix);
  say(
    `mix (seed ${SEED}): ${mixSummary.pairs} pairs incl. unrecognised, ` +
      `${f((100 * mixSummary.alertWorthy) / mixSummary.messages)}% alert-worthy, ` +
      `${f((100 * mixSummary.duplicates) / mixSummary.messages)}% duplicates, ` +
      `${f((100 * mixSummary.malformed) / mixSummary.messages)}% malformed`,
  );

  // 1. Alert latency through the local pipeline: batch 100, 1 s window, 5 pollers (the deployed
  //    maximum concurrency), detections and folding on.
  const trickle = await measureAlertLatency('trickle', trickleBodies(TRICKLE.events), {
    intervalMs: TRICKLE.intervalMs,
  });
  const baselineTrickle = await measureAlertLatency('trickle', trickleBodies(TRICKLE.events), {
    intervalMs: TRICKLE.intervalMs,
    contestant: 'baseline',
  });
  sayLatency(
    `trickle (one event every ${f(TRICKLE.intervalMs / 1000)} s)`,
    trickle,
    baselineTrickle,
  );
  say(
    `  goal: trickle p99 <= batching window + 1 s = ${f(GOALS.trickleMs / 1000)} s: ${mark(trickle.p99Ms <= GOALS.trickleMs)}`,
  );
  const burstBodies = bodies.slice(0, BURST);
  const burst = await measureAlertLatency('burst', burstBodies);
  const baselineBurst = await measureAlertLatency('burst', burstBodies, { contestant: 'baseline' });
  sayLatency(`burst of ${BURST.toLocaleString('en-US')}`, burst, baselineBurst);
  say(
    `  burst: sent in ${f(burst.sendSeconds)} s, queue drained ${f(burst.drainSeconds)} s after the last ` +
      `SendMessage (${f(BURST / (burst.sendSeconds + burst.drainSeconds), 0)} events/s with ${burst.pollers} pollers); ` +
      `p99 alert ${f(burst.p99AfterEndMs / 1000)} s after the last SendMessage; ${burst.failedRecords} records retried ` +
      `(${
        Object.entries(burst.failureReasons)
          .map(([r, n]) => `${r} ${n}`)
          .join(', ') || 'none'
      }); naive handler: ` +
      `drained ${f(baselineBurst.drainSeconds)} s after, p99 ${f(baselineBurst.p99AfterEndMs / 1000)} s after`,
  );
  say(
    `  goal: burst p99 within ${f(GOALS.burstAfterEndMs / 1000)} s of the burst's end: ${mark(burst.p99AfterEndMs <= GOALS.burstAfterEndMs)}`,
  );
  // The same burst with every detection off: what this machine's pipeline (emulators, pollers,
  // rules, claims, folding) takes without the detections' conditional state writes.
  const burstWithoutDetections = await measureAlertLatency('burst', burstBodies, {
    detections: 'off',
  });
  say(
    `  the same burst with detections off: p99 alert ${f(burstWithoutDetections.p99AfterEndMs / 1000)} s after ` +
      `the last SendMessage (${burstWithoutDetections.alerts} alerts timed); in-handler p50 / p99 ` +
      `${f(burstWithoutDetections.inHandlerP50Ms / 1000, 2)} / ${f(burstWithoutDetections.inHandlerP99Ms / 1000, 2)} s`,
  );

  // 2. Index copies and capacity, as on-demand DynamoDB bills them (in-memory, real adapters).
  const requests: { events: number; voisoSec: RequestFigure; baseline: RequestFigure }[] = [];
  for (const n of quick ? [1_000] : [1_000, 10_000]) {
    const slice = bodies.slice(0, n);
    requests.push({
      events: n,
      voisoSec: await measureRequests('voiso-sec', slice),
      baseline: await measureRequests('baseline', slice),
    });
  }
  const largest = requests[requests.length - 1];
  if (largest === undefined) throw new Error('no request figures');
  const v = largest.voisoSec;
  say(
    `index copies, n=${largest.events}: event item + index entries ${f(v.eventItem.writeUnitsPerEvent, 2)} write units ` +
      `and ${f(v.eventItem.copiesPerEvent, 2)} stored copies per stored event (goal <= ${GOALS.writeUnits}: ` +
      `${mark(v.eventItem.writeUnitsPerEvent <= GOALS.writeUnits && v.eventItem.copiesPerEvent <= GOALS.writeUnits)}); ` +
      `${f(v.eventItem.tableBytesPerEvent, 0)} bytes in the table + ${f(v.eventItem.indexBytesPerEvent, 0)} in indexes per event`,
  );
  say(
    `capacity per message, n=${largest.events}: ${f(v.writeUnits / largest.events, 2)} write units (` +
      Object.entries(v.writeUnitsByKind)
        .sort(([, a], [, b]) => b - a)
        .map(([kind, units]) => `${kind} ${f(units / largest.events, 2)}`)
        .join(', ') +
      `), ${f(v.readUnits / largest.events, 2)} read units; naive handler ${f(largest.baseline.writeUnits / largest.events, 2)} ` +
      `write units (its table has no index)`,
  );

  // 3. Monthly cost, all in: fixed from the synthesized stack, variable from units measured at
  //    the batch size each volume makes, logs measured from the deployed handler's output.
  const configurations = [
    { configuration: 'default', context: {}, scope: 'alarms' as const, traced: false },
    {
      configuration: 'observed',
      context: { dashboard: true, tracing: true },
      scope: 'all' as const,
      traced: true,
    },
  ];
  const logSample = bodies.slice(0, 2_000);
  const costRuns = new Map<number, RequestFigure>();
  const logRuns = new Map<string, LogFigure>();
  const monthly: (MonthlyCost & { configuration: string })[] = [];
  for (const config of configurations) {
    const resources = stackResources(config.context);
    for (const volume of VOLUMES) {
      const batch = batchSizeAt(volume);
      if (!costRuns.has(batch)) {
        costRuns.set(batch, await measureRequests('voiso-sec', bodies.slice(0, 5_000), batch));
      }
      const logKey = `${batch}/${config.scope}/${config.traced}`;
      if (!logRuns.has(logKey)) {
        logRuns.set(
          logKey,
          await measureLogBytes(logSample, batch, { scope: config.scope, traced: config.traced }),
        );
      }
      const cost = monthlyCost(volume, {
        requests: costRuns.get(batch) as RequestFigure,
        logs: logRuns.get(logKey) as LogFigure,
        resources,
        metricsScope: config.scope,
      });
      monthly.push({ ...cost, configuration: config.configuration });
      say(
        `monthly cost, ${volume.toLocaleString('en-US')} events (${config.configuration}, batches of ${batch}): ` +
          `${money(cost.usd)} = fixed ${money(cost.fixedUsd)} + variable ${money(cost.variableUsd)} ` +
          `(${money(cost.usdWithFreeTier)} within the always-free tier); storage and PITR once a year is ` +
          `kept ${money(cost.storageUsdAfterOneYear)} a month`,
      );
    }
  }
  const small = monthly.find(
    (m) => m.eventsPerMonth === VOLUMES[0] && m.configuration === 'default',
  );
  say(
    `  goal: 150,000 events a month under $3 all in: at list prices ${mark((small?.usd ?? Infinity) < 3)} ` +
      `(${small ? money(small.usd) : '?'} with the defaults), within the always-free tier ` +
      `${mark((small?.usdWithFreeTier ?? Infinity) < 3)} (${small ? money(small.usdWithFreeTier) : '?'})`,
  );
  for (const m of monthly.filter((c) => c.configuration === 'default')) {
    say(
      `  ${m.eventsPerMonth.toLocaleString('en-US')} (default): ` +
        m.lines.map((l) => `${l.item} ${money(l.usd)}`).join('; '),
    );
  }
  say(
    `  prices (us-east-1 list, no free tier, checked ${PRICES_CHECKED}): ` +
      Object.values(PRICES)
        .map(
          (p) =>
            `${p.unit} $${p.usd < 0.001 ? `${f(p.usd * 1e6, 4)}/M` : f(p.usd, 2)} [${p.source}]`,
        )
        .join('; '),
  );

  // 4. Regression figures, each with the naive handler: CPU, requests, throughput, bundle.
  await measureCpu(bodies.slice(0, 1_000), 2);
  const cpu = [];
  for (const n of quick ? [1_000] : [1_000, 10_000]) {
    const figure = await measureCpu(bodies.slice(0, n), n <= 1_000 ? 9 : 3);
    cpu.push(figure);
    say(
      `cpu per event, n=${n}: handler ${f(figure.handlerMicrosPerEvent)} µs, ${f(figure.ratio)}x JSON.parse of the ` +
        `same bodies (${f(figure.parseMicrosPerEvent, 2)} µs; median of ${figure.repetitions})`,
    );
  }
  for (const { events, voisoSec, baseline } of requests) {
    const byCommand = Object.entries(voisoSec.dynamodbByCommand)
      .map(([c, k]) => `${c} ${k}`)
      .join(' + ');
    say(
      `requests, n=${events}: DynamoDB ${f(perThousand(voisoSec.dynamodbRequests, events))} per 1,000 events ` +
        `(${byCommand}; ${f(voisoSec.dynamodbRoundTripsPerBatch, 2)} round trips per batch of 100), naive handler ` +
        `${f(perThousand(baseline.dynamodbRequests, events))}; SNS ${f(perHundredAlerts(voisoSec.snsRequests, voisoSec.alerts))} ` +
        `per 100 alert messages (${voisoSec.alerts} messages), naive handler ${f(perHundredAlerts(baseline.snsRequests, baseline.alerts))}`,
    );
  }
  const e2eBodies = bodies.slice(0, 1_000);
  const e2e: EndToEndFigure[] = [];
  for (const contestant of ['no-op', 'voiso-sec', 'baseline'] as const) {
    e2e.push(await measureEndToEnd(contestant, e2eBodies, 2));
  }
  const [noop, voisoE2e, baselineE2e] = e2e as [EndToEndFigure, EndToEndFigure, EndToEndFigure];
  say(
    `end to end, n=1000 (local-aws-sqs + 2 pollers + dynalite): voiso-sec ${f(voisoE2e.eventsPerSecond, 0)} events/s, ` +
      `naive handler ${f(baselineE2e.eventsPerSecond, 0)}, a handler doing nothing ${f(noop.eventsPerSecond, 0)}; ` +
      `function-side CPU per event ${f(voisoE2e.functionCpuMicrosPerEvent, 0)} µs vs ${f(baselineE2e.functionCpuMicrosPerEvent, 0)} µs`,
  );
  const bundle = await measureBundle(quick ? 3 : 7);
  say(
    `ingest bundle: ${bundle.bundleBytes.toLocaleString('en-US')} bytes minified; module load ${f(bundle.loadMs)} ms = ` +
      `${f(bundle.ratio, 2)}x the bare DynamoDB + SNS clients (median of ${bundle.runs} fresh processes)`,
  );
  const backtest = await measureBacktest(quick ? 100_000 : 1_000_000, quick ? 50_000 : 200_000);
  say(
    `backtest, ${backtest.replay.events.toLocaleString('en-US')} stored events: replay (rules, detections, folding) ` +
      `${f(backtest.replay.wallSeconds)} s = ${f(backtest.replay.eventsPerSecond, 0)} events/s ` +
      `(${f(backtest.replay.cpuSeconds)} s CPU; ${backtest.replay.incidents} incidents, ${backtest.replay.alerts} alerts); ` +
      `table read of ${backtest.read.events.toLocaleString('en-US')} events ${f(backtest.read.wallSeconds)} s in memory ` +
      `(${backtest.read.requests.discovery} + ${backtest.read.requests.events} queries; finding ${backtest.read.callcenters} call centers ` +
      `read ${f(backtest.read.megabytes.discovery, 4)} MB of the registry, a Scan ${f(backtest.read.scanAlternative.megabytes)} MB); ` +
      `estimated total ${f(backtest.estimatedSeconds)} s (target < 60 s: ${mark(backtest.estimatedSeconds < 60)})`,
  );
  const tookSeconds = (Date.now() - startedAt) / 1000;
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version };
  say(
    `machine: ${machine.cores} cores, ${machine.cpu ?? 'unknown CPU'}, node ${machine.node}; took ${f(tookSeconds, 0)} s`,
  );

  const cpuLargest = cpu[cpu.length - 1];
  const recorded: RecordedFigures = {
    date: new Date().toISOString(),
    machine,
    tookSeconds,
    alertLatency: {
      trickle,
      burst,
      burstWithoutDetections,
      goals: { trickleMs: GOALS.trickleMs, burstAfterEndMs: GOALS.burstAfterEndMs },
    },
    indexCopies: {
      ...v.eventItem,
      totalWriteUnitsPerEvent: v.writeUnits / v.eventsStored,
      goal: GOALS.writeUnits,
    },
    monthlyCost: monthly,
    prices: PRICES,
    pricesChecked: PRICES_CHECKED,
    regression: {
      cpuMicrosPerEvent: cpuLargest?.handlerMicrosPerEvent ?? 0,
      parseRatio: cpuLargest?.ratio ?? 0,
      dynamodbRequestsPer1000: perThousand(v.dynamodbRequests, largest.events),
      baselineDynamodbRequestsPer1000: perThousand(
        largest.baseline.dynamodbRequests,
        largest.events,
      ),
      snsRequestsPer100Alerts: perHundredAlerts(v.snsRequests, v.alerts),
      baselineSnsRequestsPer100Alerts: perHundredAlerts(
        largest.baseline.snsRequests,
        largest.baseline.alerts,
      ),
      endToEndEventsPerSecond: voisoE2e.eventsPerSecond,
      baselineEventsPerSecond: baselineE2e.eventsPerSecond,
      noopEventsPerSecond: noop.eventsPerSecond,
      functionCpuMicrosPerEvent: voisoE2e.functionCpuMicrosPerEvent,
      baselineFunctionCpuMicrosPerEvent: baselineE2e.functionCpuMicrosPerEvent,
      baselineAlertLatency: { trickle: baselineTrickle, burst: baselineBurst },
    },
  };
  const document = {
    ...recorded,
    seed: SEED,
    mix: mixSummary,
    alertLatency: {
      ...recorded.alertLatency,
      baseline: { trickle: baselineTrickle, burst: baselineBurst },
    },
    assumptions: COST_ASSUMPTIONS,
    cpu,
    requests,
    endToEnd: e2e,
    bundle,
    backtest,
    lines,
  };
  if (readme) {
    if (quick) throw new Error('--readme records the full run; drop --quick');
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(
      join(ROOT, 'bench', 'results', 'latest.json'),
      `${JSON.stringify(document, null, 2)}\n`,
    );
    const path = join(ROOT, 'README.md');
    let text = readFileSync(path, 'utf8');
    text = replaceSection(text, MARKERS.cost, renderCost(recorded));
    text = replaceSection(text, MARKERS.performance, renderPerformance(recorded));
    writeFileSync(path, text);
    say('recorded bench/results/latest.json and rewrote the README sections it generates');
  }
  if (json) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
