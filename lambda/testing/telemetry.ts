// Telemetry that stays quiet: a logger that drops everything (so log formatting is not counted
// as handler work, nor printed over a command's output) and metrics counted but never printed.
import type { MetricName } from '../../contract/metrics';
import type { Logger, Metrics } from '../ports/telemetry';

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

export function countingMetrics(): Metrics & { readonly counts: Map<MetricName, number> } {
  const counts = new Map<MetricName, number>();
  return {
    counts,
    addMetric(name, _unit, value) {
      counts.set(name, (counts.get(name) ?? 0) + value);
    },
    publishStoredMetrics() {},
  };
}
