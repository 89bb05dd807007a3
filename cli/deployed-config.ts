// The detection settings a deployed stack runs with: the ingest function's DETECTION_CONFIG, read
// from its configuration (the stack's IngestFunctionName output names it) and checked by the
// function's own schema.
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type DetectionSettings, parseDetectionSettings } from '../contract/config';
import { INGEST_ENV } from '../contract/environment';
import { type AwsOptions, awsClientConfig, type StackOutputs } from './aws';

export type DeployedDetection =
  | { readonly ok: true; readonly detection: DetectionSettings; readonly source: string }
  | { readonly ok: false; readonly problem: string };

export async function deployedDetection(
  options: AwsOptions,
  outputs: StackOutputs,
): Promise<DeployedDetection> {
  const functionName = outputs.IngestFunctionName;
  if (!functionName) {
    return {
      ok: false,
      problem:
        'the stack has no IngestFunctionName output (deployed before this version of voiso-sec): deploy it again',
    };
  }
  const client = new LambdaClient(awsClientConfig(options));
  try {
    const result = await client.send(
      new GetFunctionConfigurationCommand({ FunctionName: functionName }),
    );
    const text = result.Environment?.Variables?.[INGEST_ENV.detectionConfig];
    const source = `the deployed function ${functionName} (${INGEST_ENV.detectionConfig})`;
    if (text === undefined || text.trim() === '') {
      return { ok: true, detection: parseDetectionSettings({}), source };
    }
    try {
      return { ok: true, detection: parseDetectionSettings(JSON.parse(text)), source };
    } catch (error) {
      return {
        ok: false,
        problem: `${functionName}'s ${INGEST_ENV.detectionConfig} is not valid: ${error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error)}`,
      };
    }
  } finally {
    client.destroy();
  }
}
