// A seeded, realistic mix of Voiso security-event messages for the benchmark, the soak and the
// fuzzer. Each message carries what the SPEC says should happen to it (an independent oracle,
// not the product's own classifier), so the checkers can tell a wrong answer from a right one.
//
// Run alone to get a JSONL file: `npx tsx bench/generate.ts --count 1000 --seed 7 > mix.jsonl`.

import type { Severity } from '../contract/severity';
import { type Random, seededRandom } from './support/random';

export type MessageKind = 'event' | 'duplicate' | 'unrecognised' | 'malformed';

export interface GeneratedMessage {
  /** The SQS message body, sent verbatim. */
  readonly body: string;
  readonly kind: MessageKind;
  /** `type/event` for events, duplicates and unrecognised events. */
  readonly pair?: string;
  /** Severity the SPEC's default rules give (events and duplicates of events only). */
  readonly expectedSeverity?: Severity;
  /**
   * Identity of the event's content: the same for a duplicate and its original, different for
   * any two distinct events (timestamps are unique within one generated mix).
   */
  readonly contentKey?: string;
  /** Index of the message this one repeats (duplicates only). */
  readonly duplicateOf?: number;
  /** What is wrong with a malformed body, in the generator's words. */
  readonly defect?: string;
}

export interface MixOptions {
  readonly count: number;
  readonly seed: number;
  /** Share of messages that repeat an earlier event (exactly or re-serialised). @default 0.02 */
  readonly duplicateShare?: number;
  /** Share of malformed bodies. @default 0.01 */
  readonly malformedShare?: number;
  /** Share of well-formed events of a kind Voiso does not document (yet). @default 0.005 */
  readonly unrecognisedShare?: number;
  /** Allow bodies over 64 KiB among the malformed ones (slow to push through emulators). @default true */
  readonly oversized?: boolean;
}

const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
/** True when a severity is at or above the default alert threshold (`high`). */
export const isAlertWorthy = (severity: Severity | undefined): boolean =>
  severity !== undefined && SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf('high');

const CALLCENTERS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'north#east', '100%cc'];
const FIRST = ['ana', 'ben', 'chen', 'dara', 'eli', 'fatima', 'gus', 'hana', 'ivan', 'jo', 'kim'];
const LAST = ['smith', 'ng', 'okafor', 'rossi', 'tanaka', 'weber', 'silva', 'khan', 'moreau'];
const NON_ADMIN = ['agent', 'supervisor'];

interface Shape {
  readonly type: string;
  readonly event: string;
  readonly severity: Severity;
  readonly params: (r: Random, cc: string) => Record<string, unknown>;
}

const user = (r: Random, cc: string): string =>
  `${r.pick(FIRST)}.${r.pick(LAST)}${r.int(1, 30)}@${cc.replace(/[^a-z]/g, '')}.example.com`;
const ipv4 = (r: Random): string =>
  `${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
const ipv6 = (r: Random): string =>
  `2001:db8:${r.int(0, 0xffff).toString(16)}::${r.int(1, 0xffff).toString(16)}`;
const anyIp = (r: Random): string => (r.chance(0.9) ? ipv4(r) : ipv6(r));
// Narrow ranges stay clear of the /16 and /48 boundaries so the oracle never sits on an edge.
const narrowRange = (r: Random): string =>
  r.chance(0.85) ? `${ipv4(r)}/${r.pick([24, 28, 32])}` : `${ipv6(r)}/${r.pick([56, 64, 128])}`;
const wideRange = (r: Random): string =>
  r.chance(0.85) ? `${r.int(1, 223)}.0.0.0/${r.pick([8, 12])}` : `2001:db8::/${r.pick([32, 40])}`;

/** The documented pairs, split where the SPEC's escalations change the severity. Weights per 1,000. */
const SHAPES: readonly (readonly [Shape, number])[] = [
  [
    {
      type: 'app_login',
      event: 'successful_login',
      severity: 'info',
      params: (r, cc) => ({ user: user(r, cc), access_group: r.pick([...NON_ADMIN, 'admin']) }),
    },
    650,
  ],
  [
    {
      type: 'app_login',
      event: 'ip_changed',
      severity: 'medium',
      params: (r, cc) => ({
        user: user(r, cc),
        access_group: r.pick(NON_ADMIN),
        from: anyIp(r),
        to: anyIp(r),
      }),
    },
    60,
  ],
  [
    {
      type: 'app_login',
      event: 'ip_changed',
      severity: 'high',
      params: (r, cc) => ({ user: user(r, cc), access_group: 'admin', from: ipv4(r), to: ipv4(r) }),
    },
    5,
  ],
  [
    {
      type: 'user',
      event: 'password_changed',
      severity: 'low',
      params: (r, cc) => {
        const who = user(r, cc);
        return { who, user: who, access_group: r.pick([...NON_ADMIN, 'admin']) };
      },
    },
    80,
  ],
  [
    {
      type: 'user',
      event: 'password_changed',
      severity: 'medium',
      params: (r, cc) => ({
        who: `admin.${r.int(1, 9)}@example.com`,
        user: user(r, cc),
        access_group: r.pick(NON_ADMIN),
      }),
    },
    20,
  ],
  [
    {
      type: 'user',
      event: 'password_changed',
      severity: 'high',
      params: (r, cc) => ({
        who: `helpdesk.${r.int(1, 9)}@example.com`,
        user: user(r, cc),
        access_group: 'admin',
      }),
    },
    5,
  ],
  [
    {
      type: 'user',
      event: 'user_added',
      severity: 'medium',
      params: (r, cc) => ({ who: user(r, cc), user: user(r, cc), access_group: r.pick(NON_ADMIN) }),
    },
    40,
  ],
  [
    {
      type: 'user',
      event: 'user_added',
      severity: 'high',
      params: (r, cc) => ({ who: user(r, cc), user: user(r, cc), access_group: 'admin' }),
    },
    4,
  ],
  [
    {
      type: 'user',
      event: 'user_deleted',
      severity: 'medium',
      params: (r, cc) => ({ who: user(r, cc), user: user(r, cc), access_group: r.pick(NON_ADMIN) }),
    },
    30,
  ],
  [
    {
      type: 'user',
      event: 'user_deleted',
      severity: 'high',
      params: (r, cc) => ({ who: user(r, cc), user: user(r, cc), access_group: 'admin' }),
    },
    3,
  ],
  [
    {
      type: 'allowed_ip',
      event: 'ip_removed',
      severity: 'medium',
      params: (r, cc) => ({
        who: user(r, cc),
        access_group: r.pick([...NON_ADMIN, 'admin']),
        ip: narrowRange(r),
      }),
    },
    15,
  ],
  [
    {
      type: 'app_login',
      event: 'incorrect_password',
      severity: 'high',
      params: (r, cc) => ({
        user: user(r, cc),
        access_group: r.pick(NON_ADMIN),
        count: String(r.int(4, 8)),
      }),
    },
    40,
  ],
  [
    {
      type: 'app_login',
      event: 'incorrect_password',
      severity: 'critical',
      params: (r, cc) =>
        r.chance(0.5)
          ? { user: user(r, cc), access_group: 'admin', count: String(r.int(4, 8)) }
          : { user: user(r, cc), access_group: r.pick(NON_ADMIN), count: String(r.int(12, 40)) },
    },
    8,
  ],
  [
    {
      type: 'app_login',
      event: 'deleted_user',
      severity: 'high',
      params: (r, cc) => ({ user: user(r, cc), access_group: r.pick(NON_ADMIN) }),
    },
    10,
  ],
  [
    {
      type: 'app_login',
      event: 'unauthorized_ip',
      severity: 'high',
      params: (r, cc) => ({ user: user(r, cc), access_group: r.pick(NON_ADMIN), ip: anyIp(r) }),
    },
    15,
  ],
  [
    {
      type: 'app_login',
      event: 'unauthorized_ip',
      severity: 'critical',
      params: (r, cc) => ({ user: user(r, cc), access_group: 'admin', ip: anyIp(r) }),
    },
    2,
  ],
  [
    {
      type: 'user',
      event: 'privileges_updated',
      severity: 'high',
      params: (r, cc) => ({ who: user(r, cc), user: user(r, cc), from: 'agent', to: 'supervisor' }),
    },
    6,
  ],
  [
    {
      type: 'user',
      event: 'privileges_updated',
      severity: 'critical',
      params: (r, cc) => ({
        who: user(r, cc),
        user: user(r, cc),
        from: r.pick(NON_ADMIN),
        to: 'admin',
      }),
    },
    2,
  ],
  [
    {
      type: 'allowed_ip',
      event: 'ip_added',
      severity: 'high',
      params: (r, cc) => ({ who: user(r, cc), access_group: 'admin', ip: narrowRange(r) }),
    },
    5,
  ],
  [
    {
      type: 'allowed_ip',
      event: 'ip_added',
      severity: 'critical',
      params: (r, cc) => ({ who: user(r, cc), access_group: 'admin', ip: wideRange(r) }),
    },
    1,
  ],
  [
    {
      type: 'allowed_ip',
      event: 'ip_changed',
      severity: 'high',
      params: (r, cc) => ({
        who: user(r, cc),
        access_group: 'admin',
        from: narrowRange(r),
        to: narrowRange(r),
      }),
    },
    3,
  ],
  [
    {
      type: 'allowed_ip',
      event: 'ip_changed',
      severity: 'critical',
      params: (r, cc) => ({
        who: user(r, cc),
        access_group: 'admin',
        from: narrowRange(r),
        to: wideRange(r),
      }),
    },
    1,
  ],
];

/** Every documented (type, event) pair, for completeness checks. */
export const DOCUMENTED_PAIRS: readonly string[] = [
  ...new Set(SHAPES.map(([shape]) => `${shape.type}/${shape.event}`)),
];

const UNRECOGNISED: readonly (readonly [string, string])[] = [
  ['app_login', 'mfa_disabled'],
  ['user', 'api_key_created'],
  ['recording', 'exported'],
];

/**
 * Formats an epoch-millisecond instant with 0 to 9 fraction digits, as Voiso may send it.
 * Digits beyond milliseconds come from `subMillis` (nanoseconds within the millisecond).
 */
function voisoTimestamp(epochMs: number, digits: number, subMillis: number): string {
  const iso = new Date(epochMs).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const whole = iso.slice(0, 19);
  const fraction = `${iso.slice(20, 23)}${String(subMillis).padStart(6, '0')}`.slice(0, digits);
  return digits === 0 ? `${whole}Z` : `${whole}.${fraction}Z`;
}

interface Envelope {
  timestamp: string;
  type: unknown;
  event: unknown;
  callcenter: unknown;
  params: unknown;
}

type Defect = (r: Random, valid: Envelope) => { body: string; defect: string };

const DEFECTS: readonly (readonly [Defect, number])[] = [
  [(_, v) => ({ body: JSON.stringify(v).slice(0, 40), defect: 'truncated JSON' }), 20],
  [() => ({ body: 'hello from a misconfigured sender', defect: 'not JSON' }), 10],
  [(_, v) => ({ body: JSON.stringify([v]), defect: 'array, not an object' }), 5],
  [() => ({ body: 'null', defect: 'JSON null' }), 3],
  [
    (_, v) => ({ body: JSON.stringify({ ...v, callcenter: undefined }), defect: 'no callcenter' }),
    15,
  ],
  [(_, v) => ({ body: JSON.stringify({ ...v, type: 42 }), defect: 'type is a number' }), 10],
  [
    (r, v) => ({
      body: JSON.stringify({ ...v, timestamp: `2025-02-${r.int(30, 31)}T10:00:00Z` }),
      defect: 'timestamp is not a real date',
    }),
    10,
  ],
  [
    (_, v) => ({
      body: JSON.stringify({ ...v, timestamp: 'yesterday' }),
      defect: 'timestamp text',
    }),
    5,
  ],
  [
    (r, v) => ({
      body: JSON.stringify({
        ...v,
        type: 'app_login',
        event: 'incorrect_password',
        params: { user: `x${r.int(1, 99)}@example.com`, access_group: 'agent', count: 'many' },
      }),
      defect: 'count is not a number',
    }),
    10,
  ],
  [
    (_, v) => ({
      body: JSON.stringify({
        ...v,
        type: 'app_login',
        event: 'unauthorized_ip',
        params: { user: 'y@example.com', access_group: 'agent', ip: 'not-an-ip' },
      }),
      defect: 'ip is not an address',
    }),
    10,
  ],
  [
    (_, v) => ({ body: JSON.stringify({ ...v, params: 'none' }), defect: 'params not an object' }),
    5,
  ],
];

const OVERSIZED: Defect = (_, v) => ({
  body: JSON.stringify({ ...v, params: { user: 'z@example.com', note: 'x'.repeat(70 * 1024) } }),
  defect: 'body over 64 KiB',
});

/** Generates `count` messages; the same options always give the same messages. */
export function generateMix(options: MixOptions): GeneratedMessage[] {
  const r = seededRandom(options.seed);
  const duplicateShare = options.duplicateShare ?? 0.02;
  const malformedShare = options.malformedShare ?? 0.01;
  const unrecognisedShare = options.unrecognisedShare ?? 0.005;
  const messages: GeneratedMessage[] = [];
  const eventIndexes: number[] = [];
  let clock = Date.UTC(2025, 2, 1);

  const nextEnvelope = (type: string, event: string, params: Record<string, unknown>) => {
    // Whole milliseconds advance, so every event's instant (hence timestamp) is unique.
    clock += r.int(1, 2500);
    const digits = r.weighted<number>([
      [3, 50],
      [9, 10],
      [6, 10],
      [2, 10],
      [1, 5],
      [0, 5],
      [4, 5],
      [5, 3],
      [7, 1],
      [8, 1],
    ]);
    // Truncating to fewer than 3 digits could give two instants the same string; round the
    // clock up to the precision used so it cannot.
    const unit = digits >= 3 ? 1 : 10 ** (3 - digits);
    clock = Math.ceil(clock / unit) * unit;
    const timestamp = voisoTimestamp(clock, digits, r.int(0, 999_999));
    const callcenter = r.weighted(CALLCENTERS.map((cc, i) => [cc, i < 5 ? 10 : 1] as const));
    return { timestamp, type, event, callcenter, params };
  };

  for (let index = 0; index < options.count; index++) {
    const roll = r.next();
    if (roll < duplicateShare && eventIndexes.length > 0) {
      // Repeat one of the last few hundred events: Voiso re-sending, or SQS delivering twice.
      const recent = eventIndexes.slice(-300);
      const originalIndex = r.pick(recent);
      const original = messages[originalIndex];
      if (original === undefined) throw new Error('duplicate of a missing message');
      const body = r.chance(0.5)
        ? original.body
        : reserialise(JSON.parse(original.body) as Record<string, unknown>);
      messages.push({ ...original, body, kind: 'duplicate', duplicateOf: originalIndex });
      continue;
    }
    if (roll < duplicateShare + malformedShare) {
      const cc = r.pick(CALLCENTERS);
      const valid = nextEnvelope('app_login', 'successful_login', {
        user: user(r, cc),
        access_group: 'agent',
      });
      const defect =
        options.oversized !== false && r.chance(0.02) ? OVERSIZED : r.weighted(DEFECTS);
      messages.push({ kind: 'malformed', ...defect(r, valid) });
      continue;
    }
    if (roll < duplicateShare + malformedShare + unrecognisedShare) {
      const [type, event] = r.pick(UNRECOGNISED);
      const envelope = nextEnvelope(type, event, { user: user(r, 'acme') });
      eventIndexes.push(messages.length);
      messages.push({
        kind: 'unrecognised',
        body: JSON.stringify(envelope),
        pair: `${type}/${event}`,
        contentKey: `${envelope.callcenter}|${envelope.timestamp}`,
      });
      continue;
    }
    const shape = r.weighted(SHAPES);
    const cc = r.pick(CALLCENTERS);
    const envelope = nextEnvelope(shape.type, shape.event, shape.params(r, cc));
    eventIndexes.push(messages.length);
    messages.push({
      kind: 'event',
      body: JSON.stringify(envelope),
      pair: `${shape.type}/${shape.event}`,
      expectedSeverity: shape.severity,
      contentKey: `${envelope.callcenter}|${envelope.timestamp}`,
    });
  }
  return messages;
}

/** The same JSON content with another key order and whitespace: a different body, the same event. */
function reserialise(value: Record<string, unknown>): string {
  const reversed = Object.fromEntries(Object.entries(value).reverse());
  return JSON.stringify(reversed, null, 1);
}

/** Counts of a mix by kind and by expected alerting, for one-line summaries. */
export function describeMix(messages: readonly GeneratedMessage[]) {
  const count = (predicate: (m: GeneratedMessage) => boolean) => messages.filter(predicate).length;
  const distinct = messages.filter((m) => m.kind === 'event' || m.kind === 'unrecognised');
  return {
    messages: messages.length,
    distinctEvents: distinct.length,
    duplicates: count((m) => m.kind === 'duplicate'),
    malformed: count((m) => m.kind === 'malformed'),
    unrecognised: count((m) => m.kind === 'unrecognised'),
    alertWorthy: count((m) => m.kind === 'event' && isAlertWorthy(m.expectedSeverity)),
    critical: count((m) => m.kind === 'event' && m.expectedSeverity === 'critical'),
    pairs: new Set(distinct.map((m) => m.pair)).size,
  };
}

function readFlag(argv: readonly string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  const value = at >= 0 ? Number(argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} needs a whole number`);
  return value;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const messages = generateMix({
    count: readFlag(argv, '--count', 1000),
    seed: readFlag(argv, '--seed', 1),
  });
  process.stdout.write(`${messages.map((m) => m.body.replace(/\n/g, ' ')).join('\n')}\n`);
  process.stderr.write(`${JSON.stringify(describeMix(messages))}\n`);
}
