// Limits that agree end to end: every body SQS accepts (up to 256 KiB of UTF-8) ends as an event
// item or a quarantine item, and either fits DynamoDB's 400 KB item limit as DynamoDB counts it
// (UTF-8 bytes of names and values), which dynalite does not check (it counts UTF-16 units).
import fc from 'fast-check';
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import { MAX_ITEM_BYTES, MAX_MESSAGE_BYTES } from '../../contract/limits';
import { MAX_BODY_BYTES } from '../../lambda/core/event-schema';
import { buildEventItem, buildQuarantineItem, MAX_REASON_LENGTH } from '../../lambda/core/items';
import { classifyMessage } from '../../lambda/core/message';
import { dynamoItemSize } from '../../lambda/testing/item-size';

const CONTEXT = {
  messageId: '6b1f0e9e-1c4d-4a59-9a8e-3f7e2b0d5c11',
  // The longest SenderId SQS reports: a role id and a 64-character session name.
  senderId: `AROAEXAMPLEROLEID1234:${'s'.repeat(64)}`,
  receivedAt: new Date('2025-03-14T08:00:01Z'),
  sentAt: new Date('2025-03-14T08:00:00Z'),
  retentionDays: 365,
};

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** What the handler stores for a body: the event item, or the quarantine item. */
function itemFor(body: string) {
  const verdict = classifyMessage(body, DEFAULT_DETECTION_SETTINGS);
  return verdict.kind === 'event'
    ? buildEventItem(verdict.normalised, verdict.classification, CONTEXT)
    : buildQuarantineItem(body, verdict.reason, CONTEXT);
}

/** A Voiso-like envelope padded with `filler` to exactly `size` UTF-8 bytes. */
function envelopeOfSize(size: number, filler: string): string {
  const head =
    '{"timestamp":"2025-03-14T08:00:00Z","type":"app_login","event":"sso","callcenter":"acme","params":{"note":"';
  const tail = '"}}';
  let room = size - bytes(head) - bytes(tail);
  let pad = filler.repeat(Math.floor(room / bytes(filler)));
  room -= bytes(pad);
  pad += 'x'.repeat(room);
  return `${head}${pad}${tail}`;
}

describe('the largest message SQS accepts', () => {
  it.each([
    ['ASCII', 'a'],
    ['3-byte characters', '中'],
    ['4-byte characters', '\u{1F600}'],
    ['characters a terminal or a log would act on', '\u009b\u202e\u0007'],
  ])('is quarantined whole, as %s, within the item limit', (_name, filler) => {
    // Prepare
    const body = envelopeOfSize(MAX_MESSAGE_BYTES, filler);
    expect(bytes(body)).toBe(262_144);
    // Act
    const item = itemFor(body);
    // Assert
    expect(item).toMatchObject({
      kind: 'quarantine',
      body,
      reason: 'message: 262144 bytes, larger than the 65536-byte limit',
    });
    expect(item).not.toHaveProperty('bodyTruncated');
    expect(dynamoItemSize(item)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
  });

  it('leaves room for the longest reason the core writes', () => {
    // Prepare: a reason at its bound, made of 3-byte characters (sender-chosen path names).
    const body = envelopeOfSize(MAX_MESSAGE_BYTES, '中');
    // Act
    const item = buildQuarantineItem(body, '中'.repeat(10_000), CONTEXT);
    // Assert
    expect(item.reason.length).toBe(MAX_REASON_LENGTH);
    expect(item.body).toBe(body);
    expect(dynamoItemSize(item)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
  });

  it('is cut to that size only when it did not come through SQS', () => {
    // Prepare: larger than any queue would accept (a direct invocation).
    const body = envelopeOfSize(MAX_MESSAGE_BYTES + 10, '\u{1F600}');
    // Act
    const item = buildQuarantineItem(body, 'message: too large', CONTEXT);
    // Assert
    expect(item).toMatchObject({ bodyTruncated: true, bodyBytes: MAX_MESSAGE_BYTES + 10 });
    expect(bytes(item.body)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(dynamoItemSize(item)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
  });
});

describe('the largest event', () => {
  it('stays within the item limit however its JSON grows in DynamoDB', () => {
    // Prepare: a list of one-digit numbers is DynamoDB's worst case: 2 body bytes (`1,`)
    // become 3 (a number's 2 bytes and the element's 1), so the item is 1.5x the body.
    const head =
      '{"timestamp":"2025-03-14T08:00:00Z","type":"app_login","event":"sso","callcenter":"acme","params":{"n":[';
    const count = Math.floor((MAX_BODY_BYTES - head.length - 4) / 2);
    const body = `${head}${Array(count).fill(1).join(',')}]}}`;
    expect(bytes(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    // Act
    const item = itemFor(body);
    // Assert
    expect(item.kind).toBe('event');
    const size = dynamoItemSize(item);
    expect(size).toBeGreaterThan(bytes(body));
    expect(size).toBeLessThanOrEqual(1.5 * MAX_BODY_BYTES + 8 * 1024);
    expect(size).toBeLessThanOrEqual(MAX_ITEM_BYTES / 3);
  });

  it('never passes the item limit for any body the core stores', () => {
    // Bodies near the event limit, in the shapes that grow most: digit lists, empty lists,
    // booleans, many small keys, and multi-byte strings.
    const piece = fc.oneof(
      fc.constant('1'),
      fc.constant('[]'),
      fc.constant('true'),
      fc.constant('"中\u{1F600}"'),
      fc.constant('{"a":0}'),
    );
    fc.assert(
      fc.property(piece, fc.integer({ min: 1_000, max: 40_000 }), (json, repeat) => {
        const body = `{"timestamp":"2025-03-14T08:00:00Z","type":"app_login","event":"sso","callcenter":"acme","params":{"v":[${Array(repeat).fill(json).join(',')}]}}`;
        const item = itemFor(body);
        expect(dynamoItemSize(item)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
        if (bytes(body) <= MAX_BODY_BYTES) expect(item.kind).toBe('event');
        else expect(item.kind).toBe('quarantine');
      }),
      { numRuns: 60 },
    );
  });
});
