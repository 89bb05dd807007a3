// The configuration of a local run, taken from the same place the deployed stack takes it: the
// `voiso-sec` context of cdk.json (the current directory's, or --config's), validated by the
// stack's own parseConfig, so `simulate` and `local` batch, retry, keep and alert as deployed.
// A DetectionSettings JSON file (--detection-config) still replaces the detection part, so
// suppressions can be tried before they go into cdk.json.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CONFIG_CONTEXT_KEY,
  ConfigurationError,
  configurationWarnings,
  type DetectionSettings,
  detectionSettings,
  parseConfig,
  parseDetectionSettings,
} from '../../contract/config';
import { PIPELINE_DEFAULTS, visibilityTimeoutFor } from '../../contract/pipeline-defaults';
import { DEFAULT_INGEST_CONFIG, type IngestConfig } from '../../lambda/ingest/config';
import { UsageError } from '../errors';

/** How the deployed SQS event source and queue behave; the local poller and queue copy it. */
export interface EventSourceSettings {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly maxReceiveCount: number;
  readonly functionTimeoutSeconds: number;
  /** As the stack derives it: visibilityTimeoutFor(functionTimeout, batchingWindow). */
  readonly visibilityTimeoutSeconds: number;
}

export interface LocalConfiguration {
  readonly ingest: IngestConfig;
  readonly eventSource: EventSourceSettings;
  /** Where the settings came from, for people: a cdk.json path, or defaults. */
  readonly source: string;
  /** The --detection-config file that replaced the detection part, if any. */
  readonly detectionSource?: string;
  /** Valid settings that are probably mistakes (an unknown pair), each naming its file. */
  readonly warnings: string[];
}

export interface LocalConfigurationOptions {
  /** --config: a cdk.json to read instead of the current directory's. */
  readonly config?: string;
  /** --detection-config: a DetectionSettings JSON file. */
  readonly detectionConfig?: string;
  /** Where to look for cdk.json when --config is not given. */
  readonly cwd?: string;
  /** The option that named the cdk.json, for messages. @default '--config' */
  readonly option?: string;
}

export const DEFAULT_EVENT_SOURCE: EventSourceSettings = {
  batchSize: PIPELINE_DEFAULTS.batchSize,
  maxBatchingWindowSeconds: PIPELINE_DEFAULTS.maxBatchingWindowSeconds,
  maxReceiveCount: PIPELINE_DEFAULTS.maxReceiveCount,
  functionTimeoutSeconds: PIPELINE_DEFAULTS.functionTimeoutSeconds,
  visibilityTimeoutSeconds: PIPELINE_DEFAULTS.visibilityTimeoutSeconds,
};

const reasonOf = (error: unknown) =>
  (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));

function readJson(option: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${file} (${reasonOf(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${option}: ${file} is not valid JSON (${reasonOf(error)})`);
  }
}

/** The runtime's own check, so a setting the function would reject at cold start fails here. */
function runtimeDetection(option: string, json: unknown): DetectionSettings {
  try {
    return parseDetectionSettings(json);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new UsageError(`${option}: ${error.message}`);
    throw error;
  }
}

function fromCdkJson(option: string, file: string) {
  const json = readJson(option, file);
  const context =
    typeof json === 'object' && json !== null && 'context' in json ? json.context : undefined;
  const raw =
    typeof context === 'object' && context !== null && CONFIG_CONTEXT_KEY in context
      ? (context as Record<string, unknown>)[CONFIG_CONTEXT_KEY]
      : undefined;
  try {
    return { config: parseConfig(raw), hasContext: raw !== undefined };
  } catch (error) {
    if (error instanceof ConfigurationError) {
      throw new UsageError(`${option}: ${file}: ${error.message}`);
    }
    throw error;
  }
}

export function loadLocalConfiguration(
  options: LocalConfigurationOptions = {},
): LocalConfiguration {
  const implicit = resolve(options.cwd ?? process.cwd(), 'cdk.json');
  const file =
    options.config !== undefined
      ? resolve(options.cwd ?? process.cwd(), options.config)
      : existsSync(implicit)
        ? implicit
        : undefined;
  let ingest = DEFAULT_INGEST_CONFIG;
  let eventSource = DEFAULT_EVENT_SOURCE;
  let source = 'defaults (no cdk.json here; --config <file> to use one)';
  let warnings: string[] = [];
  if (file !== undefined) {
    const option = options.option ?? '--config';
    const { config, hasContext } = fromCdkJson(option, file);
    // The implicit ./cdk.json may be any CDK app's; a file named on purpose must be ours.
    if (!hasContext && options.config !== undefined) {
      throw new UsageError(
        `${option}: ${file} has no "${CONFIG_CONTEXT_KEY}" context: expected ` +
          `{ "context": { "${CONFIG_CONTEXT_KEY}": { ... } } } (an empty object uses the defaults)`,
      );
    }
    ingest = {
      retentionDays: config.retentionDays,
      detection: runtimeDetection(`${option}: ${file}`, detectionSettings(config)),
      severityIndexFrom: config.severityIndexFrom,
    };
    eventSource = {
      batchSize: config.batchSize,
      maxBatchingWindowSeconds: config.maxBatchingWindowSeconds,
      maxReceiveCount: config.maxReceiveCount,
      functionTimeoutSeconds: config.functionTimeoutSeconds,
      visibilityTimeoutSeconds: visibilityTimeoutFor(
        config.functionTimeoutSeconds,
        config.maxBatchingWindowSeconds,
      ),
    };
    source = hasContext
      ? `${file} (context "${CONFIG_CONTEXT_KEY}")`
      : `${file} (no "${CONFIG_CONTEXT_KEY}" context: defaults)`;
    warnings = configurationWarnings(config).map((warning) => `${file}: ${warning}`);
  }
  if (options.detectionConfig === undefined) return { ingest, eventSource, source, warnings };
  const detection = runtimeDetection(
    '--detection-config',
    readJson('--detection-config', options.detectionConfig),
  );
  return {
    ingest: { ...ingest, detection },
    eventSource,
    source,
    detectionSource: options.detectionConfig,
    // The file's detection settings replace the cdk.json's, and so do their warnings.
    warnings: configurationWarnings(detection).map(
      (warning) => `${options.detectionConfig}: ${warning}`,
    ),
  };
}

/** Detection settings as a command that only judges events uses them, and where they came from. */
export interface DetectionConfiguration {
  readonly detection: DetectionSettings;
  /** For people: the file (and context) the settings came from, or defaults. */
  readonly source: string;
  /** Valid settings that are probably mistakes (an unknown pair), each naming its file. */
  readonly warnings: string[];
}

/**
 * The detection settings of `file`, which may be a cdk.json (its "voiso-sec" context, as the
 * stack deploys it) or a detection settings JSON (the shape of DETECTION_CONFIG and of
 * --detection-config); without a file, ./cdk.json's when there is one, else the defaults.
 */
export function loadDetectionConfiguration(
  option: string,
  file: string | undefined,
  cwd: string = process.cwd(),
): DetectionConfiguration {
  const cdk = (config?: string): DetectionConfiguration => {
    const local = loadLocalConfiguration({ ...(config !== undefined && { config }), cwd, option });
    return { detection: local.ingest.detection, source: local.source, warnings: local.warnings };
  };
  if (file === undefined) return cdk();
  const path = resolve(cwd, file);
  const json = readJson(option, path);
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'context' in json) {
    return cdk(path);
  }
  const detection = runtimeDetection(`${option}: ${path}`, json);
  return {
    detection,
    source: `${path} (detection settings)`,
    warnings: configurationWarnings(detection).map((warning) => `${path}: ${warning}`),
  };
}
