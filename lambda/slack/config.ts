// The Slack notifier's runtime configuration, read from its environment once at cold start.
import { SLACK_ENV } from '../../contract/environment';
import { requiredVariable } from '../environment';

export interface SlackEnvironment {
  /** Name or ARN of the secret holding the incoming-webhook URL. */
  readonly webhookSecretId: string;
}

export function loadSlackConfig(env: NodeJS.ProcessEnv): SlackEnvironment {
  return { webhookSecretId: requiredVariable(env, SLACK_ENV.webhookSecretArn, 'Slack notifier') };
}
