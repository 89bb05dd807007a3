// password-spray: incorrect_password for at least 10 distinct users of one call center within
// 10 minutes.
import { failedPassword as failed } from '../../../lambda/testing/timeline';
import { detectionTable } from './detection-table';

const users = Array.from({ length: 12 }, (_, i) => `agent${String(i + 1).padStart(2, '0')}`);
const user = (n: number) => users[n - 1] ?? 'nobody';
const callcenter = 'callcenter';

detectionTable('password-spray', [
  {
    name: 'ten users within 9 minutes',
    timeline: Array.from({ length: 10 }, (_, i) => failed(i, user(i + 1))),
    incidents: [{ group: callcenter, events: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], measure: 10 }],
  },
  {
    name: 'control: nine users, three attempts each',
    timeline: Array.from({ length: 27 }, (_, i) => failed(i / 3, user((i % 9) + 1))),
    incidents: [],
  },
  {
    name: 'ten users exactly 10 minutes from first to last',
    timeline: [
      failed(0, user(1)),
      ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => failed(5, user(n))),
      failed(10, user(10)),
    ],
    incidents: [{ group: callcenter, events: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], measure: 10 }],
  },
  {
    name: 'control: ten users over 11 minutes',
    timeline: [
      failed(0, user(1)),
      ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => failed(5, user(n))),
      failed(11, user(10)),
    ],
    incidents: [],
  },
  {
    name: 'control: one user ten times is one user',
    timeline: Array.from({ length: 10 }, (_, i) => failed(i, 'dana')),
    incidents: [],
  },
  {
    name: 'control: user names differing only in case and spaces are one user',
    timeline: [
      ...Array.from({ length: 9 }, (_, i) => failed(i, user(i + 1))),
      failed(9, ` ${user(1).toUpperCase()} `),
    ],
    incidents: [],
  },
  {
    name: 'control: ten users across two call centers',
    timeline: Array.from({ length: 10 }, (_, i) =>
      failed(i, user(i + 1), 1, { callcenter: i % 2 === 0 ? 'acme' : 'globex' }),
    ),
    incidents: [],
  },
  {
    name: 'the incident stays open while attempts keep coming within the window: one incident',
    timeline: [
      ...Array.from({ length: 10 }, (_, i) => failed(i / 2, user(i + 1))),
      failed(12, user(11)),
    ],
    incidents: [{ group: callcenter, events: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], measure: 10 }],
  },
  {
    name: 'after a quiet window a new incident begins',
    timeline: [
      ...Array.from({ length: 10 }, (_, i) => failed(i / 2, user(i + 1))),
      ...Array.from({ length: 10 }, (_, i) => failed(15 + i / 2, user(i + 1))),
    ],
    incidents: [
      { group: callcenter, events: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], measure: 10 },
      { group: callcenter, events: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], measure: 10 },
    ],
  },
  {
    name: 'a late attempt still joins its window',
    timeline: [
      failed(1, user(10)),
      ...Array.from({ length: 9 }, (_, i) => failed(i + 2, user(i + 1))),
      failed(12, user(2)),
    ],
    late: 0,
    incidents: [{ group: callcenter, events: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], measure: 10 }],
  },
]);
