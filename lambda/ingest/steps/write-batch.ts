// Step 5: one round trip of writes. In parallel: the new events (with the detections they helped
// form), quarantined messages, folded alerts and new registry entries (BatchWriteItem, 25 a
// call, unprocessed items retried until the deadline); the event alert claims and folding-window
// opens (conditional on the version read); and the detection states (conditional too). The first
// two are one half (all an event alert needs), the states the other: the caller awaits them
// apart, so event alerts go out while the states are still being written.
//
// A state someone else wrote since it was read is read again, its batch's observations merged
// into the newer state and evaluated again, and written again, a few times at most; a group that
// still cannot be written fails the records that contributed to it (SQS retries them). An event
// alert claim that meets someone else's write is that invocation's to send: its records fail,
// and their retry finds the alert sent. A record whose event was not written fails and never
// publishes.
//
// Folding is written in dependency order, with one more round trip only in batches that fold: an
// alert's `folded` record only once its place in the window is written and the window is listed
// for the flush. Otherwise the record would say `folded` (done: its retry sends nothing) for an
// alert no summary will ever count.
import {
  type DetectionState,
  emptyState,
  evaluateGroup,
  type GroupOutcome,
  type Tunings,
} from '../../core/detections/engine';
import type { EventItem, ItemKey } from '../../core/items';
import { keyString } from '../../core/items';
import { detectionStateKey } from '../../core/keys';
import {
  type FoldItem,
  type StoredItem,
  stateItem,
  stateOf,
  type VersionedItem,
} from '../../core/records';
import type { EventStore, VersionedWriteOutcome, WriteOutcome } from '../../ports/event-store';
import type { Logger } from '../../ports/telemetry';
import {
  type EventGroup,
  errorText,
  failuresOf,
  type QuarantineGroup,
  type RecordFailure,
} from '../batch';
import type { EventAlertPlan } from './plan-alerts';
import type { BatchState } from './read-batch';
import type { RegistryWrites } from './registry';

/** Times a conflicting detection state is read, merged and written again. */
const STATE_WRITE_ATTEMPTS = 4;

export interface WriteContext {
  readonly tunings: Tunings;
  readonly nowMs: number;
  readonly deadline: number;
  /** How long a state item is kept after this write, past its window (epoch ms from now). */
  readonly stateRetainMs: (detection: DetectionState['detection']) => number;
}

export interface WrittenEvents {
  /** New events now stored, by group key. */
  readonly written: ReadonlyMap<string, EventItem>;
  /** Quarantine groups whose item is stored. */
  readonly quarantined: readonly QuarantineGroup[];
  /** Event alert records written (claims and folds), by alert key. */
  readonly claimed: ReadonlySet<string>;
  /** Registry entries written (key strings). */
  readonly registered: readonly string[];
  readonly retries: number;
  readonly failures: readonly RecordFailure[];
}

export interface WrittenStates {
  /** Each group whose state is stored, with the outcome it was written with. */
  readonly outcomes: ReadonlyMap<string, GroupOutcome>;
  readonly retries: number;
  readonly failures: readonly RecordFailure[];
}

export interface WriteInput {
  readonly state: BatchState;
  readonly quarantines: readonly QuarantineGroup[];
  readonly alerts: EventAlertPlan;
  readonly outcomes: ReadonlyMap<string, GroupOutcome>;
  readonly detectionsOf: ReadonlyMap<string, readonly string[]>;
  readonly registry: RegistryWrites;
}

/**
 * Starts the round trip's two halves together: the events with their claims (what an event
 * alert needs before it may go out) and the detection states (what incidents need, and what may
 * take more round trips when another invocation wrote a state meanwhile). The caller publishes
 * event alerts as soon as the first half is done, without waiting for the second.
 */
export function writeBatch(
  store: EventStore,
  input: WriteInput,
  context: WriteContext,
  logger: Logger,
): { readonly events: Promise<WrittenEvents>; readonly states: Promise<WrittenStates> } {
  const events = writeEvents(store, input, context, logger);
  const states = writeStates(store, input.state, input.outcomes, context, logger);
  return { events, states };
}

async function writeEvents(
  store: EventStore,
  input: WriteInput,
  context: WriteContext,
  logger: Logger,
): Promise<WrittenEvents> {
  const { state, quarantines, alerts } = input;
  const events = state.absent.map((group) => withDetections(group.item, input.detectionsOf));
  const plain: StoredItem[] = [...events, ...quarantines.map((q) => q.item), ...alerts.folded];
  const versioned: VersionedItem[] = [
    ...alerts.records.filter((r) => r.state !== 'folded'),
    ...alerts.opens,
  ];
  const registry = input.registry.items;
  const [written, sendClaims, registrations] = await Promise.all([
    guarded(logger, 'Store write failed', plain, () =>
      plain.length > 0 ? store.write(plain, { deadline: context.deadline }) : none(),
    ),
    guarded(logger, 'Claim write failed', versioned, () =>
      versioned.length > 0
        ? store.writeVersioned(versioned, { deadline: context.deadline })
        : none(),
    ),
    // Apart from the events: a new instance's first batch must not slow their write.
    guarded(logger, 'Registry write failed', registry, () =>
      registry.length > 0 ? store.write(registry, { deadline: context.deadline }) : none(),
    ),
  ]);

  const unwritten = new Set(
    [...written.unwritten, ...registrations.unwritten].map((key) => keyString(key)),
  );
  const failures: RecordFailure[] = [];
  const stored = new Map<string, EventItem>();
  for (const group of state.absent) {
    if (unwritten.has(group.key)) failures.push(...failuresOf(group.records, 'store write failed'));
    else stored.set(group.key, group.item);
  }
  // An event the registry does not name yet would be missing from queries over every call
  // center or pair: its records fail until the entry is written.
  const registered: string[] = [];
  const unregistered = new Set<EventGroup>();
  for (const [key, groups] of input.registry.needs) {
    if (!unwritten.has(key)) registered.push(key);
    else for (const group of groups) unregistered.add(group);
  }
  for (const group of unregistered) {
    failures.push(...failuresOf(group.records, 'registry write failed'));
  }
  const quarantined: QuarantineGroup[] = [];
  for (const group of quarantines) {
    if (unwritten.has(group.key)) {
      failures.push(...failuresOf(group.records, 'quarantine write failed'));
    } else {
      quarantined.push(group);
    }
  }
  // A window opened here while another invocation opened one for the same key: ours still
  // holds the alerts this batch folded into it, so it is listed for the flush all the same.
  const lostOpens = alerts.opens.filter((open) =>
    [...sendClaims.conflicts, ...sendClaims.unwritten].some(
      (k) => keyString(k) === keyString(open),
    ),
  );
  const unlisted = await listWindows(store, lostOpens, context.deadline, logger);
  // A folded alert whose place was not written, or whose window is not listed, would be missing
  // from every summary: its record is not written, and it fails (its retry folds it again).
  const foldedLost = new Set(
    alerts.folded
      .filter((f) => unwritten.has(keyString(f)) || unlisted.has(f.windowId))
      .map((f) => f.eventId),
  );
  const dependent = alerts.records.filter(
    (r) => r.state === 'folded' && !foldedLost.has(r.alertKey),
  );
  const foldClaims = await guarded(logger, 'Claim write failed', dependent, () =>
    dependent.length > 0 ? store.writeVersioned(dependent, { deadline: context.deadline }) : none(),
  );
  const claims = {
    unwritten: [...sendClaims.unwritten, ...foldClaims.unwritten],
    conflicts: [...sendClaims.conflicts, ...foldClaims.conflicts],
    retries: sendClaims.retries + foldClaims.retries,
  };
  const claimFailed = new Set([
    ...claims.unwritten.map(keyString),
    ...claims.conflicts.map(keyString),
  ]);
  const claimed = new Set<string>();
  const groupOf = new Map(state.readable.map((g) => [g.item.eventId, g]));
  for (const record of alerts.records) {
    const group = groupOf.get(record.alertKey);
    const lost = claimFailed.has(keyString(record)) || foldedLost.has(record.alertKey);
    if (!lost) claimed.add(record.alertKey);
    else if (group) failures.push(...failuresOf(group.records, 'alert claim not written'));
  }
  return {
    written: stored,
    quarantined,
    claimed,
    registered,
    retries: written.retries + claims.retries + registrations.retries,
    failures,
  };
}

/** Times a fold item is read again to add a window to its list. */
const LIST_ATTEMPTS = 3;

/**
 * Adds each window to the pending list of its fold item as it is now, conditional on its
 * version. Returns the windows that could not be listed: the alerts folded into them fail (their
 * retry finds them folded and writes their membership again; the window stays unlisted only if
 * this failed every time, which the log says).
 */
async function listWindows(
  store: EventStore,
  opens: readonly FoldItem[],
  deadline: number,
  logger: Logger,
): Promise<ReadonlySet<string>> {
  const unlisted = new Set<string>();
  for (const open of opens) {
    const window = open.pending.find((w) => w.windowId === open.windowId);
    if (window === undefined) continue;
    let listed = false;
    for (let attempt = 0; attempt < LIST_ATTEMPTS && !listed; attempt++) {
      const read = await store.read([open], { deadline }).catch(() => undefined);
      const current = read?.items.find((i): i is FoldItem => i.kind === 'fold');
      const next: FoldItem = current
        ? { ...current, pending: [...current.pending, window], version: current.version + 1 }
        : open;
      const outcome = await store
        .writeVersioned([next], { deadline })
        .catch(() => ({ conflicts: [next], unwritten: [] }));
      listed = outcome.conflicts.length + outcome.unwritten.length === 0;
    }
    if (!listed) {
      unlisted.add(window.windowId);
      logger.error('Folding window not listed for its summary', { windowId: window.windowId });
    }
  }
  return unlisted;
}

const none = async (): Promise<VersionedWriteOutcome> => ({
  unwritten: [],
  conflicts: [],
  retries: 0,
});

/** A store call whose throw counts as every item unwritten (logged once). */
async function guarded(
  logger: Logger,
  message: string,
  items: readonly ItemKey[],
  call: () => Promise<WriteOutcome | VersionedWriteOutcome>,
): Promise<VersionedWriteOutcome> {
  try {
    const outcome = await call();
    return { conflicts: [], ...outcome };
  } catch (error) {
    logger.error(message, { error: errorText(error) });
    return { unwritten: items.map((i) => ({ pk: i.pk, sk: i.sk })), conflicts: [], retries: 0 };
  }
}

const withDetections = (
  item: EventItem,
  detectionsOf: ReadonlyMap<string, readonly string[]>,
): EventItem => {
  const detections = detectionsOf.get(item.eventId);
  return detections === undefined || detections.length === 0
    ? item
    : ({ ...item, detections } as EventItem);
};

/**
 * Writes the changed detection states, each conditional on the version read; a conflict reads
 * the state again and re-applies this batch's observations to it.
 */
async function writeStates(
  store: EventStore,
  state: BatchState,
  outcomes: ReadonlyMap<string, GroupOutcome>,
  context: WriteContext,
  logger: Logger,
): Promise<WrittenStates> {
  const settled = new Map<string, GroupOutcome>();
  let pending = new Map<string, GroupOutcome>();
  for (const [id, outcome] of outcomes) (outcome.changed ? pending : settled).set(id, outcome);
  const batchEventIds = new Set(state.readable.map((g) => g.item.eventId));
  const failed = new Set<string>();
  let retries = 0;
  for (let attempt = 1; pending.size > 0; attempt++) {
    const items = [...pending.values()].map((o) =>
      stateItem(
        o.state,
        o.state.version + 1,
        context.nowMs + context.stateRetainMs(o.state.detection),
      ),
    );
    const outcome = await guarded(logger, 'Detection state write failed', items, () =>
      store.writeVersioned(items, { deadline: context.deadline }),
    );
    retries += outcome.retries;
    const unwritten = new Set(outcome.unwritten.map(keyString));
    const conflicts = new Set(outcome.conflicts.map(keyString));
    const conflicting = new Map<string, GroupOutcome>();
    for (const [id, o] of pending) {
      const key = stateKeyString(o.state);
      if (conflicts.has(key)) conflicting.set(id, o);
      else if (unwritten.has(key)) failed.add(id);
      else settled.set(id, { ...o, state: { ...o.state, version: o.state.version + 1 } });
    }
    if (conflicting.size === 0 || attempt >= STATE_WRITE_ATTEMPTS) {
      for (const id of conflicting.keys()) failed.add(id);
      break;
    }
    retries++;
    pending = await reevaluate(store, state, conflicting, batchEventIds, context, logger);
    for (const id of conflicting.keys()) if (!pending.has(id)) failed.add(id);
  }
  // A group whose state was not written fails the records that contributed to it.
  const groupOf = new Map(state.readable.map((g) => [g.item.eventId, g]));
  const contributors = new Set<EventGroup>();
  for (const id of failed) {
    for (const o of state.groups.get(id)?.contribution.observations ?? []) {
      const group = groupOf.get(o.id);
      if (group) contributors.add(group);
    }
  }
  const failures = [...contributors].flatMap((g) =>
    failuresOf(g.records, 'detection state write failed'),
  );
  return { outcomes: settled, retries, failures };
}

const stateKeyString = (s: DetectionState): string =>
  keyString(detectionStateKey(s.detection, s.callcenter, s.group));

/** Reads conflicting states again and evaluates the batch's observations against them. */
async function reevaluate(
  store: EventStore,
  state: BatchState,
  conflicting: ReadonlyMap<string, GroupOutcome>,
  batchEventIds: ReadonlySet<string>,
  context: WriteContext,
  logger: Logger,
): Promise<Map<string, GroupOutcome>> {
  const keys = [...conflicting.values()].map((o) =>
    detectionStateKey(o.state.detection, o.state.callcenter, o.state.group),
  );
  let read: { items: readonly StoredItem[]; unknown: ReadonlySet<string> };
  try {
    const outcome = await store.read(keys, { deadline: context.deadline });
    read = { items: outcome.items, unknown: new Set(outcome.unknown.map(keyString)) };
  } catch (error) {
    logger.error('Detection state reread failed', { error: errorText(error) });
    return new Map();
  }
  const stored = new Map<string, StoredItem>(read.items.map((item) => [keyString(item), item]));
  const next = new Map<string, GroupOutcome>();
  for (const [id, o] of conflicting) {
    const entry = state.groups.get(id);
    const key = stateKeyString(o.state);
    if (!entry || read.unknown.has(key)) continue;
    const item = stored.get(key);
    const current = item?.kind === 'detection-state' ? item : undefined;
    const prior: DetectionState = {
      ...((current && stateOf(current, context.nowMs)) ??
        emptyState(o.state.detection, o.state.callcenter, o.state.group)),
      version: current?.version ?? 0,
    };
    next.set(
      id,
      evaluateGroup(prior, entry.contribution, context.tunings[prior.detection], batchEventIds),
    );
  }
  return next;
}
