// new-source: app_login/ip_changed to an address not seen (as `to` or `from` of an ip_changed)
// for that user in the last 30 days; quiet until the user has 7 days of history; refused logins
// teach it nothing; one level more severe for admins.
import { sourceChanged as changed, DAY, refusedLogin } from '../../../lambda/testing/timeline';
import { detectionTable, WITHOUT_SHUFFLING } from './detection-table';

const sam = 'user:sam';
const home = '192.0.2.10';
const office = '192.0.2.11';
const strange = '198.18.0.66';

detectionTable('new-source', [
  {
    name: 'a change to an address never seen, after 10 days of history',
    timeline: [changed(-10 * DAY, 'sam', home, office), changed(0, 'sam', office, strange)],
    incidents: [{ group: sam, key: strange, events: [1], severity: 'medium' }],
  },
  {
    name: 'an admin: one level more severe',
    timeline: [
      changed(-10 * DAY, 'sam', home, office, { accessGroup: 'admin' }),
      changed(0, 'sam', office, strange, { accessGroup: 'admin' }),
    ],
    incidents: [{ group: sam, key: strange, events: [1], severity: 'high' }],
  },
  {
    name: 'exactly 7 days of history',
    timeline: [changed(-7 * DAY, 'sam', home, office), changed(0, 'sam', office, strange)],
    incidents: [{ group: sam, key: strange, events: [1] }],
  },
  {
    name: 'control: 7 days of history less a minute',
    timeline: [changed(-7 * DAY + 1, 'sam', home, office), changed(0, 'sam', office, strange)],
    incidents: [],
  },
  {
    name: 'control: a refused login 10 days before is no history',
    timeline: [refusedLogin(-10 * DAY, 'sam', home), changed(0, 'sam', office, strange)],
    incidents: [],
  },
  {
    name: 'a refused login from the address does not make it known',
    timeline: [
      changed(-10 * DAY, 'sam', home, office),
      refusedLogin(-DAY, 'sam', strange),
      changed(0, 'sam', office, strange),
    ],
    incidents: [{ group: sam, key: strange, events: [2] }],
  },
  {
    name: 'control: an address the user changed to within 30 days',
    timeline: [
      changed(-10 * DAY, 'sam', home, office),
      changed(-5 * DAY, 'sam', office, strange),
      changed(-2 * DAY, 'sam', strange, office),
      changed(0, 'sam', office, strange),
    ],
    incidents: [],
    // A sighting that arrives after the change it should have explained cannot take back the
    // alert already raised (engine tests); shuffling can deliver it so.
    arrivals: WITHOUT_SHUFFLING,
  },
  {
    name: 'control: an address the user changed from within 30 days',
    timeline: [changed(-10 * DAY, 'sam', strange, office), changed(0, 'sam', office, strange)],
    incidents: [],
  },
  {
    name: 'control: an address seen exactly 30 days before',
    timeline: [changed(-30 * DAY, 'sam', home, strange), changed(0, 'sam', office, strange)],
    incidents: [],
  },
  {
    name: 'an address last seen 31 days before is new again',
    timeline: [changed(-31 * DAY, 'sam', home, strange), changed(0, 'sam', office, strange)],
    incidents: [{ group: sam, key: strange, events: [1] }],
  },
  {
    name: 'two new addresses are two incidents',
    timeline: [
      changed(-10 * DAY, 'sam', home, office),
      changed(0, 'sam', office, strange),
      changed(DAY, 'sam', strange, '198.18.0.67'),
    ],
    incidents: [
      { group: sam, key: strange, events: [1] },
      { group: sam, key: '198.18.0.67', events: [2] },
    ],
  },
  {
    name: "control: another user's history does not count",
    timeline: [changed(-10 * DAY, 'kim', home, office), changed(0, 'sam', office, strange)],
    incidents: [],
  },
  {
    name: 'an address known to another user is still new for this one',
    timeline: [
      changed(-10 * DAY, 'kim', home, strange),
      changed(-10 * DAY, 'sam', home, office),
      changed(0, 'sam', office, strange),
    ],
    incidents: [{ group: sam, key: strange, events: [2] }],
  },
  {
    name: 'control: history in another call center does not count',
    timeline: [
      changed(-10 * DAY, 'sam', home, office, { callcenter: 'globex' }),
      changed(0, 'sam', office, strange),
    ],
    incidents: [],
  },
  {
    name: 'a late change to a new address is still judged',
    timeline: [
      changed(-10 * DAY, 'sam', home, office),
      changed(0, 'sam', office, strange),
      changed(20 * DAY, 'sam', strange, office),
      changed(31 * DAY, 'sam', home, office),
    ],
    late: 1,
    incidents: [{ group: sam, key: strange, events: [1] }],
    // Shuffling can deliver the change at day 31 (to an address last seen at day -10, the day-20
    // change not yet known) first: that alert is raised and stays (engine tests).
    arrivals: WITHOUT_SHUFFLING,
  },
]);
