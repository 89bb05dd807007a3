// The Slack notifier behind its factory: a stubbed Secrets Manager client and fetch. Every
// failure throws, so Lambda retries the SNS invocation and finally dead-letters it.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { buildIncidentAlerts, buildSummaryAlerts } from '../../lambda/core/incident-alerts';
import { formatSlackMessage } from '../../lambda/slack/format';
import {
  createSlackNotifier,
  parseWebhookSecret,
  readAlertDocument,
  UnreadableAlertError,
  WebhookSecretError,
} from '../../lambda/slack/notifier';
import { postToSlack, SlackDeliveryError } from '../../lambda/slack/post';
import { alertDocument, incidentOf, snsEvent } from '../../lambda/testing/factories';
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
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    clock = 300_000;
    await handler(event);

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('throws when Slack refuses the post, so Lambda retries and dead-letters it', async () => {
    const handler = notifier(fakeFetch(500, 'internal_error').impl);

    await expect(handler(snsEvent(JSON.stringify(alertDocument())))).rejects.toThrow(
      new SlackDeliveryError('Slack webhook answered 500: internal_error', 500),
    );
  });

  it('throws WebhookSecretError when the secret has no string value', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1]) });

    await expect(notifier()(snsEvent(JSON.stringify(alertDocument())))).rejects.toThrow(
      new WebhookSecretError('The Slack webhook secret has no string value'),
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

  it('trims the URL inside the JSON form', () => {
    expect(parseWebhookSecret(JSON.stringify({ webhookUrl: ` ${WEBHOOK} ` }))).toBe(WEBHOOK);
  });

  const NO_URL = 'The Slack webhook secret does not hold an https:// URL';
  it.each([
    ['http://hooks.slack.com/x', NO_URL],
    ['see https://hooks.slack.com/x', NO_URL],
    ['https://hooks.slack.com/x and more', NO_URL],
    ['https://hooks.slack.com', NO_URL],
    ['', NO_URL],
    ['{"url":"https://x/y"}', 'The Slack webhook secret JSON has no "webhookUrl" string'],
    ['{"webhookUrl":5}', 'The Slack webhook secret JSON has no "webhookUrl" string'],
    ['{not json', 'The Slack webhook secret is neither a URL nor valid JSON'],
  ])('rejects %j without echoing it', (value, message) => {
    const error = (() => {
      try {
        parseWebhookSecret(value);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(WebhookSecretError);
    expect(error).toMatchObject({ name: 'WebhookSecretError', message });
  });
});

describe('readAlertDocument', () => {
  const incidentDoc = () =>
    buildIncidentAlerts(
      incidentOf({
        id: 'inc-1',
        group: 'user:dana@acme.com',
        start: 0,
        end: 60_000,
        severity: 'critical',
        measure: 20,
      }),
    )[0]?.document;
  const summaryDoc = () =>
    buildSummaryAlerts({
      summaryId: 'sum-1',
      windowId: 'win-1',
      callcenter: 'acme',
      type: 'app_login',
      event: 'deleted_user',
      rule: 'deleted-user-login',
      severity: 'high',
      opensAt: 0,
      closesAt: 600_000,
      members: [{ eventId: 'e1', who: 'a@acme.com' }],
    })[0]?.document;
  const docs = () =>
    ({
      event: alertDocument(),
      incident: incidentDoc(),
      summary: summaryDoc(),
    }) as unknown as Record<string, Record<string, unknown>>;
  const NOT_A_DOCUMENT = 'The SNS message is not an AlertDocument (version 1)';
  const refusal = (message: string) => {
    try {
      readAlertDocument(message);
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it.each(['event', 'incident', 'summary'])('reads a well-formed %s alert as it is', (kind) => {
    const doc = docs()[kind];
    expect(readAlertDocument(JSON.stringify(doc))).toEqual(doc);
  });

  it('reads a document without a kind (written before kinds existed) as an event alert', () => {
    const { kind: _kind, ...old } = alertDocument() as unknown as Record<string, unknown>;
    expect(readAlertDocument(JSON.stringify(old))).toEqual({ ...old, kind: 'event' });
  });

  it.each([
    ['event', ['eventId', 'callcenter', 'timestamp', 'type', 'event', 'summary', 'receivedAt']],
    ['incident', ['incidentId', 'detection', 'callcenter', 'groupedBy', 'group', 'summary']],
    ['summary', ['summaryId', 'callcenter', 'type', 'event', 'rule', 'since', 'until', 'summary']],
  ])('refuses a %s alert missing any field it needs', (kind, strings) => {
    const doc = docs()[kind] as Record<string, unknown>;
    const arrays = {
      event: ['rules'],
      incident: ['eventIds', 'values'],
      summary: ['eventIds', 'top'],
    }[kind as 'event'];
    const objects = { event: ['params'], incident: ['window'], summary: [] as string[] }[
      kind as 'event'
    ];
    for (const field of [...strings, ...arrays, ...objects, 'version', 'severity']) {
      const { [field]: _dropped, ...without } = doc;
      const broken = [JSON.stringify(without), JSON.stringify({ ...doc, [field]: 7 })];
      if (objects.includes(field)) broken.push(JSON.stringify({ ...doc, [field]: null }));
      for (const message of broken) {
        expect({ field, error: refusal(message) }).toEqual({
          field,
          error: new UnreadableAlertError(NOT_A_DOCUMENT),
        });
      }
    }
  });

  it.each([
    ['not json', 'The SNS message is not JSON'],
    ['null', NOT_A_DOCUMENT],
    ['7', NOT_A_DOCUMENT],
    ['"text"', NOT_A_DOCUMENT],
    ['{"kind":"poem","version":1}', 'The SNS message is an alert of an unknown kind'],
  ])('refuses %j', (message, reason) => {
    const error = refusal(message);
    expect(error).toBeInstanceOf(UnreadableAlertError);
    expect(error).toMatchObject({ name: 'UnreadableAlertError', message: reason });
  });
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
