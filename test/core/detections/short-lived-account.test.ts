// short-lived-account: user_added then user_deleted of the same user within 24 hours.
import { userAdded as added, userDeleted as deleted, HOUR } from '../../../lambda/testing/timeline';
import { detectionTable } from './detection-table';

const temp = 'user:temp.contractor';

detectionTable('short-lived-account', [
  {
    name: 'added, then deleted 2 h 45 min later',
    timeline: [added(0, 'it', 'temp.contractor'), deleted(2.75 * HOUR, 'it', 'temp.contractor')],
    incidents: [{ group: temp, events: [0, 1], severity: 'high' }],
  },
  {
    name: 'deleted by someone other than who added it',
    timeline: [added(0, 'it', 'temp.contractor'), deleted(HOUR, 'hr', 'temp.contractor')],
    incidents: [{ group: temp, events: [0, 1] }],
  },
  {
    name: 'deleted exactly 24 hours later',
    timeline: [added(0, 'it', 'temp.contractor'), deleted(24 * HOUR, 'it', 'temp.contractor')],
    incidents: [{ group: temp, events: [0, 1] }],
  },
  {
    name: 'control: deleted 24 hours and a minute later',
    timeline: [added(0, 'it', 'temp.contractor'), deleted(24 * HOUR + 1, 'it', 'temp.contractor')],
    incidents: [],
  },
  {
    name: 'control: deleted, then added again',
    timeline: [deleted(0, 'it', 'temp.contractor'), added(HOUR, 'it', 'temp.contractor')],
    incidents: [],
  },
  {
    name: 'control: another user deleted',
    timeline: [added(0, 'it', 'temp.contractor'), deleted(HOUR, 'it', 'leaver')],
    incidents: [],
  },
  {
    name: 'control: added in one call center, deleted in another',
    timeline: [
      added(0, 'it', 'temp.contractor'),
      deleted(HOUR, 'it', 'temp.contractor', { callcenter: 'globex' }),
    ],
    incidents: [],
  },
  {
    name: 'a late addition still joins its window',
    timeline: [
      added(0, 'it', 'temp.contractor'),
      deleted(3 * HOUR, 'it', 'temp.contractor'),
      added(25 * HOUR, 'it', 'temp.contractor'),
    ],
    late: 0,
    incidents: [{ group: temp, events: [0, 1] }],
  },
]);
