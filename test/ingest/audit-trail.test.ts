// The table as an audit trail, on dynalite through the real handler: who sent each message, the
// pipeline never rewriting what an event said, and the messages DynamoDB could not hold (the
// largest body SQS accepts, a lone surrogate) quarantined rather than retried into the DLQ.
import { PublishBatchCommand } from '@aws-sdk/client-sns';
import { MAX_MESSAGE_BYTES } from '../../contract/limits';
import { DEFAULT_INGEST_CONFIG } from '../../lambda/ingest/config';
import { type RunningDynalite, startDynalite } from '../../lambda/testing/dynalite';
import { sqsEvent, sqsRecord, voisoEvent, voisoEventBody } from '../../lambda/testing/factories';
import { acceptEveryEntry, createHarness, type Harness } from '../support/ingest-harness';

let db: RunningDynalite;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

const sentBy = (senderId: string) => ({
  attributes: { ...sqsRecord('').attributes, SenderId: senderId },
});

const partition = (h: Harness, pk: string) =>
  h.query({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: pk } },
  });

describe('who sent it', () => {
  it('stores the SQS SenderId with every event and every quarantined message', async () => {
    // Prepare
    const h = await createHarness(db);
    const event = sqsRecord(voisoEvent('app_login/successful_login'), sentBy('AIDAVOISOSLOTA'));
    const junk = sqsRecord('not json', sentBy('AROAOTHERROLE:session-1'));
    // Act
    const response = await h.handler(sqsEvent(event, junk));
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(await partition(h, 'CC#acme')).toEqual([
      expect.objectContaining({ messageId: event.messageId, senderId: 'AIDAVOISOSLOTA' }),
    ]);
    expect(await partition(h, 'QUARANTINE#2024-05')).toEqual([
      expect.objectContaining({ messageId: junk.messageId, senderId: 'AROAOTHERROLE:session-1' }),
    ]);
  });
});

describe('the table is append-only for the pipeline', () => {
  /**
   * The only attribute the pipeline changes on a stored event: the detections it helped form
   * (alert state lives in the event's alert record).
   */
  const CHANGEABLE = new Set(['detections']);
  const original = (item: Record<string, unknown> | undefined) =>
    Object.fromEntries(Object.entries(item ?? {}).filter(([name]) => !CHANGEABLE.has(name)));

  it('never rewrites an event: redeliveries, re-sends by another key and alert marks keep it', async () => {
    // Prepare: a clock that moves, so a rewrite would show in receivedAt and expiresAt.
    let now = Date.parse('2024-05-06T07:08:10.000Z');
    const h = await createHarness(db, DEFAULT_INGEST_CONFIG, () => new Date(now));
    const body = voisoEventBody('app_login/deleted_user');
    const first = sqsRecord(body, sentBy('AIDAVOISOSLOTA'));
    const quiet = sqsRecord(voisoEvent('app_login/successful_login'), sentBy('AIDAVOISOSLOTA'));
    h.sns.on(PublishBatchCommand).rejects(new Error('SNS is down'));
    // Act 1: stored with its alert pending (the publish failed).
    await h.handler(sqsEvent(first, quiet));
    const byEvent = async () => {
      const items = await partition(h, 'CC#acme');
      return ['deleted_user', 'successful_login'].map((name) =>
        items.find((i) => i.event === name),
      );
    };
    const [stored, storedQuiet] = await byEvent();
    // Act 2: redelivered (publishes, marks sent), then re-sent later by another key, twice.
    h.sns.on(PublishBatchCommand).callsFake(acceptEveryEntry);
    now += 60_000;
    await h.handler(sqsEvent(first, quiet));
    now += 60_000;
    const resent = sqsRecord(body, sentBy('AIDAOTHERKEY'));
    await h.handler(sqsEvent(resent, sqsRecord(voisoEvent('app_login/successful_login'))));
    await h.handler(sqsEvent(resent));
    const [after, afterQuiet] = await byEvent();
    // Assert
    expect(stored).toMatchObject({ alertDue: true, senderId: 'AIDAVOISOSLOTA' });
    const [record] = await h.alertRecords([String(after?.eventId)]);
    expect(record).toMatchObject({ state: 'sent', topicsSent: ['alerts'] });
    expect(original(after)).toEqual(original(stored));
    expect(afterQuiet).toEqual(storedQuiet);
    expect(h.outcomes.duplicates.map((d) => d.messageId)).toContain(resent.messageId);
  });
});

describe('messages DynamoDB could not hold as events', () => {
  it('quarantines the largest message SQS accepts whole, and fails nothing', async () => {
    // Prepare: a Voiso-shaped body of exactly 262,144 bytes, the queue's maximum.
    const h = await createHarness(db);
    const envelope = voisoEventBody('app_login/deleted_user', { params: { note: '' } });
    const body = envelope.replace(
      '"note":""',
      `"note":"${'x'.repeat(MAX_MESSAGE_BYTES - envelope.length)}"`,
    );
    expect(Buffer.byteLength(body)).toBe(262_144);
    const record = sqsRecord(body);
    // Act
    const response = await h.handler(sqsEvent(record, sqsRecord(voisoEvent('user/user_added'))));
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const [quarantined] = await partition(h, 'QUARANTINE#2024-05');
    expect(quarantined).toMatchObject({
      kind: 'quarantine',
      messageId: record.messageId,
      reason: 'message: 262144 bytes, larger than the 65536-byte limit',
    });
    expect(quarantined?.body).toBe(body);
    expect(quarantined).not.toHaveProperty('bodyTruncated');
    expect(await partition(h, 'CC#acme')).toHaveLength(1);
  });

  it('quarantines a lone surrogate instead of writing it, so it never dead-letters', async () => {
    // Prepare: `"\ud800"` as Voiso's JSON would carry it (dynalite would store it; DynamoDB
    // cannot: see LONE_SURROGATE in lambda/core/event-schema.ts).
    const h = await createHarness(db);
    const body = voisoEventBody('app_login/deleted_user', {
      params: { user: 'john\ud800@acme.com' },
    });
    expect(body).toContain('\\ud800');
    const record = sqsRecord(body);
    // Act
    const response = await h.handler(sqsEvent(record));
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(await partition(h, 'CC#acme')).toEqual([]);
    expect(await partition(h, 'QUARANTINE#2024-05')).toEqual([
      expect.objectContaining({
        body,
        reason: expect.stringContaining('params.user: contains a lone UTF-16 surrogate'),
      }),
    ]);
    expect(h.sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
  });
});
