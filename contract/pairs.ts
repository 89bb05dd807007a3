// The identity of an event kind is its (type, event) pair, written `type/event`:
// `app_login/ip_changed` and `allowed_ip/ip_changed` differ. The 12 pairs Voiso documents are
// listed here so that configuration (overrides, suppressions) can be checked against them.

export type EventPair = `${string}/${string}`;

/** `type/event`: one slash, no whitespace, neither part empty. */
export const PAIR_PATTERN = /^[^/\s]+\/[^/\s]+$/;

export const isPair = (value: string): value is EventPair => PAIR_PATTERN.test(value);

export const KNOWN_PAIRS = [
  'app_login/incorrect_password',
  'app_login/deleted_user',
  'app_login/successful_login',
  'app_login/unauthorized_ip',
  'app_login/ip_changed',
  'user/user_added',
  'user/user_deleted',
  'user/password_changed',
  'user/privileges_updated',
  'allowed_ip/ip_added',
  'allowed_ip/ip_removed',
  'allowed_ip/ip_changed',
] as const;

export type KnownPair = (typeof KNOWN_PAIRS)[number];

export const isKnownPair = (pair: string): pair is KnownPair =>
  (KNOWN_PAIRS as readonly string[]).includes(pair);
