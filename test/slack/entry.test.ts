// The deployed Slack notifier as Lambda loads it: the secret named by its environment, read with
// a real Secrets Manager client (stubbed), and the alert posted to the webhook it holds.
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { alertDocument, snsEvent } from '../../lambda/testing/factories';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  jest.restoreAllMocks();
});

function loadNotifier(env: Record<string, string>) {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 't',
    AWS_SECRET_ACCESS_KEY: 't',
    ...env,
  });
  let entry: { handler: (event: SNSEvent) => Promise<void> } | undefined;
  let secrets: typeof import('@aws-sdk/client-secrets-manager') | undefined;
  jest.isolateModules(() => {
    secrets = require('@aws-sdk/client-secrets-manager');
    entry = require('../../lambda/slack/handler');
  });
  if (!entry || !secrets) throw new Error('the entry did not load');
  return { handler: entry.handler, secrets };
}

describe('the deployed Slack notifier entry', () => {
  it('posts an alert to the webhook held by the secret its environment names', async () => {
    // Prepare
    const { handler, secrets } = loadNotifier({ SLACK_WEBHOOK_SECRET_ARN: 'arn:secret:slack' });
    const stub = mockClient(secrets.SecretsManagerClient);
    stub
      .on(secrets.GetSecretValueCommand)
      .resolves({ SecretString: 'https://hooks.slack.com/services/T/B/X' });
    const fetch = jest
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(new Response('ok', { status: 200 }));
    // Act
    await handler(snsEvent(JSON.stringify(alertDocument())));
    // Assert
    expect(stub.commandCalls(secrets.GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'arn:secret:slack',
    });
    expect(fetch.mock.calls[0]?.[0]).toBe('https://hooks.slack.com/services/T/B/X');
    stub.restore();
  });

  it('refuses to start without the secret', () => {
    expect(() => loadNotifier({ SLACK_WEBHOOK_SECRET_ARN: ' ' })).toThrow(
      /Slack notifier environment.*SLACK_WEBHOOK_SECRET_ARN: required/s,
    );
  });
});
