// The scheduled flush: sends the summary of every folding window that has closed, so a folded
// count is never lost even when no further event arrives. Runs every few minutes (EventBridge
// Scheduler in AWS; `simulate` runs it once at the end with every window closed, `local` on a
// timer). Each summary is claimed like any alert (its alert record, versioned), so two flushes,
// or a flush and its own retry, send it once.

import { METRICS } from '../../contract/metrics';
import { summaryId } from '../core/folding';
import { buildSummaryAlerts, type FoldSummary } from '../core/incident-alerts';
import { expiryFor, keyString } from '../core/items';
import { alertRecordKey, FOLD_WINDOWS_PARTITION, foldedPartition } from '../core/keys';
import { type AlertRecord, alertRecord, claimDecision, type FoldWindowItem } from '../core/records';
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

export function createFlush(deps: FlushDeps): Flush {
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? noMetrics;
  const clock = deps.now ?? (() => new Date());

  return async (options = {}) => {
    const now = clock();
    const deadline = options.deadline ?? Date.now() + 20_000;
    const until = options.closeAll
      ? '\u{10FFFF}'
      : new Date(now.getTime() - FLUSH_GRACE_MS).toISOString();
    const windows = (
      await deps.store.query(FOLD_WINDOWS_PARTITION, { to: until }, { deadline })
    ).filter((item): item is FoldWindowItem => item.kind === 'fold-window');
    let summaries = 0;
    let left = 0;
    for (const window of windows) {
      try {
        const sent = await flushWindow(window, now, deadline);
        if (sent) summaries++;
      } catch (error) {
        left++;
        logger.error('Summary not sent; the next flush retries it', {
          windowId: window.windowId,
          error: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
    metrics.addMetric(METRICS.summariesPublished, 'Count', summaries);
    metrics.publishStoredMetrics();
    if (windows.length > 0) logger.info('Flush done', { windows: windows.length, summaries, left });
    return { summaries, left };
  };

  /** True when a summary went out; throws when the window must be tried again. */
  async function flushWindow(window: FoldWindowItem, now: Date, deadline: number) {
    const places = (
      await deps.store.query(foldedPartition(window.windowId), {}, { deadline })
    ).flatMap((item) => (item.kind === 'folded' ? [item] : []));
    const id = summaryId(window.windowId);
    let sent = false;
    // A member is an alert whose own record says it was folded here: the ingest writes that
    // record only after the alert's place, so a place without it (an invocation that died in
    // between) is an alert its retry sent or folded elsewhere, and is not counted twice.
    const read =
      places.length > 0
        ? await deps.store.read(
            [alertRecordKey(id), ...places.map((p) => alertRecordKey(p.eventId))],
            { deadline },
          )
        : { items: [], unknown: [] };
    if (read.unknown.length > 0) throw new Error('alert record unreadable');
    const records = read.items.filter((i): i is AlertRecord => i.kind === 'alert');
    const foldedHere = new Set(
      records
        .filter((r) => r.state === 'folded' && r.foldWindow === window.windowId)
        .map((r) => r.alertKey),
    );
    const members = places.filter((p) => foldedHere.has(p.eventId));
    if (members.length > 0) {
      const previous = records.find((r) => r.alertKey === id);
      const owner = `flush:${window.windowId}`;
      const decision = claimDecision(previous, Date.now(), []);
      if (decision === 'busy') throw new Error('summary claimed by another flush');
      if (decision === 'claim') {
        const summary: FoldSummary = {
          summaryId: id,
          windowId: window.windowId,
          callcenter: window.callcenter,
          type: window.type,
          event: window.event,
          rule: window.rule,
          severity: window.severity,
          opensAt: window.opensAt,
          closesAt: window.closesAt,
          members: members.map((m) => ({
            eventId: m.eventId,
            ...(m.who !== undefined && { who: m.who }),
            ...(m.value !== undefined && { value: m.value }),
          })),
        };
        const expiresAt = expiryFor(now, deps.retentionDays);
        const fields = {
          alertKey: id,
          alertKind: 'summary' as const,
          callcenter: window.callcenter,
          rule: window.rule,
          severity: window.severity,
          subject: { pk: window.pk, sk: window.sk },
        };
        const claim = alertRecord(
          fields,
          {
            state: 'claimed',
            topicsSent: previous?.topicsSent ?? [],
            owners: [owner],
            leaseUntil: deadline,
            foldWindow: window.windowId,
          },
          previous?.version ?? 0,
          now,
          expiresAt,
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
        sent = true;
      }
    }
    const removed = await deps.store.remove([window], { deadline });
    if (removed.unwritten.some((k) => keyString(k) === keyString(window))) {
      throw new Error('window not removed');
    }
    return sent;
  }
}
