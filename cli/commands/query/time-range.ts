// The time range of a query, from --since or --from/--to, and the sort-key bounds it becomes.
import { UsageError } from '../../errors';

export interface TimeRangeOptions {
  readonly since?: string;
  readonly from?: string;
  readonly to?: string;
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

export function parseTimeRange(options: TimeRangeOptions, now: Date): TimeRange {
  if (options.since !== undefined && (options.from !== undefined || options.to !== undefined)) {
    throw new UsageError('Use either --since or --from/--to, not both');
  }
  return options.since === undefined ? explicitRange(options, now) : sinceRange(options.since, now);
}

/** `--since 7d`: from that long ago until now. */
function sinceRange(since: string, now: Date): TimeRange {
  const match = /^(\d+)([mhdw])$/.exec(since);
  const unit = match?.[2] ? UNITS[match[2]] : undefined;
  if (!match || unit === undefined || Number(match[1]) === 0) {
    throw new UsageError(`--since: expected a duration like 30m, 24h, 7d or 2w, got "${since}"`);
  }
  const from = new Date(now.getTime() - Number(match[1]) * unit);
  if (!isStorable(from)) {
    throw new UsageError(
      `--since: ${since} reaches back before ${STORABLE_TEXT}; use a shorter duration or --from`,
    );
  }
  return { from, to: now };
}

/** `--from`/`--to`, each optional: `--to` defaults to now, `--from` to a day before `--to`. */
function explicitRange(options: TimeRangeOptions, now: Date): TimeRange {
  const to = parseTime('--to', options.to) ?? now;
  const defaultFrom = new Date(to.getTime() - DAY_MS);
  if (options.from === undefined && !isStorable(defaultFrom)) {
    throw new UsageError(
      `--to: the default range, 24 hours before ${to.toISOString()}, starts outside ${STORABLE_TEXT}; give --from too`,
    );
  }
  const from = parseTime('--from', options.from) ?? defaultFrom;
  if (from.getTime() > to.getTime()) {
    throw new UsageError(
      `Bad time range: --from ${from.toISOString()} is after --to ${to.toISOString()}`,
    );
  }
  return { from, to };
}

function parseTime(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
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
}

export interface SortKeyBounds {
  readonly low: string;
  readonly high: string;
}

/** Sort-key bounds: normalised times are `…SS.mmm` plus six more digits and `Z`. */
export function sortKeyBounds(range: TimeRange): SortKeyBounds {
  const iso = (date: Date) => date.toISOString().slice(0, 23);
  // `~` sorts after `#`, so the high bound includes every event id at the last instant.
  return { low: `${iso(range.from)}000000Z`, high: `${iso(range.to)}999999Z~` };
}
