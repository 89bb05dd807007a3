// Environment variable names the stack sets and the functions read at cold start.

export const INGEST_ENV = {
  eventsTableName: 'EVENTS_TABLE_NAME',
  alertsTopicArn: 'ALERTS_TOPIC_ARN',
  criticalTopicArn: 'CRITICAL_TOPIC_ARN',
  retentionDays: 'RETENTION_DAYS',
  /** JSON of DetectionSettings (contract/config.ts). */
  detectionConfig: 'DETECTION_CONFIG',
  /** The severity from which high-volume pairs are indexed (contract/config.ts severityIndexFrom). */
  severityIndexFrom: 'SEVERITY_INDEX_FROM',
  /** `all`: every metric (the dashboard graphs them); `alarms`: only the metrics alarms read. */
  metrics: 'METRICS',
} as const;

export const SLACK_ENV = {
  /** Name or ARN of the Secrets Manager secret holding the incoming-webhook URL. */
  webhookSecretArn: 'SLACK_WEBHOOK_SECRET_ARN',
} as const;

/** Read by Powertools itself. */
export const POWERTOOLS_ENV = {
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
} as const;
