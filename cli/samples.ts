import type { EventPair } from '../contract/pairs';

// One realistic event per documented (type, event) pair, for `send --sample`. Values use
// reserved example domains and documentation IP ranges.

const SAMPLE_PARAMS: Readonly<Record<string, Record<string, unknown>>> = {
  'app_login/incorrect_password': {
    user: 'maria.lopez@example.com',
    access_group: 'admin',
    count: '4',
  },
  'app_login/deleted_user': { user: 'former.agent@example.com', access_group: 'supervisor' },
  'app_login/successful_login': { user: 'john.smith@example.com', access_group: 'supervisor' },
  'app_login/unauthorized_ip': {
    user: 'john.smith@example.com',
    access_group: 'supervisor',
    ip: '198.51.100.23',
  },
  'app_login/ip_changed': {
    user: 'john.smith@example.com',
    access_group: 'supervisor',
    from: '203.0.113.10',
    to: '198.51.100.77',
  },
  'user/user_added': {
    who: 'maria.lopez@example.com',
    user: 'new.agent@example.com',
    access_group: 'agent',
  },
  'user/user_deleted': {
    who: 'maria.lopez@example.com',
    user: 'old.agent@example.com',
    access_group: 'agent',
  },
  'user/password_changed': {
    who: 'john.smith@example.com',
    user: 'john.smith@example.com',
    access_group: 'supervisor',
  },
  'user/privileges_updated': {
    who: 'maria.lopez@example.com',
    user: 'john.smith@example.com',
    from: 'agent',
    to: 'supervisor',
  },
  'allowed_ip/ip_added': {
    who: 'maria.lopez@example.com',
    access_group: 'supervisor',
    ip: '203.0.113.0/24',
  },
  'allowed_ip/ip_removed': {
    who: 'maria.lopez@example.com',
    access_group: 'supervisor',
    ip: '192.0.2.0/24',
  },
  'allowed_ip/ip_changed': {
    who: 'maria.lopez@example.com',
    access_group: 'supervisor',
    from: '203.0.113.0/24',
    to: '203.0.113.0/25',
  },
};

export const SAMPLE_PAIRS = Object.keys(SAMPLE_PARAMS) as EventPair[];

/** Sample message bodies for `all` or one pair, stamped with the given time. */
export function sampleBodies(which: string, now: Date, callcenter = 'acme'): string[] {
  const pairs = which === 'all' ? SAMPLE_PAIRS : SAMPLE_PAIRS.filter((pair) => pair === which);
  return pairs.map((pair, index) => {
    const [type, event] = pair.split('/');
    // Distinct timestamps keep samples from being the same event when sent in one go.
    const timestamp = new Date(now.getTime() + index).toISOString();
    return JSON.stringify({ timestamp, type, event, callcenter, params: SAMPLE_PARAMS[pair] });
  });
}
