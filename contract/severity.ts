// How dangerous an event is, in order. The stack (thresholds, filter policies) and the functions
// (rules, alerts) speak these five words and nothing else.

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Position of a severity in SEVERITIES; higher is worse. */
export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

export const isSeverity = (value: unknown): value is Severity =>
  typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
