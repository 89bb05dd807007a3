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
