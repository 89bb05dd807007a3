// `voiso-sec connection-info`: the three values Voiso's integration page asks for.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsOptions, awsClientConfig, requireOutput, stackOutputs } from '../aws';
import { CommandFailure } from '../errors';

export interface ConnectionInfo {
  readonly queueUrl: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
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

export function formatConnectionInfo(info: ConnectionInfo): string {
  return [
    'Paste these into Voiso: Administration > Integrations > AWS - SQS: Security Log Streaming',
    `  SQS URL:           ${info.queueUrl}`,
    `  Access Key ID:     ${info.accessKeyId}`,
    `  Access Key Secret: ${info.secretAccessKey}`,
  ].join('\n');
}
