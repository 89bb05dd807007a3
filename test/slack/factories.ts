// Test data for the Slack notifier: alert documents and SNS events carrying them.
import type { SNSEvent } from 'aws-lambda';
import type { AlertDocument } from '../../lambda/core/model';

export function alertDocument(overrides: Partial<AlertDocument> = {}): AlertDocument {
  return {
    version: 1,
    eventId: 'e3b0c44298fc1c14',
    callcenter: 'acme-main',
    timestamp: '2024-05-01T10:00:00.123Z',
    type: 'app_login',
    event: 'incorrect_password',
    severity: 'critical',
    rules: ['incorrect_password.admin'],
    summary: '12 failed logins for j***@acme.com (admin)',
    params: { user: 'john@acme.com', access_group: 'admin', count: 12 },
    receivedAt: '2024-05-01T10:00:01.000Z',
    ...overrides,
  };
}

export function snsEvent(...messages: string[]): SNSEvent {
  return {
    Records: messages.map((Message, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:alerts:sub',
      Sns: {
        Type: 'Notification',
        MessageId: `message-${i}`,
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
        Subject: 'subject',
        Message,
        Timestamp: '2024-05-01T10:00:01.000Z',
        SignatureVersion: '1',
        Signature: 'sig',
        SigningCertUrl: 'https://example.invalid/cert',
        UnsubscribeUrl: 'https://example.invalid/unsubscribe',
        MessageAttributes: {},
      },
    })),
  };
}

/** A fetch stub that records requests and answers with the given status. */
export function fakeFetch(status = 200, body = 'ok') {
  const requests: { url: string; init: RequestInit }[] = [];
  const impl = async (url: string, init: RequestInit): Promise<Response> => {
    requests.push({ url, init });
    return new Response(body, { status });
  };
  return { impl, requests };
}
