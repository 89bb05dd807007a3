// Folding, pure: repeats of one rule in one call center at one severity, within the folding
// window of arrival time (how often people are told, so arrival time, not event time), fold
// into one summary. The first alert of a window goes out at once; the rest are counted and sent
// as one summary when the window closes. Incidents are never folded, and the severity is part of
// the key, so a more severe alert is never held back behind a less severe one.
import { hash } from 'node:crypto';
import type { Severity } from '../../contract/severity';
import type { ItemKey } from './items';
import { canonicalJson, foldKey } from './keys';
import { type FoldItem, foldItem } from './records';

/** An event alert this batch may publish (its claim decision said so). */
export interface FoldCandidate {
  readonly eventId: string;
  readonly eventKey: ItemKey;
  readonly callcenter: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly type: string;
  readonly event: string;
  /** Event time, epoch ms (orders the batch's alerts of one window). */
  readonly time: number;
  readonly who?: string;
  readonly value?: string;
}

export type FoldAction =
  | { readonly action: 'send' }
  | { readonly action: 'fold'; readonly windowId: string; readonly closesAt: number };

export interface FoldingPlan {
  /** By event id. */
  readonly actions: ReadonlyMap<string, FoldAction>;
  /**
   * Fold keys to open (written only if nobody opened one meanwhile), each listing its new
   * window among those waiting for the scheduled flush.
   */
  readonly opened: readonly FoldItem[];
}

/** Fold items stay a day past their window, for `explain` and late redeliveries. */
export const FOLD_RETAIN_MS = 86_400_000;

export const foldKeyString = (c: Pick<FoldCandidate, 'callcenter' | 'rule' | 'severity'>) =>
  canonicalJson([c.callcenter, c.rule, c.severity]);

export const foldKeyOf = (c: Pick<FoldCandidate, 'callcenter' | 'rule' | 'severity'>) =>
  foldKey(c.callcenter, c.rule, c.severity);

export function windowId(
  c: Pick<FoldCandidate, 'callcenter' | 'rule' | 'severity'>,
  opensAt: number,
) {
  const digest = hash(
    'sha256',
    canonicalJson([c.callcenter, c.rule, c.severity, opensAt]),
    'base64url',
  );
  return `win-${digest.slice(0, 22)}`;
}

/** The summary of a window: one id, whatever delivers it. */
export const summaryId = (window: string): string => `sum-${window.slice(4)}`;

/**
 * For each candidate: send (it opens a window, or folding is off) or fold (into the window open
 * now for its key). `current` holds the fold items read for the batch's keys.
 */
export function planFolding(
  candidates: readonly FoldCandidate[],
  current: ReadonlyMap<string, FoldItem | undefined>,
  nowMs: number,
  windowMs: number,
): FoldingPlan {
  const actions = new Map<string, FoldAction>();
  if (windowMs <= 0) {
    for (const c of candidates) actions.set(c.eventId, { action: 'send' });
    return { actions, opened: [] };
  }
  const opened: FoldItem[] = [];
  const byKey = new Map<string, FoldCandidate[]>();
  for (const c of candidates) {
    const key = foldKeyString(c);
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  for (const [key, group] of byKey) {
    group.sort((a, b) => a.time - b.time || (a.eventId < b.eventId ? -1 : 1));
    let open = current.get(key);
    for (const c of group) {
      if (open !== undefined && open.closesAt > nowMs) {
        actions.set(c.eventId, {
          action: 'fold',
          windowId: open.windowId,
          closesAt: open.closesAt,
        });
        continue;
      }
      const window = {
        windowId: windowId(c, nowMs),
        opensAt: nowMs,
        closesAt: nowMs + windowMs,
        type: c.type,
        event: c.event,
        openedBy: c.eventId,
      };
      open = foldItem(
        {
          callcenter: c.callcenter,
          rule: c.rule,
          severity: c.severity,
          windowId: window.windowId,
          opensAt: window.opensAt,
          closesAt: window.closesAt,
          pending: [...(open?.pending ?? []), window],
        },
        open?.version ?? 0,
        FOLD_RETAIN_MS,
      );
      opened.push(open);
      actions.set(c.eventId, { action: 'send' });
    }
  }
  return { actions, opened };
}
