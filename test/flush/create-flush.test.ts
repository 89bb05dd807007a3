// The scheduled flush on in-memory ports: which windows it summarises (closed for a minute, or
// all at the end of a simulation), how it claims each summary so it goes out once, what it
// leaves for the next flush, and what it reports.
import type { Alert } from '../../lambda/core/alert-format';
import { FOLD_RETAIN_MS, summaryId } from '../../lambda/core/folding';
import { type ItemKey, keyString } from '../../lambda/core/items';
import { alertRecordKey, FOLD_PARTITION } from '../../lambda/core/keys';
import {
  type AlertRecord,
  alertRecord,
  type FoldItem,
  foldedItem,
  foldItem,
  type StoredItem,
} from '../../lambda/core/records';
import { createFlush, FLUSH_GRACE_MS, type FlushDeps } from '../../lambda/flush/create-flush';
import type { AlertPublisher } from '../../lambda/ports/alert-publisher';
import type { StoreCallOptions } from '../../lambda/ports/event-store';
import type { Logger } from '../../lambda/ports/telemetry';
import { InMemoryEventStore } from '../../lambda/testing/memory-ports';
import { countingMetrics } from '../../lambda/testing/telemetry';

const NOW = new Date('2024-05-06T12:00:00.000Z');
const windowIdOf = (id: string) => `win-${id.padEnd(22, 'x')}`;
const MINUTE = 60_000;

/** A store that remembers the deadline of every call and can be told to fail some. */
class RecordingStore extends InMemoryEventStore {
  readonly deadlines: number[] = [];
  unreadable = false;
  conflicting = false;
  undeletable = false;
  /** Summary claims (alert records) meet someone else's write; fold items do not. */
  claimTaken = false;
  foldWrites = 0;

  override async read(keys: readonly ItemKey[], options?: StoreCallOptions) {
    if (options) this.deadlines.push(options.deadline);
    const read = await super.read(keys);
    return this.unreadable ? { items: [], unknown: keys } : read;
  }

  override async writeVersioned(items: Parameters<InMemoryEventStore['writeVersioned']>[0]) {
    // A sent window is taken off its fold item by a versioned write: `undeletable` fails those.
    this.foldWrites += items.filter((i) => i.kind === 'fold').length;
    const refused = items.filter(
      (i) =>
        this.conflicting ||
        (this.undeletable && i.kind === 'fold') ||
        (this.claimTaken && i.kind === 'alert'),
    );
    const outcome = await super.writeVersioned(items.filter((i) => !refused.includes(i)));
    return {
      ...outcome,
      conflicts: [...outcome.conflicts, ...refused.map((i) => ({ pk: i.pk, sk: i.sk }))],
    };
  }
}

/** A publisher that fails the topics it is told to fail. */
class Publisher implements AlertPublisher {
  readonly published: Alert[] = [];
  failing = new Set<string>();
  async publish(alerts: readonly Alert[]) {
    const failed = alerts.filter((a) => this.failing.has(a.topic)).map((a) => a.id);
    this.published.push(...alerts.filter((a) => !this.failing.has(a.topic)));
    return { failed };
  }
}

/**
 * A window of `rule` that closed `closedAgo` ms before NOW, with `members` folded into it: its
 * fold item listing it (setup merges the fold items of one rule and severity), each member's
 * place and the member's record.
 */
function window(
  id: string,
  closedAgo: number,
  members: readonly { eventId: string; who?: string; value?: string }[],
  severity: 'high' | 'critical' = 'high',
): StoredItem[] {
  const closesAt = NOW.getTime() - closedAgo;
  const windowId = windowIdOf(id);
  const opensAt = closesAt - 10 * MINUTE;
  return [
    foldItem(
      {
        windowId,
        callcenter: 'acme',
        rule: 'deleted-user-login',
        severity,
        opensAt,
        closesAt,
        pending: [
          { windowId, type: 'app_login', event: 'deleted_user', opensAt, closesAt, openedBy: 'e0' },
        ],
      },
      0,
      FOLD_RETAIN_MS,
    ),
    ...members.flatMap((m) => [
      foldedItem(
        {
          windowId,
          eventId: m.eventId,
          eventKey: { pk: 'CC#acme', sk: `t#${m.eventId}` },
          time: '2024-05-06T11:00:00.000000000Z',
          ...(m.who !== undefined && { who: m.who }),
          ...(m.value !== undefined && { value: m.value }),
        },
        closesAt,
        FOLD_RETAIN_MS,
      ),
      // The alert's record, as the ingest writes it once the alert's place is written.
      foldedRecord(m.eventId, windowId, severity),
    ]),
  ];
}

/** Fold items of one key merged into one listing all their windows, as the ingest keeps them. */
function mergeFolds(items: readonly StoredItem[]): StoredItem[] {
  const folds = new Map<string, FoldItem>();
  const rest: StoredItem[] = [];
  for (const item of items) {
    if (item.kind !== 'fold') {
      rest.push(item);
      continue;
    }
    const key = keyString(item);
    const seen = folds.get(key);
    folds.set(key, seen ? { ...seen, pending: [...seen.pending, ...item.pending] } : item);
  }
  return [...folds.values(), ...rest];
}

/** An event alert's record saying it was folded into `windowId`. */
function foldedRecord(eventId: string, windowId: string, severity: 'high' | 'critical' = 'high') {
  return alertRecord(
    {
      alertKey: eventId,
      alertKind: 'event',
      callcenter: 'acme',
      rule: 'deleted-user-login',
      severity,
      subject: { pk: 'CC#acme', sk: `t#${eventId}` },
    },
    { state: 'folded', topicsSent: [], owners: ['m'], leaseUntil: 0, foldWindow: windowId },
    0,
    NOW,
    undefined,
  );
}

async function setup(items: readonly StoredItem[], deps: Partial<FlushDeps> = {}) {
  const store = new RecordingStore();
  await store.write(mergeFolds(items));
  const publisher = new Publisher();
  const metrics = countingMetrics();
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
  const flush = createFlush({
    store,
    alerts: publisher,
    retentionDays: 30,
    now: () => NOW,
    metrics,
    logger,
    ...deps,
  });
  const record = async (id: string) =>
    (await store.read([alertRecordKey(summaryId(windowIdOf(id)))])).items[0] as
      | AlertRecord
      | undefined;
  const windowsLeft = async () =>
    (await store.query(FOLD_PARTITION, {})).flatMap((item) =>
      item.kind === 'fold' ? item.pending.map((w) => w.windowId) : [],
    );
  return { store, publisher, metrics, logs, flush, record, windowsLeft };
}

describe('createFlush', () => {
  it('summarises the windows closed for a minute or more, and leaves the younger ones', async () => {
    // Prepare
    const { flush, publisher, windowsLeft, metrics } = await setup([
      ...window('older', FLUSH_GRACE_MS + 2, [{ eventId: 'e0' }]),
      ...window('old', FLUSH_GRACE_MS + 1, [{ eventId: 'e1', who: 'a' }]),
      ...window('edge', FLUSH_GRACE_MS, [{ eventId: 'e2' }]),
      ...window('young', FLUSH_GRACE_MS - 1, [{ eventId: 'e3' }]),
    ]);
    // Act
    const outcome = await flush();
    // Assert
    expect(outcome).toEqual({ summaries: 3, left: 0 });
    const summarised = publisher.published.map((a) =>
      a.document.kind === 'summary' ? a.document.eventIds : [],
    );
    expect(summarised).toEqual([['e0'], ['e1'], ['e2']]);
    expect(await windowsLeft()).toEqual([windowIdOf('young')]);
    expect(metrics.counts.get('SummariesPublished')).toBe(3);
  });

  it('summarises every window, closed or not, when asked to close all', async () => {
    // Prepare
    const { flush, windowsLeft } = await setup([
      ...window('closed', 5 * MINUTE, [{ eventId: 'e1' }]),
      ...window('open', -5 * MINUTE, [{ eventId: 'e2' }]),
    ]);
    // Act
    const outcome = await flush({ closeAll: true });
    // Assert
    expect(outcome).toEqual({ summaries: 2, left: 0 });
    expect(await windowsLeft()).toEqual([]);
  });

  it('claims the summary, publishes it to its topics and marks it sent', async () => {
    // Prepare
    const { flush, publisher, record } = await setup([
      ...window(
        'w',
        5 * MINUTE,
        [
          { eventId: 'e1', who: 'a' },
          { eventId: 'e2', who: 'a' },
        ],
        'critical',
      ),
    ]);
    // Act
    await flush({ deadline: NOW.getTime() + 9_000 });
    // Assert
    expect(publisher.published.map((a) => a.id)).toEqual([
      `${summaryId(windowIdOf('w'))}-alerts`,
      `${summaryId(windowIdOf('w'))}-critical`,
    ]);
    expect(publisher.published[0]?.document).toMatchObject({ kind: 'summary', count: 2 });
    expect(await record('w')).toMatchObject({
      kind: 'alert',
      alertKind: 'summary',
      state: 'sent',
      topicsSent: ['alerts', 'critical'],
      owners: [`flush:${windowIdOf('w')}`],
      leaseUntil: 0,
      foldWindow: windowIdOf('w'),
      version: 2,
      callcenter: 'acme',
      rule: 'deleted-user-login',
      severity: 'critical',
      updatedAt: NOW.toISOString(),
      expiresAt: Math.floor(NOW.getTime() / 1000) + 30 * 86_400,
    });
  });

  it('names in the summary who and which address each folded alert was about', async () => {
    // Prepare
    const { flush, publisher } = await setup(
      window('w', 5 * MINUTE, [
        { eventId: 'e1', who: 'a', value: '203.0.113.9' },
        { eventId: 'e2', who: 'b', value: '203.0.113.9' },
        { eventId: 'e3' },
      ]),
    );
    // Act
    await flush();
    // Assert
    expect(publisher.published[0]?.document).toMatchObject({
      count: 3,
      top: [
        { value: 'a', count: 1 },
        { value: 'b', count: 1 },
      ],
      addresses: [{ value: '203.0.113.9', count: 2 }],
    });
  });

  it('counts only the alerts whose record says they were folded into this window', async () => {
    // Prepare: e2's place was written but its record never said folded (a crash between the
    // two, so its retry sent it or folded it elsewhere); e3's record says another window.
    const items = window('w', 5 * MINUTE, [
      { eventId: 'e1' },
      { eventId: 'e2' },
      { eventId: 'e3' },
    ]);
    const { flush, publisher, store } = await setup(items);
    await store.remove([alertRecordKey('e2')]);
    await store.write([foldedRecord('e3', windowIdOf('other'))]);
    // Act
    const outcome = await flush();
    // Assert
    expect(outcome).toEqual({ summaries: 1, left: 0 });
    expect(publisher.published[0]?.document).toMatchObject({
      kind: 'summary',
      count: 1,
      eventIds: ['e1'],
    });
  });

  it('sends no summary, and removes the window, when none of its places has its record', async () => {
    // Prepare
    const { flush, publisher, store, windowsLeft } = await setup(
      window('w', 5 * MINUTE, [{ eventId: 'e1' }]),
    );
    await store.remove([alertRecordKey('e1')]);
    // Act
    const outcome = await flush();
    // Assert
    expect(outcome).toEqual({ summaries: 0, left: 0 });
    expect(publisher.published).toEqual([]);
    expect(await windowsLeft()).toEqual([]);
  });

  it('removes a window nothing was folded into, without a summary', async () => {
    // Prepare
    const { flush, publisher, windowsLeft, record } = await setup(window('empty', 5 * MINUTE, []));
    // Act
    const outcome = await flush();
    // Assert
    expect(outcome).toEqual({ summaries: 0, left: 0 });
    expect(publisher.published).toEqual([]);
    expect(await windowsLeft()).toEqual([]);
    expect(await record('empty')).toBeUndefined();
  });

  it('sends a summary once, however often the flush runs', async () => {
    // Prepare
    const items = window('w', 5 * MINUTE, [{ eventId: 'e1' }]);
    const { flush, publisher, store } = await setup(items);
    await flush();
    // Act: the window is listed again (a retry of a flush that crashed before unlisting it).
    await store.write(items.slice(0, 1));
    const again = await flush();
    // Assert
    expect(again).toEqual({ summaries: 0, left: 0 });
    expect(publisher.published).toHaveLength(1);
  });

  it('leaves a window whose summary another flush holds', async () => {
    // Prepare
    const id = summaryId(windowIdOf('w'));
    const held = alertRecord(
      {
        alertKey: id,
        alertKind: 'summary',
        callcenter: 'acme',
        rule: 'r',
        severity: 'high',
        subject: { pk: 'p', sk: 's' },
      },
      {
        state: 'claimed',
        topicsSent: [],
        owners: ['flush:other'],
        leaseUntil: Date.now() + 60_000,
      },
      0,
      NOW,
      undefined,
    );
    const { flush, publisher, windowsLeft, logs } = await setup([
      ...window('w', 5 * MINUTE, [{ eventId: 'e1' }]),
      held,
    ]);
    // Act
    const outcome = await flush();
    // Assert
    expect(outcome).toEqual({ summaries: 0, left: 1 });
    expect(publisher.published).toEqual([]);
    expect(await windowsLeft()).toEqual([windowIdOf('w')]);
    expect(logs.filter((l) => l.level === 'error').map((l) => l.extra)).toEqual([
      { windowId: windowIdOf('w'), error: 'Error' },
    ]);
  });

  it('takes over a summary whose claim lapsed', async () => {
    // Prepare
    const id = summaryId(windowIdOf('w'));
    const lapsed = alertRecord(
      {
        alertKey: id,
        alertKind: 'summary',
        callcenter: 'acme',
        rule: 'r',
        severity: 'high',
        subject: { pk: 'p', sk: 's' },
      },
      { state: 'claimed', topicsSent: [], owners: ['flush:other'], leaseUntil: Date.now() - 1 },
      0,
      NOW,
      undefined,
    );
    const { flush, publisher } = await setup([
      ...window('w', 5 * MINUTE, [{ eventId: 'e1' }]),
      lapsed,
    ]);
    // Act
    const outcome = await flush();
    // Assert
    expect(outcome).toEqual({ summaries: 1, left: 0 });
    expect(publisher.published).toHaveLength(1);
  });

  it('keeps a partly published summary and its window; the next flush sends only what is missing', async () => {
    // Prepare
    const { flush, publisher, record, windowsLeft } = await setup(
      window('w', 5 * MINUTE, [{ eventId: 'e1' }], 'critical'),
    );
    publisher.failing = new Set(['critical']);
    // Act
    const first = await flush();
    const afterFirst = await record('w');
    publisher.failing = new Set();
    const second = await flush();
    // Assert
    expect(first).toEqual({ summaries: 0, left: 1 });
    expect(afterFirst).toMatchObject({ state: 'partial', topicsSent: ['alerts'], leaseUntil: 0 });
    expect(second).toEqual({ summaries: 1, left: 0 });
    expect(publisher.published.map((a) => a.topic)).toEqual(['alerts', 'critical']);
    expect(await record('w')).toMatchObject({ state: 'sent', topicsSent: ['alerts', 'critical'] });
    expect(await windowsLeft()).toEqual([]);
  });

  it('leaves the window when the summary cannot be claimed, read or the window removed', async () => {
    for (const fault of ['conflicting', 'unreadable', 'undeletable'] as const) {
      // Prepare
      const { flush, store, windowsLeft } = await setup(
        window('w', 5 * MINUTE, [{ eventId: 'e1' }]),
      );
      store[fault] = true;
      // Act
      const outcome = await flush();
      // Assert
      expect({ fault, left: outcome.left }).toEqual({ fault, left: 1 });
      expect(await windowsLeft()).toEqual([windowIdOf('w')]);
    }
  });

  it('gives its store calls 20 s by default, or the deadline it is given', async () => {
    // Prepare
    const { flush, store } = await setup(window('w', 5 * MINUTE, [{ eventId: 'e1' }]));
    // Act
    const before = Date.now();
    await flush();
    const after = Date.now();
    await store.write(window('v', 5 * MINUTE, [{ eventId: 'e2' }]));
    await flush({ deadline: 12_345 });
    // Assert
    const [byDefault, given] = store.deadlines;
    expect(byDefault).toBeGreaterThanOrEqual(before + 20_000);
    expect(byDefault).toBeLessThanOrEqual(after + 20_000);
    expect(given).toBe(12_345);
  });

  it('logs what it did only when there was a window', async () => {
    // Prepare
    const empty = await setup([]);
    const busy = await setup(window('w', 5 * MINUTE, [{ eventId: 'e1' }]));
    // Act
    await empty.flush();
    await busy.flush();
    // Assert
    expect(empty.logs).toEqual([]);
    expect(empty.metrics.counts.get('SummariesPublished')).toBe(0);
    expect(busy.logs.map((l) => [l.level, l.extra])).toEqual([
      ['info', { windows: 1, summaries: 1, left: 0 }],
    ]);
  });

  it('sends nothing and keeps the window when its summary claim meets another write', async () => {
    // Prepare
    const { flush, store, publisher, windowsLeft } = await setup(
      window('w', 5 * MINUTE, [{ eventId: 'e1' }]),
    );
    store.claimTaken = true;
    // Act
    const outcome = await flush();
    // Assert
    expect(outcome).toEqual({ summaries: 0, left: 1 });
    expect(publisher.published).toEqual([]);
    expect(await windowsLeft()).toEqual([windowIdOf('w')]);
  });

  it('tries three times to take a sent window off its fold item, then leaves it listed', async () => {
    // Prepare
    const { flush, store, publisher, windowsLeft } = await setup(
      window('w', 5 * MINUTE, [{ eventId: 'e1' }]),
    );
    store.undeletable = true;
    // Act
    const outcome = await flush();
    // Assert: sent once; the next flush finds it sent and only unlists it.
    expect(publisher.published).toHaveLength(1);
    expect(store.foldWrites).toBe(3);
    expect(outcome).toEqual({ summaries: 1, left: 1 });
    expect(await windowsLeft()).toEqual([windowIdOf('w')]);
  });

  it('writes nothing to a fold item none of whose windows has closed', async () => {
    // Prepare
    const { flush, store } = await setup(window('young', -5 * MINUTE, [{ eventId: 'e1' }]));
    // Act
    const outcome = await flush();
    // Assert
    expect(outcome).toEqual({ summaries: 0, left: 0 });
    expect(store.foldWrites).toBe(0);
  });

  it('counts a sent window as taken off when its fold item is gone by the time it retries', async () => {
    // Prepare: the versioned write meets another write, and the fold item has since expired.
    const { flush, store, publisher } = await setup(window('w', 5 * MINUTE, [{ eventId: 'e1' }]));
    store.undeletable = true;
    const read = store.read.bind(store);
    store.read = async (keys, options) => {
      const found = await read(keys, options);
      return { ...found, items: found.items.filter((item) => item.kind !== 'fold') };
    };
    // Act
    const outcome = await flush();
    // Assert: one write tried, nothing left to take the window off.
    expect(publisher.published).toHaveLength(1);
    expect(store.foldWrites).toBe(1);
    expect(outcome).toEqual({ summaries: 1, left: 0 });
  });
});
