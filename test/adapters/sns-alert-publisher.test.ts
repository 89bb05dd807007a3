// The SNS adapter against a stubbed client: one PublishBatch per topic and at most 10 entries
// or 256 KiB a call, a message per protocol, and every failure (per entry or whole call)
// reported back as the alert ids that did not go out, never thrown.
import { PublishBatchCommand, type PublishBatchCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import {
  alertMessage,
  MAX_PUBLISH_BATCH,
  MAX_PUBLISH_BYTES,
  SnsAlertPublisher,
} from '../../lambda/adapters/sns-alert-publisher';
import { type Alert, buildAlerts } from '../../lambda/core/alert-format';
import type { EventItem } from '../../lambda/core/items';

const TOPICS = { alerts: 'arn:alerts', critical: 'arn:critical' };

/** The alerts of one stored event (two when critical), with an id of the test's choosing. */
function alertsOf(id: string, severity: 'high' | 'critical' = 'high', params = {}): Alert[] {
  const item = {
    pk: 'CC#acme',
    sk: `t#${id}`,
    kind: 'event',
    eventId: id,
    callcenter: 'acme',
    timestamp: '2024-05-06T07:08:09Z',
    time: '2024-05-06T07:08:09.000000000Z',
    type: 'app_login',
    event: 'deleted_user',
    params: { user: 'john@acme.com', access_group: 'agent', ...params },
    severity,
    rules: ['deleted-user-login'],
    recognised: true,
    receivedAt: '2024-05-06T07:08:10.000Z',
    messageId: 'm1',
    alertDue: true,
    pairKey: 'PAIR#app_login#deleted_user',
    severityKey: `SEV#${severity}`,
  } as EventItem;
  return buildAlerts(item);
}

function publisher() {
  const client = new SNSClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  const errors: { message: string; topic: string }[] = [];
  const subject = new SnsAlertPublisher({
    client,
    topics: TOPICS,
    onError: (error, topic) => errors.push({ message: error.message, topic }),
  });
  return { subject, mock, errors };
}

const accept = (input: PublishBatchCommandInput) => ({
  Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: 'x' })),
  Failed: [],
});

const inputs = (mock: ReturnType<typeof mockClient>) =>
  mock.commandCalls(PublishBatchCommand).map((c) => c.args[0].input as PublishBatchCommandInput);

describe('SnsAlertPublisher', () => {
  it('publishes each alert to its topic, with subject, attributes and a message per protocol', async () => {
    // Prepare
    const { subject, mock } = publisher();
    mock.on(PublishBatchCommand).callsFake(accept);
    const [alert, critical] = alertsOf('e1', 'critical');
    if (!alert || !critical) throw new Error('fixture');
    // Act
    const outcome = await subject.publish([alert, critical]);
    // Assert
    expect(outcome).toEqual({ failed: [] });
    const calls = inputs(mock);
    expect(calls.map((c) => [c.TopicArn, c.PublishBatchRequestEntries?.map((e) => e.Id)])).toEqual([
      ['arn:alerts', ['e1-alerts']],
      ['arn:critical', ['e1-critical']],
    ]);
    expect(calls[0]?.PublishBatchRequestEntries?.[0]).toEqual({
      Id: 'e1-alerts',
      Subject: alert.subject,
      Message: alertMessage(alert),
      MessageStructure: 'json',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'critical' },
        type: { DataType: 'String', StringValue: 'app_login' },
        event: { DataType: 'String', StringValue: 'deleted_user' },
        callcenter: { DataType: 'String', StringValue: 'acme' },
        rule: { DataType: 'String', StringValue: 'deleted-user-login' },
        kind: { DataType: 'String', StringValue: 'event' },
      },
    });
  });

  it('sends e-mail the text and every other protocol the JSON document', () => {
    // Prepare
    const [alert] = alertsOf('e1');
    if (!alert) throw new Error('fixture');
    // Act
    const message = JSON.parse(alertMessage(alert)) as Record<string, string>;
    // Assert
    const document = JSON.stringify(alert.document);
    expect(message).toEqual({
      default: document,
      email: alert.text,
      'email-json': document,
      lambda: document,
      sqs: document,
      https: document,
      http: document,
    });
  });

  it('leaves the params out of a message that would pass SNS limits, and says so', () => {
    // Prepare: six copies of a 40 KiB document pass 256 KiB.
    const [alert] = alertsOf('big', 'high', { blob: 'x'.repeat(40_000) });
    const [small] = alertsOf('small', 'high', { blob: 'x'.repeat(30_000) });
    if (!alert || !small) throw new Error('fixture');
    // Act
    const message = JSON.parse(alertMessage(alert)) as Record<string, string>;
    const kept = JSON.parse(alertMessage(small)) as Record<string, string>;
    // Assert
    const document = JSON.parse(message.lambda ?? '{}');
    expect(document.params).toEqual({
      omitted: 'params too large for an SNS message; see the events table',
    });
    expect(document.eventId).toBe('big');
    expect(message.email).toBe(
      `${alert.text.slice(0, 4096)}\n\n(truncated: the full event is in the events table)`,
    );
    expect(Buffer.byteLength(alertMessage(alert))).toBeLessThan(MAX_PUBLISH_BYTES);
    expect(JSON.parse(kept.lambda ?? '{}').params.blob).toHaveLength(30_000);
    expect(kept.email).toBe(small.text);
  });

  it('sends at most 10 entries a call', async () => {
    // Prepare
    const { subject, mock } = publisher();
    mock.on(PublishBatchCommand).callsFake(accept);
    const alerts = Array.from({ length: 23 }, (_, i) => alertsOf(`e${i}`)).flat();
    // Act
    const outcome = await subject.publish(alerts);
    // Assert
    expect(inputs(mock).map((c) => c.PublishBatchRequestEntries?.length)).toEqual([10, 10, 3]);
    expect(MAX_PUBLISH_BATCH).toBe(10);
    expect(outcome.failed).toEqual([]);
  });

  it('keeps each call under 256 KiB', async () => {
    // Prepare: each message is about 6 x 30 KiB.
    const { subject, mock } = publisher();
    mock.on(PublishBatchCommand).callsFake(accept);
    const alerts = Array.from({ length: 3 }, (_, i) =>
      alertsOf(`e${i}`, 'high', { blob: 'x'.repeat(30_000) }),
    ).flat();
    // Act
    await subject.publish(alerts);
    // Assert
    const calls = inputs(mock);
    expect(calls.map((c) => c.PublishBatchRequestEntries?.length)).toEqual([1, 1, 1]);
    for (const call of calls) {
      const bytes = (call.PublishBatchRequestEntries ?? []).reduce(
        (sum, e) => sum + Buffer.byteLength(e.Message ?? ''),
        0,
      );
      expect(bytes).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
    }
  });

  it('reports entries SNS failed, and entries in neither list, as failed', async () => {
    // Prepare
    const { subject, mock, errors } = publisher();
    mock.on(PublishBatchCommand).resolves({
      Successful: [{ Id: 'e0-alerts', MessageId: 'x' }],
      Failed: [
        { Id: 'e1-alerts', Code: 'InternalError', SenderFault: false },
        { Id: 'e2-alerts', Code: 'Throttled', SenderFault: false },
        { Id: 'e3-alerts', Code: 'InternalError', SenderFault: false },
      ],
    });
    const alerts = ['e0', 'e1', 'e2', 'e3', 'e4'].flatMap((id) => alertsOf(id));
    // Act
    const outcome = await subject.publish(alerts);
    // Assert
    expect(outcome.failed).toEqual(['e1-alerts', 'e2-alerts', 'e3-alerts', 'e4-alerts']);
    expect(errors).toEqual([
      { message: 'PublishBatch: 4 entries failed (InternalError, Throttled)', topic: 'alerts' },
    ]);
  });

  it('names a failure without a code "unknown"', async () => {
    // Prepare
    const { subject, mock, errors } = publisher();
    // An entry without a Code, which the SDK's types say cannot happen.
    mock
      .on(PublishBatchCommand)
      .resolves({ Failed: [{ Id: 'e0-alerts', SenderFault: true }] } as never);
    // Act
    const outcome = await subject.publish(alertsOf('e0'));
    // Assert
    expect(outcome.failed).toEqual(['e0-alerts']);
    expect(errors[0]?.message).toBe('PublishBatch: 1 entries failed (unknown)');
  });

  it('reports every entry of a call that throws as failed, and only that call', async () => {
    // Prepare
    const { subject, mock, errors } = publisher();
    mock
      .on(PublishBatchCommand, { TopicArn: 'arn:critical' })
      .rejects(Object.assign(new Error('SNS is down'), { name: 'InternalErrorException' }))
      .on(PublishBatchCommand, { TopicArn: 'arn:alerts' })
      .callsFake(accept);
    // Act
    const outcome = await subject.publish(alertsOf('e0', 'critical'));
    // Assert
    expect(outcome.failed).toEqual(['e0-critical']);
    expect(errors).toEqual([{ message: 'SNS is down', topic: 'critical' }]);
  });

  it('turns a thrown non-error into an error for the caller', async () => {
    // Prepare
    const { subject, mock, errors } = publisher();
    mock.on(PublishBatchCommand).callsFake(() => {
      throw 'socket hang up';
    });
    // Act
    const outcome = await subject.publish(alertsOf('e0'));
    // Assert
    expect(outcome.failed).toEqual(['e0-alerts']);
    expect(errors).toEqual([{ message: 'socket hang up', topic: 'alerts' }]);
  });

  it('makes no call for no alerts', async () => {
    const { subject, mock } = publisher();
    expect(await subject.publish([])).toEqual({ failed: [] });
    expect(mock.calls()).toHaveLength(0);
  });
});
