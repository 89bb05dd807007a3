// The last step: one outcome per record for the observer, the batch's metrics, its log lines,
// and the partial batch response.
import type { Alert } from '../../../lambda/core/alert-format';
import type { EventItem, QuarantineItem } from '../../../lambda/core/items';
import type { EventGroup, QuarantineGroup } from '../../../lambda/ingest/batch';
import { type BatchOutcome, reportBatch } from '../../../lambda/ingest/steps/report';
import type { Logger } from '../../../lambda/ports/telemetry';
import { sqsRecord } from '../../../lambda/testing/factories';
import { countingMetrics } from '../../../lambda/testing/telemetry';

const record = (messageId: string) => sqsRecord(`body of ${messageId}`, { messageId });

const event = (id: string, messageId: string, recognised = true) =>
  ({
    pk: 'CC#acme',
    sk: `t#${id}`,
    kind: 'event',
    eventId: id,
    messageId,
    recognised,
  }) as EventItem;

const group = (item: EventItem, ids: string[]): EventGroup => ({
  key: item.sk,
  item,
  records: ids.map(record),
});

const quarantine = (messageId: string): QuarantineGroup => ({
  key: `q#${messageId}`,
  item: { pk: 'Q', sk: `q#${messageId}`, reason: `reason ${messageId}` } as QuarantineItem,
  problem: `problem ${messageId}`,
  records: [record(messageId)],
});

const outcome = (overrides: Partial<BatchOutcome> = {}): BatchOutcome => ({
  records: 0,
  stored: [],
  written: new Set(),
  quarantined: [],
  alertsSent: [],
  alertPublishFailures: 0,
  storeRetries: 0,
  markFailures: 0,
  incidentsDetected: 0,
  alertsFolded: 0,
  failures: [],
  ...overrides,
});

function targets() {
  const calls: string[] = [];
  const logs: { level: string; message: string; extra: unknown }[] = [];
  const log = (level: string) => (message: string, extra?: unknown) => {
    logs.push({ level, message, extra });
  };
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  };
  const metrics = countingMetrics();
  let published = 0;
  const observer = {
    onStored: (item: EventItem) => calls.push(`stored ${item.eventId} by ${item.messageId}`),
    onDuplicate: (d: { messageId: string; sk: string }) =>
      calls.push(`duplicate ${d.sk} by ${d.messageId}`),
    onQuarantined: (q: { messageId: string; reason: string; body: string }) =>
      calls.push(`quarantined ${q.messageId}: ${q.reason} (${q.body})`),
    onFailed: (messageId: string, reason: string) => calls.push(`failed ${messageId}: ${reason}`),
    onAlertPublished: (alert: Alert) => calls.push(`alert ${alert.id}`),
  };
  return {
    calls,
    logs,
    metrics: {
      ...metrics,
      publishStoredMetrics: () => {
        published++;
      },
    },
    counts: metrics.counts,
    published: () => published,
    logger,
    observer,
  };
}

describe('reportBatch', () => {
  it('fails each record once, with the first reason found for it', () => {
    // Prepare
    const t = targets();
    // Act
    const response = reportBatch(
      outcome({
        failures: [
          { messageId: 'a', reason: 'store read failed' },
          { messageId: 'b', reason: 'alert publish failed' },
          { messageId: 'a', reason: 'alert publish failed' },
        ],
      }),
      t,
    );
    // Assert
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }],
    });
    expect(t.calls).toEqual(['failed a: store read failed', 'failed b: alert publish failed']);
  });

  it('reports the record that wrote an event stored, and every other carrier a duplicate', () => {
    // Prepare
    const t = targets();
    const written = event('e1', 'a');
    const existing = event('e2', 'old');
    const redelivered = event('e3', 'c');
    // Act
    reportBatch(
      outcome({
        stored: [
          { group: group(written, ['a', 'b']), stored: written },
          { group: group(existing, ['x']), stored: existing },
          // The record that stored it in an earlier delivery, back again: still its creator.
          { group: group(redelivered, ['c']), stored: redelivered },
        ],
        written: new Set([written.sk]),
      }),
      t,
    );
    // Assert
    expect(t.calls).toEqual([
      'stored e1 by a',
      'duplicate t#e1 by b',
      'duplicate t#e2 by x',
      'stored e3 by c',
    ]);
  });

  it('says nothing stored or duplicate about a record that failed', () => {
    // Prepare
    const t = targets();
    const item = event('e1', 'a');
    // Act
    reportBatch(
      outcome({
        stored: [{ group: group(item, ['a', 'b']), stored: item }],
        written: new Set([item.sk]),
        failures: [{ messageId: 'a', reason: 'alert publish failed' }],
      }),
      t,
    );
    // Assert
    expect(t.calls).toEqual(['duplicate t#e1 by b', 'failed a: alert publish failed']);
  });

  it('reports each quarantined record with its reason and body, and each alert sent', () => {
    // Prepare
    const t = targets();
    // Act
    reportBatch(
      outcome({
        quarantined: [quarantine('q1'), quarantine('q2')],
        alertsSent: [{ id: 'e1-alerts' } as Alert, { id: 'e1-critical' } as Alert],
      }),
      t,
    );
    // Assert
    expect(t.calls).toEqual([
      'quarantined q1: reason q1 (body of q1)',
      'quarantined q2: reason q2 (body of q2)',
      'alert e1-alerts',
      'alert e1-critical',
    ]);
    expect(t.logs.filter((l) => l.level === 'warn').map((l) => l.extra)).toEqual([
      { messageId: 'q1', problem: 'problem q1' },
      { messageId: 'q2', problem: 'problem q2' },
    ]);
  });

  it('counts what the batch did into metrics, and publishes them once', () => {
    // Prepare
    const t = targets();
    // Two new events, one of a kind Voiso does not document; one stored before, also unknown.
    const a = event('e1', 'a', false);
    const b = event('e2', 'b');
    const c = event('e4', 'c');
    const old = event('e3', 'old', false);
    // Act
    reportBatch(
      outcome({
        records: 7,
        stored: [
          { group: group(a, ['a', 'a2']), stored: a },
          { group: group(b, ['b']), stored: b },
          { group: group(c, ['d']), stored: c },
          { group: group(old, ['c']), stored: old },
        ],
        written: new Set([a.sk, b.sk, c.sk]),
        quarantined: [quarantine('q')],
        alertsSent: [{ id: 'x' } as Alert, { id: 'y' } as Alert, { id: 'z' } as Alert],
        alertPublishFailures: 4,
        storeRetries: 5,
        markFailures: 0,
        incidentsDetected: 6,
        alertsFolded: 8,
        failures: [{ messageId: 'f', reason: 'r' }],
      }),
      t,
    );
    // Assert
    expect(Object.fromEntries(t.counts)).toEqual({
      EventsStored: 3,
      DuplicateEvents: 2,
      UnrecognisedEvents: 1,
      QuarantinedMessages: 1,
      AlertsPublished: 3,
      AlertPublishFailures: 4,
      StoreRetries: 5,
      FailedRecords: 1,
      IncidentsDetected: 6,
      AlertsFolded: 8,
    });
    expect(t.published()).toBe(1);
    expect(t.logs.find((l) => l.level === 'info')?.extra).toEqual({
      records: 7,
      stored: 3,
      duplicates: 2,
      unrecognised: 1,
      quarantined: 1,
      alertsPublished: 3,
      alertPublishFailures: 4,
      incidentsDetected: 6,
      alertsFolded: 8,
      storeRetries: 5,
      failed: 1,
    });
    expect(t.logs.filter((l) => l.level === 'warn').map((l) => l.extra)).toEqual([
      { messageId: 'q', problem: 'problem q' },
      { failures: [{ messageId: 'f', reason: 'r' }] },
    ]);
  });

  it('counts alert marks that failed only when there were some', () => {
    // Prepare
    const quiet = targets();
    const failing = targets();
    // Act
    reportBatch(outcome(), quiet);
    reportBatch(outcome({ markFailures: 2 }), failing);
    // Assert
    expect(quiet.counts.has('AlertStateMarkFailures')).toBe(false);
    expect(failing.counts.get('AlertStateMarkFailures')).toBe(2);
    expect(quiet.logs.map((l) => l.level)).toEqual(['info']);
  });

  it('keeps going when the observer throws, logging only the kind of error', () => {
    // Prepare
    const t = targets();
    const item = event('e1', 'a');
    const observer = {
      onStored: () => {
        throw new Error('cannot handle maria@acme.com');
      },
      onFailed: (messageId: string) => t.calls.push(`failed ${messageId}`),
    };
    // Act
    const response = reportBatch(
      outcome({
        stored: [{ group: group(item, ['a']), stored: item }],
        written: new Set([item.sk]),
        failures: [{ messageId: 'z', reason: 'r' }],
      }),
      { ...t, observer },
    );
    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'z' }]);
    expect(t.calls).toEqual(['failed z']);
    const warned = t.logs.find((l) => l.level === 'warn' && l.message === 'Ingest observer threw');
    expect(JSON.stringify(warned?.extra)).toMatch(/^\{"error":"Error at /);
    expect(JSON.stringify(t.logs)).not.toContain('maria');
  });
});
