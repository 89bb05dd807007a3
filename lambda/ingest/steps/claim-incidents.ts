// Step 6: claim the incident alerts, now that the detection states that record the incidents are
// written (a group's state is where an incident is first claimed: of two invocations that find
// the same incident, only one records it new). The alert record is written on its own, after,
// so a crash in between leaves the incident recorded and its alert not known done: the next
// batch of that group reads the alert record and finishes the alert. Only batches that find
// incidents make this round trip.
import { keyString } from '../../core/items';
import type { EventStore } from '../../ports/event-store';
import type { Logger } from '../../ports/telemetry';
import { errorText, type RecordFailure } from '../batch';
import type { Claim } from './plan-alerts';

export interface ClaimedIncidents {
  readonly claimed: readonly Claim[];
  readonly retries: number;
  readonly failures: readonly RecordFailure[];
}

export async function claimIncidents(
  store: EventStore,
  claims: readonly Claim[],
  deadline: number,
  logger: Logger,
): Promise<ClaimedIncidents> {
  if (claims.length === 0) return { claimed: [], retries: 0, failures: [] };
  const records = claims.map((c) => c.record);
  let taken: ReadonlySet<string> = new Set();
  let unwritten: ReadonlySet<string>;
  let retries = 0;
  try {
    const outcome = await store.writeVersioned(records, { deadline });
    taken = new Set(outcome.conflicts.map(keyString));
    unwritten = new Set(outcome.unwritten.map(keyString));
    retries = outcome.retries;
  } catch (error) {
    logger.error('Incident claim write failed', { error: errorText(error) });
    unwritten = new Set(records.map(keyString));
  }
  // A claim someone else wrote first is theirs to send (a concurrent invocation, or an earlier
  // delivery whose record of the incident has since expired): not this batch's failure. A claim
  // that could not be written at all fails its records, so the retry claims it.
  const mine = (c: Claim) => !taken.has(keyString(c.record)) && !unwritten.has(keyString(c.record));
  const claimed = claims.filter(mine);
  const failures = claims
    .filter((c) => unwritten.has(keyString(c.record)))
    .flatMap((c) =>
      c.carriers.map((messageId) => ({ messageId, reason: 'incident claim not written' })),
    );
  return { claimed, retries, failures };
}
