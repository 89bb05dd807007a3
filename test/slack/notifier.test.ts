// The Slack notifier behind its factory: a stubbed Secrets Manager client and fetch. Every
// failure throws, so Lambda retries the SNS invocation and finally dead-letters it.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { formatSlackMessage } from '../../lambda/slack/format';
import {
  createSlackNotifier,
  parseWebhookSecret,
  UnreadableAlertError,
  WebhookSecretError,
} from '../../lambda/slack/notifier';
import { postToSlack, SlackDeliveryError } from '../../lambda/slack/post';
import { alertDocument, snsEvent } from '../../lambda/testing/factories';
import { fakeFetch } from '../../lambda/testing/memory-ports';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';
const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:voiso-sec/slack-webhook';
const secrets = mockClient(SecretsManagerClient);

beforeEach(() => {
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: WEBHOOK });
});

function notifier(fetchImpl = fakeFetch().impl, now = () => 0) {
  return createSlackNotifier({
    secrets: new SecretsManagerClient({}),
    secretId: SECRET_ID,
    fetchImpl,
    now,
  });
}

describe('Slack notifier handler', () => {
  it('posts the formatted alert to the webhook from the secret', async () => {
    const fetch = fakeFetch();
    const doc = alertDocument();

    await notifier(fetch.impl)(snsEvent(JSON.stringify(doc)));

    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_ID,
    });
    expect(fetch.requests).toHaveLength(1);
    expect(fetch.requests[0]?.url).toBe(WEBHOOK);
    expect(fetch.requests[0]?.init.method).toBe('POST');
    expect(JSON.parse(String(fetch.requests[0]?.init.body))).toEqual(formatSlackMessage(doc));
  });

  it('reads the secret once per cache period, then again to pick up a new webhook', async () => {
    let clock = 0;
    const handler = notifier(fakeFetch().impl, () => clock);
    const event = snsEvent(JSON.stringify(alertDocument()));

    await handler(event);
    clock = 299_999;
    await handler(event);
    clock = 300_001;
    await handler(event);

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('throws when Slack refuses the post, so Lambda retries and dead-letters it', async () => {
    const handler = notifier(fakeFetch(500, 'internal_error').impl);

    await expect(handler(snsEvent(JSON.stringify(alertDocument())))).rejects.toThrow(
      new SlackDeliveryError('Slack webhook answered 500: internal_error', 500),
    );
  });

  it('throws when the secret cannot be read', async () => {
    secrets.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));

    await expect(notifier()(snsEvent(JSON.stringify(alertDocument())))).rejects.toThrow(
      'AccessDeniedException',
    );
  });

  it('throws UnreadableAlertError for a message that is not an alert document', async () => {
    const fetch = fakeFetch();
    const handler = notifier(fetch.impl);

    await expect(handler(snsEvent('not json'))).rejects.toBeInstanceOf(UnreadableAlertError);
    await expect(handler(snsEvent('{"version":2}'))).rejects.toBeInstanceOf(UnreadableAlertError);
    await expect(
      handler(snsEvent(JSON.stringify({ ...alertDocument(), severity: 'apocalyptic' }))),
    ).rejects.toBeInstanceOf(UnreadableAlertError);
    expect(fetch.requests).toHaveLength(0);
  });
});

describe('parseWebhookSecret', () => {
  it('accepts a bare URL or {"webhookUrl": ...}', () => {
    expect(parseWebhookSecret(` ${WEBHOOK}\n`)).toBe(WEBHOOK);
    expect(parseWebhookSecret(JSON.stringify({ webhookUrl: WEBHOOK }))).toBe(WEBHOOK);
  });

  it.each(['http://hooks.slack.com/x', '{"url":"https://x/y"}', '{not json', ''])(
    'rejects %j without echoing it',
    (value) => {
      expect(() => parseWebhookSecret(value)).toThrow(WebhookSecretError);
    },
  );
});

describe('postToSlack', () => {
  it('wraps a network failure without revealing the webhook URL', async () => {
    const failing = async (): Promise<Response> => {
      throw new TypeError('fetch failed');
    };

    const error = await postToSlack(WEBHOOK, formatSlackMessage(alertDocument()), failing).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(String((error as Error).message)).not.toContain('hooks.slack.com');
  });

  it('resolves on 200', async () => {
    const fetch = fakeFetch(200);

    await expect(
      postToSlack(WEBHOOK, formatSlackMessage(alertDocument()), fetch.impl),
    ).resolves.toBeUndefined();
    expect(fetch.requests[0]?.init.headers).toEqual({ 'content-type': 'application/json' });
  });
});
