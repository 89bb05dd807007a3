// `voiso-sec query`: checks every option before any AWS call, then reads the table the options
// point at (a stack's, a named one, or the local pipeline's).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseCount } from '../../options';
import { progress } from '../../terminal';
import { resolveTable, type TargetOptions } from '../target';
import { type FormatOptions, parseOutput } from './format';
import { type FilterOptions, planQuery } from './plan';
import { type QueryResult, queryPartitions } from './read';
import { parseTimeRange, sortKeyBounds, type TimeRangeOptions } from './time-range';

export interface QueryOptions
  extends TargetOptions,
    TimeRangeOptions,
    FilterOptions,
    FormatOptions {
  readonly table?: string;
  readonly limit?: string;
}

const DEFAULT_LIMIT = 1000;

export async function runQuery(options: QueryOptions, now = new Date()): Promise<QueryResult> {
  const range = parseTimeRange(options, now);
  const limit = options.limit === undefined ? DEFAULT_LIMIT : parseCount('--limit', options.limit);
  parseOutput(options.output);
  const plan = planQuery(options, range);
  const target = await resolveTable(options);
  const client = new DynamoDBClient(target.config);
  const bar = progress();
  try {
    const result = await queryPartitions(
      client,
      target.tableName,
      plan,
      sortKeyBounds(range),
      limit,
      (i, total) => bar.update(`querying ${i + 1}/${total}`),
    );
    bar.done();
    return result;
  } finally {
    client.destroy();
  }
}
