// The ingest function's CloudWatch metrics: it emits them (EMF through Powertools), the stack's
// alarms and dashboard read them. One namespace, one `service` dimension (the stack name).

export const METRICS_NAMESPACE = 'VoisoSec';
/** Dimension Powertools adds from POWERTOOLS_SERVICE_NAME. */
export const METRICS_SERVICE_DIMENSION = 'service';

export const METRICS = {
  eventsStored: 'EventsStored',
  duplicateEvents: 'DuplicateEvents',
  unrecognisedEvents: 'UnrecognisedEvents',
  quarantinedMessages: 'QuarantinedMessages',
  alertsPublished: 'AlertsPublished',
  alertPublishFailures: 'AlertPublishFailures',
  storeRetries: 'StoreRetries',
  failedRecords: 'FailedRecords',
  alertStateMarkFailures: 'AlertStateMarkFailures',
  incidentsDetected: 'IncidentsDetected',
  alertsFolded: 'AlertsFolded',
  /** Published by the scheduled flush: summaries of folded alerts. */
  summariesPublished: 'SummariesPublished',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/**
 * The metrics the stack's alarms read. A custom metric costs for every hour in which it is
 * published, so the functions publish a metric only when it is non-zero (an alarm on it treats
 * missing data as not breaching), and only these when the deployment has no dashboard.
 */
export const ALARMED_METRICS: ReadonlySet<MetricName> = new Set([METRICS.quarantinedMessages]);

/** `all`: every metric (for the dashboard); `alarms`: only ALARMED_METRICS. */
export type MetricsScope = 'all' | 'alarms';
