// The subsets of Powertools' Logger and Metrics the handlers use, so a silent stub fits in tests.
import type { MetricName } from '../../contract/metrics';

export interface Logger {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export interface Metrics {
  addMetric(name: MetricName, unit: 'Count', value: number): void;
  publishStoredMetrics(): void;
}

/** The logger of a handler given none: drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The metrics of a handler given none: records nothing. */
export const noMetrics: Metrics = { addMetric() {}, publishStoredMetrics() {} };

/**
 * Publishes only what costs its keep: non-zero values of the metrics in `names` (every metric
 * when absent), and nothing at all (not even an empty document) when that leaves none.
 */
export function sparseMetrics(inner: Metrics, names?: ReadonlySet<MetricName>): Metrics {
  let pending = false;
  return {
    addMetric(name, unit, value) {
      if (value === 0 || (names !== undefined && !names.has(name))) return;
      pending = true;
      inner.addMetric(name, unit, value);
    },
    publishStoredMetrics() {
      if (!pending) return;
      pending = false;
      inner.publishStoredMetrics();
    },
  };
}
