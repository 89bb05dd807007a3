// Item building at edges the item tests do not reach: a long reason with a character pair far
// from its cut.
import { buildQuarantineItem, MAX_REASON_LENGTH } from '../../lambda/core/items';
import { eventItemOf, voisoEvent } from '../../lambda/testing/factories';

const CONTEXT = {
  messageId: 'm-1',
  receivedAt: new Date('2025-03-14T08:00:01Z'),
  sentAt: new Date('2025-03-14T08:00:00.123Z'),
  retentionDays: 30,
};

describe('a long quarantine reason', () => {
  it('is cut at the limit when its character pairs lie away from the cut', () => {
    // Prepare: an emoji first, then plain text past the limit.
    const reason = `\u{1f600}${'r'.repeat(MAX_REASON_LENGTH + 10)}`;
    // Act
    const cut = buildQuarantineItem('x', reason, CONTEXT).reason;
    // Assert
    expect(cut).toBe(`${reason.slice(0, MAX_REASON_LENGTH - 1)}…`);
  });
});

describe('the user entry of an event Voiso has not documented', () => {
  it('is never an empty name: an empty user gives way to who acted', () => {
    // Act
    const item = eventItemOf(
      voisoEvent('billing/card_changed', { params: { user: '', who: 'admin@acme.com' } }),
    );
    // Assert
    expect(item.subjectKey).toBe('USER#admin@acme.com');
  });
});
