// The README's generated sections, rendered from one recorded bench document
// (bench/results/latest.json, written by `npm run bench -- --readme`): the cost tables and the
// performance table are never typed by hand. test/bench/readme-figures.test.ts checks that the
// README holds exactly what the recorded document renders to.
import type { MonthlyCost, Price } from './cost';
import type { LatencyFigure } from './latency';

/** The parts of the bench document the README shows. */
export interface RecordedFigures {
  readonly date: string;
  readonly machine: { readonly cores: number; readonly cpu?: string; readonly node: string };
  readonly tookSeconds: number;
  readonly alertLatency: {
    readonly trickle: LatencyFigure;
    readonly burst: LatencyFigure;
    /** The same burst with every detection turned off. */
    readonly burstWithoutDetections: LatencyFigure;
    readonly goals: { readonly trickleMs: number; readonly burstAfterEndMs: number };
  };
  readonly indexCopies: {
    readonly writeUnitsPerEvent: number;
    readonly copiesPerEvent: number;
    readonly tableBytesPerEvent: number;
    readonly indexBytesPerEvent: number;
    readonly totalWriteUnitsPerEvent: number;
    readonly goal: number;
  };
  readonly monthlyCost: readonly (MonthlyCost & { readonly configuration: string })[];
  readonly prices: Readonly<Record<string, Price>>;
  readonly pricesChecked: string;
  readonly regression: {
    readonly cpuMicrosPerEvent: number;
    readonly parseRatio: number;
    readonly dynamodbRequestsPer1000: number;
    readonly baselineDynamodbRequestsPer1000: number;
    readonly snsRequestsPer100Alerts: number;
    readonly baselineSnsRequestsPer100Alerts: number;
    readonly endToEndEventsPerSecond: number;
    readonly baselineEventsPerSecond: number;
    readonly noopEventsPerSecond: number;
    readonly functionCpuMicrosPerEvent: number;
    readonly baselineFunctionCpuMicrosPerEvent: number;
    readonly baselineAlertLatency: {
      readonly trickle: LatencyFigure;
      readonly burst: LatencyFigure;
    };
  };
}

export const MARKERS = {
  cost: ['<!-- bench:cost:begin -->', '<!-- bench:cost:end -->'],
  performance: ['<!-- bench:performance:begin -->', '<!-- bench:performance:end -->'],
} as const;

const usd = (n: number) => (n < 0.005 && n > 0 ? '< $0.01' : `$${n.toFixed(2)}`);
const num = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const seconds = (ms: number) => `${num(ms / 1000, 1)} s`;
const volume = (n: number) =>
  n >= 1e6 ? `${num(n / 1e6, n % 1e6 === 0 ? 0 : 1)} million` : num(n);

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [
    line(headers),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

const CONFIGURATIONS: Readonly<Record<string, string>> = {
  default: 'defaults (no dashboard, no tracing)',
  observed: '`"dashboard": true, "tracing": true`',
};

/** The generated part of "Cost": totals, the lines behind them, and the prices used. */
export function renderCost(f: RecordedFigures): string {
  const totals = table(
    [
      'Events a month',
      'Configuration',
      'Fixed',
      'Variable',
      'Month, all in',
      'Within the free tier',
      'Storage after a year',
      'Month after a year',
    ],
    f.monthlyCost.map((m) => [
      volume(m.eventsPerMonth),
      CONFIGURATIONS[m.configuration] ?? m.configuration,
      usd(m.fixedUsd),
      usd(m.variableUsd),
      `**${usd(m.usd)}**`,
      usd(m.usdWithFreeTier),
      usd(m.storageUsdAfterOneYear),
      usd(m.usd + m.storageUsdAfterOneYear),
    ]),
  );
  const byLine = new Map<string, Map<string, number>>();
  const columns = f.monthlyCost.filter((m) => m.configuration === 'default');
  for (const m of columns) {
    for (const l of m.lines) {
      // "Scheduled flush: its Query" and the like: one line per part of the stack.
      const item = l.item.split(':')[0] ?? l.item;
      const row = byLine.get(item) ?? new Map<string, number>();
      row.set(String(m.eventsPerMonth), (row.get(String(m.eventsPerMonth)) ?? 0) + l.usd);
      byLine.set(item, row);
    }
  }
  const lines = table(
    ['Line (defaults)', ...columns.map((m) => volume(m.eventsPerMonth))],
    [...byLine].map(([item, values]) => [
      item,
      ...columns.map((m) => usd(values.get(String(m.eventsPerMonth)) ?? 0)),
    ]),
  );
  const prices = table(
    ['Price', 'USD', 'Source'],
    Object.values(f.prices).map((price) => [
      price.unit,
      price.usd < 0.001 ? `${num(price.usd * 1e6, 4)} per million` : num(price.usd, 2),
      price.source,
    ]),
  );
  return [
    `Measured by \`npm run bench\` on ${f.date.slice(0, 10)} (${f.machine.cores} cores, ${f.machine.cpu ?? 'unknown CPU'}, Node ${f.machine.node}); prices checked ${f.pricesChecked}, us-east-1, without free tiers.`,
    '',
    totals,
    '',
    lines,
    '',
    prices,
  ].join('\n');
}

/** The generated part of "Performance": latency, index copies and the regression figures. */
export function renderPerformance(f: RecordedFigures): string {
  const { trickle, burst, burstWithoutDetections, goals } = f.alertLatency;
  const r = f.regression;
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  const latency = table(
    [
      'Alert latency (SendMessage to SNS accepted)',
      'voiso-sec',
      'naive Powertools handler',
      'Goal',
    ],
    [
      [
        `trickle, one event every 2.5 s (${trickle.alerts} alerts), p50 / p99`,
        `${seconds(trickle.p50Ms)} / ${seconds(trickle.p99Ms)}`,
        `${seconds(r.baselineAlertLatency.trickle.p50Ms)} / ${seconds(r.baselineAlertLatency.trickle.p99Ms)}`,
        `p99 <= ${seconds(goals.trickleMs)}: ${met(trickle.p99Ms <= goals.trickleMs)}`,
      ],
      [
        `burst of ${num(burst.messages)} (${burst.alerts} alerts out, ${burst.folded} folded), p50 / p99`,
        `${seconds(burst.p50Ms)} / ${seconds(burst.p99Ms)}`,
        `${seconds(r.baselineAlertLatency.burst.p50Ms)} / ${seconds(r.baselineAlertLatency.burst.p99Ms)}`,
        '',
      ],
      [
        'burst: p99 alert after the last SendMessage',
        seconds(burst.p99AfterEndMs),
        seconds(r.baselineAlertLatency.burst.p99AfterEndMs),
        `<= ${seconds(goals.burstAfterEndMs)}: ${met(burst.p99AfterEndMs <= goals.burstAfterEndMs)}`,
      ],
      [
        'burst with every detection off: p99 alert after the last SendMessage',
        seconds(burstWithoutDetections.p99AfterEndMs),
        '',
        '',
      ],
      [
        'burst: sending took / queue drained after',
        `${num(burst.sendSeconds, 1)} s / ${num(burst.drainSeconds, 1)} s`,
        `${num(r.baselineAlertLatency.burst.sendSeconds, 1)} s / ${num(r.baselineAlertLatency.burst.drainSeconds, 1)} s`,
        '',
      ],
      [
        'burst: of which inside the handler (invocation start to SNS), p50 / p99',
        `${seconds(burst.inHandlerP50Ms)} / ${seconds(burst.inHandlerP99Ms)}`,
        '',
        '',
      ],
    ],
  );
  const anchors = table(
    ['Waiting built in before the first alert', 'Figure'],
    [
      ['voiso-sec: the batching window (deployed `maxBatchingWindowSeconds`)', '1 s'],
      ['best-known hosted detector: delivery buffer (published)', '60 s'],
      ['best-known open-source detector: alert merger (published)', '60 s'],
    ],
  );
  const ix = f.indexCopies;
  const figures = table(
    ['Figure', 'voiso-sec', 'against'],
    [
      [
        'write units per event: item + index entries',
        num(ix.writeUnitsPerEvent, 2),
        `goal <= ${num(ix.goal, 1)}: ${met(ix.writeUnitsPerEvent <= ix.goal)}`,
      ],
      [
        'stored copies per event: item + index entries',
        num(ix.copiesPerEvent, 2),
        `goal <= ${num(ix.goal, 1)}: ${met(ix.copiesPerEvent <= ix.goal)}`,
      ],
      [
        'bytes stored per event: item / index entries',
        `${num(ix.tableBytesPerEvent)} / ${num(ix.indexBytesPerEvent)}`,
        'DynamoDB counts 100 bytes of overhead per item and per entry',
      ],
      [
        'write units per event, all (detection state, alert records)',
        num(ix.totalWriteUnitsPerEvent, 2),
        '',
      ],
      [
        'handler CPU per event, in-memory ports (10k)',
        `${num(r.cpuMicrosPerEvent, 1)} µs`,
        `${num(r.parseRatio, 0)}x JSON.parse of the same bodies`,
      ],
      [
        'DynamoDB requests per 1,000 events',
        num(r.dynamodbRequestsPer1000),
        `naive handler ${num(r.baselineDynamodbRequestsPer1000)}`,
      ],
      [
        'SNS requests per 100 alert messages',
        num(r.snsRequestsPer100Alerts, 1),
        `naive handler ${num(r.baselineSnsRequestsPer100Alerts, 1)}`,
      ],
      [
        'end to end, 1,000 events through the emulators',
        `${num(r.endToEndEventsPerSecond)} events/s`,
        `naive handler ${num(r.baselineEventsPerSecond)}; a handler doing nothing ${num(r.noopEventsPerSecond)}`,
      ],
      [
        'function-side CPU per event end to end',
        `${num(r.functionCpuMicrosPerEvent)} µs`,
        `naive handler ${num(r.baselineFunctionCpuMicrosPerEvent)} µs`,
      ],
    ],
  );
  return [
    `Measured by \`npm run bench\` on ${f.date.slice(0, 10)}, ${f.machine.cores} shared cores (${f.machine.cpu ?? 'unknown CPU'}), Node ${f.machine.node}, in ${num(f.tookSeconds)} s.`,
    '',
    latency,
    '',
    anchors,
    '',
    figures,
  ].join('\n');
}

/** Replaces the text between a pair of markers (which stay). */
export function replaceSection(
  document: string,
  [begin, end]: readonly [string, string],
  content: string,
): string {
  const start = document.indexOf(begin);
  const stop = document.indexOf(end);
  if (start === -1 || stop === -1 || stop < start) {
    throw new Error(`README has no ${begin} ... ${end} section`);
  }
  return `${document.slice(0, start + begin.length)}\n${content}\n${document.slice(stop)}`;
}

/** The text between a pair of markers. */
export function section(document: string, [begin, end]: readonly [string, string]): string {
  const start = document.indexOf(begin);
  const stop = document.indexOf(end);
  if (start === -1 || stop === -1) return '';
  return document.slice(start + begin.length, stop).trim();
}
