// The ingest function's runtime configuration, read from its environment once at cold start.
// A misconfigured deployment fails loudly here instead of mis-handling every event.
import {
  DEFAULT_DETECTION_SETTINGS,
  type DetectionSettings,
  parseDetectionSettings,
} from '../../contract/config';
import { INGEST_ENV } from '../../contract/environment';
import type { MetricsScope } from '../../contract/metrics';
import { PIPELINE_DEFAULTS } from '../../contract/pipeline-defaults';
import { SEVERITIES, type Severity } from '../../contract/severity';
import { DEFAULT_SEVERITY_INDEX_FROM } from '../../contract/table';
import { environmentError, requiredVariable } from '../environment';

/** What the handler factory needs to decide and shape items (no resource names). */
export interface IngestConfig {
  /** Days before DynamoDB's TTL removes an item; 0 keeps it forever. */
  readonly retentionDays: number;
  readonly detection: DetectionSettings;
  /** From which severity the high-volume pairs are in the pair-and-severity index. */
  readonly severityIndexFrom: Severity;
}

/** The whole environment of the deployed function: IngestConfig plus resource names. */
export interface IngestEnvironment extends IngestConfig {
  readonly eventsTableName: string;
  readonly alertsTopicArn: string;
  readonly criticalTopicArn: string;
  /** Which metrics the function publishes (the dashboard graphs all, alarms read a few). */
  readonly metricsScope: MetricsScope;
}

/** Defaults for local runs and tests: 365 days, threshold high, no overrides. */
export const DEFAULT_INGEST_CONFIG: IngestConfig = {
  retentionDays: PIPELINE_DEFAULTS.retentionDays,
  detection: DEFAULT_DETECTION_SETTINGS,
  severityIndexFrom: DEFAULT_SEVERITY_INDEX_FROM,
};

const WHAT = 'ingest';
const required = (env: NodeJS.ProcessEnv, name: string) => requiredVariable(env, name, WHAT);

function retentionDays(env: NodeJS.ProcessEnv): number {
  const name = INGEST_ENV.retentionDays;
  const text = env[name]?.trim();
  if (text === undefined || text === '') return PIPELINE_DEFAULTS.retentionDays;
  if (!/^[0-9]{1,6}$/.test(text)) {
    throw environmentError(
      WHAT,
      `${name}: expected an integer >= 0 (0 keeps events forever), got "${text}"`,
    );
  }
  return Number(text);
}

function detection(env: NodeJS.ProcessEnv): DetectionSettings {
  const name = INGEST_ENV.detectionConfig;
  const text = env[name]?.trim();
  if (text === undefined || text === '') return DEFAULT_DETECTION_SETTINGS;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw environmentError(
      WHAT,
      `${name}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return parseDetectionSettings(json);
}

function severityIndexFrom(env: NodeJS.ProcessEnv): Severity {
  const name = INGEST_ENV.severityIndexFrom;
  const text = env[name]?.trim();
  if (text === undefined || text === '') return DEFAULT_SEVERITY_INDEX_FROM;
  if (!(SEVERITIES as readonly string[]).includes(text)) {
    throw environmentError(
      WHAT,
      `${name}: expected one of ${SEVERITIES.join(', ')}, got "${text}"`,
    );
  }
  return text as Severity;
}

function metricsScope(env: NodeJS.ProcessEnv): MetricsScope {
  const name = INGEST_ENV.metrics;
  const text = env[name]?.trim();
  if (text === undefined || text === '') return 'all';
  if (text !== 'all' && text !== 'alarms') {
    throw environmentError(WHAT, `${name}: expected all or alarms, got "${text}"`);
  }
  return text;
}

/** Reads and validates the ingest environment; throws ConfigurationError on any mistake. */
export function loadIngestConfig(env: NodeJS.ProcessEnv): IngestEnvironment {
  return {
    eventsTableName: required(env, INGEST_ENV.eventsTableName),
    alertsTopicArn: required(env, INGEST_ENV.alertsTopicArn),
    criticalTopicArn: required(env, INGEST_ENV.criticalTopicArn),
    retentionDays: retentionDays(env),
    detection: detection(env),
    severityIndexFrom: severityIndexFrom(env),
    metricsScope: metricsScope(env),
  };
}
