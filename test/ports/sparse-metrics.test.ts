// sparseMetrics: only non-zero values of the named metrics reach the inner metrics, and a flush
// with nothing added since the last one publishes nothing, not even an empty document.
import { METRICS } from '../../contract/metrics';
import { type Metrics, sparseMetrics } from '../../lambda/ports/telemetry';

function recording() {
  const calls: string[] = [];
  const inner: Metrics = {
    addMetric: (name, _unit, value) => calls.push(`${name}=${value}`),
    publishStoredMetrics: () => calls.push('publish'),
  };
  return { calls, inner };
}

describe('sparseMetrics', () => {
  it('publishes nothing when nothing was added', () => {
    const { calls, inner } = recording();
    sparseMetrics(inner).publishStoredMetrics();
    expect(calls).toEqual([]);
  });

  it('publishes once per flush that follows a non-zero value, and not again after it', () => {
    // Prepare
    const { calls, inner } = recording();
    const metrics = sparseMetrics(inner);
    // Act
    metrics.addMetric(METRICS.eventsStored, 'Count', 0);
    metrics.publishStoredMetrics();
    metrics.addMetric(METRICS.eventsStored, 'Count', 3);
    metrics.publishStoredMetrics();
    metrics.publishStoredMetrics();
    // Assert
    expect(calls).toEqual(['EventsStored=3', 'publish']);
  });

  it('passes on only the metrics it is given by name', () => {
    const { calls, inner } = recording();
    const metrics = sparseMetrics(inner, new Set([METRICS.eventsStored]));
    metrics.addMetric(METRICS.alertsFolded, 'Count', 2);
    metrics.publishStoredMetrics();
    metrics.addMetric(METRICS.eventsStored, 'Count', 1);
    metrics.publishStoredMetrics();
    expect(calls).toEqual(['EventsStored=1', 'publish']);
  });
});
