// refused-ip-allowed: allowed_ip/ip_added (its ip) or allowed_ip/ip_changed (its `to`) whose
// range contains an address refused by app_login/unauthorized_ip in the same call center within
// the previous 24 hours.
import {
  HOUR,
  rangeAdded,
  rangeChanged,
  refusedLogin as refused,
} from '../../../lambda/testing/timeline';
import { detectionTable } from './detection-table';

const callcenter = 'callcenter';
const address = '203.0.113.77';

detectionTable('refused-ip-allowed', [
  {
    name: 'a range containing the refused address, added 5 hours later',
    timeline: [refused(0, 'pat', address), rangeAdded(5 * HOUR, 'pat', '203.0.113.0/25')],
    incidents: [{ group: callcenter, events: [0, 1] }],
  },
  {
    name: 'the refused address itself, added as /32',
    timeline: [refused(0, 'pat', address), rangeAdded(HOUR, 'it', `${address}/32`)],
    incidents: [{ group: callcenter, events: [0, 1] }],
  },
  {
    name: 'an allow-list change whose new range contains it',
    timeline: [refused(0, 'pat', address), rangeChanged(HOUR, 'it', '10.0.0.0/8', '203.0.0.0/16')],
    incidents: [{ group: callcenter, events: [0, 1] }],
  },
  {
    name: 'an IPv6 range containing a refused IPv6 address',
    timeline: [refused(0, 'pat', '2001:db8::5'), rangeAdded(HOUR, 'it', '2001:db8::/64')],
    incidents: [{ group: callcenter, events: [0, 1] }],
  },
  {
    name: 'two refused addresses in the range both form it; a third outside does not',
    timeline: [
      refused(0, 'pat', address),
      refused(HOUR, 'kim', '203.0.113.5'),
      refused(2 * HOUR, 'lee', '198.51.100.9'),
      rangeAdded(3 * HOUR, 'it', '203.0.113.0/24'),
    ],
    incidents: [{ group: callcenter, events: [0, 1, 3] }],
  },
  {
    name: 'a range added exactly 24 hours after the refusal',
    timeline: [refused(0, 'pat', address), rangeAdded(24 * HOUR, 'it', '203.0.113.0/24')],
    incidents: [{ group: callcenter, events: [0, 1] }],
  },
  {
    name: 'control: a range that does not contain the refused address',
    timeline: [refused(0, 'pat', address), rangeAdded(HOUR, 'it', '203.0.113.128/25')],
    incidents: [],
  },
  {
    name: 'control: an allow-list change whose old range (from) contained it and new (to) does not',
    timeline: [
      refused(0, 'pat', address),
      rangeChanged(HOUR, 'it', '203.0.113.0/24', '198.51.100.0/24'),
    ],
    incidents: [],
  },
  {
    name: 'control: a range added 24 hours and a minute after the refusal',
    timeline: [refused(0, 'pat', address), rangeAdded(24 * HOUR + 1, 'it', '203.0.113.0/24')],
    incidents: [],
  },
  {
    name: 'control: the range allowed before the address was refused',
    timeline: [rangeAdded(0, 'it', '203.0.113.0/24'), refused(HOUR, 'pat', address)],
    incidents: [],
  },
  {
    name: 'control: refused in one call center, allowed in another',
    timeline: [
      refused(0, 'pat', address),
      rangeAdded(HOUR, 'it', '203.0.113.0/24', { callcenter: 'globex' }),
    ],
    incidents: [],
  },
  {
    name: 'control: an IPv4 address is not in an IPv6 range',
    timeline: [refused(0, 'pat', address), rangeAdded(HOUR, 'it', '::ffff:0:0/96')],
    incidents: [],
  },
  {
    name: 'a late refusal still joins its window',
    timeline: [
      refused(0, 'pat', address),
      rangeAdded(2 * HOUR, 'pat', '203.0.113.0/24'),
      rangeAdded(25 * HOUR, 'it', '198.51.100.0/24'),
    ],
    late: 0,
    incidents: [{ group: callcenter, events: [0, 1] }],
  },
]);
