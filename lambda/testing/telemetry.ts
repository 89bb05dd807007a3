// Metrics that are counted but never printed (the silent logger is the telemetry port's own).
import type { MetricName } from '../../contract/metrics';
import type { Metrics } from '../ports/telemetry';

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
