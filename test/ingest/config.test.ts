import { ConfigurationError, DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import { loadIngestConfig } from '../../lambda/ingest/config';
import { ingestEnvironment } from '../../lambda/testing/factories';

describe('loadIngestConfig', () => {
  it('applies defaults', () => {
    // Act
    const config = loadIngestConfig(ingestEnvironment());
    // Assert
    expect(config).toEqual({
      eventsTableName: 'events',
      alertsTopicArn: 'arn:aws:sns:us-east-1:1:alerts',
      criticalTopicArn: 'arn:aws:sns:us-east-1:1:critical',
      retentionDays: 365,
      detection: DEFAULT_DETECTION_SETTINGS,
      severityIndexFrom: 'medium',
      metricsScope: 'all',
    });
  });

  it('reads retention and the detection JSON', () => {
    // Prepare
    const detection = {
      alertThreshold: 'medium',
      suppressions: [{ id: 'bot', actor: 'bot@acme.com' }],
    };
    // Act
    const config = loadIngestConfig(
      ingestEnvironment({ RETENTION_DAYS: '0', DETECTION_CONFIG: JSON.stringify(detection) }),
    );
    // Assert
    expect(config.retentionDays).toBe(0);
    expect(config.detection.alertThreshold).toBe('medium');
    expect(config.detection.suppressions).toEqual([{ id: 'bot', actor: 'bot@acme.com' }]);
  });

  it('reads the severity index floor and which metrics to publish', () => {
    // Act
    const config = loadIngestConfig(
      ingestEnvironment({ SEVERITY_INDEX_FROM: 'high', METRICS: 'alarms' }),
    );
    // Assert
    expect([config.severityIndexFrom, config.metricsScope]).toEqual(['high', 'alarms']);
  });

  it.each<[Record<string, string | undefined>, RegExp]>([
    [{ EVENTS_TABLE_NAME: undefined }, /EVENTS_TABLE_NAME: required/],
    [{ CRITICAL_TOPIC_ARN: ' ' }, /CRITICAL_TOPIC_ARN: required/],
    [{ RETENTION_DAYS: '-1' }, /RETENTION_DAYS: expected an integer >= 0/],
    [{ RETENTION_DAYS: '1.5' }, /RETENTION_DAYS/],
    [{ DETECTION_CONFIG: '{oops' }, /DETECTION_CONFIG: not valid JSON/],
    [{ DETECTION_CONFIG: '{"alertThreshold":"loud"}' }, /alertThreshold/],
    [{ SEVERITY_INDEX_FROM: 'loud' }, /SEVERITY_INDEX_FROM: expected one of info, low/],
    [{ METRICS: 'some' }, /METRICS: expected all or alarms/],
  ])('fails loudly for %j', (overrides, message) => {
    expect(() => loadIngestConfig(ingestEnvironment(overrides))).toThrow(ConfigurationError);
    expect(() => loadIngestConfig(ingestEnvironment(overrides))).toThrow(message);
  });
});
