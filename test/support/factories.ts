// Test data factories: Voiso events as documented, and SQS records carrying them.
import type { SQSEvent, SQSRecord } from 'aws-lambda';

export interface VoisoEventShape {
  timestamp: string;
  type: string;
  event: string;
  callcenter: string;
  params: Record<string, unknown>;
}

/** Params of each documented pair, as in Voiso's documentation examples. */
export const DOCUMENTED_PARAMS: Record<string, Record<string, unknown>> = {
  'app_login/incorrect_password': { user: 'john@acme.com', access_group: 'supervisor', count: '4' },
  'app_login/deleted_user': { user: 'john@acme.com', access_group: 'supervisor' },
  'app_login/successful_login': { user: 'john@acme.com', access_group: 'supervisor' },
  'app_login/unauthorized_ip': { user: 'john@acme.com', access_group: 'supervisor', ip: '8.8.8.8' },
  'app_login/ip_changed': {
    user: 'john@acme.com',
    access_group: 'supervisor',
    from: '8.8.8.8',
    to: '4.4.4.2',
  },
  'user/user_added': { who: 'admin@acme.com', user: 'john@acme.com', access_group: 'supervisor' },
  'user/user_deleted': { who: 'admin@acme.com', user: 'john@acme.com', access_group: 'agent' },
  'user/password_changed': { who: 'john@acme.com', user: 'john@acme.com', access_group: 'agent' },
  'user/privileges_updated': {
    who: 'admin@acme.com',
    user: 'john@acme.com',
    from: 'agent',
    to: 'supervisor',
  },
  'allowed_ip/ip_added': { who: 'admin@acme.com', access_group: 'supervisor', ip: '8.8.8.8/32' },
  'allowed_ip/ip_removed': { who: 'admin@acme.com', access_group: 'supervisor', ip: '8.8.8.8/32' },
  'allowed_ip/ip_changed': {
    who: 'admin@acme.com',
    access_group: 'supervisor',
    from: '8.8.8.8/32',
    to: '8.8.4.4/32',
  },
};

export const DOCUMENTED_PAIRS = Object.keys(DOCUMENTED_PARAMS);

/** A documented Voiso event; `pair` picks the kind, `overrides` replace fields, `params` merge. */
export function voisoEvent(
  pair = 'app_login/incorrect_password',
  overrides: Partial<Omit<VoisoEventShape, 'params'>> & { params?: Record<string, unknown> } = {},
): VoisoEventShape {
  const [type = '', event = ''] = pair.split('/');
  const { params, ...rest } = overrides;
  return {
    timestamp: '2020-10-10T10:11:12.12Z',
    type,
    event,
    callcenter: 'acme',
    ...rest,
    params: { ...(DOCUMENTED_PARAMS[pair] ?? {}), ...params },
  };
}

let messageCounter = 0;

export function sqsRecord(body: string | object, overrides: Partial<SQSRecord> = {}): SQSRecord {
  messageCounter++;
  return {
    messageId: `msg-${messageCounter}`,
    receiptHandle: `rh-${messageCounter}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.UTC(2024, 4, 6, 7, 8, 9, 123)),
      SenderId: 'AIDAVOISO',
      ApproximateFirstReceiveTimestamp: String(Date.UTC(2024, 4, 6, 7, 8, 10)),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:events',
    awsRegion: 'us-east-1',
    ...overrides,
  };
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
