// Step 2: one strongly consistent read of everything the batch will decide on: its events (which
// exist already?), the alert records of its alert-worthy events (did their alert go out?), the
// folding windows open for them, and the state of every detection group its events touch. One
// round trip (BatchGetItem, 100 keys a call, in parallel).
//
// An existing event is a duplicate: counted, never rewritten. A key that cannot be read (a
// transient failure) fails the records that needed it, so SQS asks again later.
import type { DetectionSettings } from '../../../contract/config';
import {
  type Contribution,
  contributions,
  type DetectionState,
  emptyState,
  type Tunings,
} from '../../core/detections/engine';
import { foldKeyOf, foldKeyString } from '../../core/folding';
import { type EventItem, type ItemKey, keyString } from '../../core/items';
import { alertRecordKey, detectionStateKey } from '../../core/keys';
import { type AlertRecord, type FoldItem, type StoredItem, stateOf } from '../../core/records';
import type { EventStore } from '../../ports/event-store';
import type { Logger } from '../../ports/telemetry';
import {
  detectionEventOf,
  type EventGroup,
  errorText,
  failuresOf,
  type RecordFailure,
} from '../batch';

export interface BatchState {
  /** The stored item of each group that exists, by group key. */
  readonly existing: ReadonlyMap<string, EventItem>;
  /** Groups known not to be stored yet: the ones to write. */
  readonly absent: readonly EventGroup[];
  /** Groups everything was read for: the ones the later steps work on. */
  readonly readable: readonly EventGroup[];
  /** Alert records read, by alert key. */
  readonly alertRecords: ReadonlyMap<string, AlertRecord>;
  /** Open (or last) folding window per fold key string. */
  readonly folds: ReadonlyMap<string, FoldItem | undefined>;
  /** Each touched detection group: its contribution and its state as stored (or empty). */
  readonly groups: ReadonlyMap<string, { contribution: Contribution; prior: DetectionState }>;
  readonly failures: readonly RecordFailure[];
}

export interface ReadContext {
  readonly tunings: Tunings;
  readonly detection: DetectionSettings;
  readonly nowMs: number;
  readonly deadline: number;
}

export async function readBatch(
  store: EventStore,
  events: readonly EventGroup[],
  context: ReadContext,
  logger: Logger,
): Promise<BatchState> {
  const folding = context.detection.foldingWindowMinutes > 0;
  const touched = contributions(
    events.map((g) => detectionEventOf(g.item)),
    context.tunings,
  );
  /** Which groups need which key: a key that cannot be read fails them. */
  const needs = new Map<string, { key: ItemKey; groups: EventGroup[] }>();
  const need = (key: ItemKey, group: EventGroup) => {
    const entry = needs.get(keyString(key)) ?? { key, groups: [] };
    entry.groups.push(group);
    needs.set(keyString(key), entry);
  };
  const byEventId = new Map(events.map((g) => [g.item.eventId, g]));
  for (const group of events) {
    need(group.item, group);
    if (!group.item.alertDue) continue;
    need(alertRecordKey(group.item.eventId), group);
    if (folding) need(foldKeyOf(foldFields(group.item)), group);
  }
  for (const c of touched.values()) {
    const key = detectionStateKey(c.detection, c.callcenter, c.group);
    for (const o of c.observations) {
      const group = byEventId.get(o.id);
      if (group) need(key, group);
    }
  }

  const keys = [...needs.values()].map((n) => n.key);
  let found: readonly StoredItem[] = [];
  let unknown: ReadonlySet<string>;
  try {
    const outcome = await store.read(keys, { deadline: context.deadline });
    found = outcome.items;
    unknown = new Set(outcome.unknown.map(keyString));
  } catch (error) {
    logger.error('Batch read failed', { error: errorText(error) });
    unknown = new Set(keys.map(keyString));
  }
  const failedGroups = new Set<EventGroup>();
  for (const key of unknown)
    for (const group of needs.get(key)?.groups ?? []) failedGroups.add(group);
  const failures = [...failedGroups].flatMap((g) => failuresOf(g.records, 'store read failed'));
  const readable = events.filter((g) => !failedGroups.has(g));

  const items = new Map(found.map((item) => [keyString(item), item]));
  const existing = new Map<string, EventItem>();
  for (const group of readable) {
    const item = items.get(group.key);
    if (item?.kind === 'event') existing.set(group.key, item);
  }
  const alertRecords = new Map<string, AlertRecord>();
  const folds = new Map<string, FoldItem | undefined>();
  for (const item of found) {
    if (item.kind === 'alert') alertRecords.set(item.alertKey, item);
    if (item.kind === 'fold') folds.set(foldKeyString(item), item);
  }
  const groups = new Map<string, { contribution: Contribution; prior: DetectionState }>();
  for (const [id, contribution] of touched) {
    const key = keyString(
      detectionStateKey(contribution.detection, contribution.callcenter, contribution.group),
    );
    if (unknown.has(key)) continue;
    const stored = items.get(key);
    const prior =
      (stored?.kind === 'detection-state' ? stateOf(stored, context.nowMs) : undefined) ??
      emptyState(contribution.detection, contribution.callcenter, contribution.group);
    // An expired state starts over, but its version stays the stored one (the write expects it).
    const version = stored?.kind === 'detection-state' ? stored.version : 0;
    groups.set(id, {
      contribution: withoutFailed(contribution, failedGroups),
      prior: { ...prior, version },
    });
  }
  return {
    existing,
    absent: readable.filter((g) => !existing.has(g.key)),
    readable,
    alertRecords,
    folds,
    groups,
    failures,
  };
}

/** What folding keys an event alert by. */
export const foldFields = (item: EventItem) => ({
  callcenter: item.callcenter,
  rule: item.rules[0] ?? 'none',
  severity: item.severity,
});

/** A group's contribution without the events whose records failed to read. */
function withoutFailed(contribution: Contribution, failed: ReadonlySet<EventGroup>): Contribution {
  if (failed.size === 0) return contribution;
  const failedIds = new Set([...failed].map((g) => g.item.eventId));
  return {
    ...contribution,
    observations: contribution.observations.filter((o) => !failedIds.has(o.id)),
  };
}
