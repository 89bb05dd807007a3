// Which partitions a query reads and which checks its results must pass. Every filter maps to
// a key or an index (never a Scan); filters given alongside become checks on the results.
import { type CidrRange, parseCidr } from '../../../contract/ip';
import { SEVERITIES, type Severity, severityRank } from '../../../contract/severity';
import { INDEXES, TABLE_KEYS } from '../../../contract/table';
import { rangeContains } from '../../../lambda/core/ip';
import {
  callcenterKey,
  incidentPartition,
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
    partitions: eventPartitions(options, severity, ip),
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
function eventPartitions(
  options: FilterOptions,
  severity: Severity | undefined,
  ip: CidrRange | undefined,
): Partition[] {
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
  if (ip !== undefined) {
    // Only five pairs carry addresses: their pair partitions hold every candidate.
    return IP_PAIRS.map(([type, event]) => ({
      index: INDEXES.byPair.name,
      keyName: INDEXES.byPair.partitionKey,
      keyValue: pairKey(type, event),
    }));
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
