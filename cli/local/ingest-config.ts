// The ingest configuration for local runs: defaults, or a DetectionConfig JSON file in the same
// shape the stack passes as DETECTION_CONFIG, so suppressions can be tried before deploying.
import { readFileSync } from 'node:fs';
import {
  ConfigurationError,
  DEFAULT_INGEST_CONFIG,
  type IngestConfig,
  parseDetectionConfig,
} from '../../lambda/ingest/config';
import { UsageError } from '../errors';

export function localIngestConfig(detectionConfigFile: string | undefined): IngestConfig {
  if (detectionConfigFile === undefined) return DEFAULT_INGEST_CONFIG;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(detectionConfigFile, 'utf8'));
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : error);
    throw new UsageError(`--detection-config: cannot read ${detectionConfigFile} (${reason})`);
  }
  try {
    return { ...DEFAULT_INGEST_CONFIG, detection: parseDetectionConfig(json) };
  } catch (error) {
    if (error instanceof ConfigurationError) {
      throw new UsageError(`--detection-config: ${error.message}`);
    }
    throw error;
  }
}
