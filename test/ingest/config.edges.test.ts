// The ingest environment at its edges: values padded with spaces, set but empty, at the longest
// retention allowed, and the name of the part that failed.
import { ConfigurationError, DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import { loadIngestConfig } from '../../lambda/ingest/config';
import { ingestEnvironment } from '../../lambda/testing/factories';

describe('loadIngestConfig at its edges', () => {
  it('reads values padded with spaces', () => {
    // Act
    const config = loadIngestConfig(
      ingestEnvironment({
        RETENTION_DAYS: ' 30 ',
        DETECTION_CONFIG: ' {"alertThreshold":"low"} ',
        SEVERITY_INDEX_FROM: ' low ',
        METRICS: ' alarms ',
      }),
    );
    // Assert
    expect(config).toMatchObject({
      retentionDays: 30,
      detection: { alertThreshold: 'low' },
      severityIndexFrom: 'low',
      metricsScope: 'alarms',
    });
  });

  it('takes a variable set but empty, or only spaces, as not set', () => {
    for (const value of ['', '   ']) {
      // Act
      const config = loadIngestConfig(
        ingestEnvironment({
          RETENTION_DAYS: value,
          DETECTION_CONFIG: value,
          SEVERITY_INDEX_FROM: value,
          METRICS: value,
        }),
      );
      // Assert
      expect(config).toMatchObject({
        retentionDays: 365,
        detection: DEFAULT_DETECTION_SETTINGS,
        severityIndexFrom: 'medium',
        metricsScope: 'all',
      });
    }
  });

  it('accepts retention up to six digits, and says which part refused more', () => {
    expect(loadIngestConfig(ingestEnvironment({ RETENTION_DAYS: '999999' })).retentionDays).toBe(
      999_999,
    );
    expect(() => loadIngestConfig(ingestEnvironment({ RETENTION_DAYS: '1000000' }))).toThrow(
      ConfigurationError,
    );
    expect(() => loadIngestConfig(ingestEnvironment({ RETENTION_DAYS: '12' }))).not.toThrow();
    expect(() => loadIngestConfig(ingestEnvironment({ METRICS: 'all' }))).not.toThrow();
    expect(() => loadIngestConfig(ingestEnvironment({ RETENTION_DAYS: 'x' }))).toThrow(
      /\bingest\b/,
    );
  });
});
