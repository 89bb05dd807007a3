// The quarantine item, field by field: what a message that is not an event leaves in the table,
// and how its body and reason are bounded (never cutting a character, never storing half a
// surrogate pair).
import { MAX_MESSAGE_BYTES } from '../../contract/limits';
import { buildQuarantineItem, MAX_REASON_LENGTH } from '../../lambda/core/items';

const CONTEXT = {
  messageId: 'm-1',
  senderId: 'AIDAEXAMPLE',
  receivedAt: new Date('2025-03-14T08:00:01Z'),
  sentAt: new Date('2025-03-14T08:00:00.123Z'),
  retentionDays: 30,
};

describe('buildQuarantineItem', () => {
  it('keeps the body, reason, sender and delivery, filed by the time SQS accepted it', () => {
    expect(buildQuarantineItem('{"nope"', 'message: not JSON', CONTEXT)).toEqual({
      pk: 'QUARANTINE#2025-03',
      sk: '2025-03-14T08:00:00.123000000Z#m-1',
      kind: 'quarantine',
      body: '{"nope"',
      reason: 'message: not JSON',
      messageId: 'm-1',
      senderId: 'AIDAEXAMPLE',
      receivedAt: '2025-03-14T08:00:01.000Z',
      expiresAt: Date.parse('2025-04-13T08:00:01Z') / 1000,
    });
  });

  it('leaves out the sender when there is none, and the expiry when retention is 0 (forever)', () => {
    const { senderId: _sender, ...anonymous } = CONTEXT;
    const item = buildQuarantineItem('x', 'r', { ...anonymous, retentionDays: 0 });
    expect(Object.keys(item)).not.toContain('senderId');
    expect(Object.keys(item)).not.toContain('expiresAt');
  });

  it('replaces lone surrogates in the body and the reason', () => {
    const item = buildQuarantineItem('a\ud800b', 'r\udc00', CONTEXT);
    expect([item.body, item.reason]).toEqual(['a\ufffdb', 'r\ufffd']);
  });

  it('keeps a reason of the longest length whole, and cuts a longer one with a mark', () => {
    const whole = 'r'.repeat(MAX_REASON_LENGTH);
    expect(buildQuarantineItem('x', whole, CONTEXT).reason).toBe(whole);
    const cut = buildQuarantineItem('x', `${whole}s`, CONTEXT).reason;
    expect(cut).toBe(`${'r'.repeat(MAX_REASON_LENGTH - 1)}…`);
  });

  it('cuts a long reason at the limit when its character pairs lie away from the cut', () => {
    // Prepare: an emoji first, then plain text past the limit.
    const reason = `\u{1f600}${'r'.repeat(MAX_REASON_LENGTH + 10)}`;
    // Act
    const cut = buildQuarantineItem('x', reason, CONTEXT).reason;
    // Assert
    expect(cut).toBe(`${reason.slice(0, MAX_REASON_LENGTH - 1)}…`);
  });

  it('cuts a reason before a surrogate pair rather than through it', () => {
    const reason = `${'r'.repeat(MAX_REASON_LENGTH - 2)}\u{1f600}tail`;
    expect(buildQuarantineItem('x', reason, CONTEXT).reason).toBe(
      `${'r'.repeat(MAX_REASON_LENGTH - 2)}…`,
    );
  });

  it('keeps a body of the largest size SQS accepts whole', () => {
    const body = 'b'.repeat(MAX_MESSAGE_BYTES);
    const item = buildQuarantineItem(body, 'r', CONTEXT);
    expect(item.body).toBe(body);
    expect(item).not.toHaveProperty('bodyTruncated');
  });

  it('cuts a larger body at a character boundary and records its size', () => {
    // A 3-byte character straddles the limit: the prefix stops before it.
    const body = `${'b'.repeat(MAX_MESSAGE_BYTES - 1)}中tail`;
    const item = buildQuarantineItem(body, 'r', CONTEXT);
    expect(item.body).toBe('b'.repeat(MAX_MESSAGE_BYTES - 1));
    expect(item).toMatchObject({ bodyTruncated: true, bodyBytes: MAX_MESSAGE_BYTES + 6 });
  });
});
