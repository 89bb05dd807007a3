// repeated-deleted-user: 3 or more app_login/deleted_user for one user within an hour (an
// ex-employee trying again).
import {
  deletedUserLogin as attempt,
  failedPassword,
  successfulLogin,
} from '../../../lambda/testing/timeline';
import { detectionTable } from './detection-table';

const former = 'user:former.agent';

detectionTable('repeated-deleted-user', [
  {
    name: 'three attempts within 40 minutes',
    timeline: [
      attempt(0, 'former.agent'),
      attempt(20, 'former.agent'),
      attempt(40, 'former.agent'),
    ],
    incidents: [{ group: former, events: [0, 1, 2], measure: 3 }],
  },
  {
    name: 'four attempts within the hour are one incident of four events',
    timeline: [0, 10, 20, 30].map((at) => attempt(at, 'former.agent')),
    incidents: [{ group: former, events: [0, 1, 2, 3], measure: 3 }],
  },
  {
    name: 'three attempts exactly an hour from first to last',
    timeline: [
      attempt(0, 'former.agent'),
      attempt(30, 'former.agent'),
      attempt(60, 'former.agent'),
    ],
    incidents: [{ group: former, events: [0, 1, 2], measure: 3 }],
  },
  {
    name: 'control: two attempts',
    timeline: [attempt(0, 'former.agent'), attempt(5, 'former.agent')],
    incidents: [],
  },
  {
    name: 'control: three attempts over 61 minutes',
    timeline: [
      attempt(0, 'former.agent'),
      attempt(30, 'former.agent'),
      attempt(61, 'former.agent'),
    ],
    incidents: [],
  },
  {
    name: 'control: three deleted users, one attempt each',
    timeline: [attempt(0, 'former.a'), attempt(1, 'former.b'), attempt(2, 'former.c')],
    incidents: [],
  },
  {
    name: 'control: one name in two call centers',
    timeline: [
      attempt(0, 'former.agent'),
      attempt(1, 'former.agent'),
      attempt(2, 'former.agent', { callcenter: 'globex' }),
    ],
    incidents: [],
  },
  {
    name: 'control: failed passwords and logins are not deleted-user attempts',
    timeline: [
      attempt(0, 'former.agent'),
      attempt(1, 'former.agent'),
      failedPassword(2, 'former.agent', 5),
      successfulLogin(3, 'former.agent'),
    ],
    incidents: [],
  },
  {
    name: 'after a quiet hour a new incident begins',
    timeline: [0, 1, 2, 63, 64, 65].map((at) => attempt(at, 'former.agent')),
    incidents: [
      { group: former, events: [0, 1, 2], measure: 3 },
      { group: former, events: [3, 4, 5], measure: 3 },
    ],
  },
  {
    name: 'a late attempt still joins its window',
    timeline: [0, 10, 40, 75].map((at) => attempt(at, 'former.agent')),
    late: 0,
    incidents: [{ group: former, events: [0, 1, 2, 3], measure: 3 }],
  },
]);
