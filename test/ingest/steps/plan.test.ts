// Step 1: every record classified; identical events collapse into one group, malformed messages
// become one quarantine item per message id, and a classification bug fails only its record.
import * as message from '../../../lambda/core/message';
import { DEFAULT_INGEST_CONFIG } from '../../../lambda/ingest/config';
import { planBatch } from '../../../lambda/ingest/steps/plan';
import { sqsRecord, voisoEvent } from '../../../lambda/testing/factories';

const RECEIVED_AT = new Date('2024-05-06T07:08:10.000Z');
const context = { receivedAt: RECEIVED_AT, ...DEFAULT_INGEST_CONFIG, retentionDays: 10 };

describe('planBatch', () => {
  it('groups the records of one event in order of their first record', () => {
    // Prepare
    const first = sqsRecord(voisoEvent('app_login/deleted_user'));
    const other = sqsRecord(voisoEvent('app_login/successful_login'));
    const again = sqsRecord(first.body);
    // Act
    const plan = planBatch([first, other, again], context);
    // Assert
    expect(plan.events.map((g) => g.records.map((r) => r.messageId))).toEqual([
      [first.messageId, again.messageId],
      [other.messageId],
    ]);
    expect(plan.events[0]?.key).toBe(`${plan.events[0]?.item.pk}\u0000${plan.events[0]?.item.sk}`);
    expect(plan.events[0]?.item).toMatchObject({
      messageId: first.messageId,
      senderId: 'AIDAVOISO',
      receivedAt: RECEIVED_AT.toISOString(),
      expiresAt: Math.floor(RECEIVED_AT.getTime() / 1000) + 10 * 86_400,
    });
    expect(plan.quarantines).toEqual([]);
    expect(plan.failures).toEqual([]);
  });

  it('quarantines a malformed message under the time SQS accepted it, with its sender', () => {
    // Prepare
    const bad = sqsRecord('not json', {
      attributes: {
        ...sqsRecord('x').attributes,
        SentTimestamp: String(Date.UTC(2023, 0, 2, 3, 4, 5, 6)),
      },
    });
    // Act
    const plan = planBatch([bad, { ...bad }], context);
    // Assert: the same message twice in one batch is one item.
    expect(plan.quarantines).toHaveLength(1);
    expect(plan.quarantines[0]).toMatchObject({
      problem: 'message: not valid JSON',
      item: {
        pk: 'QUARANTINE#2023-01',
        sk: `2023-01-02T03:04:05.006000000Z#${bad.messageId}`,
        body: 'not json',
        reason: 'message: not valid JSON',
        senderId: 'AIDAVOISO',
      },
    });
    expect(plan.quarantines[0]?.records).toHaveLength(2);
  });

  it('uses the receive time when SQS gave no usable send time', () => {
    // Prepare
    const base = sqsRecord('x').attributes;
    const missing = sqsRecord('nope', { attributes: { ...base, SentTimestamp: '' } });
    const zero = sqsRecord('nope', { attributes: { ...base, SentTimestamp: '0' } });
    const garbage = sqsRecord('nope', { attributes: { ...base, SentTimestamp: 'soon' } });
    // Act
    const plan = planBatch([missing, zero, garbage], context);
    // Assert
    expect(plan.quarantines.map((q) => q.item.sk.slice(0, 30))).toEqual(
      Array(3).fill('2024-05-06T07:08:10.000000000Z'),
    );
  });

  it('keeps the SenderId only when SQS gave one, and at most 256 characters of it', () => {
    // Prepare
    const base = sqsRecord('x').attributes;
    const none = sqsRecord(voisoEvent('app_login/deleted_user'), {
      attributes: { ...base, SenderId: '' },
    });
    const long = sqsRecord(voisoEvent('app_login/successful_login'), {
      attributes: { ...base, SenderId: 'A'.repeat(300) },
    });
    // Act
    const plan = planBatch([none, long], context);
    // Assert
    expect(plan.events[0]?.item).not.toHaveProperty('senderId');
    expect(plan.events[1]?.item.senderId).toBe('A'.repeat(256));
  });

  it('plans a record that came with no attributes at all: receive time, no sender', () => {
    // Prepare: a hand-made event (a test console, a replay tool) without SQS's attributes.
    const bare = { ...sqsRecord('not json'), attributes: undefined } as unknown as ReturnType<
      typeof sqsRecord
    >;
    // Act
    const plan = planBatch([bare], context);
    // Assert
    expect(plan.quarantines.map((q) => q.item.sk.slice(0, 30))).toEqual([
      '2024-05-06T07:08:10.000000000Z',
    ]);
    expect(plan.quarantines[0]?.item).not.toHaveProperty('senderId');
  });

  it('fails only the record whose classification threw, naming the error kind', () => {
    // Prepare: a bug in the core (it never throws by design) on one body.
    const good = sqsRecord(voisoEvent('app_login/deleted_user'));
    const unlucky = sqsRecord(voisoEvent('app_login/successful_login'));
    const real = message.classifyMessage;
    const spy = jest.spyOn(message, 'classifyMessage').mockImplementation((body, config) => {
      if (body === unlucky.body) throw new TypeError('cannot read maria@acme.com');
      return real(body, config);
    });
    // Act
    const plan = planBatch([unlucky, good], context);
    spy.mockRestore();
    // Assert
    expect(plan.events.map((g) => g.records[0]?.messageId)).toEqual([good.messageId]);
    expect(plan.failures).toHaveLength(1);
    expect(plan.failures[0]?.messageId).toBe(unlucky.messageId);
    expect(plan.failures[0]?.reason).toMatch(/^classification error: TypeError at /);
    expect(plan.failures[0]?.reason).not.toContain('maria');
  });

  it('reads a body that is not a string as text', () => {
    // Prepare
    const numeric = sqsRecord('x');
    Object.defineProperty(numeric, 'body', { value: 42 });
    // Act
    const plan = planBatch([numeric], context);
    // Assert
    expect(plan.quarantines[0]?.item.body).toBe('42');
  });
});
