// Timelines for the detections: events described tersely (minutes from an origin, who did
// what), turned into what the engine sees exactly as the ingest function turns a message into
// it, and run through the pure engine batch by batch the way the handler does (each group's
// state carried from one batch to the next). For the tests, the benchmarks and the simulator.
import { DEFAULT_DETECTION_SETTINGS, type DetectionSettings } from '../../contract/config';
import {
  type Contribution,
  contributions,
  type DetectionState,
  emptyState,
  evaluateGroup,
  type Incident,
  markAlerted,
  resolveTunings,
  type Tunings,
} from '../core/detections/engine';
import type { DetectionEvent } from '../core/detections/model';
import { buildEventItem } from '../core/items';
import { classifyMessage } from '../core/message';
import { detectionEventOf } from '../ingest/batch';
import { type VoisoEventShape, voisoEvent } from './factories';

export const MINUTE = 1;
export const HOUR = 60;
export const DAY = 1_440;

/** Minute 0 of every timeline unless a test says otherwise. */
export const TIMELINE_ORIGIN = Date.parse('2025-06-02T08:00:00.000Z');

/** One event of a timeline. */
export interface TimelineEntry {
  /** Minutes after the origin (fractions and negative values allowed). */
  readonly at: number;
  /** `type/event`. */
  readonly pair: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly callcenter: string;
}

export interface EntryOptions {
  /** @default 'acme' */
  readonly callcenter?: string;
  /** Params merged over the ones the constructor sets. */
  readonly params?: Readonly<Record<string, unknown>>;
}

const entry = (
  at: number,
  pair: string,
  params: Record<string, unknown>,
  options: EntryOptions = {},
): TimelineEntry => ({
  at,
  pair,
  params: { ...params, ...options.params },
  callcenter: options.callcenter ?? 'acme',
});

/** `app_login/incorrect_password`; the count is sent as a string, as Voiso does. */
export const failedPassword = (
  at: number,
  user: string,
  count = 1,
  options?: EntryOptions & { accessGroup?: string },
) =>
  entry(
    at,
    'app_login/incorrect_password',
    { user, access_group: options?.accessGroup ?? 'agent', count: String(count) },
    options,
  );

export const successfulLogin = (at: number, user: string, options?: EntryOptions) =>
  entry(at, 'app_login/successful_login', { user, access_group: 'agent' }, options);

/** `app_login/deleted_user`: a deleted user tried to log in. */
export const deletedUserLogin = (at: number, user: string, options?: EntryOptions) =>
  entry(at, 'app_login/deleted_user', { user, access_group: 'agent' }, options);

/** `app_login/unauthorized_ip`: a login refused from an address off the allow-list. */
export const refusedLogin = (at: number, user: string, ip: string, options?: EntryOptions) =>
  entry(at, 'app_login/unauthorized_ip', { user, access_group: 'agent', ip }, options);

/** `app_login/ip_changed`: a user's source address changed. */
export const sourceChanged = (
  at: number,
  user: string,
  from: string,
  to: string,
  options?: EntryOptions & { accessGroup?: string },
) =>
  entry(
    at,
    'app_login/ip_changed',
    { user, access_group: options?.accessGroup ?? 'agent', from, to },
    options,
  );

export const userAdded = (at: number, who: string, user: string, options?: EntryOptions) =>
  entry(at, 'user/user_added', { who, user, access_group: 'agent' }, options);

export const userDeleted = (at: number, who: string, user: string, options?: EntryOptions) =>
  entry(at, 'user/user_deleted', { who, user, access_group: 'agent' }, options);

export const privilegesUpdated = (
  at: number,
  who: string,
  user: string,
  to: string,
  options?: EntryOptions & { from?: string },
) =>
  entry(at, 'user/privileges_updated', { who, user, from: options?.from ?? 'agent', to }, options);

/** `allowed_ip/ip_added`: a range added to the allow-list. */
export const rangeAdded = (at: number, who: string, ip: string, options?: EntryOptions) =>
  entry(at, 'allowed_ip/ip_added', { who, access_group: 'agent', ip }, options);

/** `allowed_ip/ip_changed`: an allow-list range replaced by another. */
export const rangeChanged = (
  at: number,
  who: string,
  from: string,
  to: string,
  options?: EntryOptions,
) => entry(at, 'allowed_ip/ip_changed', { who, access_group: 'agent', from, to }, options);

export const rangeRemoved = (at: number, who: string, ip: string, options?: EntryOptions) =>
  entry(at, 'allowed_ip/ip_removed', { who, access_group: 'agent', ip }, options);

/** The Voiso event an entry describes (every documented param of its pair is set by the entry). */
export const timelineVoisoEvent = (e: TimelineEntry, origin = TIMELINE_ORIGIN): VoisoEventShape =>
  voisoEvent(e.pair, {
    timestamp: new Date(origin + Math.round(e.at * 60_000)).toISOString(),
    callcenter: e.callcenter,
    params: { ...e.params },
  });

/**
 * What the detections see of an entry, made exactly as the ingest function makes it: the body
 * classified (count normalised, id from the content, suppressions applied) and stored as an
 * item. The same entry always gives the same event id: a redelivery.
 */
export function timelineEvent(
  e: TimelineEntry,
  settings: DetectionSettings = DEFAULT_DETECTION_SETTINGS,
  origin = TIMELINE_ORIGIN,
): DetectionEvent {
  const verdict = classifyMessage(JSON.stringify(timelineVoisoEvent(e, origin)), settings);
  if (verdict.kind !== 'event') throw new Error(`timeline entry is malformed: ${verdict.reason}`);
  const item = buildEventItem(verdict.normalised, verdict.classification, {
    messageId: 'timeline',
    receivedAt: new Date(origin),
    retentionDays: 0,
  });
  return detectionEventOf(item);
}

/** Splits events into batches of `size` (the last may be shorter). */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    batches.push(items.slice(start, start + size));
  }
  return batches;
}

/** A deterministic shuffle (mulberry32 over a seed): the same seed, the same order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export interface TimelineRun {
  /**
   * Every incident found, once per incident id, as last described: a late event that joins an
   * incident moves its start or end and adds to its events, as the group's record does.
   */
  readonly incidents: readonly Incident[];
  /** Incidents as they were when first found (status `new`), in the order found. */
  readonly found: readonly Incident[];
  /** Each group's state after the last batch, by state id. */
  readonly states: ReadonlyMap<string, DetectionState>;
}

export interface RunOptions {
  /** @default every detection with its defaults */
  readonly tunings?: Tunings;
  /** States the groups start from (by state id); empty otherwise. */
  readonly states?: ReadonlyMap<string, DetectionState>;
}

/**
 * Runs batches of events through the pure engine as the ingest function does: per batch, the
 * touched groups' prior states and contributions go through evaluateGroup and the next state
 * (version + 1 when changed) is what the following batch starts from. Every incident's alert
 * is taken as done (marked alerted), as after a successful publish.
 */
export function runBatches(
  batches: readonly (readonly DetectionEvent[])[],
  options: RunOptions = {},
): TimelineRun {
  const tunings = options.tunings ?? resolveTunings(DEFAULT_DETECTION_SETTINGS);
  const states = new Map(options.states ?? []);
  const latest = new Map<string, Incident>();
  const found: Incident[] = [];
  for (const batch of batches) {
    const batchEventIds = new Set(batch.map((e) => e.id));
    for (const [id, contribution] of contributions(batch, tunings)) {
      const prior = states.get(id) ?? emptyStateOf(contribution);
      const outcome = evaluateGroup(prior, contribution, tunings[prior.detection], batchEventIds);
      for (const { incident, status } of outcome.incidents) {
        if (status === 'new') found.push(incident);
        latest.set(incident.id, incident);
      }
      const alerted = markAlerted(
        outcome.state,
        new Set(outcome.incidents.map((i) => i.incident.id)),
      );
      states.set(id, {
        ...alerted,
        version: prior.version + (outcome.changed || alerted !== outcome.state ? 1 : 0),
      });
    }
  }
  return { incidents: [...latest.values()], found, states };
}

const emptyStateOf = (c: Contribution) => emptyState(c.detection, c.callcenter, c.group);

/** Runs the events in the order given, `batchSize` at a time (all at once by default). */
export const runTimeline = (
  events: readonly DetectionEvent[],
  options: RunOptions & { readonly batchSize?: number } = {},
): TimelineRun =>
  runBatches(inBatches(events, Math.max(1, options.batchSize ?? events.length)), options);
