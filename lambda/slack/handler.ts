// Lambda entry of the Slack notifier: SNS alert topic -> Slack incoming webhook.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSlackNotifier, WebhookSecretError } from './notifier';

const secretId = process.env.SLACK_WEBHOOK_SECRET_ARN;
if (!secretId)
  throw new WebhookSecretError('Environment variable SLACK_WEBHOOK_SECRET_ARN is required');

export const handler = createSlackNotifier({ secrets: new SecretsManagerClient({}), secretId });
