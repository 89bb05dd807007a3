// The detections, each a small module on one of the four shapes: which events it looks at, how
// it groups them, what an event contributes, and how its group's observations are judged.
// Names are compared as Voiso's casing may vary (trimmed, lower case), like suppressions do.
import type { DetectionId } from '../../../contract/detections';
import { cidrOf, rangeContains } from '../ip';
import type { Detection, DetectionEvent, GroupObservation, Observation, Tuning } from './model';
import { aThenB, countInWindow, distinctInWindow, firstSeen } from './shapes';

const DAY_MS = 86_400_000;

const text = (event: DetectionEvent, name: string): string | undefined => {
  const value = event.params[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
};
const name = (value: string): string => value.trim().toLowerCase();
const isAdmin = (value: string | undefined): boolean =>
  value !== undefined && name(value) === 'admin';

/** The observation every detection starts from. */
const base = (event: DetectionEvent): Observation => ({
  id: event.id,
  t: event.time,
  n: event.timeText,
  ...(event.suppressed && { s: 1 as const }),
});

const userGroup = (user: string) => `user:${name(user)}`;
const actorGroup = (actor: string) => `actor:${name(actor)}`;

/** An event's observation in the group of one person named by `param`. */
function byPerson(
  event: DetectionEvent,
  param: 'user' | 'who',
  observation: Observation,
  group: (person: string) => string = userGroup,
): GroupObservation[] {
  const person = text(event, param);
  return person === undefined ? [] : [{ group: group(person), observation }];
}

const windowRetain = (tuning: Tuning) => 2 * tuning.windowMs;

const bruteForce: Detection = {
  id: 'brute-force',
  shape: 'count-in-window',
  groupedBy: 'user',
  observe: (e) => {
    if (e.pair !== 'app_login/incorrect_password') return [];
    const count = e.params.count;
    const weight = typeof count === 'number' && count > 0 ? count : 1;
    return byPerson(e, 'user', { ...base(e), ...(weight !== 1 && { w: weight }) });
  },
  evaluate: countInWindow,
  retainMs: windowRetain,
};

const bruteForceSucceeded: Detection = {
  id: 'brute-force-succeeded',
  shape: 'a-then-b',
  groupedBy: 'user',
  observe: (e) => {
    if (e.pair === 'app_login/incorrect_password') {
      return byPerson(e, 'user', { ...base(e), r: 'a' });
    }
    if (e.pair === 'app_login/successful_login') {
      return byPerson(e, 'user', { ...base(e), r: 'b' });
    }
    return [];
  },
  evaluate: (observations, tuning) => aThenB(observations, tuning),
  retainMs: windowRetain,
};

const passwordSpray: Detection = {
  id: 'password-spray',
  shape: 'distinct-in-window',
  groupedBy: 'call center',
  observe: (e) => {
    const user = text(e, 'user');
    if (e.pair !== 'app_login/incorrect_password' || user === undefined) return [];
    return [{ group: 'callcenter', observation: { ...base(e), v: name(user) } }];
  },
  evaluate: distinctInWindow,
  retainMs: windowRetain,
};

const repeatedDeletedUser: Detection = {
  id: 'repeated-deleted-user',
  shape: 'count-in-window',
  groupedBy: 'user',
  observe: (e) => (e.pair === 'app_login/deleted_user' ? byPerson(e, 'user', base(e)) : []),
  evaluate: countInWindow,
  retainMs: windowRetain,
};

const MASS_CHANGE_PAIRS = ['user/user_deleted', 'user/user_added', 'user/privileges_updated'];

const massChange: Detection = {
  id: 'mass-change',
  shape: 'count-in-window',
  groupedBy: 'actor and kind of change',
  // Each kind is counted on its own: five deletions, or five additions, or five privilege changes.
  observe: (e) =>
    MASS_CHANGE_PAIRS.includes(e.pair)
      ? byPerson(
          e,
          'who',
          { ...base(e), ...(text(e, 'user') !== undefined && { v: text(e, 'user') }) },
          (who) => `${actorGroup(who)}|${e.pair}`,
        )
      : [],
  evaluate: countInWindow,
  retainMs: windowRetain,
};

const PERIMETER_PAIRS = ['allowed_ip/ip_added', 'allowed_ip/ip_changed'];

const escalationThenPerimeter: Detection = {
  id: 'escalation-then-perimeter',
  shape: 'a-then-b',
  groupedBy: 'person',
  observe: (e) => {
    if (e.pair === 'user/privileges_updated' && isAdmin(text(e, 'to'))) {
      // The promoted user and the promoter are both watched; one group when they are the same.
      const people = new Set(
        [text(e, 'user'), text(e, 'who')].flatMap((p) => (p ? [name(p)] : [])),
      );
      return [...people].map((person) => ({
        group: userGroup(person),
        observation: { ...base(e), r: 'a' as const },
      }));
    }
    if (PERIMETER_PAIRS.includes(e.pair)) return byPerson(e, 'who', { ...base(e), r: 'b' });
    return [];
  },
  evaluate: (observations, tuning) => aThenB(observations, tuning),
  retainMs: windowRetain,
};

/** The range an allow-list event introduces: `ip` when added, `to` when changed. */
const introducedRange = (e: DetectionEvent): string | undefined =>
  e.pair === 'allowed_ip/ip_added' ? text(e, 'ip') : text(e, 'to');

const refusedIpAllowed: Detection = {
  id: 'refused-ip-allowed',
  shape: 'a-then-b',
  groupedBy: 'call center',
  observe: (e) => {
    if (e.pair === 'app_login/unauthorized_ip') {
      const ip = text(e, 'ip');
      return ip === undefined
        ? []
        : [{ group: 'callcenter', observation: { ...base(e), r: 'a', v: ip } }];
    }
    if (PERIMETER_PAIRS.includes(e.pair)) {
      const range = introducedRange(e);
      return range === undefined
        ? []
        : [{ group: 'callcenter', observation: { ...base(e), r: 'b', v: range } }];
    }
    return [];
  },
  evaluate: (observations, tuning) =>
    aThenB(observations, tuning, (refused, allowed) => {
      const range = allowed.v === undefined ? undefined : cidrOf(allowed.v);
      return range !== undefined && refused.v !== undefined && rangeContains(range, refused.v);
    }),
  retainMs: windowRetain,
};

const shortLivedAccount: Detection = {
  id: 'short-lived-account',
  shape: 'a-then-b',
  groupedBy: 'user',
  observe: (e) => {
    if (e.pair === 'user/user_added') return byPerson(e, 'user', { ...base(e), r: 'a' });
    if (e.pair === 'user/user_deleted') return byPerson(e, 'user', { ...base(e), r: 'b' });
    return [];
  },
  evaluate: (observations, tuning) => aThenB(observations, tuning),
  retainMs: windowRetain,
};

const newSource: Detection = {
  id: 'new-source',
  shape: 'first-seen',
  groupedBy: 'user',
  // Only source changes teach the baseline: a refused login (unauthorized_ip) never does, so an
  // attacker's failed attempts cannot make their address "known".
  observe: (e) => {
    const to = text(e, 'to');
    if (e.pair !== 'app_login/ip_changed' || to === undefined) return [];
    const from = text(e, 'from');
    return byPerson(e, 'user', {
      ...base(e),
      v: to,
      ...(from !== undefined && { f: from }),
      ...(isAdmin(text(e, 'access_group')) && { x: 1 as const }),
    });
  },
  evaluate: (observations, tuning, history) =>
    firstSeen(observations, tuning, history.since, tuning.threshold * DAY_MS, history.knownFrom),
  // Two windows, like the others: a late change (up to a window behind the newest) still has the
  // whole window before it to be judged against.
  retainMs: windowRetain,
};

export const DETECTION_CATALOGUE: Readonly<Record<DetectionId, Detection>> = {
  'brute-force': bruteForce,
  'brute-force-succeeded': bruteForceSucceeded,
  'password-spray': passwordSpray,
  'repeated-deleted-user': repeatedDeletedUser,
  'mass-change': massChange,
  'escalation-then-perimeter': escalationThenPerimeter,
  'refused-ip-allowed': refusedIpAllowed,
  'short-lived-account': shortLivedAccount,
  'new-source': newSource,
};
