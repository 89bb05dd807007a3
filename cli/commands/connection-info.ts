// `voiso-sec connection-info`: the three values Voiso's integration page asks for.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsOptions, awsClientConfig, requireOutput, stackOutputs } from '../aws';
import { CommandFailure } from '../errors';
import { LOCAL_CREDENTIALS } from '../local/emulators';
import { readLocalState } from '../local/state';

export interface ConnectionInfo {
  readonly queueUrl: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Only for the local pipeline: where its SQS listens, and its region. */
  readonly endpoint?: string;
  readonly region?: string;
}

/** The running `voiso-sec local` pipeline's queue, with the emulators' fixed test credentials. */
export function localConnectionInfo(): ConnectionInfo {
  const state = readLocalState();
  return {
    queueUrl: state.queueUrl,
    accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
    secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey,
    endpoint: state.sqsEndpoint,
    region: state.region,
  };
}

export async function connectionInfo(options: AwsOptions): Promise<ConnectionInfo> {
  const outputs = await stackOutputs(options);
  const queueUrl = requireOutput(outputs, 'EventsQueueUrl', options.stack);
  const secretName = requireOutput(outputs, 'VoisoCredentialsSecretName', options.stack);
  const client = new SecretsManagerClient(awsClientConfig(options));
  try {
    const secret = await client.send(new GetSecretValueCommand({ SecretId: secretName }));
    let parsed: { accessKeyId?: unknown; secretAccessKey?: unknown };
    try {
      parsed = JSON.parse(secret.SecretString ?? '') as typeof parsed;
    } catch {
      throw new CommandFailure(`Secret ${secretName} is not the expected JSON key pair`);
    }
    if (typeof parsed.accessKeyId !== 'string' || typeof parsed.secretAccessKey !== 'string') {
      throw new CommandFailure(`Secret ${secretName} lacks accessKeyId/secretAccessKey`);
    }
    return { queueUrl, accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey };
  } finally {
    client.destroy();
  }
}

/** Shown instead of the secret unless `--reveal`: it would stay in scrollback and logs. */
export const HIDDEN_SECRET = '******** (hidden; add --reveal to print it)';

/**
 * The values for a person. The secret access key is hidden unless asked for: printed, it stays
 * in the terminal's scrollback, screen shares and CI logs.
 */
export function formatConnectionInfo(info: ConnectionInfo, reveal = false): string {
  if (info.endpoint !== undefined) {
    return [
      'The running `voiso-sec local` pipeline (test credentials; any SQS client can send to it)',
      `  SQS endpoint:      ${info.endpoint}`,
      `  Queue URL:         ${info.queueUrl}`,
      `  Region:            ${info.region ?? ''}`,
      `  Access Key ID:     ${info.accessKeyId}`,
      `  Access Key Secret: ${info.secretAccessKey}`,
    ].join('\n');
  }
  return [
    'Paste these into Voiso: Administration > Integrations > AWS - SQS: Security Log Streaming',
    `  SQS URL:           ${info.queueUrl}`,
    `  Access Key ID:     ${info.accessKeyId}`,
    `  Access Key Secret: ${reveal ? info.secretAccessKey : HIDDEN_SECRET}`,
  ].join('\n');
}

/** The values for a program: the secret only with `--reveal`. */
export function connectionInfoDocument(
  info: ConnectionInfo,
  reveal = false,
): Partial<ConnectionInfo> {
  const { secretAccessKey, ...rest } = info;
  return reveal ? { ...rest, secretAccessKey } : rest;
}
