// The alert lifecycle through the real handler on dynalite: claims (an alert goes out once, even
// from two concurrent invocations; a crash between claim and publish is finished by the
// redelivery), folding (the first of a rule goes out at once, the rest into one summary) and
// the scheduled flush that sends the summaries.
import { PublishBatchCommand, type PublishBatchCommandInput } from '@aws-sdk/client-sns';
import type { SQSRecord } from 'aws-lambda';
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import type { Alert } from '../../lambda/core/alert-format';
import { createFlush } from '../../lambda/flush/create-flush';
import { DEFAULT_INGEST_CONFIG, type IngestConfig } from '../../lambda/ingest/config';
import { createHandler, type IngestHandler } from '../../lambda/ingest/create-handler';
import type { AlertPublisher } from '../../lambda/ports/alert-publisher';
import { type RunningDynalite, startDynalite } from '../../lambda/testing/dynalite';
import { sqsEvent, sqsRecord, voisoEvent } from '../../lambda/testing/factories';
import { CapturingAlertPublisher } from '../../lambda/testing/memory-ports';
import { acceptEveryEntry, createHarness, type Harness } from '../support/ingest-harness';

let db: RunningDynalite;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

const FOLDED: IngestConfig = DEFAULT_INGEST_CONFIG;
const UNFOLDED: IngestConfig = {
  ...DEFAULT_INGEST_CONFIG,
  detection: { ...DEFAULT_DETECTION_SETTINGS, foldingWindowMinutes: 0 },
};

/** Failed passwords for one user, each worth `count` attempts, a minute apart. */
const failures = (n: number, options: { user?: string; count?: number; from?: number } = {}) =>
  Array.from({ length: n }, (_, i) =>
    sqsRecord(
      voisoEvent('app_login/incorrect_password', {
        timestamp: new Date(Date.UTC(2025, 5, 2, 8, (options.from ?? 0) + i)).toISOString(),
        params: {
          user: options.user ?? 'dana@acme.com',
          access_group: 'agent',
          count: String(options.count ?? 4),
        },
      }),
    ),
  );

/** Entries SNS accepted, as `kind rule topic`. */
const published = (h: Harness) =>
  h.sns.commandCalls(PublishBatchCommand).flatMap((call) => {
    const input = call.args[0].input as PublishBatchCommandInput;
    return (input.PublishBatchRequestEntries ?? []).map(
      (e) =>
        `${e.MessageAttributes?.kind?.StringValue} ${e.MessageAttributes?.rule?.StringValue} ${input.TopicArn?.endsWith('critical') ? 'critical' : 'alerts'}`,
    );
  });

/** Runs the records until SQS would have nothing left to redeliver. */
async function untilSettled(handler: IngestHandler, records: readonly SQSRecord[]) {
  let pending = [...records];
  for (let round = 0; round < 10 && pending.length > 0; round++) {
    const response = await handler(sqsEvent(...pending));
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    pending = pending.filter((r) => failed.has(r.messageId));
  }
  expect(pending).toEqual([]);
}

const secondHandler = (h: Harness, config: IngestConfig, alerts: AlertPublisher = h.publisher) =>
  createHandler({ store: h.store, alerts, config });

describe('claims: an alert goes out once', () => {
  it('alerts an incident once when two invocations carrying its events run concurrently', async () => {
    // Prepare: six failures worth 24 attempts, split so that neither batch alone reaches 20.
    const h = await createHarness(db, UNFOLDED);
    const other = secondHandler(h, UNFOLDED);
    const events = failures(6);
    // Act
    await Promise.all([
      untilSettled(h.handler, events.slice(0, 3)),
      untilSettled(other, events.slice(3)),
    ]);
    // Assert
    expect(published(h).filter((e) => e.startsWith('incident'))).toEqual([
      'incident brute-force alerts',
      'incident brute-force critical',
    ]);
  });

  it('alerts an event once when two copies of it are processed concurrently', async () => {
    // Prepare: the same content in two messages, one per invocation.
    const h = await createHarness(db, UNFOLDED);
    const other = secondHandler(h, UNFOLDED);
    const event = voisoEvent('app_login/deleted_user');
    // Act
    await Promise.all([
      untilSettled(h.handler, [sqsRecord(event)]),
      untilSettled(other, [sqsRecord(event)]),
    ]);
    // Assert
    expect(published(h)).toEqual(['event deleted-user-login alerts']);
  });

  it('finishes an incident whose invocation crashed between claiming and publishing it', async () => {
    // Prepare: the first invocation's publish never returns (the process died there).
    const h = await createHarness(db, UNFOLDED);
    const dying: AlertPublisher = { publish: () => new Promise(() => {}) };
    const crashed = createHandler({ store: h.store, alerts: dying, config: UNFOLDED });
    const events = failures(5);
    // Act: the crashed invocation is abandoned; SQS redelivers the same messages.
    const abandoned = await Promise.race([
      crashed(sqsEvent(...events)).then(() => 'returned'),
      new Promise((resolve) => setTimeout(() => resolve('abandoned'), 1_000)),
    ]);
    const retry = await h.handler(sqsEvent(...events));
    // Assert
    expect(abandoned).toBe('abandoned');
    expect(retry.batchItemFailures).toEqual([]);
    expect(published(h).filter((e) => e.startsWith('incident'))).toEqual([
      'incident brute-force alerts',
      'incident brute-force critical',
    ]);
  });

  it('holds a live claim against another message, and takes it over once it lapses', async () => {
    // Prepare: a claim made by a crashed invocation with a short lease (its Lambda budget).
    const h = await createHarness(db, UNFOLDED);
    const dying: AlertPublisher = { publish: () => new Promise(() => {}) };
    const crashed = createHandler({ store: h.store, alerts: dying, config: UNFOLDED });
    const event = voisoEvent('app_login/deleted_user');
    void crashed(sqsEvent(sqsRecord(event)), { getRemainingTimeInMillis: () => 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Act: the same content in another message, while the claim lives and after it lapsed.
    const resent = sqsRecord(event);
    const early = await h.handler(sqsEvent(resent));
    await new Promise((resolve) => setTimeout(resolve, 700));
    const later = await h.handler(sqsEvent(resent));
    // Assert
    expect(early.batchItemFailures).toEqual([{ itemIdentifier: resent.messageId }]);
    expect(later.batchItemFailures).toEqual([]);
    expect(published(h)).toEqual(['event deleted-user-login alerts']);
  });
});

describe('folding', () => {
  it('sends the first alert of a rule at once, folds the rest, and the flush sends one summary', async () => {
    // Prepare
    let now = Date.parse('2025-06-02T08:00:00Z');
    const h = await createHarness(db, FOLDED, () => new Date(now));
    const flush = createFlush({
      store: h.store,
      alerts: h.publisher,
      retentionDays: 365,
      now: () => new Date(now),
    });
    const users = ['a@acme.com', 'b@acme.com', 'b@acme.com', 'c@acme.com'];
    const records = users.map((user, i) =>
      sqsRecord(
        voisoEvent('app_login/unauthorized_ip', {
          timestamp: `2025-06-02T07:0${i}:00Z`,
          params: { user, ip: `198.51.100.${i + 1}` },
        }),
      ),
    );
    // Act: one alert per batch, a minute apart; then the window closes and the flush runs.
    for (const record of records) {
      await h.handler(sqsEvent(record));
      now += 60_000;
    }
    const early = await flush();
    now += 11 * 60_000;
    const due = await flush();
    const again = await flush();
    // Assert
    expect(early.summaries).toBe(0);
    expect(due.summaries).toBe(1);
    expect(again.summaries).toBe(0);
    expect(published(h)).toEqual([
      'event unauthorized-ip alerts',
      'summary unauthorized-ip alerts',
    ]);
    const summary = h.sns
      .commandCalls(PublishBatchCommand)
      .flatMap(
        (c) => (c.args[0].input as PublishBatchCommandInput).PublishBatchRequestEntries ?? [],
      )
      .find((e) => e.MessageAttributes?.kind?.StringValue === 'summary');
    const document = JSON.parse(JSON.parse(summary?.Message ?? '{}').default);
    expect(document).toMatchObject({
      kind: 'summary',
      count: 3,
      distinctValues: 2,
      top: [
        { value: 'b@acme.com', count: 2 },
        { value: 'c@acme.com', count: 1 },
      ],
    });
    expect(summary?.Subject).toBe('[HIGH] acme: 3 more unauthorized_ip alerts since 08:00 UTC');
  });

  it('never holds a more severe alert behind a less severe one, and never folds an incident', async () => {
    // Prepare: a high alert opens the unauthorized-ip window; then an admin's (critical), and
    // a burst of failures that forms an incident.
    const capture = new CapturingAlertPublisher();
    const h = await createHarness(db, FOLDED);
    const handler = secondHandler(h, FOLDED, capture);
    const high = sqsRecord(voisoEvent('app_login/unauthorized_ip'));
    const critical = sqsRecord(
      voisoEvent('app_login/unauthorized_ip', {
        params: { access_group: 'admin', ip: '203.0.113.9' },
      }),
    );
    // Act
    await handler(sqsEvent(high));
    await handler(sqsEvent(critical));
    await untilSettled(handler, failures(6, { user: 'eve@acme.com' }));
    // Assert
    const kinds = (alerts: readonly Alert[]) =>
      alerts.map((a) => `${a.attributes.kind} ${a.attributes.rule} ${a.severity} ${a.topic}`);
    expect(kinds(capture.published)).toEqual([
      'event unauthorized-ip high alerts',
      'event unauthorized-ip-admin critical alerts',
      'event unauthorized-ip-admin critical critical',
      // the first failure goes out; the next five fold into its window
      'event incorrect-password high alerts',
      'incident brute-force critical alerts',
      'incident brute-force critical critical',
    ]);
  });

  it('leaves a window whose summary failed to the next flush, and sends it once', async () => {
    // Prepare: two alerts of one rule; SNS refuses the first attempt to send the summary.
    let now = Date.parse('2025-06-02T08:00:00Z');
    const h = await createHarness(db, FOLDED, () => new Date(now));
    const flush = createFlush({
      store: h.store,
      alerts: h.publisher,
      retentionDays: 365,
      now: () => new Date(now),
    });
    await h.handler(sqsEvent(...failures(1, { user: 'x@acme.com' })));
    await h.handler(sqsEvent(...failures(1, { user: 'y@acme.com', from: 30 })));
    now += 12 * 60_000;
    let attempts = 0;
    const accepted: string[] = [];
    h.sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      attempts++;
      if (attempts === 1) throw new Error('SNS is down');
      accepted.push(...(input.PublishBatchRequestEntries ?? []).map((e) => String(e.Subject)));
      return acceptEveryEntry(input);
    });
    // Act
    const first = await flush();
    const second = await flush();
    const third = await flush();
    // Assert
    expect([first, second, third]).toEqual([
      { summaries: 0, left: 1 },
      { summaries: 1, left: 0 },
      { summaries: 0, left: 0 },
    ]);
    expect(accepted).toEqual(['[HIGH] acme: 1 more incorrect_password alerts since 08:00 UTC']);
  });

  it('counts every folded alert in a summary when two invocations open a window at once', async () => {
    // Prepare: two batches of the same rule, processed concurrently: both try to open a window.
    const capture = new CapturingAlertPublisher();
    const h = await createHarness(db, FOLDED);
    const first = secondHandler(h, FOLDED, capture);
    const second = secondHandler(h, FOLDED, capture);
    const flush = createFlush({ store: h.store, alerts: capture, retentionDays: 365 });
    const batch = (user: string) => failures(3, { user, count: 4 });
    // Act
    await Promise.all([
      untilSettled(first, batch('p@acme.com')),
      untilSettled(second, batch('q@acme.com')),
    ]);
    await flush({ closeAll: true });
    // Assert: six alerts of one rule; each either went out or is counted in a summary.
    const sent = capture.published.filter(
      (a) => a.topic === 'alerts' && a.attributes.kind === 'event',
    );
    const counted = capture.published
      .filter((a) => a.topic === 'alerts' && a.document.kind === 'summary')
      .reduce((sum, a) => sum + (a.document.kind === 'summary' ? a.document.count : 0), 0);
    expect(sent.length + counted).toBe(6);
    expect(sent.length).toBeGreaterThanOrEqual(1);
  });
});
