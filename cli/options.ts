// Option values the commands share: each parser returns the typed value or throws a UsageError
// that names the option, so every command words the same mistake the same way.
import { UsageError } from './errors';

/** Whole seconds in [min, max], e.g. `--visibility-timeout`. */
export function parseSeconds(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(
      `${name}: expected whole seconds between ${min} and ${max}, got "${value}"`,
    );
  }
  return Number(value);
}

/** A TCP port; absent is 0, "any free port". */
export function parsePort(name: string, value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) {
    throw new UsageError(`${name}: expected a port number from 0 to 65535, got "${value}"`);
  }
  return Number(value);
}

/** A count of at least one, e.g. `--limit`. */
export function parseCount(name: string, value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(`${name}: expected a whole number >= 1, got "${value}"`);
  }
  return count;
}
