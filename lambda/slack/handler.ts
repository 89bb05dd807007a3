// Lambda entry of the Slack notifier: SNS alert topic -> Slack incoming webhook.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadSlackConfig } from './config';
import { createSlackNotifier } from './notifier';

const config = loadSlackConfig(process.env);

export const handler = createSlackNotifier({
  secrets: new SecretsManagerClient({}),
  secretId: config.webhookSecretId,
});
