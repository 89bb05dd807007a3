// The Slack notifier's logic behind a factory, so tests can pass a stubbed Secrets Manager
// client and fetch. SNS delivers each alert's AlertDocument JSON as `Records[].Sns.Message`.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { SEVERITIES } from '../../contract/severity';
import type { AlertDocument } from '../core/model';
import { formatSlackMessage } from './format';
import { type FetchLike, postToSlack } from './post';

export class UnreadableAlertError extends Error {
  override name = 'UnreadableAlertError';
}

export class WebhookSecretError extends Error {
  override name = 'WebhookSecretError';
}

export interface SlackNotifierDeps {
  readonly secrets: Pick<SecretsManagerClient, 'send'>;
  /** Name or ARN of the secret holding the webhook URL (or `{"webhookUrl": "..."}`). */
  readonly secretId: string;
  readonly fetchImpl?: FetchLike;
  /** How long a fetched webhook URL is reused, so a changed secret is picked up. @default 300000 */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

export type SlackNotifierHandler = (event: SNSEvent) => Promise<void>;

/** Accepts the secret as a bare URL or as JSON `{ "webhookUrl": "https://..." }`. */
export function parseWebhookSecret(value: string): string {
  let url = value.trim();
  if (url.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(url);
    } catch {
      throw new WebhookSecretError('The Slack webhook secret is neither a URL nor valid JSON');
    }
    const candidate = (parsed as { webhookUrl?: unknown }).webhookUrl;
    if (typeof candidate !== 'string') {
      throw new WebhookSecretError('The Slack webhook secret JSON has no "webhookUrl" string');
    }
    url = candidate.trim();
  }
  if (!/^https:\/\/[^\s/]+\/\S*$/.test(url)) {
    throw new WebhookSecretError('The Slack webhook secret does not hold an https:// URL');
  }
  return url;
}

const REQUIRED_STRINGS: Readonly<Record<AlertDocument['kind'], readonly string[]>> = {
  event: ['eventId', 'callcenter', 'timestamp', 'type', 'event', 'summary', 'receivedAt'],
  incident: ['incidentId', 'detection', 'callcenter', 'groupedBy', 'group', 'summary'],
  summary: ['summaryId', 'callcenter', 'type', 'event', 'rule', 'since', 'until', 'summary'],
};

const REQUIRED_ARRAYS: Readonly<Record<AlertDocument['kind'], readonly string[]>> = {
  event: ['rules'],
  incident: ['eventIds', 'values'],
  summary: ['eventIds', 'top'],
};

/** The SNS message as an AlertDocument, or UnreadableAlertError. */
export function readAlertDocument(message: string): AlertDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new UnreadableAlertError('The SNS message is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw new UnreadableAlertError('The SNS message is not an AlertDocument (version 1)');
  }
  const doc = parsed as Record<string, unknown>;
  // Documents from before alert kinds existed are event alerts.
  const kind = doc.kind ?? 'event';
  if (kind !== 'event' && kind !== 'incident' && kind !== 'summary') {
    throw new UnreadableAlertError('The SNS message is an alert of an unknown kind');
  }
  const wellFormed =
    doc.version === 1 &&
    (SEVERITIES as readonly unknown[]).includes(doc.severity) &&
    REQUIRED_STRINGS[kind].every((key) => typeof doc[key] === 'string') &&
    REQUIRED_ARRAYS[kind].every((key) => Array.isArray(doc[key])) &&
    (kind !== 'event' || (typeof doc.params === 'object' && doc.params !== null)) &&
    (kind !== 'incident' || (typeof doc.window === 'object' && doc.window !== null));
  if (!wellFormed) {
    throw new UnreadableAlertError('The SNS message is not an AlertDocument (version 1)');
  }
  return { ...doc, kind } as AlertDocument;
}

export function createSlackNotifier(deps: SlackNotifierDeps): SlackNotifierHandler {
  const cacheMs = deps.cacheMs ?? 300_000;
  const now = deps.now ?? Date.now;
  let cached: { url: string; until: number } | undefined;

  const webhookUrl = async (): Promise<string> => {
    if (cached && cached.until > now()) return cached.url;
    const secret = await deps.secrets.send(new GetSecretValueCommand({ SecretId: deps.secretId }));
    if (secret.SecretString === undefined) {
      throw new WebhookSecretError('The Slack webhook secret has no string value');
    }
    cached = { url: parseWebhookSecret(secret.SecretString), until: now() + cacheMs };
    return cached.url;
  };

  return async (event) => {
    // SNS sends one record per invocation; a loop keeps the contract honest if that changes.
    for (const record of event.Records) {
      const doc = readAlertDocument(record.Sns.Message);
      await postToSlack(await webhookUrl(), formatSlackMessage(doc), deps.fetchImpl);
    }
  };
}
