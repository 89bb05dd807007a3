// Validation of Voiso messages: the envelope, then the params of each of the 12 documented
// (type, event) pairs. Extra params are allowed and kept (Voiso may add fields); the known ones
// must have the documented shape. Everything stored must also be storable in DynamoDB.
import { z } from 'zod';
import { ipVersion, parseCidr } from '../../contract/ip';
import { KNOWN_PAIRS, type KnownPair } from '../../contract/pairs';

/**
 * Largest body (UTF-8 bytes) stored as an event. Voiso events are a few hundred bytes; a larger
 * body, up to the queue's MAX_MESSAGE_BYTES (256 KiB), is quarantined whole. The limit bounds
 * what one event costs: its item is written to the table and to each of the four indexes that
 * project every attribute, and stays far below DynamoDB's 400 KB (test/core/item-size.test.ts).
 */
export const MAX_BODY_BYTES = 64 * 1024;
/** Envelope fields and known params: call center and user names, e-mails, groups. */
export const MAX_FIELD_LENGTH = 256;
/** Any other string inside params. */
export const MAX_EXTRA_STRING_LENGTH = 4096;
/** Nesting depth of extra params (DynamoDB allows 32; nothing legitimate comes close). */
export const MAX_PARAMS_DEPTH = 16;

const text = z
  .string({ error: 'expected a non-empty string' })
  .min(1, 'expected a non-empty string')
  .max(MAX_FIELD_LENGTH, `longer than ${MAX_FIELD_LENGTH} characters`);

const COUNT_ERROR = 'expected a non-negative integer';
const count = z.union(
  [
    z.number().int(COUNT_ERROR).nonnegative(COUNT_ERROR).max(Number.MAX_SAFE_INTEGER, COUNT_ERROR),
    // Voiso's examples send the count as a string ("4"); it is stored as a number.
    z
      .string()
      .regex(/^[0-9]{1,15}$/)
      .transform(Number),
  ],
  { error: COUNT_ERROR },
);

const ip = z
  .string({ error: 'expected an IPv4 or IPv6 address' })
  .refine((value) => ipVersion(value) !== undefined, 'expected an IPv4 or IPv6 address');

const cidr = z
  .string({ error: 'expected an IP address or CIDR range' })
  .refine((value) => parseCidr(value) !== undefined, 'expected an IP address or CIDR range');

/** The kinds of documented param, each with its schema (the specification) and its plain check. */
const PARAM_SCHEMAS = { text, count, ip, cidr } as const;
type ParamKind = keyof typeof PARAM_SCHEMAS;
type Field = readonly [name: string, kind: ParamKind];

const user: readonly Field[] = [
  ['user', 'text'],
  ['access_group', 'text'],
];
const actor: Field = ['who', 'text'];

/**
 * The documented params of each pair, in order: the one table both the zod schemas and the
 * plain fast path below are built from, so the two cannot drift apart.
 */
export const PAIR_FIELDS = {
  'app_login/incorrect_password': [...user, ['count', 'count']],
  'app_login/deleted_user': user,
  'app_login/successful_login': user,
  'app_login/unauthorized_ip': [...user, ['ip', 'ip']],
  'app_login/ip_changed': [...user, ['from', 'ip'], ['to', 'ip']],
  'user/user_added': [actor, ...user],
  'user/user_deleted': [actor, ...user],
  'user/password_changed': [actor, ...user],
  'user/privileges_updated': [actor, ['user', 'text'], ['from', 'text'], ['to', 'text']],
  'allowed_ip/ip_added': [actor, ['access_group', 'text'], ['ip', 'cidr']],
  'allowed_ip/ip_removed': [actor, ['access_group', 'text'], ['ip', 'cidr']],
  'allowed_ip/ip_changed': [actor, ['access_group', 'text'], ['from', 'cidr'], ['to', 'cidr']],
} as const satisfies Record<KnownPair, readonly Field[]>;

const pairSchema = (fields: readonly Field[]) =>
  z.object(Object.fromEntries(fields.map(([name, kind]) => [name, PARAM_SCHEMAS[kind]]))).loose();

/** Params schema of each documented pair; `.loose()` keeps undocumented extra params. */
export const PAIR_PARAMS = {} as Record<KnownPair, ReturnType<typeof pairSchema>>;
for (const pair of KNOWN_PAIRS) PAIR_PARAMS[pair] = pairSchema(PAIR_FIELDS[pair]);

/** A documented param's plain check: the value as PAIR_PARAMS returns it, or undefined. */
type ParamCheck = (value: unknown) => unknown;

const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= MAX_FIELD_LENGTH;

const COUNT_TEXT = /^[0-9]{1,15}$/;

const PLAIN_CHECKS = {
  text: (value) => (isText(value) ? value : undefined),
  count: (value) => {
    if (typeof value === 'number')
      return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
    return typeof value === 'string' && COUNT_TEXT.test(value) ? Number(value) : undefined;
  },
  ip: (value) => (typeof value === 'string' && ipVersion(value) !== undefined ? value : undefined),
  cidr: (value) =>
    typeof value === 'string' && parseCidr(value) !== undefined ? value : undefined,
} as const satisfies Record<ParamKind, ParamCheck>;

/**
 * A documented pair's params checked without zod: zod's object parse allocates enough per event
 * to be a large share of the handler's CPU. Returns what PAIR_PARAMS[pair] would return (count
 * as a number, documented params first in schema order, then the extra params in their order),
 * or undefined when anything is off, and then the schema runs to decide and explain. Whatever
 * this accepts, the schema accepts with the same result (property-tested in test/core).
 */
export function paramsFastPath(
  pair: KnownPair,
  params: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  const parsed: Record<string, unknown> = {};
  for (const [name, kind] of PAIR_FIELDS[pair]) {
    const value = PLAIN_CHECKS[kind](params[name]);
    if (value === undefined) return undefined;
    parsed[name] = value;
  }
  for (const key of Object.keys(params)) {
    // Assigning `__proto__` would replace the prototype; leave such objects to the schema.
    if (key === '__proto__') return undefined;
    if (!Object.hasOwn(parsed, key)) parsed[key] = params[key];
  }
  return parsed;
}

export const envelopeSchema = z.object({
  timestamp: z
    .string({ error: 'expected an ISO-8601 string' })
    .max(64, 'longer than 64 characters'),
  type: text,
  event: text,
  callcenter: text,
  // A plain check, not z.record: the params are validated per pair below, and copying every
  // key here first would double the work on the hot path.
  params: z.custom<Record<string, unknown>>(
    (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
    { error: 'expected an object' },
  ),
});

export type Envelope = z.output<typeof envelopeSchema>;

/**
 * The envelope checked with plain typeof and length tests, which is what almost every message
 * needs: undefined when any check fails, and then envelopeSchema runs to produce the reason.
 * Accepts exactly what envelopeSchema accepts and returns the same fields (property-tested in
 * test/core/event-schema.test.ts); the schema stays the specification.
 */
export function envelopeFastPath(json: Readonly<Record<string, unknown>>): Envelope | undefined {
  const { timestamp, type, event, callcenter, params } = json;
  if (typeof timestamp !== 'string' || timestamp.length > 64) return undefined;
  if (!isText(type) || !isText(event) || !isText(callcenter)) return undefined;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return undefined;
  return { timestamp, type, event, callcenter, params: params as Record<string, unknown> };
}

// DynamoDB numbers: 38 significant digits, magnitude 1E-130 .. 9.99E+125.
const storableNumber = (n: number): boolean =>
  Number.isFinite(n) && (n === 0 || (Math.abs(n) < 1e125 && Math.abs(n) > 1e-129));

/**
 * Whether a string holds a lone UTF-16 surrogate (`"\ud800"` in JSON parses to one). With the
 * `u` flag, `\p{Cs}` matches a surrogate only when it is not half of a pair.
 *
 * DynamoDB cannot hold one, so such a message is quarantined rather than written. The evidence:
 * DynamoDB's item-size rules ("Strings are Unicode with UTF-8 binary encoding", developer guide,
 * CapacityUnitCalculations.html) and the String attribute type ("Up to 400KiB of UTF-8 encoded
 * text", CDK AttributeType) store strings as UTF-8, and attribute names "must be encoded using
 * UTF-8" (HowItWorks.NamingRulesDataTypes.html); a lone surrogate has no UTF-8 form (Unicode FAQ
 * UTF-16/UTF-8; RFC 8259 section 8.2; TC39's well-formed JSON.stringify proposal). The SDK does
 * not stop it: its JSON serializer is JSON.stringify, which since ES2019 writes it as the ASCII
 * escape `\ud800`, so the request reaches DynamoDB, whose only choices are to refuse the write
 * (a permanent 400: the record would fail every delivery and dead-letter) or to store another
 * string than the one sent (an audit record that differs from the event). No stored
 * documentation says which; both are wrong for an audit trail, so the core refuses first. The
 * local emulator cannot show it: dynalite accepts lone surrogates and returns them unchanged.
 */
export const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Whether a raw body could hold a lone surrogate once parsed: a `\uD800`-`\uDFFF` escape, or a
 * raw one (only from a direct invocation: SQS accepts valid Unicode only). The gate keeps the
 * per-string check off the path of almost every message.
 */
export const MAY_HOLD_LONE_SURROGATE = /\\u[dD][89a-fA-F]|\p{Cs}/u;

/** One step into params: an object key (with its position) or an array index. */
type PathStep = { readonly key: string; readonly position: number } | number;

/** What is wrong with a value inside params, and where. */
export interface Unstorable {
  /** For the quarantine item: the path with its property names. */
  readonly reason: string;
  /**
   * For logs: property names the sender chose are replaced by their position (`params[3]`);
   * only the documented param names, which the code wrote, are kept.
   */
  readonly problem: string;
}

/** Documented param names (any pair): code-written, so they may appear in logs. */
const DOCUMENTED_PARAM_NAMES: ReadonlySet<string> = new Set(
  Object.values(PAIR_FIELDS).flatMap((fields) => fields.map(([name]) => name)),
);

function pathText(root: string, steps: readonly PathStep[], named: boolean): string {
  let text = root;
  for (const [depth, step] of steps.entries()) {
    if (typeof step === 'number') text += `[${step}]`;
    else if (named || (depth === 0 && DOCUMENTED_PARAM_NAMES.has(step.key))) text += `.${step.key}`;
    else text += `[${step.position}]`;
  }
  return text;
}

interface Finding {
  readonly message: string;
  /** Filled in while the search unwinds: paths are built only for the value that failed. */
  readonly steps: PathStep[];
}

function findUnstorable(value: unknown, surrogates: boolean, depth: number): Finding | undefined {
  if (depth > MAX_PARAMS_DEPTH) {
    return { message: `nested deeper than ${MAX_PARAMS_DEPTH} levels`, steps: [] };
  }
  if (typeof value === 'string') {
    if (value.length > MAX_EXTRA_STRING_LENGTH) {
      return { message: `longer than ${MAX_EXTRA_STRING_LENGTH} characters`, steps: [] };
    }
    if (surrogates && LONE_SURROGATE.test(value)) {
      return { message: LONE_SURROGATE_PROBLEM, steps: [] };
    }
    return undefined;
  }
  if (typeof value === 'number') {
    return storableNumber(value) ? undefined : { message: 'number out of range', steps: [] };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorable(item, surrogates, depth + 1);
      if (found) {
        found.steps.unshift(index);
        return found;
      }
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    let position = 0;
    for (const [key, item] of Object.entries(value)) {
      const name = nameProblem(key, surrogates);
      const found = name
        ? { message: name, steps: [] }
        : findUnstorable(item, surrogates, depth + 1);
      if (found) {
        if (!name) found.steps.unshift({ key, position });
        return found;
      }
      position++;
    }
  }
  return undefined;
}

/** What DynamoDB would refuse in a map key; the key itself is never part of the answer. */
function nameProblem(key: string, surrogates: boolean): string | undefined {
  if (key.length === 0) return 'empty property name';
  if (key === '__proto__') return 'property name __proto__ is not allowed';
  if (key.length > MAX_FIELD_LENGTH) return 'property name too long';
  if (surrogates && LONE_SURROGATE.test(key)) return `property name ${LONE_SURROGATE_PROBLEM}`;
  return undefined;
}

/** The problem text for a lone surrogate (no value in it: the reason adds none either). */
export const LONE_SURROGATE_PROBLEM =
  'contains a lone UTF-16 surrogate, which DynamoDB cannot store as UTF-8';

/**
 * Finds the first value inside params that DynamoDB could not store, or that is too large:
 * a reason with its path for the quarantine item, a problem without sender-chosen names for
 * logs. `surrogates` turns on the lone-surrogate check (see MAY_HOLD_LONE_SURROGATE).
 */
export function unstorableParam(
  value: unknown,
  root: string,
  surrogates = true,
): Unstorable | undefined {
  const found = findUnstorable(value, surrogates, 0);
  if (!found) return undefined;
  return {
    reason: `${pathText(root, found.steps, true)}: ${found.message}`,
    problem: `${pathText(root, found.steps, false)}: ${found.message}`,
  };
}
