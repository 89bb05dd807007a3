// What alerts look like from outside: the topics they go to and the SNS message attributes that
// subscription filter policies may use. The stack builds filters from these; the function sets them.

/** Topics the ingest function publishes alerts to. */
export const ALERT_TOPICS = ['alerts', 'critical'] as const;
export type AlertTopic = (typeof ALERT_TOPICS)[number];

/** Every topic the stack creates: the alert topics and `ops` (alarms about the pipeline). */
export const TOPIC_NAMES = [...ALERT_TOPICS, 'ops'] as const;
export type TopicName = (typeof TOPIC_NAMES)[number];

/**
 * What an alert is about: one event at or above the threshold, an incident (a detection over
 * several events), or a summary of repeats folded together.
 */
export const ALERT_KINDS = ['event', 'incident', 'summary'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * SNS message attributes every alert carries; the only keys a filter policy may use. An
 * incident's `type` is `detection` and its `event` and `rule` are the detection id.
 */
export const ALERT_ATTRIBUTE_NAMES = [
  'severity',
  'type',
  'event',
  'callcenter',
  'rule',
  'kind',
] as const;
export type AlertAttributeName = (typeof ALERT_ATTRIBUTE_NAMES)[number];
export type AlertAttributes = Readonly<Record<AlertAttributeName, string>>;
