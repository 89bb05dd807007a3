// Voiso timestamps -> one fixed-width UTC form, so that key order is time order
// (`…:12.1Z` sorts before `…:12.12Z` once both carry nine fraction digits).

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export class TimestampError extends Error {
  override name = 'TimestampError';
}

const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Normalises an ISO-8601 timestamp (0 to 9 fraction digits, `Z` or `±hh:mm`) to
 * `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (30 characters, UTC). Throws TimestampError for anything
 * that is not a real instant: 2020-02-30, hour 24, second 60, offsets beyond ±23:59.
 */
export function normaliseTimestamp(value: string): string {
  const match = ISO.exec(value);
  if (!match) {
    throw new TimestampError('expected ISO-8601 like 2020-10-10T10:11:12.12Z');
  }
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12) throw new TimestampError(`month ${mo} does not exist`);
  const monthDays = month === 2 && isLeap(year) ? 29 : (DAYS[month - 1] ?? 0);
  if (day < 1 || day > monthDays) throw new TimestampError(`day ${d} does not exist in ${y}-${mo}`);
  // Leap seconds (:60) cannot be represented in UTC arithmetic, and Voiso does not send them.
  if (hour > 23 || minute > 59 || second > 59)
    throw new TimestampError(`time ${h}:${mi}:${s} does not exist`);
  // Voiso sends UTC: the validated fields are already the answer, no date arithmetic needed.
  if (zone === 'Z') return `${y}-${mo}-${d}T${h}:${mi}:${s}.${fraction.padEnd(9, '0')}Z`;
  let offsetMinutes = 0;
  {
    const offsetHours = Number(zone.slice(1, 3));
    const offsetMins = Number(zone.slice(4, 6));
    if (offsetHours > 23 || offsetMins > 59)
      throw new TimestampError(`offset ${zone} does not exist`);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, 0);
  const iso = date.toISOString();
  // Offsets can push 0000-01-01 or 9999-12-31 outside four-digit years; the key must stay fixed-width.
  if (iso.length !== 24) throw new TimestampError('outside the years 0000 to 9999 once in UTC');
  return `${iso.slice(0, 19)}.${fraction.padEnd(9, '0')}Z`;
}
