// One detection group the engine tests share: repeated-deleted-user (3 attempts in 60 minutes,
// critical, kept for 2 windows) for john@acme.com in acme, with the default tunings.
import { parseDetectionSettings } from '../../../contract/config';
import { emptyState, resolveTunings } from '../../../lambda/core/detections/engine';
import type { Observation } from '../../../lambda/core/detections/model';

export const DELETED = 'repeated-deleted-user' as const;
export const tunings = resolveTunings(parseDetectionSettings({}));
export const tuning = tunings[DELETED];

/** The batch's observations of the group. */
export const contributionOf = (observations: Observation[]) => ({
  detection: DELETED,
  callcenter: 'acme',
  group: 'user:john@acme.com',
  observations,
});

/** The group as it starts: no observations, no history. */
export const emptyGroup = () => emptyState(DELETED, 'acme', 'user:john@acme.com');
