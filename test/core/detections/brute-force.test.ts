// brute-force: failed attempts for one user in one call center, summed over the
// incorrect_password counts, reach 20 within 15 minutes of event time.
import { failedPassword as failed, successfulLogin } from '../../../lambda/testing/timeline';
import { detectionTable } from './detection-table';

const dana = 'user:dana';

detectionTable('brute-force', [
  {
    name: 'five bursts of 4 attempts within 8 minutes reach 20',
    timeline: [
      failed(0, 'dana', 4),
      failed(2, 'dana', 4),
      failed(4, 'dana', 4),
      failed(6, 'dana', 4),
      failed(8, 'dana', 4),
    ],
    incidents: [{ group: dana, events: [0, 1, 2, 3, 4], measure: 20 }],
  },
  {
    name: 'ten events of 2 attempts reach 20 (each event counts once)',
    timeline: Array.from({ length: 10 }, (_, i) => failed(i, 'dana', 2)),
    incidents: [{ group: dana, events: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], measure: 20 }],
  },
  {
    name: 'control: 19 attempts',
    timeline: [
      failed(0, 'dana', 4),
      failed(2, 'dana', 4),
      failed(4, 'dana', 4),
      failed(6, 'dana', 4),
      failed(8, 'dana', 3),
    ],
    incidents: [],
  },
  {
    name: 'control: 5 events of 4 attempts, however often delivered, do not reach a threshold of 40',
    config: { detections: { 'brute-force': { threshold: 40 } } },
    timeline: [
      failed(0, 'dana', 4),
      failed(1, 'dana', 4),
      failed(2, 'dana', 4),
      failed(3, 'dana', 4),
      failed(4, 'dana', 4),
    ],
    incidents: [],
  },
  {
    name: 'attempts exactly 15 minutes apart are in one window',
    timeline: [failed(0, 'dana', 10), failed(15, 'dana', 10)],
    incidents: [{ group: dana, events: [0, 1], measure: 20 }],
  },
  {
    name: 'control: attempts 15 minutes and a second apart are not',
    timeline: [failed(0, 'dana', 10), failed(15 + 1 / 60, 'dana', 10)],
    incidents: [],
  },
  {
    name: 'control: 21 attempts spread so that no 15 minutes hold 20',
    timeline: [failed(0, 'dana', 7), failed(10, 'dana', 7), failed(20, 'dana', 7)],
    incidents: [],
  },
  {
    name: 'control: two users',
    timeline: [failed(0, 'dana', 10), failed(1, 'erin', 10)],
    incidents: [],
  },
  {
    name: 'control: one user name in two call centers',
    timeline: [failed(0, 'dana', 10), failed(1, 'dana', 10, { callcenter: 'globex' })],
    incidents: [],
  },
  {
    name: 'control: successful logins are not attempts',
    timeline: [failed(0, 'dana', 10), successfulLogin(1, 'dana'), failed(2, 'dana', 9)],
    incidents: [],
  },
  {
    name: 'user names are compared trimmed and in lower case',
    timeline: [failed(0, 'Dana', 10), failed(1, ' dana ', 10)],
    incidents: [{ group: dana, events: [0, 1], measure: 20 }],
  },
  {
    name: 'attempts in another call center are an incident of their own',
    timeline: [failed(0, 'dana', 20), failed(1, 'dana', 20, { callcenter: 'globex' })],
    incidents: [
      { group: dana, events: [0], measure: 20 },
      { group: dana, events: [1], measure: 20, callcenter: 'globex' },
    ],
  },
  {
    name: 'the incident stays open while attempts keep coming within the window: one incident',
    timeline: [
      failed(0, 'dana', 4),
      failed(2, 'dana', 4),
      failed(4, 'dana', 4),
      failed(6, 'dana', 4),
      failed(8, 'dana', 4),
      failed(14, 'dana', 1),
      failed(20, 'dana', 1),
      failed(26, 'dana', 1),
    ],
    incidents: [{ group: dana, events: [0, 1, 2, 3, 4, 5, 6, 7], measure: 20 }],
  },
  {
    name: 'after a quiet window a new incident begins',
    timeline: [
      ...[0, 1, 2, 3, 4].map((at) => failed(at, 'dana', 4)),
      ...[20, 21, 22, 23, 24].map((at) => failed(at, 'dana', 4)),
    ],
    incidents: [
      { group: dana, events: [0, 1, 2, 3, 4], measure: 20 },
      { group: dana, events: [5, 6, 7, 8, 9], measure: 20 },
    ],
  },
  {
    name: 'a late attempt still joins its window',
    timeline: [
      failed(0, 'dana', 4),
      failed(2, 'dana', 4),
      failed(4, 'dana', 4),
      failed(6, 'dana', 4),
      failed(8, 'dana', 4),
      failed(20, 'dana', 1),
    ],
    late: 0,
    incidents: [{ group: dana, events: [0, 1, 2, 3, 4, 5], measure: 20 }],
  },
  {
    name: 'a larger count crosses at once',
    timeline: [failed(0, 'dana', 25)],
    incidents: [{ group: dana, events: [0], measure: 25 }],
  },
]);
