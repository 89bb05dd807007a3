// `voiso-sec query`: audit queries over the events table. Every filter maps to a key or an index
// (never a Scan); other filters given alongside are applied to the query's results.
import { type AttributeValue, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { SEVERITIES, type Severity, severityRank } from '../../contract/severity';
import { INDEXES, TABLE_KEYS } from '../../contract/table';
import { fromAttributes } from '../../lambda/adapters/item-codec';
import type { EventItem, QuarantineItem } from '../../lambda/core/items';
import {
  callcenterKey,
  pairKey,
  quarantineKey,
  severityKey,
  userKey,
} from '../../lambda/core/keys';
import { UsageError } from '../errors';
import { progress, renderCsv, renderTable } from '../terminal';
import { resolveTable, type TargetOptions } from './target';

export interface QueryOptions extends TargetOptions {
  readonly table?: string;
  readonly callcenter?: string;
  readonly since?: string;
  readonly from?: string;
  readonly to?: string;
  readonly user?: string;
  readonly type?: string;
  readonly event?: string;
  readonly severity?: string;
  readonly quarantined?: boolean;
  readonly output?: string;
  readonly limit?: string;
}

export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}

const DAY_MS = 86_400_000;
const UNITS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Stored times have four-digit years (lambda/core normalises to `YYYY-…Z`), so a query bound
 * outside them would make sort-key bounds that compare wrongly, and a duration past JavaScript's
 * date range would be an Invalid Date that fails later with a RangeError.
 */
const STORABLE = {
  first: Date.parse('0000-01-01T00:00:00.000Z'),
  last: Date.parse('9999-12-31T23:59:59.999Z'),
};
const STORABLE_TEXT = 'the times events can have (years 0000 to 9999)';
const isStorable = (date: Date) =>
  !Number.isNaN(date.getTime()) &&
  date.getTime() >= STORABLE.first &&
  date.getTime() <= STORABLE.last;

export function parseTimeRange(
  options: Pick<QueryOptions, 'since' | 'from' | 'to'>,
  now: Date,
): TimeRange {
  if (options.since !== undefined && (options.from !== undefined || options.to !== undefined)) {
    throw new UsageError('Use either --since or --from/--to, not both');
  }
  if (options.since !== undefined) {
    const match = /^(\d+)([mhdw])$/.exec(options.since);
    const unit = match?.[2] ? UNITS[match[2]] : undefined;
    if (!match || unit === undefined || Number(match[1]) === 0) {
      throw new UsageError(
        `--since: expected a duration like 30m, 24h, 7d or 2w, got "${options.since}"`,
      );
    }
    const from = new Date(now.getTime() - Number(match[1]) * unit);
    if (!isStorable(from)) {
      throw new UsageError(
        `--since: ${options.since} reaches back before ${STORABLE_TEXT}; use a shorter duration or --from`,
      );
    }
    return { from, to: now };
  }
  const parse = (name: string, value: string | undefined, fallback: Date) => {
    if (value === undefined) return fallback;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) {
      throw new UsageError(
        `${name}: not a date or time: "${value}" (use ISO-8601, e.g. 2025-01-31T12:00:00Z)`,
      );
    }
    const date = new Date(ms);
    if (!isStorable(date)) {
      throw new UsageError(`${name}: "${value}" is outside ${STORABLE_TEXT}`);
    }
    return date;
  };
  const to = parse('--to', options.to, now);
  const defaultFrom = new Date(to.getTime() - DAY_MS);
  if (options.from === undefined && !isStorable(defaultFrom)) {
    throw new UsageError(
      `--to: the default range, 24 hours before ${to.toISOString()}, starts outside ${STORABLE_TEXT}; give --from too`,
    );
  }
  const from = parse('--from', options.from, defaultFrom);
  if (from.getTime() > to.getTime()) {
    throw new UsageError(
      `Bad time range: --from ${from.toISOString()} is after --to ${to.toISOString()}`,
    );
  }
  return { from, to };
}

/** Sort-key bounds: normalised times are `…SS.mmm` plus six more digits and `Z`. */
export function sortKeyBounds(range: TimeRange): { low: string; high: string } {
  const iso = (date: Date) => date.toISOString().slice(0, 23);
  // `~` sorts after `#`, so the high bound includes every event id at the last instant.
  return { low: `${iso(range.from)}000000Z`, high: `${iso(range.to)}999999Z~` };
}

interface Partition {
  readonly index?: string;
  readonly keyName: string;
  readonly keyValue: string;
}

type Item = Record<string, unknown>;

async function queryPartition(
  client: DynamoDBClient,
  tableName: string,
  partition: Partition,
  bounds: { low: string; high: string },
  accept: (item: Item) => boolean,
  limit: number,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        ...(partition.index && { IndexName: partition.index }),
        KeyConditionExpression: '#p = :p AND #s BETWEEN :low AND :high',
        ExpressionAttributeNames: { '#p': partition.keyName, '#s': TABLE_KEYS.sort },
        ExpressionAttributeValues: {
          ':p': { S: partition.keyValue },
          ':low': { S: bounds.low },
          ':high': { S: bounds.high },
        },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const raw of page.Items ?? []) {
      const item = fromAttributes(raw);
      if (accept(item)) items.push(item);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return items;
}

function monthsBetween(range: TimeRange): string[] {
  const months: string[] = [];
  const cursor = new Date(Date.UTC(range.from.getUTCFullYear(), range.from.getUTCMonth(), 1));
  while (cursor.getTime() <= range.to.getTime()) {
    months.push(cursor.toISOString());
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return months;
}

function parseSeverity(value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(value)) {
    throw new UsageError(`--severity: expected one of ${SEVERITIES.join(', ')}, got "${value}"`);
  }
  return value as Severity;
}

export interface QueryPlan {
  readonly partitions: readonly Partition[];
  readonly accept: (item: Item) => boolean;
}

/** Picks the narrowest key path for the filters; the others become checks on the results. */
export function planQuery(options: QueryOptions, range: TimeRange): QueryPlan {
  if ((options.type === undefined) !== (options.event === undefined)) {
    throw new UsageError(
      '--type and --event go together (the pair is the identity, e.g. --type user --event user_added)',
    );
  }
  const severity = parseSeverity(options.severity);
  if (options.quarantined) {
    if (options.callcenter || options.user || options.type || severity) {
      throw new UsageError(
        '--quarantined lists messages that were not events; it takes only a time range',
      );
    }
    return {
      partitions: monthsBetween(range).map((month) => ({
        keyName: TABLE_KEYS.partition,
        keyValue: quarantineKey(month),
      })),
      accept: (item) => item.kind === 'quarantine',
    };
  }
  const checks: ((item: Item) => boolean)[] = [(item) => item.kind === 'event'];
  let partitions: Partition[];
  if (options.callcenter !== undefined) {
    partitions = [{ keyName: TABLE_KEYS.partition, keyValue: callcenterKey(options.callcenter) }];
  } else if (options.user !== undefined) {
    const key = userKey(options.user);
    partitions = [
      { index: INDEXES.bySubject.name, keyName: INDEXES.bySubject.partitionKey, keyValue: key },
      { index: INDEXES.byActor.name, keyName: INDEXES.byActor.partitionKey, keyValue: key },
    ];
  } else if (options.type !== undefined && options.event !== undefined) {
    partitions = [
      {
        index: INDEXES.byPair.name,
        keyName: INDEXES.byPair.partitionKey,
        keyValue: pairKey(options.type, options.event),
      },
    ];
  } else {
    // Every event has a severity, so the severity index covers "everything in a time range".
    const floor = severity ? severityRank(severity) : 0;
    partitions = SEVERITIES.filter((s) => severityRank(s) >= floor).map((s) => ({
      index: INDEXES.bySeverity.name,
      keyName: INDEXES.bySeverity.partitionKey,
      keyValue: severityKey(s),
    }));
  }
  if (options.callcenter !== undefined)
    checks.push((item) => item.callcenter === options.callcenter);
  if (options.user !== undefined) {
    const user = options.user;
    checks.push((item) => {
      const params = item.params as Record<string, unknown> | undefined;
      return params?.user === user || params?.who === user;
    });
  }
  if (options.type !== undefined) {
    checks.push((item) => item.type === options.type && item.event === options.event);
  }
  if (severity) {
    checks.push((item) => severityRank(item.severity as Severity) >= severityRank(severity));
  }
  return { partitions, accept: (item) => checks.every((check) => check(item)) };
}

export interface QueryResult {
  readonly items: Item[];
  readonly truncated: boolean;
}

export async function runQuery(options: QueryOptions, now = new Date()): Promise<QueryResult> {
  const range = parseTimeRange(options, now);
  const limit = options.limit === undefined ? 1000 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new UsageError(`--limit: expected a whole number >= 1, got "${options.limit}"`);
  }
  parseOutput(options.output);
  const plan = planQuery(options, range);
  const bounds = sortKeyBounds(range);
  const target = await resolveTable(options);
  const client = new DynamoDBClient(target.config);
  const bar = progress();
  try {
    const seen = new Map<string, Item>();
    for (const [i, partition] of plan.partitions.entries()) {
      bar.update(`querying ${i + 1}/${plan.partitions.length}`);
      const items = await queryPartition(
        client,
        target.tableName,
        partition,
        bounds,
        plan.accept,
        limit + 1,
      );
      // An actor acting on themselves appears in both user indexes: one row per item.
      for (const item of items) seen.set(`${item.pk}\u0000${item.sk}`, item);
    }
    bar.done();
    const sorted = [...seen.values()].sort((a, b) => {
      const x = String(a.sk);
      const y = String(b.sk);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return { items: sorted.slice(0, limit), truncated: sorted.length > limit };
  } finally {
    client.destroy();
  }
}

export type OutputFormat = 'table' | 'json' | 'csv';

export function parseOutput(
  value: string | undefined,
  isTty = Boolean(process.stdout.isTTY),
): OutputFormat {
  if (value === undefined) return isTty ? 'table' : 'json';
  if (value === 'table' || value === 'json' || value === 'csv') return value;
  throw new UsageError(`--output: expected table, json or csv, got "${value}"`);
}

const EVENT_COLUMNS = [
  'time',
  'callcenter',
  'severity',
  'type',
  'event',
  'user',
  'who',
  'params',
  'rules',
];
const QUARANTINE_COLUMNS = ['time', 'messageId', 'reason', 'body'];

function eventRow(item: EventItem): string[] {
  const { user, who, ...rest } = item.params;
  return [
    item.timestamp,
    item.callcenter,
    item.severity,
    item.type,
    item.event,
    user === undefined ? '' : String(user),
    who === undefined ? '' : String(who),
    Object.keys(rest).length === 0 ? '' : JSON.stringify(rest),
    item.suppressedBy ? `suppressed:${item.suppressedBy}` : item.rules.join(' '),
  ];
}

function quarantineRow(item: QuarantineItem): string[] {
  return [item.sk.slice(0, 30), item.messageId, item.reason, item.body];
}

function publicView(item: Item): Item {
  // Key attributes are layout, not audit data.
  const { pk, sk, subjectKey, actorKey, pairKey: pair, severityKey: sev, ...rest } = item;
  void pk;
  void sk;
  void subjectKey;
  void actorKey;
  void pair;
  void sev;
  return rest;
}

export function formatQuery(result: QueryResult, options: QueryOptions): string {
  const format = parseOutput(options.output);
  if (format === 'json') return JSON.stringify(result.items.map(publicView), null, 2);
  const headers = options.quarantined ? QUARANTINE_COLUMNS : EVENT_COLUMNS;
  const rows = result.items.map((item) =>
    options.quarantined
      ? quarantineRow(item as unknown as QuarantineItem)
      : eventRow(item as unknown as EventItem),
  );
  if (format === 'csv') return renderCsv(headers, rows);
  return result.items.length === 0 ? 'No matching items.' : renderTable(headers, rows);
}
