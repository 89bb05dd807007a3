// The ingest function's runtime configuration, read from its environment once at cold start.
// A misconfigured deployment fails loudly here instead of mis-handling every event.
import {
  ConfigurationError,
  DEFAULT_DETECTION_CONFIG,
  type DetectionConfig,
  parseDetectionConfig,
} from '../core/detection-config';

export type { DetectionConfig };
export { ConfigurationError, parseDetectionConfig };

/** What the handler factory needs to decide and shape items (no resource names). */
export interface IngestConfig {
  /** Days before DynamoDB's TTL removes an item; 0 keeps it forever. */
  readonly retentionDays: number;
  readonly detection: DetectionConfig;
}

/** The whole environment of the deployed function: IngestConfig plus resource names. */
export interface IngestEnvironment extends IngestConfig {
  readonly eventsTableName: string;
  readonly alertsTopicArn: string;
  readonly criticalTopicArn: string;
}

export const DEFAULT_RETENTION_DAYS = 365;

/** Defaults for local runs and tests: 365 days, threshold high, no overrides. */
export const DEFAULT_INGEST_CONFIG: IngestConfig = {
  retentionDays: DEFAULT_RETENTION_DAYS,
  detection: DEFAULT_DETECTION_CONFIG,
};

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigurationError(`Environment variable ${name} is required`);
  return value;
}

function retentionDays(env: NodeJS.ProcessEnv): number {
  const text = env.RETENTION_DAYS?.trim();
  if (text === undefined || text === '') return DEFAULT_RETENTION_DAYS;
  if (!/^[0-9]{1,6}$/.test(text)) {
    throw new ConfigurationError(
      `RETENTION_DAYS: expected an integer >= 0 (0 keeps events forever), got "${text}"`,
    );
  }
  return Number(text);
}

function detection(env: NodeJS.ProcessEnv): DetectionConfig {
  const text = env.DETECTION_CONFIG?.trim();
  if (text === undefined || text === '') return DEFAULT_DETECTION_CONFIG;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(
      `DETECTION_CONFIG: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return parseDetectionConfig(json);
}

/** Reads and validates the ingest environment; throws ConfigurationError on any mistake. */
export function loadIngestConfig(env: NodeJS.ProcessEnv): IngestEnvironment {
  return {
    eventsTableName: required(env, 'EVENTS_TABLE_NAME'),
    alertsTopicArn: required(env, 'ALERTS_TOPIC_ARN'),
    criticalTopicArn: required(env, 'CRITICAL_TOPIC_ARN'),
    retentionDays: retentionDays(env),
    detection: detection(env),
  };
}
