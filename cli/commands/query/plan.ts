// Which partitions a query reads and which checks its results must pass. Every filter maps to
// a key or an index (never a Scan); filters given alongside become checks on the results. Some
// paths depend on what the table holds (its call centers, its pairs): the plan names them as
// expansions of the table's registry, which read.ts resolves.
import { SEVERITIES, type Severity, severityRank } from '../../../contract/severity';
import { INDEXES, LEGACY_INDEXES, TABLE_KEYS } from '../../../contract/table';
import {
  callcenterKey,
  pairKey,
  pairSeverityKey,
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
  /**
   * A partition of an index that only tables deployed before the current layout have (events
   * stored before their upgrade): read when the table has the index, skipped when it has not.
   */
  readonly legacy?: boolean;
}

/**
 * Partitions named by the table's registry of call centers and pairs, which only the table
 * knows: read.ts reads the registry and queries them.
 */
export type RegistryExpansion =
  /** byPairSeverity: these severities of every pair the table has seen. */
  | { readonly each: 'pair'; readonly severities: readonly Severity[] }
  /**
   * The table partition of every call center. With `unlessIndexedFrom`, only when some pair (or
   * this pair) keeps events below that severity out of byPairSeverity: then they are found
   * here, and only here.
   */
  | {
      readonly each: 'callcenter';
      readonly unlessIndexedFrom?: {
        readonly severity: Severity;
        readonly pair?: { readonly type: string; readonly event: string };
      };
    };

/** A check reads only an item's attributes, as the table returns them. */
export type ItemCheck = (item: Readonly<Record<string, unknown>>) => boolean;

export interface QueryPlan {
  readonly partitions: readonly Partition[];
  /** Partitions the registry names, expanded when the query runs. @default none */
  readonly expansions?: readonly RegistryExpansion[];
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
    ...eventPaths(options, severity),
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
function eventPaths(
  options: FilterOptions,
  severity: Severity | undefined,
): Pick<QueryPlan, 'partitions' | 'expansions'> {
  if (options.callcenter !== undefined) {
    return {
      partitions: [{ keyName: TABLE_KEYS.partition, keyValue: callcenterKey(options.callcenter) }],
    };
  }
  if (options.user !== undefined) {
    const key = userKey(options.user);
    return {
      partitions: [INDEXES.byUser, INDEXES.byActingUser].map((index) => ({
        index: index.name,
        keyName: index.partitionKey,
        keyValue: key,
      })),
    };
  }
  const from = severity ?? 'info';
  if (options.type !== undefined && options.event !== undefined) {
    return pairPaths(options.type, options.event, from);
  }
  if (severity === undefined) {
    // Everything in the range: every call center's partition of the table.
    return {
      partitions: legacySeverityPartitions('info'),
      expansions: [{ each: 'callcenter' }],
    };
  }
  return {
    partitions: legacySeverityPartitions(severity),
    expansions: [
      { each: 'pair', severities: severitiesFrom(severity) },
      { each: 'callcenter', unlessIndexedFrom: { severity } },
    ],
  };
}

const severitiesFrom = (floor: Severity): Severity[] =>
  SEVERITIES.filter((s) => severityRank(s) >= severityRank(floor));

/**
 * One pair from a severity up: its byPairSeverity partitions, its partition of the index before
 * severities were part of the key (events stored before an upgrade), and the call centers'
 * partitions when the pair keeps its events below that severity out of the index.
 */
export function pairPaths(
  type: string,
  event: string,
  from: Severity = 'info',
): Pick<QueryPlan, 'partitions' | 'expansions'> {
  const index = INDEXES.byPairSeverity;
  return {
    partitions: [
      ...severitiesFrom(from).map((s) => ({
        index: index.name,
        keyName: index.partitionKey,
        keyValue: pairSeverityKey(type, event, s),
      })),
      { index: index.name, keyName: index.partitionKey, keyValue: pairKey(type, event) },
    ],
    expansions: [
      { each: 'callcenter', unlessIndexedFrom: { severity: from, pair: { type, event } } },
    ],
  };
}

/** The severity index of releases before byPairSeverity: events stored before an upgrade. */
function legacySeverityPartitions(from: Severity): Partition[] {
  const index = LEGACY_INDEXES.bySeverity;
  return severitiesFrom(from).map((s) => ({
    index: index.name,
    keyName: index.partitionKey,
    keyValue: severityKey(s),
    legacy: true,
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
