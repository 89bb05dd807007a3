// The scheduled flush: sends the summary of every folding window that has closed, so a folded
// count is never lost even when no further event arrives. Runs every few minutes (EventBridge
// Scheduler in AWS; `simulate` runs it once at the end with every window closed, `local` on a
// timer). Each summary is claimed like any alert (its alert record, versioned), so two flushes,
// or a flush and its own retry, send it once.

import { METRICS } from '../../contract/metrics';
import { summaryId } from '../core/folding';
import { buildSummaryAlerts, type FoldSummary } from '../core/incident-alerts';
import { expiryFor } from '../core/items';
import { alertRecordKey, FOLD_PARTITION, foldedPartition } from '../core/keys';
import {
  type AlertRecord,
  alertRecord,
  claimDecision,
  type FoldItem,
  type FoldWindow,
} from '../core/records';
import type { AlertPublisher } from '../ports/alert-publisher';
import type { EventStore } from '../ports/event-store';
import { type Logger, type Metrics, noMetrics, silentLogger } from '../ports/telemetry';

export interface FlushDeps {
  readonly store: EventStore;
  readonly alerts: AlertPublisher;
  readonly retentionDays: number;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => Date;
}

export interface FlushOptions {
  /** Summarise every window, closed or not (the end of a `simulate` run). */
  readonly closeAll?: boolean;
  /** Epoch ms by which the flush must be done. @default 20 s from now */
  readonly deadline?: number;
}

export interface FlushOutcome {
  readonly summaries: number;
  /** Windows left for the next flush (a publish failed, or another flush holds them). */
  readonly left: number;
}

/**
 * A window is summarised a minute after it closes: an invocation that folded an alert into it
 * just before it closed has written the alert's membership by then.
 */
export const FLUSH_GRACE_MS = 60_000;

export type Flush = (options?: FlushOptions) => Promise<FlushOutcome>;

/** Times a fold item that changed meanwhile is read again to take a sent window off it. */
const UNLIST_ATTEMPTS = 3;

export function createFlush(deps: FlushDeps): Flush {
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? noMetrics;
  const clock = deps.now ?? (() => new Date());

  return async (options = {}) => {
    const now = clock();
    const deadline = options.deadline ?? Date.now() + 20_000;
    const closedBy = options.closeAll ? Number.POSITIVE_INFINITY : now.getTime() - FLUSH_GRACE_MS;
    const folds = (await deps.store.query(FOLD_PARTITION, {}, { deadline })).filter(
      (item): item is FoldItem => item.kind === 'fold',
    );
    let summaries = 0;
    let left = 0;
    let windows = 0;
    for (const fold of folds) {
      const closed = fold.pending.filter((w) => w.closesAt <= closedBy);
      const done = new Set<string>();
      for (const window of closed) {
        windows++;
        try {
          if (await flushWindow(fold, window, now, deadline)) summaries++;
          done.add(window.windowId);
        } catch (error) {
          left++;
          logger.error('Summary not sent; the next flush retries it', {
            windowId: window.windowId,
            error: error instanceof Error ? error.name : 'unknown',
          });
        }
      }
      if (done.size > 0 && !(await unlist(fold, done, deadline))) left += done.size;
    }
    metrics.addMetric(METRICS.summariesPublished, 'Count', summaries);
    metrics.publishStoredMetrics();
    if (windows > 0) logger.info('Flush done', { windows, summaries, left });
    return { summaries, left };
  };

  /**
   * Takes sent windows off a fold item, conditional on its version: ingest may have opened a new
   * window meanwhile, and that one must stay listed. A window left listed is flushed again next
   * time, which finds its summary sent (claimed) and only unlists it.
   */
  async function unlist(fold: FoldItem, done: ReadonlySet<string>, deadline: number) {
    let current: FoldItem | undefined = fold;
    for (let attempt = 0; attempt < UNLIST_ATTEMPTS && current; attempt++) {
      const pending = current.pending.filter((w) => !done.has(w.windowId));
      const outcome = await deps.store.writeVersioned(
        [{ ...current, pending, version: current.version + 1 }],
        { deadline },
      );
      if (outcome.conflicts.length + outcome.unwritten.length === 0) return true;
      const read = await deps.store.read([current], { deadline });
      current = read.items.find((i): i is FoldItem => i.kind === 'fold');
    }
    return current === undefined;
  }

  /** True when a summary went out; throws when the window must be tried again. */
  async function flushWindow(fold: FoldItem, window: FoldWindow, now: Date, deadline: number) {
    const places = (
      await deps.store.query(foldedPartition(window.windowId), {}, { deadline })
    ).flatMap((item) => (item.kind === 'folded' ? [item] : []));
    if (places.length === 0) return false;
    const id = summaryId(window.windowId);
    // A member is an alert whose own record says it was folded here: the ingest writes that
    // record only after the alert's place, so a place without it (an invocation that died in
    // between) is an alert its retry sent or folded elsewhere, and is not counted twice.
    const read = await deps.store.read(
      [alertRecordKey(id), ...places.map((p) => alertRecordKey(p.eventId))],
      { deadline },
    );
    if (read.unknown.length > 0) throw new Error('alert record unreadable');
    const records = read.items.filter((i): i is AlertRecord => i.kind === 'alert');
    const foldedHere = new Set(
      records
        .filter((r) => r.state === 'folded' && r.foldWindow === window.windowId)
        .map((r) => r.alertKey),
    );
    const members = places.filter((p) => foldedHere.has(p.eventId));
    if (members.length === 0) return false;
    const previous = records.find((r) => r.alertKey === id);
    const decision = claimDecision(previous, Date.now(), []);
    if (decision === 'busy') throw new Error('summary claimed by another flush');
    if (decision === 'done') return false;
    const summary: FoldSummary = {
      summaryId: id,
      windowId: window.windowId,
      callcenter: fold.callcenter,
      type: window.type,
      event: window.event,
      rule: fold.rule,
      severity: fold.severity,
      opensAt: window.opensAt,
      closesAt: window.closesAt,
      members: members.map((m) => ({
        eventId: m.eventId,
        ...(m.who !== undefined && { who: m.who }),
        ...(m.value !== undefined && { value: m.value }),
      })),
    };
    const claim = alertRecord(
      {
        alertKey: id,
        alertKind: 'summary',
        callcenter: fold.callcenter,
        rule: fold.rule,
        severity: fold.severity,
        subject: { pk: fold.pk, sk: fold.sk },
      },
      {
        state: 'claimed',
        topicsSent: previous?.topicsSent ?? [],
        owners: [`flush:${window.windowId}`],
        leaseUntil: deadline,
        foldWindow: window.windowId,
      },
      previous?.version ?? 0,
      now,
      expiryFor(now, deps.retentionDays),
    );
    const claimed = await deps.store.writeVersioned([claim], { deadline });
    if (claimed.conflicts.length + claimed.unwritten.length > 0) {
      throw new Error('summary claim not written');
    }
    const reached = new Set(claim.topicsSent);
    const alerts = buildSummaryAlerts(summary).filter((a) => !reached.has(a.topic));
    const failed = new Set((await deps.alerts.publish(alerts)).failed);
    const topics = [...reached, ...alerts.filter((a) => !failed.has(a.id)).map((a) => a.topic)];
    const complete = failed.size === 0;
    await deps.store.write(
      [
        {
          ...claim,
          state: complete ? 'sent' : 'partial',
          topicsSent: topics,
          leaseUntil: 0,
          version: claim.version + 1,
        },
      ],
      { deadline },
    );
    if (!complete) throw new Error('summary publish failed');
    return true;
  }
}
