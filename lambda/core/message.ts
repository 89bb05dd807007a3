// One SQS message body -> a normalised, classified event, or a malformed verdict with a reason
// a person can act on. Never throws: every string has an answer.
import type { z } from 'zod';
import type { DetectionSettings } from '../../contract/config';
import { type EventPair, isKnownPair } from '../../contract/pairs';
import {
  type Envelope,
  envelopeFastPath,
  envelopeSchema,
  LONE_SURROGATE,
  LONE_SURROGATE_PROBLEM,
  MAX_BODY_BYTES,
  MAY_HOLD_LONE_SURROGATE,
  PAIR_FIELDS,
  PAIR_PARAMS,
  paramsFastPath,
  unstorableParam,
} from './event-schema';
import { eventId } from './keys';
import type { Classification, NormalisedEvent, SecurityEvent } from './model';
import { classify } from './severity';
import { normaliseTimestamp, TimestampError } from './timestamp';

export type MessageVerdict =
  | {
      readonly kind: 'event';
      readonly normalised: NormalisedEvent;
      readonly classification: Classification;
    }
  | {
      readonly kind: 'malformed';
      /** For the quarantine item: what is wrong, with the offending value. */
      readonly reason: string;
      /**
       * For logs: what is wrong, without any value from the message and without any name the
       * sender chose (an extra param's name is given by position, `params[3]`).
       */
      readonly problem: string;
    };

const malformed = (reason: string, problem = reason): MessageVerdict => ({
  kind: 'malformed',
  reason,
  problem,
});

/** A short, single-line rendering of an offending value for a reason text. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length <= 40) return text;
  // Never cut between the halves of a surrogate pair: a lone half is not storable.
  const end = /[\ud800-\udbff]/.test(text.charAt(36)) ? 36 : 37;
  return `${text.slice(0, end)}...`;
}

/** Names the code wrote (envelope fields, documented params): the only names logs may carry. */
const CODE_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(envelopeSchema.shape),
  ...Object.values(PAIR_FIELDS).flatMap((fields) => fields.map(([name]) => name)),
]);

/** A validation path for logs: any other name becomes its position among its siblings. */
export function logPath(root: unknown, path: readonly PropertyKey[]): string {
  let text = '';
  for (const [depth, step] of path.entries()) {
    if (typeof step === 'number') {
      text += `[${step}]`;
    } else if (typeof step === 'string' && CODE_NAMES.has(step)) {
      text += text === '' ? step : `.${step}`;
    } else {
      const parent = valueAt(root, path.slice(0, depth));
      const position =
        parent !== null && typeof parent === 'object'
          ? Object.keys(parent).indexOf(String(step))
          : -1;
      text += `[${position}]`;
    }
  }
  return text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function issueVerdict(
  error: z.ZodError,
  input: unknown,
  prefix: readonly string[],
): MessageVerdict {
  const issue = error.issues[0];
  if (!issue) return malformed('invalid');
  const path = [...prefix, ...issue.path.map(String)];
  const value = valueAt(input, issue.path);
  const got = value === undefined ? 'missing' : `got ${describe(value)}`;
  const named = `${path.join('.') || 'message'}: ${issue.message}`;
  const where = [prefix.join('.'), logPath(input, issue.path)].filter(Boolean).join('.');
  return malformed(`${named}, ${got}`, `${where || 'message'}: ${issue.message}`);
}

/** Classifies a raw SQS message body. */
export function classifyMessage(body: string, config: DetectionSettings): MessageVerdict {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short bodies need no byte count.
  const bytes = body.length * 3 <= MAX_BODY_BYTES ? 0 : Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_BODY_BYTES) {
    return malformed(`message: ${bytes} bytes, larger than the ${MAX_BODY_BYTES}-byte limit`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return malformed('message: not valid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return malformed(
      `message: expected a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`,
    );
  }
  // Plain checks accept almost every message; the schema runs only to explain a rejection.
  let envelope: Envelope | undefined = envelopeFastPath(json as Record<string, unknown>);
  if (!envelope) {
    const parsed = envelopeSchema.safeParse(json);
    if (!parsed.success) return issueVerdict(parsed.error, json, []);
    envelope = parsed.data;
  }
  const { timestamp, type, event, callcenter } = envelope;
  const mayHoldSurrogates = MAY_HOLD_LONE_SURROGATE.test(body);
  if (mayHoldSurrogates) {
    for (const [name, value] of Object.entries({ timestamp, type, event, callcenter })) {
      if (LONE_SURROGATE.test(value)) return malformed(`${name}: ${LONE_SURROGATE_PROBLEM}`);
    }
  }
  let time: string;
  try {
    time = normaliseTimestamp(timestamp);
  } catch (error) {
    if (!(error instanceof TimestampError)) throw error;
    return malformed(
      `timestamp: ${error.message}, got ${describe(timestamp)}`,
      'timestamp: invalid',
    );
  }
  const pair: EventPair = `${type}/${event}`;
  const recognised = isKnownPair(pair);
  // Checked on the params as parsed from JSON: schema parsing would silently drop a `__proto__`
  // key, and the stored event must be the event that was sent.
  const unstorable = unstorableParam(
    (json as { params: unknown }).params,
    'params',
    mayHoldSurrogates,
  );
  if (unstorable) return malformed(unstorable.reason, unstorable.problem);
  let params: Record<string, unknown> = envelope.params;
  if (isKnownPair(pair)) {
    const fast = paramsFastPath(pair, params);
    if (fast) {
      params = fast;
    } else {
      const parsed = PAIR_PARAMS[pair].safeParse(params);
      if (!parsed.success) return issueVerdict(parsed.error, params, ['params']);
      params = parsed.data;
    }
  }
  const securityEvent: SecurityEvent = { timestamp, type, event, callcenter, params };
  const normalised: NormalisedEvent = {
    event: securityEvent,
    pair,
    recognised,
    time,
    id: eventId(time, type, event, callcenter, params),
  };
  return {
    kind: 'event',
    normalised,
    classification: classify(securityEvent, pair, recognised, config),
  };
}
