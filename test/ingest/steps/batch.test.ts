// What the steps share: deadlines from the invocation's remaining time, log-safe error text,
// the detections' view of an event, and which records carry which event.
import { buildEventItem } from '../../../lambda/core/items';
import { classifyMessage } from '../../../lambda/core/message';
import {
  carriersByEvent,
  deadlinesFor,
  detectionEventOf,
  type EventGroup,
  errorKind,
  errorText,
  failuresOf,
} from '../../../lambda/ingest/batch';
import { DEFAULT_INGEST_CONFIG } from '../../../lambda/ingest/config';
import { sqsRecord, voisoEvent } from '../../../lambda/testing/factories';

describe('deadlinesFor', () => {
  it('keeps a quarter of a long budget back from store retries, and one second from the last write', () => {
    // Act
    const deadlines = deadlinesFor(60_000, 1_000);
    // Assert
    expect(deadlines).toEqual({ store: 1_000 + 45_000, final: 1_000 + 59_000 });
  });

  it('keeps at least 5 s back from store retries', () => {
    expect(deadlinesFor(8_000, 0)).toEqual({ store: 3_000, final: 7_000 });
    expect(deadlinesFor(20_000, 0)).toEqual({ store: 15_000, final: 19_000 });
  });

  it('never sets a deadline before the start, however little time is left', () => {
    expect(deadlinesFor(500, 1_000)).toEqual({ store: 1_000, final: 1_000 });
  });

  it('gives 20 s when there is no Lambda context', () => {
    expect(deadlinesFor(undefined, 0)).toEqual({ store: 15_000, final: 19_000 });
  });
});

describe('error text for logs', () => {
  it('names an AWS error and its message, e-mail addresses masked', () => {
    // Prepare
    const error = Object.assign(new Error('no access for maria@acme.com'), {
      name: 'AccessDenied',
    });
    // Act / Assert
    expect(errorText(error)).toBe('AccessDenied: no access for m***@acme.com');
    expect(errorText('timeout for bob@x.io')).toBe('timeout for b***@x.io');
  });

  it('gives a bug its name and where it was thrown, never its message', () => {
    // Prepare
    const error = new TypeError('cannot read "hunter2" of maria@acme.com');
    error.stack = `TypeError: cannot read "hunter2"\n    at classify (/var/task/index.js:1:2)\n    at next (x.js:3:4)`;
    // Act / Assert
    expect(errorKind(error)).toBe('TypeError at classify (/var/task/index.js:1:2)');
  });

  it('gives only the name when there is no stack frame, and the type of what is not an error', () => {
    // Prepare
    const noFrame = new RangeError('secret');
    noFrame.stack = 'RangeError: secret';
    const noStack = new SyntaxError('secret');
    noStack.stack = undefined;
    // Act / Assert
    expect(errorKind(noFrame)).toBe('RangeError');
    expect(errorKind(noStack)).toBe('SyntaxError');
    expect(errorKind('secret')).toBe('string');
    expect(errorKind(undefined)).toBe('undefined');
  });
});

describe('the detections view and carriers', () => {
  const itemOf = (overrides = {}) => {
    const verdict = classifyMessage(
      JSON.stringify(voisoEvent('app_login/incorrect_password', overrides)),
      DEFAULT_INGEST_CONFIG.detection,
    );
    if (verdict.kind !== 'event') throw new Error('fixture');
    return buildEventItem(verdict.normalised, verdict.classification, {
      messageId: 'm1',
      receivedAt: new Date('2024-05-06T07:08:10Z'),
      retentionDays: 0,
    });
  };

  it('gives the detections the event time in ms, its pair and whether it was suppressed', () => {
    // Prepare
    const item = itemOf({ timestamp: '2024-05-06T07:08:09.123456Z' });
    const suppressed = { ...item, suppressedBy: 'office' };
    // Act
    const event = detectionEventOf(item);
    // Assert
    expect(event).toEqual({
      id: item.eventId,
      time: Date.UTC(2024, 4, 6, 7, 8, 9, 123),
      timeText: '2024-05-06T07:08:09.123456000Z',
      callcenter: 'acme',
      pair: 'app_login/incorrect_password',
      params: item.params,
      suppressed: false,
    });
    expect(detectionEventOf(suppressed).suppressed).toBe(true);
  });

  it('lists the message ids carrying each event', () => {
    // Prepare
    const item = itemOf();
    const other = itemOf({ callcenter: 'beta' });
    const group = (i: typeof item, ids: string[]): EventGroup => ({
      key: i.sk,
      item: i,
      records: ids.map((messageId) => sqsRecord('x', { messageId })),
    });
    // Act
    const carriers = carriersByEvent([group(item, ['a', 'b']), group(other, ['c'])]);
    // Assert
    expect([...carriers]).toEqual([
      [item.eventId, ['a', 'b']],
      [other.eventId, ['c']],
    ]);
    expect(failuresOf([sqsRecord('x', { messageId: 'a' })], 'why')).toEqual([
      { messageId: 'a', reason: 'why' },
    ]);
  });
});
