// The pipeline's own records in the events table, beside the audit trail: one alert record per
// alert (its claim and delivery), incidents, the detections' per-group state, and folding
// windows with the alerts folded into them. Plain data and pure builders; keys in keys.ts.
import type { AlertKind, AlertTopic } from '../../contract/alerts';
import type { DetectionId } from '../../contract/detections';
import type { Severity } from '../../contract/severity';
import type { DetectionState, Incident } from './detections/engine';
import type { AuditItem, ItemKey } from './items';
import {
  alertRecordKey,
  detectionStateKey,
  foldedKey,
  foldKey,
  incidentKey,
  registryCallcenterKey,
  registryPairKey,
} from './keys';

/**
 * `claimed`: an invocation is publishing it (until `leaseUntil`); `partial`: some topics were
 * reached and the claim was released, so the next delivery publishes the rest; `sent`: done;
 * `folded`: counted in a folding window's summary instead of being sent on its own.
 */
export type AlertRecordState = 'claimed' | 'partial' | 'sent' | 'folded';

/** Items written with a condition on their version (optimistic concurrency). */
export interface Versioned {
  /** 1 for the first write; a write expects the version it read (0: the item must not exist). */
  readonly version: number;
}

export interface AlertRecord extends ItemKey, Versioned {
  readonly kind: 'alert';
  /** The event id, incident id or summary id the alert is about. */
  readonly alertKey: string;
  readonly alertKind: AlertKind;
  readonly state: AlertRecordState;
  readonly topicsSent: readonly AlertTopic[];
  /** Message ids of the records whose invocation claimed it (a redelivery of one may take over). */
  readonly owners: readonly string[];
  /** Epoch ms; after it, a claim may be taken over (the claimant crashed or timed out). */
  readonly leaseUntil: number;
  readonly callcenter: string;
  readonly rule: string;
  readonly severity: Severity;
  /** The alerted event's or incident's item. */
  readonly subject: ItemKey;
  /** The folding window whose summary counts this alert (state `folded`). */
  readonly foldWindow?: string;
  readonly updatedAt: string;
  readonly expiresAt?: number;
}

export interface IncidentItem extends ItemKey {
  readonly kind: 'incident';
  readonly incidentId: string;
  readonly detection: DetectionId;
  readonly callcenter: string;
  /** The group within the call center (`user:alice@acme.com`, `callcenter`...). */
  readonly group: string;
  readonly groupedBy: string;
  readonly key?: string;
  /** Normalised event times of its first and last event. */
  readonly start: string;
  readonly end: string;
  readonly severity: Severity;
  readonly measure: number;
  readonly threshold?: number;
  readonly windowMinutes: number;
  readonly values: readonly string[];
  readonly eventIds: readonly string[];
  readonly eventCount: number;
  readonly suppressed: boolean;
  /** At or above the alert threshold and not suppressed. */
  readonly alertDue: boolean;
  readonly detectedAt: string;
  readonly expiresAt?: number;
}

/** A detection group's state as stored: the engine's state under its key, with an expiry. */
export interface DetectionStateItem extends ItemKey, DetectionState {
  readonly kind: 'detection-state';
  /** Wall-clock epoch seconds; the state is also treated as empty in code once past it. */
  readonly expiresAt: number;
}

/** A folding window whose summary has not been sent yet. */
export interface FoldWindow {
  readonly windowId: string;
  /** Arrival times, epoch ms. */
  readonly opensAt: number;
  readonly closesAt: number;
  readonly type: string;
  readonly event: string;
  /** The alert that went out when the window opened. */
  readonly openedBy: string;
}

/**
 * The folding of one (call center, rule, severity): the window open now, and every window
 * whose summary is still to be sent. Opening a window and listing it for the scheduled flush
 * are one conditional write, so a window that folds anything is never missed by the flush.
 */
export interface FoldItem extends ItemKey, Versioned {
  readonly kind: 'fold';
  readonly callcenter: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly windowId: string;
  /** Arrival times, epoch ms. */
  readonly opensAt: number;
  readonly closesAt: number;
  /** Windows (this one included) whose summary the flush has not sent, oldest first. */
  readonly pending: readonly FoldWindow[];
  readonly expiresAt: number;
}

/** One alert folded into a window. */
export interface FoldedItem extends ItemKey {
  readonly kind: 'folded';
  readonly windowId: string;
  readonly eventId: string;
  readonly eventKey: ItemKey;
  /** Normalised event time. */
  readonly time: string;
  /** Who the alert was about (user, else who), and the address or range involved. */
  readonly who?: string;
  readonly value?: string;
  readonly expiresAt: number;
}

/**
 * A call center or a pair the table has events of (contract/table.ts REGISTRY_PARTITION): what a
 * query enumerates to read every call center's partition or every pair's index partitions.
 * Never expires: a registry entry outliving its events costs a query an empty read.
 */
export type RegistryItem = ItemKey & { readonly kind: 'registry' } & (
    | { readonly callcenter: string }
    | {
        readonly type: string;
        readonly event: string;
        /** The severity from which this pair's events are in byPairSeverity. */
        readonly indexedFrom: Severity;
      }
  );

export const callcenterRegistryItem = (callcenter: string): RegistryItem => ({
  ...registryCallcenterKey(callcenter),
  kind: 'registry',
  callcenter,
});

export const pairRegistryItem = (
  type: string,
  event: string,
  indexedFrom: Severity,
): RegistryItem => ({
  ...registryPairKey(type, event),
  kind: 'registry',
  type,
  event,
  indexedFrom,
});

export type PipelineRecord =
  | AlertRecord
  | IncidentItem
  | DetectionStateItem
  | FoldItem
  | FoldedItem
  | RegistryItem;

export type StoredItem = AuditItem | PipelineRecord;
export type VersionedItem = AlertRecord | DetectionStateItem | FoldItem;

const SECOND = 1_000;
const epochSeconds = (ms: number): number => Math.floor(ms / SECOND);

/** The ISO text of an epoch-ms event time in the normalised form (nanosecond digits zero). */
export const normalisedTime = (ms: number): string =>
  `${new Date(ms).toISOString().slice(0, 23)}000000Z`;

/** Epoch ms of a normalised time (sub-millisecond digits dropped). */
export const timeMs = (normalised: string): number => Date.parse(`${normalised.slice(0, 23)}Z`);

// ---------------------------------------------------------------------------------------------
// Detection state <-> item

export function stateItem(
  state: DetectionState,
  version: number,
  expiresAtMs: number,
): DetectionStateItem {
  return {
    ...detectionStateKey(state.detection, state.callcenter, state.group),
    kind: 'detection-state',
    detection: state.detection,
    callcenter: state.callcenter,
    group: state.group,
    since: state.since,
    observations: state.observations,
    incidents: state.incidents,
    version,
    expiresAt: epochSeconds(expiresAtMs),
  };
}

/** The state an item holds, or nothing when DynamoDB has not yet removed an expired item. */
export function stateOf(item: DetectionStateItem, nowMs: number): DetectionState | undefined {
  if (item.expiresAt * SECOND <= nowMs) return undefined;
  return {
    detection: item.detection,
    callcenter: item.callcenter,
    group: item.group,
    since: item.since,
    observations: item.observations,
    incidents: item.incidents,
    version: item.version,
  };
}

// ---------------------------------------------------------------------------------------------
// Incidents

export function incidentItem(
  incident: Incident,
  alertDue: boolean,
  detectedAt: Date,
  expiresAt: number | undefined,
): IncidentItem {
  const start = normalisedTime(incident.start);
  return {
    ...incidentKey(start, incident.id),
    kind: 'incident',
    incidentId: incident.id,
    detection: incident.detection,
    callcenter: incident.callcenter,
    group: incident.group,
    groupedBy: incident.groupedBy,
    ...(incident.key !== undefined && { key: incident.key }),
    start,
    end: normalisedTime(incident.end),
    severity: incident.severity,
    measure: incident.measure,
    ...(incident.threshold !== undefined && { threshold: incident.threshold }),
    windowMinutes: incident.windowMinutes,
    values: incident.values,
    eventIds: incident.eventIds,
    eventCount: incident.eventCount,
    suppressed: incident.suppressed,
    alertDue,
    detectedAt: detectedAt.toISOString(),
    ...(expiresAt !== undefined && { expiresAt }),
  };
}

// ---------------------------------------------------------------------------------------------
// Alert records

export interface AlertRecordFields {
  readonly alertKey: string;
  readonly alertKind: AlertKind;
  readonly callcenter: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly subject: ItemKey;
}

/** A record in a new state; the version is the one read plus one. */
export function alertRecord(
  fields: AlertRecordFields,
  change: {
    readonly state: AlertRecordState;
    readonly topicsSent: readonly AlertTopic[];
    readonly owners: readonly string[];
    readonly leaseUntil: number;
    readonly foldWindow?: string;
  },
  previousVersion: number,
  now: Date,
  expiresAt: number | undefined,
): AlertRecord {
  return {
    ...alertRecordKey(fields.alertKey),
    kind: 'alert',
    ...fields,
    state: change.state,
    topicsSent: change.topicsSent,
    owners: change.owners,
    leaseUntil: change.leaseUntil,
    ...(change.foldWindow !== undefined && { foldWindow: change.foldWindow }),
    version: previousVersion + 1,
    updatedAt: now.toISOString(),
    ...(expiresAt !== undefined && { expiresAt }),
  };
}

export type ClaimDecision = 'claim' | 'done' | 'busy';

/**
 * Whether this invocation may publish an alert, given its record as read: nobody has it, the
 * last claimant released it or its lease ran out, or the claimant's own message is being
 * redelivered (so that invocation is over): claim. Sent or folded: done. Someone else holds a
 * live claim: busy (the record fails and SQS retries it after the visibility timeout, by which
 * time the alert is sent or the lease has run out).
 */
export function claimDecision(
  record: AlertRecord | undefined,
  nowMs: number,
  carriers: readonly string[],
): ClaimDecision {
  if (record === undefined) return 'claim';
  if (record.state === 'sent' || record.state === 'folded') return 'done';
  if (record.state === 'partial' || record.leaseUntil <= nowMs) return 'claim';
  return record.owners.some((owner) => carriers.includes(owner)) ? 'claim' : 'busy';
}

// ---------------------------------------------------------------------------------------------
// Folding

export const foldItem = (
  fields: Pick<
    FoldItem,
    'callcenter' | 'rule' | 'severity' | 'windowId' | 'opensAt' | 'closesAt' | 'pending'
  >,
  previousVersion: number,
  retainMs: number,
): FoldItem => ({
  ...foldKey(fields.callcenter, fields.rule, fields.severity),
  kind: 'fold',
  ...fields,
  version: previousVersion + 1,
  // Kept while a window waits for its summary, then a day (for `explain` and late deliveries).
  expiresAt: epochSeconds(
    Math.max(fields.closesAt, ...fields.pending.map((w) => w.closesAt)) + retainMs,
  ),
});

export const foldedItem = (
  fields: Omit<FoldedItem, 'pk' | 'sk' | 'kind' | 'expiresAt'>,
  closesAt: number,
  retainMs: number,
): FoldedItem => ({
  ...foldedKey(fields.windowId, fields.eventId),
  kind: 'folded',
  ...fields,
  expiresAt: epochSeconds(closesAt + retainMs),
});
