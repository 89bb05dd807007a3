// `voiso-sec backtest`: what the rules and detections would have said about past events, with a
// configuration under test, and what another configuration would change. Reads a deployed table,
// the local pipeline's, or a JSON Lines file; writes and publishes nothing.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import { classifyMessage } from '../../lambda/core/message';
import { timeMs } from '../../lambda/core/records';
import { readStoredEvents } from '../backtest/read-table';
import { inTimeOrder, type ReplayEvent, type ReplayResult, replay } from '../backtest/replay';
import {
  type BacktestContext,
  type BacktestDocument,
  backtestDocument,
  type Comparison,
  compareReplays,
} from '../backtest/report';
import { UsageError } from '../errors';
import { loadDetectionConfiguration } from '../local/ingest-config';
import { readMessageInput } from '../message-input';
import { plural, progress } from '../terminal';
import { parseTimeRange, type TimeRange, type TimeRangeOptions } from './query/time-range';
import { resolveTable, type TargetOptions } from './target';

export interface BacktestOptions extends TargetOptions, TimeRangeOptions {
  readonly input?: string;
  readonly table?: string;
  readonly config?: string;
  readonly compare?: string;
}

export interface Backtest {
  readonly result: ReplayResult;
  readonly compared?: ReplayResult;
  readonly comparison: Comparison | null;
  readonly context: BacktestContext;
  readonly document: BacktestDocument;
}

/** The stored history a backtest reads when no range is given. */
export const DEFAULT_BACKTEST_SINCE = '30d';

interface Source {
  readonly events: ReplayEvent[];
  readonly description: string;
  readonly malformed: number;
  readonly expired: number;
  readonly outOfRange?: number;
}

/** Each line classified as the ingest function classifies a message body. */
function fromInput(file: string, range: TimeRange | undefined, warn: (m: string) => void): Source {
  const input = readMessageInput(file, { option: '--input' });
  for (const warning of input.warnings) warn(warning);
  const events: ReplayEvent[] = [];
  let malformed = 0;
  let outOfRange = 0;
  for (const { body } of input.bodies) {
    // Normalising does not depend on the configuration; the replay classifies again with it.
    const verdict = classifyMessage(body, DEFAULT_DETECTION_SETTINGS);
    if (verdict.kind === 'malformed') {
      malformed++;
      continue;
    }
    const { normalised } = verdict;
    const ms = timeMs(normalised.time);
    if (range && (ms < range.from.getTime() || ms > range.to.getTime())) {
      outOfRange++;
      continue;
    }
    events.push({
      id: normalised.id,
      time: normalised.time,
      timeMs: ms,
      event: normalised.event,
      pair: normalised.pair,
      recognised: normalised.recognised,
    });
  }
  return {
    events,
    description: file === '-' ? 'standard input' : file,
    malformed,
    expired: 0,
    outOfRange,
  };
}

async function fromTable(options: BacktestOptions, range: TimeRange, now: Date): Promise<Source> {
  const target = await resolveTable(options);
  const client = new DynamoDBClient(target.config);
  const bar = progress();
  try {
    const read = await readStoredEvents(client, target.tableName, range, {
      now,
      onProgress: (p) =>
        bar.update(
          p.phase === 'callcenters'
            ? `finding call centers: ${p.queriesDone}/${p.queries} queries, ${plural(p.found, 'call center')}`
            : `reading events: ${p.queriesDone}/${p.queries} queries, ${p.found.toLocaleString('en-US')} events`,
        ),
    });
    bar.done();
    return {
      events: read.events,
      description: `${options.local ? "the local pipeline's table" : `table ${target.tableName}`}, ${plural(read.callcenters.length, 'call center')}`,
      malformed: 0,
      expired: read.expired,
    };
  } finally {
    client.destroy();
  }
}

export async function runBacktest(
  options: BacktestOptions,
  warn: (message: string) => void = () => {},
  now = new Date(),
): Promise<Backtest> {
  if (options.input !== undefined && (options.local || options.table !== undefined)) {
    throw new UsageError('Give one source: --input FILE, --local, or a stack (--stack/--table)');
  }
  const explicitRange =
    options.since !== undefined || options.from !== undefined || options.to !== undefined;
  const range =
    options.input !== undefined && !explicitRange
      ? undefined
      : parseTimeRange(explicitRange ? options : { since: DEFAULT_BACKTEST_SINCE }, now);
  const configuration = loadDetectionConfiguration('--config', options.config);
  const comparedConfiguration =
    options.compare === undefined
      ? undefined
      : loadDetectionConfiguration('--compare', options.compare);
  for (const warning of [...configuration.warnings, ...(comparedConfiguration?.warnings ?? [])]) {
    warn(warning);
  }

  const source =
    options.input !== undefined
      ? fromInput(options.input, range, warn)
      : await fromTable(options, range as TimeRange, now);
  const events = inTimeOrder(source.events);
  const result = replay(events, configuration.detection);
  const compared =
    comparedConfiguration === undefined
      ? undefined
      : replay(events, comparedConfiguration.detection);
  const comparison =
    compared === undefined || comparedConfiguration === undefined
      ? null
      : compareReplays(result, compared, comparedConfiguration.source);
  return {
    result,
    ...(compared !== undefined && { compared }),
    comparison,
    context: {
      source: source.description,
      configuration: configuration.source,
      malformed: source.malformed,
      duplicates: source.events.length - events.length,
      expired: source.expired,
      ...(source.outOfRange !== undefined && { outOfRange: source.outOfRange }),
      ...(events.length > 0 && {
        first: events[0]?.timeMs,
        last: events[events.length - 1]?.timeMs,
      }),
    },
    document: backtestDocument(result, comparison),
  };
}
