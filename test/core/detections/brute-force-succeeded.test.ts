// brute-force-succeeded: a successful_login for a user within 15 minutes after an
// incorrect_password for the same user and call center, whichever arrives first.
import {
  failedPassword as failed,
  HOUR,
  successfulLogin as success,
} from '../../../lambda/testing/timeline';
import { detectionTable } from './detection-table';

const dana = 'user:dana';

detectionTable('brute-force-succeeded', [
  {
    name: 'a success 10 minutes after a failure',
    timeline: [failed(0, 'dana', 2), success(10, 'dana')],
    incidents: [{ group: dana, events: [0, 1] }],
  },
  {
    name: 'every failure within the window before the success forms it',
    timeline: [
      failed(-20, 'dana'),
      failed(0, 'dana'),
      failed(3, 'dana'),
      failed(6, 'dana'),
      success(12, 'dana'),
    ],
    incidents: [{ group: dana, events: [1, 2, 3, 4] }],
  },
  {
    name: 'a success exactly 15 minutes after',
    timeline: [failed(0, 'dana'), success(15, 'dana')],
    incidents: [{ group: dana, events: [0, 1] }],
  },
  {
    name: 'a success at the same instant as the failure counts as after it',
    timeline: [failed(0, 'dana'), success(0, 'dana')],
    incidents: [{ group: dana, events: [0, 1] }],
  },
  {
    name: 'control: a success 15 minutes and a second after',
    timeline: [failed(0, 'dana'), success(15 + 1 / 60, 'dana')],
    incidents: [],
  },
  {
    name: 'control: the success comes before the failures',
    timeline: [success(0, 'dana'), failed(2, 'dana', 5), failed(5, 'dana', 5)],
    incidents: [],
  },
  {
    name: 'control: failures for one user, a success for another',
    timeline: [failed(0, 'dana', 5), success(5, 'erin')],
    incidents: [],
  },
  {
    name: 'control: failures in one call center, the success in another',
    timeline: [failed(0, 'dana', 5), success(5, 'dana', { callcenter: 'globex' })],
    incidents: [],
  },
  {
    name: 'two successes within the window are one incident',
    timeline: [failed(0, 'dana'), success(5, 'dana'), success(10, 'dana')],
    incidents: [{ group: dana, events: [0, 1, 2] }],
  },
  {
    name: 'after a quiet window a new incident begins',
    timeline: [failed(0, 'dana'), success(5, 'dana'), failed(24, 'dana'), success(28, 'dana')],
    incidents: [
      { group: dana, events: [0, 1] },
      { group: dana, events: [2, 3] },
    ],
  },
  {
    name: 'a late failure still joins its window',
    timeline: [failed(0, 'dana'), success(10, 'dana'), failed(20, 'dana')],
    late: 0,
    incidents: [{ group: dana, events: [0, 1] }],
  },
  {
    name: 'control: a failure an hour after the success',
    timeline: [success(0, 'dana'), failed(HOUR, 'dana')],
    incidents: [],
  },
]);
