// Step 4, pure: which alerts this batch claims. An alert is claimed by writing its alert record
// with a condition on the version read (step 5), so that of two invocations carrying the same
// event or incident only one publishes: this closes the "two copies processed concurrently"
// window. An event alert whose record says sent or folded is done; one claimed by another live
// invocation is busy (its records fail and SQS retries them after the visibility timeout, when
// the alert is sent or the claim has lapsed). A new event alert either opens a folding window
// (it goes out now) or folds into the window open for its rule (it goes into the summary).
// Incidents are never folded.
import type { DetectionSettings } from '../../../contract/config';
import { severityRank } from '../../../contract/severity';
import type { GroupOutcome, Incident, IncidentOutcome } from '../../core/detections/engine';
import { markAlerted } from '../../core/detections/engine';
import { FOLD_RETAIN_MS, type FoldCandidate, planFolding } from '../../core/folding';
import type { EventItem } from '../../core/items';
import { incidentKey } from '../../core/keys';
import {
  type AlertRecord,
  type AlertRecordFields,
  alertRecord,
  claimDecision,
  type FoldedItem,
  type FoldItem,
  foldedItem,
  normalisedTime,
} from '../../core/records';
import { type EventGroup, failuresOf, type RecordFailure } from '../batch';
import type { BatchState } from './read-batch';
import { foldFields } from './read-batch';

export interface ClaimContext {
  /** Arrival time: folding windows and record times. */
  readonly now: Date;
  /** The real clock's epoch ms, against which claims' leases are judged. */
  readonly claimNowMs: number;
  /** Epoch ms until which a claim made now holds (the invocation's end). */
  readonly leaseUntil: number;
  readonly expiresAt: number | undefined;
  readonly detection: DetectionSettings;
}

/** An alert this batch claims to publish, and what it is about. */
export interface Claim {
  readonly record: AlertRecord;
  /** The records whose events the alert is about: they fail if it does not go out. */
  readonly carriers: readonly string[];
  readonly subject:
    | { readonly kind: 'event'; readonly item: EventItem }
    | { readonly kind: 'incident'; readonly incident: Incident };
}

export interface EventAlertPlan {
  /** Records to write: claims to send, and folded alerts. */
  readonly records: readonly AlertRecord[];
  /** Of those, the claims to send once written. */
  readonly sends: readonly Claim[];
  readonly folded: readonly FoldedItem[];
  readonly opens: readonly FoldItem[];
  readonly failures: readonly RecordFailure[];
}

const carriersOf = (group: EventGroup) => group.records.map((r) => r.messageId);

export function planEventAlerts(state: BatchState, context: ClaimContext): EventAlertPlan {
  const failures: RecordFailure[] = [];
  const records: AlertRecord[] = [];
  const sends: Claim[] = [];
  const candidates: { group: EventGroup; item: EventItem; fold: FoldCandidate }[] = [];
  const folded: FoldedItem[] = [];
  for (const group of state.readable) {
    if (!group.item.alertDue) continue;
    // The stored item when there is one: it is what was alerted on (same content either way).
    const item = state.existing.get(group.key) ?? group.item;
    const carriers = carriersOf(group);
    const previous = state.alertRecords.get(item.eventId);
    const decision = claimDecision(previous, context.claimNowMs, carriers);
    if (decision === 'done') {
      // A folded alert's membership is written again (the same item): a delivery whose claim
      // was written but whose membership was not would otherwise be missing from the summary.
      if (previous?.state === 'folded' && previous.foldWindow !== undefined) {
        folded.push(
          foldedMember(
            item,
            previous.foldWindow,
            context.now.getTime() + context.detection.foldingWindowMinutes * 60_000,
          ),
        );
      }
      continue;
    }
    if (decision === 'busy') {
      failures.push(...failuresOf(group.records, 'alert claimed by another invocation'));
      continue;
    }
    if (previous !== undefined) {
      // Claimed before and not finished: it was meant to go out; finish it, never fold it.
      const record = claimRecord(eventRecordFields(item), previous, carriers, context);
      records.push(record);
      sends.push({ record, carriers, subject: { kind: 'event', item } });
      continue;
    }
    candidates.push({ group, item, fold: foldCandidate(item) });
  }

  const folding = planFolding(
    candidates.map((c) => c.fold),
    state.folds,
    context.now.getTime(),
    context.detection.foldingWindowMinutes * 60_000,
  );
  for (const { group, item } of candidates) {
    const action = folding.actions.get(item.eventId);
    const carriers = carriersOf(group);
    if (action?.action === 'fold') {
      records.push(
        alertRecord(
          eventRecordFields(item),
          {
            state: 'folded',
            topicsSent: [],
            owners: carriers,
            leaseUntil: 0,
            foldWindow: action.windowId,
          },
          0,
          context.now,
          context.expiresAt,
        ),
      );
      folded.push(foldedMember(item, action.windowId, action.closesAt));
    } else {
      const record = claimRecord(eventRecordFields(item), undefined, carriers, context);
      records.push(record);
      sends.push({ record, carriers, subject: { kind: 'event', item } });
    }
  }
  return {
    records,
    sends,
    folded,
    opens: folding.opened,
    failures,
  };
}

/** An alert's membership of the window it folded into (the summary counts these). */
function foldedMember(item: EventItem, windowId: string, closesAt: number): FoldedItem {
  const fold = foldCandidate(item);
  return foldedItem(
    {
      windowId,
      eventId: item.eventId,
      eventKey: { pk: item.pk, sk: item.sk },
      time: item.time,
      ...(fold.who !== undefined && { who: fold.who }),
      ...(fold.value !== undefined && { value: fold.value }),
    },
    closesAt,
    FOLD_RETAIN_MS,
  );
}

function foldCandidate(item: EventItem): FoldCandidate {
  const text = (name: string) =>
    typeof item.params[name] === 'string' ? (item.params[name] as string) : undefined;
  const value = text('to') ?? text('ip');
  const who = text('user') ?? text('who');
  return {
    eventId: item.eventId,
    eventKey: { pk: item.pk, sk: item.sk },
    ...foldFields(item),
    type: item.type,
    event: item.event,
    time: Date.parse(`${item.time.slice(0, 23)}Z`),
    ...(who !== undefined && { who }),
    ...(value !== undefined && { value }),
  };
}

const eventRecordFields = (item: EventItem) => ({
  alertKey: item.eventId,
  alertKind: 'event' as const,
  callcenter: item.callcenter,
  rule: item.rules[0] ?? 'none',
  severity: item.severity,
  subject: { pk: item.pk, sk: item.sk },
});

/** A claim to publish, by these carriers until the invocation ends; topics reached are kept. */
function claimRecord(
  fields: AlertRecordFields,
  previous: AlertRecord | undefined,
  carriers: readonly string[],
  context: ClaimContext,
): AlertRecord {
  return alertRecord(
    fields,
    {
      state: 'claimed',
      topicsSent: previous?.topicsSent ?? [],
      owners: carriers,
      leaseUntil: context.leaseUntil,
    },
    previous?.version ?? 0,
    context.now,
    context.expiresAt,
  );
}

// ---------------------------------------------------------------------------------------------
// Incidents

/** At or above the alert threshold and not suppressed. */
export const incidentDue = (incident: Incident, detection: DetectionSettings): boolean =>
  !incident.suppressed && severityRank(incident.severity) >= severityRank(detection.alertThreshold);

export interface IncidentAlertPlan {
  readonly claims: readonly Claim[];
  /** Outcomes with the incidents whose alert is known done marked so in their state. */
  readonly outcomes: ReadonlyMap<string, GroupOutcome>;
  readonly failures: readonly RecordFailure[];
}

/**
 * The incident alerts to claim: every new incident that is due, and recorded ones whose alert
 * is not done and not held by a live claim. Incidents whose alert is known done (or not due)
 * are marked so in their group's state, which is written next.
 */
export function planIncidentAlerts(
  outcomes: ReadonlyMap<string, GroupOutcome>,
  incidentRecords: ReadonlyMap<string, AlertRecord>,
  unread: ReadonlySet<string>,
  carriersByEvent: ReadonlyMap<string, readonly string[]>,
  context: ClaimContext,
): IncidentAlertPlan {
  const nowMs = context.claimNowMs;
  const claims: Claim[] = [];
  const failures: RecordFailure[] = [];
  const marked = new Map<string, GroupOutcome>();
  for (const [id, outcome] of outcomes) {
    const done = new Set<string>();
    for (const found of outcome.incidents) {
      const carriers = found.batchEventIds.flatMap((e) => carriersByEvent.get(e) ?? []);
      const verdict = incidentVerdict(found, incidentRecords, unread, nowMs, carriers, context);
      if (verdict === 'done') done.add(found.incident.id);
      if (verdict === 'busy') {
        failures.push(
          ...carriers.map((messageId) => ({
            messageId,
            reason: 'incident alert claimed by another invocation',
          })),
        );
      }
      if (verdict === 'claim') {
        claims.push({
          record: claimRecord(
            incidentRecordFields(found.incident),
            incidentRecords.get(found.incident.id),
            carriers,
            context,
          ),
          carriers,
          subject: { kind: 'incident', incident: found.incident },
        });
      }
    }
    marked.set(id, done.size === 0 ? outcome : withDone(outcome, done));
  }
  return { claims, outcomes: marked, failures };
}

function incidentVerdict(
  found: IncidentOutcome,
  records: ReadonlyMap<string, AlertRecord>,
  unread: ReadonlySet<string>,
  nowMs: number,
  carriers: readonly string[],
  context: ClaimContext,
): 'claim' | 'done' | 'busy' | 'skip' {
  if (!incidentDue(found.incident, context.detection))
    return found.status === 'new' || found.unconfirmed ? 'done' : 'skip';
  if (found.status === 'new') return 'claim';
  if (!found.unconfirmed || unread.has(found.incident.id)) return 'skip';
  const decision = claimDecision(records.get(found.incident.id), nowMs, carriers);
  return decision;
}

const withDone = (outcome: GroupOutcome, done: ReadonlySet<string>): GroupOutcome => ({
  ...outcome,
  state: markAlerted(outcome.state, done),
  changed: true,
});

const incidentRecordFields = (incident: Incident) => ({
  alertKey: incident.id,
  alertKind: 'incident' as const,
  callcenter: incident.callcenter,
  rule: incident.detection,
  severity: incident.severity,
  subject: incidentKey(normalisedTime(incident.start), incident.id),
});
