// Test data for the tests, the benchmarks and the fuzzer: Voiso events as documented, the SQS
// records Lambda hands the ingest function, and what the Slack notifier receives from SNS.
import { createHash } from 'node:crypto';
import type { SNSEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import type { Incident } from '../core/detections/engine';
import type { Observation } from '../core/detections/model';
import type { FoldCandidate } from '../core/folding';
import type { FoldSummary } from '../core/incident-alerts';
import { buildEventItem, type EventItem, type ItemContext } from '../core/items';
import { classifyMessage } from '../core/message';
import type { EventAlertDocument } from '../core/model';

export interface VoisoEventShape {
  timestamp: string;
  type: string;
  event: string;
  callcenter: string;
  params: Record<string, unknown>;
}

/** Fields that replace the event's own; `params` are merged into the documented ones. */
export type VoisoEventOverrides = Partial<Omit<VoisoEventShape, 'params'>> & {
  params?: Record<string, unknown>;
};

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
  overrides: VoisoEventOverrides = {},
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

/** The same event as a message body, the way Voiso sends it. */
export const voisoEventBody = (pair?: string, overrides?: VoisoEventOverrides): string =>
  JSON.stringify(voisoEvent(pair, overrides));

let messageCounter = 0;

/** An SQS record as Lambda's event source delivers it; ids are unique unless overridden. */
export function sqsRecord(body: string | object, overrides: Partial<SQSRecord> = {}): SQSRecord {
  messageCounter++;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const messageId = overrides.messageId ?? `msg-${messageCounter}`;
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.UTC(2024, 4, 6, 7, 8, 9, 123)),
      SenderId: 'AIDAVOISO',
      ApproximateFirstReceiveTimestamp: String(Date.UTC(2024, 4, 6, 7, 8, 10)),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(text).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:events',
    awsRegion: 'us-east-1',
    ...overrides,
  };
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** Splits bodies into SQS events of `batchSize` records with ids `<idPrefix><index>`. */
export function sqsBatches(
  bodies: readonly string[],
  batchSize: number,
  idPrefix = 'm',
): SQSEvent[] {
  const events: SQSEvent[] = [];
  for (let start = 0; start < bodies.length; start += batchSize) {
    events.push(
      sqsEvent(
        ...bodies
          .slice(start, start + batchSize)
          .map((body, i) => sqsRecord(body, { messageId: `${idPrefix}${start + i}` })),
      ),
    );
  }
  return events;
}

/** An event alert document as the ingest function publishes it to SNS. */
export function alertDocument(overrides: Partial<EventAlertDocument> = {}): EventAlertDocument {
  return {
    version: 1,
    kind: 'event',
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

/** An SNS event as Lambda delivers it to a subscribed function, one record per message. */
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

/** The stored item of a Voiso event, classified with the default settings as ingest does. */
export function eventItemOf(
  event: VoisoEventShape,
  context: ItemContext = { messageId: 'm', receivedAt: new Date(0), retentionDays: 1 },
): EventItem {
  const verdict = classifyMessage(JSON.stringify(event), DEFAULT_DETECTION_SETTINGS);
  if (verdict.kind !== 'event') throw new Error(`fixture is malformed: ${verdict.reason}`);
  return buildEventItem(verdict.normalised, verdict.classification, context);
}

/** A closed folding window of failed-password alerts in acme: three folded, two people. */
export const foldSummary = (overrides: Partial<FoldSummary> = {}): FoldSummary => ({
  summaryId: 'sum-abc',
  windowId: 'win-abc',
  callcenter: 'acme',
  type: 'app_login',
  event: 'incorrect_password',
  rule: 'incorrect-password',
  severity: 'high',
  opensAt: Date.parse('2025-06-02T09:00:00Z'),
  closesAt: Date.parse('2025-06-02T09:10:00Z'),
  members: [
    { eventId: 'e1', who: 'b@acme.com' },
    { eventId: 'e2', who: 'a@acme.com' },
    { eventId: 'e3', who: 'b@acme.com' },
  ],
  ...overrides,
});

/** An alert that may fold: a failed password in acme at 08:00 on 2025-06-02. */
export const foldCandidate = (
  eventId: string,
  overrides: Partial<FoldCandidate> = {},
): FoldCandidate => ({
  eventId,
  eventKey: { pk: 'CC#acme', sk: eventId },
  callcenter: 'acme',
  rule: 'incorrect-password',
  severity: 'high',
  type: 'app_login',
  event: 'incorrect_password',
  time: Date.parse('2025-06-02T08:00:00Z'),
  ...overrides,
});

/** A detection observation `minute` minutes after the epoch. */
export const observation = (
  id: string,
  minute: number,
  extra: Partial<Observation> = {},
): Observation => ({ id, t: minute * 60_000, n: `t${minute}`, ...extra });

/** An incident as the engine reports one: brute force on one user of acme, 24 failures over 9 minutes. */
export const incidentOf = (overrides: Partial<Incident> = {}): Incident =>
  ({
    id: 'inc-abc',
    detection: 'brute-force',
    callcenter: 'acme',
    group: 'user:dana',
    groupedBy: 'user',
    start: Date.parse('2025-06-02T08:00:00Z'),
    end: Date.parse('2025-06-02T08:09:00Z'),
    severity: 'high',
    measure: 24,
    threshold: 20,
    windowMinutes: 15,
    values: [],
    eventIds: ['e1'],
    eventCount: 1,
    suppressed: false,
    ...overrides,
  }) as Incident;

/** The ingest function's environment as the stack sets it, with `overrides` on top. */
export const ingestEnvironment = (
  overrides: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv => ({
  EVENTS_TABLE_NAME: 'events',
  ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:1:alerts',
  CRITICAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:1:critical',
  ...overrides,
});
