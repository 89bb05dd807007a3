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

/** Levenshtein distance: insertions, deletions and substitutions each cost one. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The documented pair an unknown one was probably meant to be (`app_login/successfull_login`
 * -> `app_login/successful_login`), or undefined when none is close: a pair Voiso adds later
 * should not be "corrected" into an old one.
 */
export function closestKnownPair(pair: string): KnownPair | undefined {
  let best: { pair: KnownPair; distance: number } | undefined;
  for (const known of KNOWN_PAIRS) {
    const distance = editDistance(pair.toLowerCase(), known);
    if (best === undefined || distance < best.distance) best = { pair: known, distance };
  }
  // A few edits, at most a third of the name: further off is more likely a new pair than a typo.
  return best && best.distance <= Math.min(4, Math.floor(pair.length / 3)) ? best.pair : undefined;
}
