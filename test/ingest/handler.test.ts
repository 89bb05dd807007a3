import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type BatchWriteItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, type PublishBatchCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { type FilterOptions, planQuery } from '../../cli/commands/query/plan';
import { queryPartitions } from '../../cli/commands/query/read';
import { sortKeyBounds } from '../../cli/commands/query/time-range';
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import { DEFAULT_SEVERITY_INDEX_FROM } from '../../contract/table';
import { type RunningDynalite, startDynalite } from '../../lambda/testing/dynalite';
import { DOCUMENTED_PAIRS, sqsEvent, sqsRecord, voisoEvent } from '../../lambda/testing/factories';
import { acceptEveryEntry, createHarness, TOPICS } from '../support/ingest-harness';

/** The day of the factories' events. */
const DAY = { from: new Date('2020-10-10T00:00:00Z'), to: new Date('2020-10-11T00:00:00Z') };

let db: RunningDynalite;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

const publishInputs = (sns: Awaited<ReturnType<typeof createHarness>>['sns']) =>
  sns
    .commandCalls(PublishBatchCommand)
    .map((call) => call.args[0].input as PublishBatchCommandInput);

describe('ingest handler against dynalite', () => {
  it('stores all 12 documented events, queryable by every index, and alerts the high ones', async () => {
    // Prepare
    const h = await createHarness(db);
    const records = DOCUMENTED_PAIRS.map((pair) => sqsRecord(voisoEvent(pair)));
    // Act
    const response = await h.handler(sqsEvent(...records));
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const byCallcenter = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'CC#acme' } },
    });
    expect(byCallcenter).toHaveLength(12);
    // Every index path, as `voiso-sec query` reads it (keys from the indexes, items fetched).
    const query = async (filters: FilterOptions) =>
      (
        await queryPartitions(
          db.client,
          h.tableName,
          planQuery(filters, DAY),
          sortKeyBounds(DAY),
          100,
          () => undefined,
        )
      ).items;
    expect(await query({ user: 'john@acme.com' })).toHaveLength(9);
    // The admin acted in six events: three about john (byActingUser), three about no user (byUser).
    const admin = await query({ user: 'admin@acme.com' });
    expect(admin).toHaveLength(6);
    const byPair = await query({ type: 'allowed_ip', event: 'ip_changed' });
    expect(byPair.map((i) => i.type)).toEqual(['allowed_ip']);
    const high = (await query({ severity: 'high' })).filter((i) => i.severity === 'high');
    expect(high.map((i) => i.event).sort()).toEqual(
      [
        'deleted_user',
        'incorrect_password',
        'ip_added',
        'ip_changed',
        'privileges_updated',
        'unauthorized_ip',
      ].sort(),
    );
    expect(await query({})).toHaveLength(12);
    const alertRecords = await h.alertRecords(high.map((i) => String(i.eventId)));
    expect(alertRecords.map((r) => r?.state)).toEqual(high.map(() => 'sent'));
    const first = byCallcenter.find((i) => i.event === 'incorrect_password');
    expect(first).toMatchObject({
      kind: 'event',
      callcenter: 'acme',
      timestamp: '2020-10-10T10:11:12.12Z',
      time: '2020-10-10T10:11:12.120000000Z',
      params: { count: 4 },
      severity: 'high',
      rules: ['incorrect-password'],
      recognised: true,
      receivedAt: '2024-05-06T07:08:10.000Z',
      expiresAt: Date.parse('2024-05-06T07:08:10.000Z') / 1000 + 365 * 86400,
    });
    const entries = publishInputs(h.sns).flatMap((call) =>
      (call.PublishBatchRequestEntries ?? []).map((e) => ({
        topic: call.TopicArn,
        kind: e.MessageAttributes?.kind?.StringValue,
        rule: e.MessageAttributes?.rule?.StringValue,
      })),
    );
    expect(entries.filter((e) => e.kind === 'event')).toHaveLength(6);
    expect(entries.every((e) => e.kind !== 'event' || e.topic === TOPICS.alerts)).toBe(true);
    // The documented examples share one user and one instant: a failed password and a login
    // (brute force that succeeded), a user added and deleted (a short-lived account), and a
    // login refused from 8.8.8.8 as 8.8.8.8/32 is allowed (a refused address let in).
    expect(
      entries
        .filter((e) => e.kind === 'incident')
        .map((e) => `${e.rule} ${e.topic === TOPICS.critical ? 'critical' : 'alerts'}`)
        .sort(),
    ).toEqual([
      'brute-force-succeeded alerts',
      'brute-force-succeeded critical',
      'refused-ip-allowed alerts',
      'refused-ip-allowed critical',
      'short-lived-account alerts',
    ]);
  });

  it('publishes the exact SNS command: per-protocol JSON, subject, attributes; critical to both topics', async () => {
    // Prepare
    const h = await createHarness(db);
    const record = sqsRecord(voisoEvent('user/privileges_updated', { params: { to: 'admin' } }));
    // Act
    const response = await h.handler(sqsEvent(record));
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const calls = publishInputs(h.sns);
    expect(calls.map((c) => c.TopicArn).sort()).toEqual([TOPICS.alerts, TOPICS.critical].sort());
    const entry = calls[0]?.PublishBatchRequestEntries?.[0];
    const eventId = h.outcomes.stored[0]?.eventId;
    expect(entry).toMatchObject({
      Subject: '[CRITICAL] acme: privileges_updated john@acme.com agent->admin',
      MessageStructure: 'json',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'critical' },
        type: { DataType: 'String', StringValue: 'user' },
        event: { DataType: 'String', StringValue: 'privileges_updated' },
        callcenter: { DataType: 'String', StringValue: 'acme' },
        rule: { DataType: 'String', StringValue: 'admin-granted' },
      },
    });
    const message = JSON.parse(entry?.Message ?? '{}');
    expect(Object.keys(message).sort()).toEqual([
      'default',
      'email',
      'email-json',
      'http',
      'https',
      'lambda',
      'sqs',
    ]);
    expect(JSON.parse(message.lambda)).toEqual({
      version: 1,
      kind: 'event',
      eventId,
      callcenter: 'acme',
      timestamp: '2020-10-10T10:11:12.12Z',
      type: 'user',
      event: 'privileges_updated',
      severity: 'critical',
      rules: ['admin-granted', 'privileges-updated'],
      summary: 'admin@acme.com changed the privileges of john@acme.com from agent to admin',
      params: { who: 'admin@acme.com', user: 'john@acme.com', from: 'agent', to: 'admin' },
      receivedAt: '2024-05-06T07:08:10.000Z',
    });
    expect(message.email).toContain('Call center: "acme"');
  });

  it('neutralises hostile text in subject and e-mail', async () => {
    // Prepare
    const h = await createHarness(db);
    const record = sqsRecord(
      voisoEvent('app_login/deleted_user', {
        callcenter: 'acme\r\nBcc: x@evil',
        params: { user: 'é<@U1>\nSubject: hi' },
      }),
    );
    // Act
    await h.handler(sqsEvent(record));
    // Assert
    const entry = publishInputs(h.sns)[0]?.PublishBatchRequestEntries?.[0];
    expect(entry?.Subject).toMatch(/^[\x20-\x7e]{1,100}$/);
    const email: string = JSON.parse(entry?.Message ?? '{}').email;
    expect(email).not.toContain('\nSubject: hi');
    expect(email).toContain('"\\u00e9<@U1>\\nSubject: hi"');
  });

  it('stores a redelivered or re-sent identical event once and alerts once', async () => {
    // Prepare
    const h = await createHarness(db);
    const body = JSON.stringify(voisoEvent('app_login/deleted_user'));
    const original = sqsRecord(body);
    const resentWithStringCount = sqsRecord(body);
    // Act
    const first = await h.handler(sqsEvent(original, sqsRecord(body)));
    const second = await h.handler(sqsEvent(original, resentWithStringCount));
    // Assert
    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    const items = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'CC#acme' } },
    });
    expect(items).toHaveLength(1);
    expect(publishInputs(h.sns)).toHaveLength(1);
    expect(h.outcomes.stored).toHaveLength(2);
    expect(h.outcomes.duplicates).toHaveLength(2);
  });

  it('quarantines malformed messages, queryable, without failing the batch', async () => {
    // Prepare
    const h = await createHarness(db);
    const bad = sqsRecord('{"not": "voiso"');
    const good = sqsRecord(voisoEvent('app_login/successful_login'));
    // Act
    const response = await h.handler(sqsEvent(bad, good));
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const quarantined = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'QUARANTINE#2024-05' } },
    });
    expect(quarantined).toEqual([
      expect.objectContaining({
        kind: 'quarantine',
        sk: `2024-05-06T07:08:09.123000000Z#${bad.messageId}`,
        body: '{"not": "voiso"',
        reason: 'message: not valid JSON',
        messageId: bad.messageId,
      }),
    ]);
  });

  it('retries injected UnprocessedItems until everything is written', async () => {
    // Prepare
    const h = await createHarness(db);
    const mock = mockClient(h.storeClient);
    let throttled = 0;
    mock
      .on(BatchGetItemCommand)
      .callsFake((input) => db.client.send(new BatchGetItemCommand(input)));
    mock.on(BatchWriteItemCommand).callsFake(async (input: BatchWriteItemCommandInput) => {
      const [table, requests = []] = Object.entries(input.RequestItems ?? {})[0] ?? [];
      if (!table || requests.length < 2) return db.client.send(new BatchWriteItemCommand(input));
      // Write only the first item; hand the rest back as DynamoDB does under throttling.
      throttled++;
      await db.client.send(
        new BatchWriteItemCommand({ RequestItems: { [table]: requests.slice(0, 1) } }),
      );
      return { UnprocessedItems: { [table]: requests.slice(1) } };
    });
    const records = DOCUMENTED_PAIRS.slice(0, 5).map((pair) => sqsRecord(voisoEvent(pair)));
    // Act
    const response = await h.handler(sqsEvent(...records));
    mock.restore();
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(throttled).toBeGreaterThanOrEqual(4);
    const items = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'CC#acme' } },
    });
    expect(items).toHaveLength(5);
  });

  it('fails exactly the records whose write failed, and publishes nothing for them', async () => {
    // Prepare
    const h = await createHarness(db);
    const duplicate = sqsRecord(voisoEvent('app_login/successful_login'));
    await h.handler(sqsEvent(duplicate));
    const mock = mockClient(h.storeClient);
    mock
      .on(BatchGetItemCommand)
      .callsFake((input) => db.client.send(new BatchGetItemCommand(input)));
    mock
      .on(BatchWriteItemCommand)
      .rejects(
        Object.assign(new Error('slow down'), { name: 'ThrottlingException', $retryable: {} }),
      );
    const newEvent = sqsRecord(voisoEvent('app_login/deleted_user'));
    const malformed = sqsRecord('nope');
    const resent = sqsRecord(duplicate.body);
    // Act
    const response = await h.handler(sqsEvent(newEvent, resent, malformed), {
      getRemainingTimeInMillis: () => 6_000,
    });
    mock.restore();
    // Assert
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [newEvent.messageId, malformed.messageId].sort(),
    );
    expect(publishInputs(h.sns)).toHaveLength(0);
  });

  it('stores an event with a number beyond 2^53 in its params without failing its batch', async () => {
    // Prepare: found by the fuzzer; the SDK's default marshalling throws on such numbers.
    const h = await createHarness(db);
    const huge = sqsRecord(
      voisoEvent('app_login/deleted_user', { callcenter: 'huge', params: { x_score: 2.13e41 } }),
    );
    const neighbour = sqsRecord(voisoEvent('app_login/successful_login', { callcenter: 'huge' }));
    // Act
    const first = await h.handler(sqsEvent(huge, neighbour));
    const redelivered = await h.handler(sqsEvent(sqsRecord(huge.body)));
    // Assert
    expect(first.batchItemFailures).toEqual([]);
    expect(redelivered.batchItemFailures).toEqual([]);
    const items = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'CC#huge' } },
    });
    expect(items).toHaveLength(2);
    const scores = items.map((i) => (i.params as Record<string, unknown>).x_score);
    expect(scores.filter((score) => score !== undefined)).toEqual([2.13e41]);
    expect(h.outcomes.duplicates).toHaveLength(1);
  });

  it('isolates an item DynamoDB rejects outright, so only its record fails', async () => {
    // Prepare
    const h = await createHarness(db);
    const poisoned = sqsRecord(voisoEvent('app_login/deleted_user', { callcenter: 'poisoned' }));
    const mock = mockClient(h.storeClient);
    let rejectedCalls = 0;
    mock
      .on(BatchGetItemCommand)
      .callsFake((input) => db.client.send(new BatchGetItemCommand(input)));
    mock.on(BatchWriteItemCommand).callsFake(async (input: BatchWriteItemCommandInput) => {
      const requests = Object.values(input.RequestItems ?? {})[0] ?? [];
      if (requests.some((r) => r.PutRequest?.Item?.callcenter?.S === 'poisoned')) {
        rejectedCalls++;
        throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
          name: 'ValidationException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return db.client.send(new BatchWriteItemCommand(input));
    });
    const healthy = DOCUMENTED_PAIRS.slice(0, 9).map((pair) =>
      sqsRecord(voisoEvent(pair, { callcenter: 'bisect' })),
    );
    // Act
    const response = await h.handler(
      sqsEvent(...healthy.slice(0, 4), poisoned, ...healthy.slice(4)),
    );
    mock.restore();
    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poisoned.messageId }]);
    expect(rejectedCalls).toBeGreaterThan(1);
    const items = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'CC#bisect' } },
    });
    expect(items).toHaveLength(9);
  });

  it('fails every event record when the lookup fails, but still quarantines', async () => {
    // Prepare
    const h = await createHarness(db);
    const mock = mockClient(h.storeClient);
    mock.on(BatchGetItemCommand).rejects(
      Object.assign(new Error('boom'), {
        name: 'InternalServerError',
        $metadata: { httpStatusCode: 500 },
      }),
    );
    mock
      .on(BatchWriteItemCommand)
      .callsFake((input) => db.client.send(new BatchWriteItemCommand(input)));
    const event = sqsRecord(voisoEvent('app_login/deleted_user'));
    const malformed = sqsRecord('[]');
    // Act
    const response = await h.handler(sqsEvent(event, malformed));
    mock.restore();
    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.messageId }]);
    expect(h.outcomes.quarantined.map((q) => q.messageId)).toEqual([malformed.messageId]);
  });

  it('fails the record whose alert entry failed, and the retry publishes it exactly once', async () => {
    // Prepare
    const h = await createHarness(db);
    const ok = sqsRecord(voisoEvent('app_login/deleted_user'));
    const unlucky = sqsRecord(voisoEvent('app_login/unauthorized_ip'));
    h.sns
      .on(PublishBatchCommand)
      .callsFakeOnce((input: PublishBatchCommandInput) => {
        const [a, b] = input.PublishBatchRequestEntries ?? [];
        return {
          Successful: [{ Id: a?.Id, MessageId: 'm1' }],
          Failed: [{ Id: b?.Id, Code: 'InternalError', SenderFault: false }],
        };
      })
      .callsFake(acceptEveryEntry);
    // Act
    const first = await h.handler(sqsEvent(ok, unlucky));
    const retry = await h.handler(sqsEvent(unlucky));
    const again = await h.handler(sqsEvent(unlucky, ok));
    // Assert
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: unlucky.messageId }]);
    expect([retry.batchItemFailures, again.batchItemFailures]).toEqual([[], []]);
    const calls = publishInputs(h.sns);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.PublishBatchRequestEntries?.map((e) => e.Subject)).toEqual([
      '[HIGH] acme: unauthorized_ip john@acme.com 8.8.8.8',
    ]);
    const items = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'CC#acme' } },
    });
    const records = await h.alertRecords(items.map((i) => String(i.eventId)));
    expect(records.map((r) => r?.state)).toEqual(['sent', 'sent']);
    expect(h.outcomes.stored.filter((i) => i.event === 'unauthorized_ip')).toHaveLength(2);
  });

  it('retries only the topic a critical alert missed', async () => {
    // Prepare: the `alerts` entry goes out, the `critical` one fails once.
    const h = await createHarness(db);
    const promotion = sqsRecord(
      voisoEvent('user/privileges_updated', {
        callcenter: 'partial',
        params: { from: 'agent', to: 'admin' },
      }),
    );
    let criticalCalls = 0;
    h.sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) =>
      input.TopicArn === TOPICS.critical && ++criticalCalls === 1
        ? {
            Failed: (input.PublishBatchRequestEntries ?? []).map((e) => ({
              Id: e.Id,
              Code: 'InternalError',
              SenderFault: false,
            })),
          }
        : acceptEveryEntry(input),
    );
    // Act
    const first = await h.handler(sqsEvent(promotion));
    const retry = await h.handler(sqsEvent(promotion));
    // Assert
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: promotion.messageId }]);
    expect(retry.batchItemFailures).toEqual([]);
    expect(publishInputs(h.sns).map((call) => call.TopicArn)).toEqual([
      TOPICS.alerts,
      TOPICS.critical,
      TOPICS.critical,
    ]);
    const [item] = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'CC#partial' } },
    });
    const [record] = await h.alertRecords([String(item?.eventId)]);
    expect(record).toMatchObject({ state: 'sent', topicsSent: ['alerts', 'critical'] });
  });

  it('fails the records when the whole PublishBatch call fails', async () => {
    // Prepare
    const h = await createHarness(db);
    h.sns.on(PublishBatchCommand).rejects(new Error('network down'));
    const record = sqsRecord(voisoEvent('app_login/deleted_user'));
    // Act
    const response = await h.handler(sqsEvent(record));
    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    const items = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'CC#acme' } },
    });
    // The claim is released (not sent, no topic reached): the retry claims it at once.
    const records = await h.alertRecords(items.map((i) => String(i.eventId)));
    expect(records.map((r) => [r?.state, r?.topicsSent, r?.leaseUntil])).toEqual([
      ['partial', [], 0],
    ]);
  });

  it('keeps call centers with # apart and stores unknown events flagged', async () => {
    // Prepare
    const h = await createHarness(db, {
      retentionDays: 0,
      detection: DEFAULT_DETECTION_SETTINGS,
      severityIndexFrom: DEFAULT_SEVERITY_INDEX_FROM,
    });
    const records = [
      sqsRecord(voisoEvent('app_login/successful_login', { callcenter: 'a#b' })),
      sqsRecord(voisoEvent('app_login/successful_login', { callcenter: 'a' })),
      sqsRecord(voisoEvent('app_login/mfa_bypassed', { callcenter: 'a' })),
    ];
    // Act
    const response = await h.handler(sqsEvent(...records));
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const hash = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'CC#a%23b' } },
    });
    const plain = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'CC#a' } },
    });
    expect(hash).toHaveLength(1);
    expect(plain.map((i) => [i.event, i.recognised, i.severity])).toEqual(
      expect.arrayContaining([
        ['successful_login', true, 'info'],
        ['mfa_bypassed', false, 'medium'],
      ]),
    );
    expect(plain.every((i) => i.expiresAt === undefined)).toBe(true);
  });
});
