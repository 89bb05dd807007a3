// Folding under write failures: an alert folded into a window must reach people, in the
// window's summary or on its own, even when the write of its place in the window, or of the
// window itself, failed on the first delivery (the record is retried by SQS, then the flush).
import type { Alert } from '../../lambda/core/alert-format';
import { FOLD_RETAIN_MS } from '../../lambda/core/folding';
import { type ItemKey, keyString } from '../../lambda/core/items';
import { FOLD_PARTITION } from '../../lambda/core/keys';
import {
  type FoldItem,
  type FoldWindow,
  foldItem,
  type StoredItem,
  type VersionedItem,
} from '../../lambda/core/records';
import { createFlush } from '../../lambda/flush/create-flush';
import { DEFAULT_INGEST_CONFIG } from '../../lambda/ingest/config';
import { createHandler } from '../../lambda/ingest/create-handler';
import { sqsEvent, sqsRecord, voisoEvent } from '../../lambda/testing/factories';
import { CapturingAlertPublisher, InMemoryEventStore } from '../../lambda/testing/memory-ports';

/** A store whose first `times` writes of an item matching `lose` do not happen (DynamoDB gave up). */
class LosesFirstWrite extends InMemoryEventStore {
  private lost = 0;
  constructor(
    private readonly lose: (item: ItemKey) => boolean,
    private readonly times = 1,
  ) {
    super();
  }

  private split<T extends StoredItem>(items: readonly T[]) {
    const unwritten: ItemKey[] = [];
    const kept = items.filter((item) => {
      if (this.lost >= this.times || !this.lose(item)) return true;
      this.lost++;
      unwritten.push({ pk: item.pk, sk: item.sk });
      return false;
    });
    return { kept, unwritten };
  }

  override async write(items: readonly StoredItem[]) {
    const { kept, unwritten } = this.split(items);
    const outcome = await super.write(kept);
    return { ...outcome, unwritten: [...outcome.unwritten, ...unwritten] };
  }

  override async writeVersioned(items: readonly VersionedItem[]) {
    const { kept, unwritten } = this.split(items);
    const outcome = await super.writeVersioned(kept);
    return { ...outcome, unwritten: [...outcome.unwritten, ...unwritten] };
  }
}

/** The event ids people were told about: alone, or counted in a summary. */
const toldAbout = (alerts: readonly Alert[]) =>
  new Set(
    alerts.flatMap((a) =>
      a.document.kind === 'event'
        ? [a.document.eventId]
        : a.document.kind === 'summary'
          ? [...a.document.eventIds]
          : [],
    ),
  );

/** Two deleted-user logins a second apart: one rule, so the second folds into the first's window. */
const twoOfOneRule = () => [
  sqsRecord(voisoEvent('app_login/deleted_user', { params: { user: 'a@acme.com' } })),
  sqsRecord(
    voisoEvent('app_login/deleted_user', {
      timestamp: '2020-10-10T10:11:13Z',
      params: { user: 'b@acme.com' },
    }),
  ),
];

async function deliverUntilDone(
  store: InMemoryEventStore,
  publisher: CapturingAlertPublisher,
  records: ReturnType<typeof sqsRecord>[],
) {
  const stored: string[] = [];
  const handler = createHandler({
    store,
    alerts: publisher,
    config: DEFAULT_INGEST_CONFIG,
    observer: { onStored: (item) => stored.push(item.eventId) },
  });
  let pending = records;
  // SQS redelivers what failed; a few deliveries are plenty once the fault is gone.
  for (let delivery = 0; delivery < 4 && pending.length > 0; delivery++) {
    const failed = new Set(
      (await handler(sqsEvent(...pending))).batchItemFailures.map((f) => f.itemIdentifier),
    );
    pending = pending.filter((r) => failed.has(r.messageId));
  }
  expect(pending).toEqual([]);
  await createFlush({ store, alerts: publisher, retentionDays: 0 })({ closeAll: true });
  return stored;
}

describe('folding when a write fails', () => {
  it('tells people about an alert whose place in its window was not written', async () => {
    // Prepare
    const store = new LosesFirstWrite((item) => item.pk.startsWith('FOLDED#'));
    const publisher = new CapturingAlertPublisher();
    // Act
    const stored = await deliverUntilDone(store, publisher, twoOfOneRule());
    // Assert
    expect(stored).toHaveLength(2);
    const told = toldAbout(publisher.published);
    for (const eventId of stored) expect(told).toContain(eventId);
  });

  it('tells people about an alert folded into a window whose listing for the flush was not written', async () => {
    // Prepare
    const store = new LosesFirstWrite((item) => item.pk === FOLD_PARTITION);
    const publisher = new CapturingAlertPublisher();
    // Act
    const stored = await deliverUntilDone(store, publisher, twoOfOneRule());
    // Assert
    expect(stored).toHaveLength(2);
    const told = toldAbout(publisher.published);
    for (const eventId of stored) expect(told).toContain(eventId);
  });

  it('tells people about an alert whose window could not be listed in the whole first delivery', async () => {
    // Prepare: the window's open and all three attempts to list it are lost.
    const store = new LosesFirstWrite((item) => item.pk === FOLD_PARTITION, 4);
    const publisher = new CapturingAlertPublisher();
    // Act
    const stored = await deliverUntilDone(store, publisher, twoOfOneRule());
    // Assert
    expect(stored).toHaveLength(2);
    const told = toldAbout(publisher.published);
    for (const eventId of stored) expect(told).toContain(eventId);
  });

  it("lists its window beside another invocation's when both opened one at once", async () => {
    // Prepare: just before this batch's open is written, another invocation opens a window of
    // the same rule (version 1, its own window listed).
    const store = new OpensFirst();
    const publisher = new CapturingAlertPublisher();
    // Act
    const stored = await deliverUntilDone(store, publisher, twoOfOneRule());
    // Assert: both windows were listed on one fold item (then the flush took both off).
    expect(store.listed).toEqual([['win-theirs', expect.stringMatching(/^win-/)], []]);
    const told = toldAbout(publisher.published);
    for (const eventId of stored) expect(told).toContain(eventId);
  });
});

/** Another invocation writes its own open of the same fold item just before ours. */
class OpensFirst extends InMemoryEventStore {
  private raced = false;
  /** The windows the fold item listed after each successful write of it. */
  readonly listed: string[][] = [];

  override async writeVersioned(items: readonly VersionedItem[]) {
    const open = items.find((i): i is FoldItem => i.kind === 'fold');
    if (open && !this.raced) {
      this.raced = true;
      const theirs: FoldWindow = {
        windowId: 'win-theirs',
        type: 'app_login',
        event: 'deleted_user',
        opensAt: open.opensAt,
        closesAt: open.closesAt,
        openedBy: 'someone-else',
      };
      await super.writeVersioned([
        foldItem(
          { ...open, windowId: theirs.windowId, pending: [theirs] },
          open.version - 1,
          FOLD_RETAIN_MS,
        ),
      ]);
    }
    const outcome = await super.writeVersioned(items);
    const refused = new Set([...outcome.conflicts, ...outcome.unwritten].map(keyString));
    for (const item of items) {
      if (item.kind === 'fold' && !refused.has(keyString(item)) && this.raced)
        this.listed.push(item.pending.map((w) => w.windowId));
    }
    return outcome;
  }
}
