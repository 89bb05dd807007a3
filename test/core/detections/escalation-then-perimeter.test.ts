// escalation-then-perimeter: privileges_updated to admin, then allowed_ip/ip_added or
// allowed_ip/ip_changed by the promoted user or by the promoter within an hour.
import {
  privilegesUpdated as promoted,
  rangeAdded,
  rangeChanged,
  rangeRemoved,
} from '../../../lambda/testing/timeline';
import { detectionTable } from './detection-table';

const mallory = 'user:mallory';
const helpdesk = 'user:helpdesk';
const range = '198.51.100.0/24';

detectionTable('escalation-then-perimeter', [
  {
    name: 'the promoted user adds a range 20 minutes later',
    timeline: [promoted(0, 'helpdesk', 'mallory', 'admin'), rangeAdded(20, 'mallory', range)],
    incidents: [{ group: mallory, events: [0, 1] }],
  },
  {
    name: 'the promoter changes a range 30 minutes later',
    timeline: [
      promoted(0, 'helpdesk', 'mallory', 'admin'),
      rangeChanged(30, 'helpdesk', '10.0.0.0/8', range),
    ],
    incidents: [{ group: helpdesk, events: [0, 1] }],
  },
  {
    name: 'both widen the perimeter: one incident for the promoted user, one for the promoter',
    timeline: [
      promoted(0, 'helpdesk', 'mallory', 'admin'),
      rangeAdded(10, 'mallory', range),
      rangeAdded(20, 'helpdesk', '192.0.2.0/24'),
    ],
    incidents: [
      { group: helpdesk, events: [0, 2] },
      { group: mallory, events: [0, 1] },
    ],
  },
  {
    name: 'a self-promotion is one person: one incident',
    timeline: [promoted(0, 'mallory', 'mallory', 'admin'), rangeAdded(10, 'mallory', range)],
    incidents: [{ group: mallory, events: [0, 1] }],
  },
  {
    name: 'a range added exactly an hour later',
    timeline: [promoted(0, 'helpdesk', 'mallory', 'admin'), rangeAdded(60, 'mallory', range)],
    incidents: [{ group: mallory, events: [0, 1] }],
  },
  {
    name: 'the access group is compared trimmed and in lower case',
    timeline: [promoted(0, 'helpdesk', 'mallory', ' Admin '), rangeAdded(5, 'mallory', range)],
    incidents: [{ group: mallory, events: [0, 1] }],
  },
  {
    name: 'control: promotion to supervisor',
    timeline: [promoted(0, 'helpdesk', 'mallory', 'supervisor'), rangeAdded(20, 'mallory', range)],
    incidents: [],
  },
  {
    name: 'control: a demotion from admin',
    timeline: [
      promoted(0, 'helpdesk', 'mallory', 'agent', { from: 'admin' }),
      rangeAdded(20, 'mallory', range),
    ],
    incidents: [],
  },
  {
    name: 'control: the range added before the promotion',
    timeline: [rangeAdded(0, 'mallory', range), promoted(20, 'helpdesk', 'mallory', 'admin')],
    incidents: [],
  },
  {
    name: 'control: the range added an hour and a minute later',
    timeline: [promoted(0, 'helpdesk', 'mallory', 'admin'), rangeAdded(61, 'mallory', range)],
    incidents: [],
  },
  {
    name: 'control: someone else adds a range',
    timeline: [promoted(0, 'helpdesk', 'mallory', 'admin'), rangeAdded(20, 'it', range)],
    incidents: [],
  },
  {
    name: 'control: removing a range does not widen the perimeter',
    timeline: [promoted(0, 'helpdesk', 'mallory', 'admin'), rangeRemoved(20, 'mallory', range)],
    incidents: [],
  },
  {
    name: 'control: the range added in another call center',
    timeline: [
      promoted(0, 'helpdesk', 'mallory', 'admin'),
      rangeAdded(20, 'mallory', range, { callcenter: 'globex' }),
    ],
    incidents: [],
  },
  {
    name: 'a late promotion still joins its window',
    timeline: [
      promoted(0, 'helpdesk', 'mallory', 'admin'),
      rangeAdded(30, 'mallory', range),
      rangeAdded(70, 'mallory', '192.0.2.0/24'),
    ],
    late: 0,
    incidents: [{ group: mallory, events: [0, 1] }],
  },
]);
