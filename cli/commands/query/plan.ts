// Which partitions a query reads and which checks its results must pass. Every filter maps to
// a key or an index (never a Scan); filters given alongside become checks on the results. Some
// paths depend on what the table holds (its call centers, its pairs): the plan names them as
// expansions of the table's registry, which read.ts resolves.
import { type CidrRange, parseCidr } from '../../../contract/ip';
import { SEVERITIES, type Severity, severityRank } from '../../../contract/severity';
import { INDEXES, LEGACY_INDEXES, TABLE_KEYS } from '../../../contract/table';
import { rangeContains } from '../../../lambda/core/ip';
import {
  callcenterKey,
  incidentPartition,
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
  /** An address or CIDR range that an event's `ip`, `from` or `to` overlaps. */
  readonly ip?: string;
  /** List incidents (detections) instead of events. */
  readonly incidents?: boolean;
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
    if (
      options.callcenter ||
      options.user ||
      options.type ||
      severity ||
      options.ip ||
      options.incidents
    ) {
      throw new UsageError(
        '--quarantined lists messages that were not events; it takes only a time range',
      );
    }
    return quarantinePlan(range);
  }
  if (options.incidents) return incidentPlan(options, severity, range);
  const ip = parseIpFilter(options.ip);
  const checks = eventChecks(options, severity, ip);
  return {
    ...eventPaths(options, severity, ip),
    accept: (item) => checks.every((check) => check(item)),
  };
}

/** The pairs whose params hold addresses or ranges, and which of `ip`, `from`, `to` they use. */
export const IP_PAIRS: readonly (readonly [string, string])[] = [
  ['app_login', 'unauthorized_ip'],
  ['app_login', 'ip_changed'],
  ['allowed_ip', 'ip_added'],
  ['allowed_ip', 'ip_removed'],
  ['allowed_ip', 'ip_changed'],
];
const IP_PARAMS = ['ip', 'from', 'to'] as const;

function parseIpFilter(value: string | undefined): CidrRange | undefined {
  if (value === undefined) return undefined;
  const range = parseCidr(value.trim());
  if (range === undefined) {
    throw new UsageError(
      `--ip: expected an IP address or a CIDR range such as 203.0.113.7 or 203.0.113.0/24, got "${value}"`,
    );
  }
  return range;
}

/**
 * Whether an event's address or range overlaps the filter: an address inside the range, a range
 * inside it, or a range that contains it (an allow-list entry that lets the address in). CIDR
 * ranges either nest or are disjoint, so these are all the ways two can overlap. Containment is
 * the core's (lambda/core/ip.ts), so IPv4 and IPv6 forms never match each other.
 */
export function ipOverlaps(filter: CidrRange, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (rangeContains(filter, value)) return true;
  const range = parseCidr(value);
  return range !== undefined && rangeContains(range, `${filter.address}/${filter.prefix}`);
}

/** Incidents are partitioned by the month they began; --callcenter and --severity check them. */
function incidentPlan(
  options: FilterOptions,
  severity: Severity | undefined,
  range: TimeRange,
): QueryPlan {
  if (options.user || options.type || options.ip) {
    throw new UsageError(
      '--incidents lists detections; it takes a time range, --callcenter and --severity',
    );
  }
  return {
    partitions: monthsBetween(range).map((month) => ({
      keyName: TABLE_KEYS.partition,
      keyValue: incidentPartition(month),
    })),
    accept: (item) =>
      item.kind === 'incident' &&
      (options.callcenter === undefined || item.callcenter === options.callcenter) &&
      (severity === undefined || severityRank(item.severity as Severity) >= severityRank(severity)),
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
  ip: CidrRange | undefined,
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
  if (ip !== undefined) {
    // Only five pairs carry addresses: their partitions hold every candidate. The index holds
    // keys only; read.ts fetches the items (BatchGetItem) before --ip checks their params.
    const paths = IP_PAIRS.map(([type, event]) => pairPaths(type, event, from));
    return {
      partitions: paths.flatMap((path) => path.partitions),
      expansions: paths.flatMap((path) => path.expansions ?? []),
    };
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
function eventChecks(
  options: FilterOptions,
  severity: Severity | undefined,
  ip: CidrRange | undefined,
): ItemCheck[] {
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
  if (ip !== undefined) {
    checks.push((item) => {
      const params = item.params as Record<string, unknown> | undefined;
      return IP_PARAMS.some((name) => ipOverlaps(ip, params?.[name]));
    });
  }
  return checks;
}
