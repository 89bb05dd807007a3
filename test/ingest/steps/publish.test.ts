// Step 7: publishing what the batch claimed, only to the topics each alert has not reached, and
// failing the records of every alert that did not fully go out.
import type { Alert } from '../../../lambda/core/alert-format';
import type { EventItem } from '../../../lambda/core/items';
import { publishClaims } from '../../../lambda/ingest/steps/publish';
import type { AlertPublisher } from '../../../lambda/ports/alert-publisher';
import { silentLogger } from '../../../lambda/ports/telemetry';
import { eventClaim, eventItem } from './fixtures';

/** A publisher that fails the entries it is told to, and keeps what it was asked to publish. */
function publisher(failing: (alert: Alert) => boolean = () => false) {
  const asked: string[] = [];
  let calls = 0;
  const subject: AlertPublisher = {
    async publish(alerts) {
      calls++;
      asked.push(...alerts.map((a) => a.id));
      return { failed: alerts.filter(failing).map((a) => a.id) };
    },
  };
  return { subject, asked, calls: () => calls };
}

// Built in each test, not at load (see claim-incidents.test.ts).
let critical: EventItem;
let high: EventItem;
beforeEach(() => {
  critical = eventItem('app_login/incorrect_password', { params: { access_group: 'admin' } });
  high = eventItem('app_login/deleted_user');
});

describe('publishClaims', () => {
  it('publishes each alert to every topic of its severity and reports it complete', async () => {
    // Prepare
    const { subject, asked } = publisher();
    const claims = [eventClaim(critical, ['a']), eventClaim(high, ['b'])];
    // Act
    const published = await publishClaims(subject, claims, silentLogger);
    // Assert
    expect(asked).toEqual([
      `${critical.eventId}-alerts`,
      `${critical.eventId}-critical`,
      `${high.eventId}-alerts`,
    ]);
    expect(published.claims.map((c) => [c.reached, c.complete])).toEqual([
      [['alerts', 'critical'], true],
      [['alerts'], true],
    ]);
    expect(published.sent.map((a) => a.id)).toEqual(asked);
    expect(published.failedCount).toBe(0);
    expect(published.failures).toEqual([]);
  });

  it('publishes only the topics the alert has not reached yet', async () => {
    // Prepare
    const { subject, asked } = publisher();
    const claim = eventClaim(critical, ['a'], { topicsSent: ['alerts'] }, 1);
    // Act
    const published = await publishClaims(subject, [claim], silentLogger);
    // Assert
    expect(asked).toEqual([`${critical.eventId}-critical`]);
    expect(published.claims[0]).toMatchObject({ reached: ['alerts', 'critical'], complete: true });
  });

  it('fails every carrier of an alert that missed a topic, keeping the topics it reached', async () => {
    // Prepare
    const { subject } = publisher((alert) => alert.topic === 'critical');
    const claims = [eventClaim(critical, ['a', 'a2']), eventClaim(high, ['b'])];
    // Act
    const published = await publishClaims(subject, claims, silentLogger);
    // Assert
    expect(published.claims.map((c) => [c.reached, c.complete])).toEqual([
      [['alerts'], false],
      [['alerts'], true],
    ]);
    expect(published.failures).toEqual([
      { messageId: 'a', reason: 'alert publish failed' },
      { messageId: 'a2', reason: 'alert publish failed' },
    ]);
    expect(published.failedCount).toBe(1);
    expect(published.sent.map((a) => a.topic)).toEqual(['alerts', 'alerts']);
  });

  it('treats a publisher that throws as nothing sent, never as all sent', async () => {
    // Prepare
    const errors: unknown[] = [];
    const throwing: AlertPublisher = {
      async publish() {
        throw new Error('SNS client misconfigured');
      },
    };
    const logger = { ...silentLogger, error: (_m: string, extra?: unknown) => errors.push(extra) };
    // Act
    const published = await publishClaims(throwing, [eventClaim(high, ['b'])], logger);
    // Assert
    expect(published.sent).toEqual([]);
    expect(published.failedCount).toBe(1);
    expect(published.claims[0]).toMatchObject({ reached: [], complete: false });
    expect(published.failures).toEqual([{ messageId: 'b', reason: 'alert publish failed' }]);
    expect(errors).toEqual([{ error: 'Error: SNS client misconfigured' }]);
  });

  it('calls nothing when every topic was reached before, and reports the claim complete', async () => {
    // Prepare
    const { subject, asked, calls } = publisher();
    const claim = eventClaim(high, ['b'], { topicsSent: ['alerts'] }, 1);
    // Act
    const published = await publishClaims(subject, [claim], silentLogger);
    // Assert
    expect(calls()).toBe(0);
    expect(asked).toEqual([]);
    expect(published.claims[0]).toMatchObject({ reached: ['alerts'], complete: true });
  });
});
