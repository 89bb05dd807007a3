// Which partitions a query reads and which checks its results must pass. Every filter maps to
// a key or an index (never a Scan); filters given alongside become checks on the results.
import { SEVERITIES, type Severity, severityRank } from '../../../contract/severity';
import { INDEXES, TABLE_KEYS } from '../../../contract/table';
import {
  callcenterKey,
  pairKey,
  quarantineKey,
  severityKey,
  userKey,
} from '../../../lambda/core/keys';
import { UsageError } from '../../errors';
import type { TimeRange } from './time-range';

export interface FilterOptions {
  readonly callcenter?: string;
  readonly user?: string;
  readonly type?: string;
  readonly event?: string;
  readonly severity?: string;
  readonly quarantined?: boolean;
}

/** One key value of the table or of an index: a Query over it reads one partition. */
export interface Partition {
  readonly index?: string;
  readonly keyName: string;
  readonly keyValue: string;
}

/** A check reads only an item's attributes, as the table returns them. */
export type ItemCheck = (item: Readonly<Record<string, unknown>>) => boolean;

export interface QueryPlan {
  readonly partitions: readonly Partition[];
  readonly accept: ItemCheck;
}

/** Picks the narrowest key path for the filters; the others become checks on the results. */
export function planQuery(options: FilterOptions, range: TimeRange): QueryPlan {
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
    return quarantinePlan(range);
  }
  const checks = eventChecks(options, severity);
  return {
    partitions: eventPartitions(options, severity),
    accept: (item) => checks.every((check) => check(item)),
  };
}

function parseSeverity(value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(value)) {
    throw new UsageError(`--severity: expected one of ${SEVERITIES.join(', ')}, got "${value}"`);
  }
  return value as Severity;
}

/** Quarantined messages are partitioned by the month they arrived. */
function quarantinePlan(range: TimeRange): QueryPlan {
  return {
    partitions: monthsBetween(range).map((month) => ({
      keyName: TABLE_KEYS.partition,
      keyValue: quarantineKey(month),
    })),
    accept: (item) => item.kind === 'quarantine',
  };
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

/** The narrowest key path, in order of preference: call center, user, type/event, severity. */
function eventPartitions(options: FilterOptions, severity: Severity | undefined): Partition[] {
  if (options.callcenter !== undefined) {
    return [{ keyName: TABLE_KEYS.partition, keyValue: callcenterKey(options.callcenter) }];
  }
  if (options.user !== undefined) {
    const key = userKey(options.user);
    return [
      { index: INDEXES.bySubject.name, keyName: INDEXES.bySubject.partitionKey, keyValue: key },
      { index: INDEXES.byActor.name, keyName: INDEXES.byActor.partitionKey, keyValue: key },
    ];
  }
  if (options.type !== undefined && options.event !== undefined) {
    return [
      {
        index: INDEXES.byPair.name,
        keyName: INDEXES.byPair.partitionKey,
        keyValue: pairKey(options.type, options.event),
      },
    ];
  }
  // Every event has a severity, so the severity index covers "everything in a time range".
  const floor = severity ? severityRank(severity) : 0;
  return SEVERITIES.filter((s) => severityRank(s) >= floor).map((s) => ({
    index: INDEXES.bySeverity.name,
    keyName: INDEXES.bySeverity.partitionKey,
    keyValue: severityKey(s),
  }));
}

/** The filters as checks on what the partitions return; the key path's own filter too. */
function eventChecks(options: FilterOptions, severity: Severity | undefined): ItemCheck[] {
  const checks: ItemCheck[] = [(item) => item.kind === 'event'];
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
  return checks;
}
