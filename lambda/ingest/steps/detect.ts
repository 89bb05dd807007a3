// Step 3: the detections. Each touched group's state takes the batch's observations and is
// evaluated (lambda/core/detections, pure). An incident the group recorded before whose alert is
// not known to be done (a crash between claiming it and publishing) has its alert record read,
// in one more round trip that only such batches make.
import type { DetectionId } from '../../../contract/detections';
import { evaluateGroup, type GroupOutcome, type Tunings } from '../../core/detections/engine';
import { keyString } from '../../core/items';
import { alertRecordKey } from '../../core/keys';
import type { AlertRecord } from '../../core/records';
import type { EventStore } from '../../ports/event-store';
import type { Logger } from '../../ports/telemetry';
import { errorText } from '../batch';
import type { BatchState } from './read-batch';

export interface Detections {
  /** By state id (lambda/core/detections/engine.ts `stateId`). */
  readonly outcomes: ReadonlyMap<string, GroupOutcome>;
  /** The alert records of recorded incidents whose alert was not known to be done. */
  readonly incidentRecords: ReadonlyMap<string, AlertRecord>;
  /** Incidents whose alert record could not be read: left for a later batch to finish. */
  readonly unreadIncidents: ReadonlySet<string>;
}

/** Evaluates every touched group (pure). */
export function evaluateGroups(
  groups: BatchState['groups'],
  tunings: Tunings,
  batchEventIds: ReadonlySet<string>,
): Map<string, GroupOutcome> {
  const outcomes = new Map<string, GroupOutcome>();
  for (const [id, { contribution, prior }] of groups) {
    if (contribution.observations.length === 0) continue;
    outcomes.set(id, evaluateGroup(prior, contribution, tunings[prior.detection], batchEventIds));
  }
  return outcomes;
}

export async function detect(
  store: EventStore,
  state: BatchState,
  tunings: Tunings,
  deadline: number,
  logger: Logger,
): Promise<Detections> {
  const batchEventIds = new Set(state.readable.map((g) => g.item.eventId));
  const outcomes = evaluateGroups(state.groups, tunings, batchEventIds);
  const unconfirmed = [...outcomes.values()].flatMap((o) =>
    o.incidents.filter((i) => i.unconfirmed).map((i) => i.incident.id),
  );
  const incidentRecords = new Map<string, AlertRecord>();
  let unreadIncidents = new Set<string>();
  if (unconfirmed.length > 0) {
    const keys = unconfirmed.map(alertRecordKey);
    try {
      const outcome = await store.read(keys, { deadline });
      for (const item of outcome.items) {
        if (item.kind === 'alert') incidentRecords.set(item.alertKey, item);
      }
      const unknown = new Set(outcome.unknown.map(keyString));
      unreadIncidents = new Set(
        unconfirmed.filter((id) => unknown.has(keyString(alertRecordKey(id)))),
      );
    } catch (error) {
      logger.error('Incident alert lookup failed', { error: errorText(error) });
      unreadIncidents = new Set(unconfirmed);
    }
  }
  return { outcomes, incidentRecords, unreadIncidents };
}

/** The detections each event of the batch helped form (new or growing incidents). */
export function detectionsByEvent(outcomes: Iterable<GroupOutcome>): Map<string, DetectionId[]> {
  const byEvent = new Map<string, Set<DetectionId>>();
  for (const outcome of outcomes) {
    for (const { incident, batchEventIds } of outcome.incidents) {
      for (const id of batchEventIds) {
        const set = byEvent.get(id) ?? new Set<DetectionId>();
        set.add(incident.detection);
        byEvent.set(id, set);
      }
    }
  }
  return new Map([...byEvent].map(([id, set]) => [id, [...set].sort()]));
}
