// mass-change: 5 or more user_deleted, or 5 or more user_added, or 5 or more
// privileges_updated, by one actor (who) within 10 minutes; each kind counted on its own.
import { privilegesUpdated, userAdded, userDeleted } from '../../../lambda/testing/timeline';
import { detectionTable } from './detection-table';

const staff = (n: number) => `staff${n}`;
const deletions = 'actor:rogue|user/user_deleted';

detectionTable('mass-change', [
  {
    name: 'five deletions by one actor within 4 minutes',
    timeline: [0, 1, 2, 3, 4].map((at) => userDeleted(at, 'rogue', staff(at))),
    incidents: [{ group: deletions, events: [0, 1, 2, 3, 4], measure: 5 }],
  },
  {
    name: 'five additions',
    timeline: [0, 1, 2, 3, 4].map((at) => userAdded(at, 'rogue', staff(at))),
    incidents: [{ group: 'actor:rogue|user/user_added', events: [0, 1, 2, 3, 4], measure: 5 }],
  },
  {
    name: 'five privilege changes',
    timeline: [0, 1, 2, 3, 4].map((at) => privilegesUpdated(at, 'rogue', staff(at), 'supervisor')),
    incidents: [
      { group: 'actor:rogue|user/privileges_updated', events: [0, 1, 2, 3, 4], measure: 5 },
    ],
  },
  {
    name: 'five deletions exactly 10 minutes from first to last',
    timeline: [0, 1, 2, 3, 10].map((at) => userDeleted(at, 'rogue', staff(at))),
    incidents: [{ group: deletions, events: [0, 1, 2, 3, 4], measure: 5 }],
  },
  {
    name: 'control: four deletions',
    timeline: [0, 1, 2, 3].map((at) => userDeleted(at, 'rogue', staff(at))),
    incidents: [],
  },
  {
    name: 'control: 3 deletions and 3 additions (each kind is counted on its own)',
    timeline: [
      ...[0, 1, 2].map((at) => userDeleted(at, 'rogue', staff(at))),
      ...[3, 4, 5].map((at) => userAdded(at, 'rogue', staff(at))),
    ],
    incidents: [],
  },
  {
    name: 'control: 2 of each kind',
    timeline: [
      userDeleted(0, 'rogue', staff(1)),
      userDeleted(1, 'rogue', staff(2)),
      userAdded(2, 'rogue', staff(3)),
      userAdded(3, 'rogue', staff(4)),
      privilegesUpdated(4, 'rogue', staff(5), 'admin'),
      privilegesUpdated(5, 'rogue', staff(6), 'admin'),
    ],
    incidents: [],
  },
  {
    name: 'control: five deletions by two actors',
    timeline: [0, 1, 2, 3, 4].map((at) => userDeleted(at, at < 3 ? 'rogue' : 'hr', staff(at))),
    incidents: [],
  },
  {
    name: 'control: five deletions over 11 minutes',
    timeline: [0, 1, 2, 3, 11].map((at) => userDeleted(at, 'rogue', staff(at))),
    incidents: [],
  },
  {
    name: 'control: one actor name in two call centers',
    timeline: [0, 1, 2, 3, 4].map((at) =>
      userDeleted(at, 'rogue', staff(at), { callcenter: at < 3 ? 'acme' : 'globex' }),
    ),
    incidents: [],
  },
  {
    name: 'actor names are compared trimmed and in lower case',
    timeline: ['rogue', 'Rogue', 'ROGUE ', ' rogue', 'rOgue'].map((who, at) =>
      userDeleted(at, who, staff(at)),
    ),
    incidents: [{ group: deletions, events: [0, 1, 2, 3, 4], measure: 5 }],
  },
  {
    name: 'deletions and additions of five each are two incidents',
    timeline: [
      ...[0, 1, 2, 3, 4].map((at) => userDeleted(at, 'rogue', staff(at))),
      ...[0, 1, 2, 3, 4].map((at) => userAdded(at + 0.5, 'rogue', staff(at + 10))),
    ],
    incidents: [
      { group: 'actor:rogue|user/user_added', events: [5, 6, 7, 8, 9], measure: 5 },
      { group: deletions, events: [0, 1, 2, 3, 4], measure: 5 },
    ],
  },
  {
    name: 'the incident stays open while deletions keep coming within the window: one incident',
    timeline: [0, 1, 2, 3, 4, 12].map((at) => userDeleted(at, 'rogue', staff(at))),
    incidents: [{ group: deletions, events: [0, 1, 2, 3, 4, 5], measure: 5 }],
  },
  {
    name: 'after a quiet window a new incident begins',
    timeline: [0, 1, 2, 3, 4, 15, 16, 17, 18, 19].map((at) => userDeleted(at, 'rogue', staff(at))),
    incidents: [
      { group: deletions, events: [0, 1, 2, 3, 4], measure: 5 },
      { group: deletions, events: [5, 6, 7, 8, 9], measure: 5 },
    ],
  },
  {
    name: 'a late deletion still joins its window',
    timeline: [1, 4, 5, 6, 7, 15].map((at) => userDeleted(at, 'rogue', staff(at))),
    late: 0,
    incidents: [{ group: deletions, events: [0, 1, 2, 3, 4, 5], measure: 5 }],
  },
]);
