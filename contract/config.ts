// The deployment's one typed configuration, the CDK context key `voiso-sec`: read in bin/,
// checked here, passed down as props. Its detection part (threshold, overrides, suppressions)
// reaches the ingest function as DETECTION_CONFIG and is checked at cold start by the same
// schema, so a setting synth accepts is a setting the function accepts.
import { z } from 'zod';
import { ALERT_ATTRIBUTE_NAMES, ALERT_TOPICS, TOPIC_NAMES } from './alerts';
import {
  DEFAULT_FOLDING_WINDOW_MINUTES,
  DETECTION_IDS,
  DETECTIONS,
  type DetectionId,
  isDetectionId,
} from './detections';
import { hasHostBits, isCidr, networkText, parseCidr } from './ip';
import { closestKnownPair, type EventPair, isKnownPair, PAIR_PATTERN } from './pairs';
import { PIPELINE_DEFAULTS, visibilityTimeoutFor } from './pipeline-defaults';
import { SEVERITIES, type Severity } from './severity';
import { DEFAULT_SEVERITY_INDEX_FROM, INDEX_UPGRADE_STEPS } from './table';

/** The CDK context key that holds the configuration object. */
export const CONFIG_CONTEXT_KEY = 'voiso-sec';

/** A configuration that cannot be used; `problems` name the offending keys. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
  constructor(
    readonly what: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Log retention values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** What SNS takes as an e-mail endpoint, roughly: something@domain.tld, no spaces. */
export const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Names and reasons: what fits an index key and a log line. */
export const MAX_NAME_LENGTH = 256;
export const MAX_REASON_LENGTH = 1024;

/**
 * Lambda allows 4 KB for all environment variables together; the ARNs, table name and the other
 * settings take well under 1 KB, so DETECTION_CONFIG gets the rest. Beyond it the deploy fails.
 */
export const MAX_DETECTION_CONFIG_BYTES = 3_000;

const severity = z.enum(SEVERITIES);
const name = z.string().min(1).max(MAX_NAME_LENGTH);
const pair = z
  .string()
  .regex(PAIR_PATTERN, 'must be "type/event", e.g. "app_login/successful_login"')
  .transform((value) => value as EventPair);

const suppression = z
  .strictObject({
    id: name,
    reason: z.string().max(MAX_REASON_LENGTH).optional(),
    callcenter: name.optional(),
    /** Matches `params.user`, the user an event is about (case-insensitive). */
    user: name.optional(),
    /** Matches `params.who`, the user who acted (case-insensitive). */
    actor: name.optional(),
    /**
     * An address or CIDR range: every address or range the event introduces (`ip`, `to`) must
     * lie inside it (lambda/core/severity.ts). Written as its network address, so that what the
     * reader sees is what it covers.
     */
    ipRange: z
      .string()
      .superRefine((value, ctx) => {
        const range = parseCidr(value);
        if (range === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be an IP address or a CIDR range such as 203.0.113.0/24',
          });
        } else if (hasHostBits(range)) {
          ctx.addIssue({
            code: 'custom',
            message: `${value} has bits set past its /${range.prefix} prefix and covers ${networkText(range)}; write that (or a longer prefix)`,
          });
        }
      })
      .optional(),
    pair: pair.optional(),
  })
  .refine(
    (s) => [s.callcenter, s.user, s.actor, s.ipRange, s.pair].some((field) => field !== undefined),
    {
      message:
        'needs at least one of callcenter, user, actor, ipRange, pair (else it silences everything)',
    },
  );

/** One detection's tuning; anything not given keeps the default of contract/detections.ts. */
const detectionTuning = z.strictObject({
  enabled: z.boolean().optional(),
  windowMinutes: z.number().int().min(1).max(129_600).optional(),
  threshold: z.number().int().min(1).max(1_000_000).optional(),
  severity: severity.optional(),
});

const detectionsSchema = z
  .record(z.string(), detectionTuning)
  .superRefine((tunings, ctx) => {
    for (const [id, tuning] of Object.entries(tunings)) {
      if (!isDetectionId(id)) {
        ctx.addIssue({
          code: 'custom',
          path: [id],
          message: `unknown detection; known: ${DETECTION_IDS.join(', ')}`,
        });
      } else if (tuning.threshold !== undefined && !('threshold' in DETECTIONS[id])) {
        ctx.addIssue({
          code: 'custom',
          path: [id, 'threshold'],
          message: 'this detection fires on a sequence of events and has no threshold',
        });
      }
    }
  })
  .transform(
    (tunings) => tunings as Partial<Record<DetectionId, z.output<typeof detectionTuning>>>,
  );

/** The fields of DETECTION_CONFIG, shared by both schemas below. */
const detectionFields = {
  /** Per-detection tuning by id: enabled, windowMinutes, threshold, severity. */
  detections: detectionsSchema.default({}),
  /** Repeats of one rule in one call center within this many minutes fold into one summary; 0 = off. */
  foldingWindowMinutes: z.number().int().min(0).max(1440).default(DEFAULT_FOLDING_WINDOW_MINUTES),
  alertThreshold: severity.default(PIPELINE_DEFAULTS.alertThreshold),
  severityOverrides: z
    .record(z.string(), severity)
    .superRefine((overrides, ctx) => {
      for (const key of Object.keys(overrides)) {
        if (!PAIR_PATTERN.test(key)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'keys must be "type/event" pairs, e.g. "app_login/successful_login"',
          });
        }
      }
    })
    .transform((overrides) => overrides as Record<EventPair, Severity>)
    .default({}),
  suppressions: z
    .array(suppression)
    .default([])
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((s, index) => {
        if (seen.has(s.id)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `duplicate suppression id "${s.id}"`,
          });
        }
        seen.add(s.id);
      });
    }),
};

const detectionSettingsSchema = z.strictObject(detectionFields);

const attributeFilter = z.partialRecord(
  z.enum(ALERT_ATTRIBUTE_NAMES),
  z.array(z.string().min(1)).min(1),
);

const emailSubscription = z.union([
  z.string().regex(EMAIL_ADDRESS, 'must be an e-mail address'),
  z.strictObject({
    address: z.string().regex(EMAIL_ADDRESS, 'must be an e-mail address'),
    /** SNS filter policy over the alert attributes, e.g. `{ "callcenter": ["acme"] }`. */
    filter: attributeFilter.optional(),
  }),
]);

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * An IAM role, user or account root of any partition, as IAM policies match `aws:PrincipalArn`:
 * roles with their path (`role/aws-reserved/sso.amazonaws.com/...`), `*` and `?` as wildcards.
 */
export const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(role|user)\/[\w+=,.@\-/*?]+)$/;
const principalArns = z
  .array(
    z
      .string()
      .regex(
        PRINCIPAL_ARN,
        'must be an IAM role or user ARN, e.g. arn:aws:iam::123456789012:role/Admin (include the role path; * may stand for any characters)',
      ),
  )
  .default([]);

/** How long the dead-letter queue keeps a message (SQS's maximum). */
export const DEAD_LETTER_RETENTION_DAYS = 14;

/** The Slack notifier's default reserved concurrency: it posts to one webhook. */
export const SLACK_RESERVED_CONCURRENCY = 2;

const configSchema = z.strictObject({
  ...detectionFields,
  retentionDays: int(0, 36_500).default(PIPELINE_DEFAULTS.retentionDays),
  logRetentionDays: z
    .number()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(90),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  batchSize: int(1, 10_000).default(PIPELINE_DEFAULTS.batchSize),
  maxBatchingWindowSeconds: int(0, 300).default(PIPELINE_DEFAULTS.maxBatchingWindowSeconds),
  maxConcurrency: int(2, 1000).default(PIPELINE_DEFAULTS.maxConcurrency),
  maxReceiveCount: int(1, 1000).default(PIPELINE_DEFAULTS.maxReceiveCount),
  functionTimeoutSeconds: int(5, 900).default(PIPELINE_DEFAULTS.functionTimeoutSeconds),
  functionMemoryMb: int(128, 10_240).default(256),
  /**
   * KMS keys the stack creates ($1 a month each): one for the events queue, one for the table
   * and the dead-letter queue, one for the three topics. Without it the alert topics use SNS's
   * AWS-managed key and the ops topic (which CloudWatch alarms cannot reach under that key) is
   * not encrypted at rest.
   */
  customerManagedKey: z.boolean().default(false),
  email: z
    .strictObject({
      alerts: z.array(emailSubscription).default([]),
      critical: z.array(emailSubscription).default([]),
      ops: z.array(emailSubscription).default([]),
    })
    .default({ alerts: [], critical: [], ops: [] }),
  slack: z
    .strictObject({
      webhookSecret: z.string().min(1),
      topics: z.array(z.enum(ALERT_TOPICS)).min(1).default(['alerts']),
      /**
       * Most concurrent posts. Throttled invocations are retried by Lambda for up to 6 hours.
       * `false` reserves none (an account still at the 10-execution quota cannot reserve any).
       */
      reservedConcurrency: z
        .union([int(1, 100), z.literal(false)])
        .default(SLACK_RESERVED_CONCURRENCY),
    })
    .optional(),
  chatbot: z
    .strictObject({
      slackWorkspaceId: z
        .string()
        .regex(/^[A-Z0-9]+$/, 'must be a Slack workspace id like T0123ABCD'),
      slackChannelId: z.string().regex(/^[A-Z0-9]+$/, 'must be a Slack channel id like C0123ABCD'),
      // Chatbot renders AWS service notifications (alarms), not our alert JSON.
      topics: z
        .array(
          z.literal('ops', {
            error:
              'Chatbot can only carry the ops topic (it cannot render alert messages); send alerts to Slack with the Slack notifier ("slack": { "webhookSecret": ... })',
          }),
        )
        .min(1)
        .default(['ops']),
    })
    .optional(),
  /** Topics someone subscribes to outside this stack; they get no "no subscriber" warning. */
  externalSubscribers: z.array(z.enum(TOPIC_NAMES)).default([]),
  voisoKeySerial: int(1, 1_000_000).default(1),
  /** Sets the previous key slot's access key Inactive (the emergency procedure's last step). */
  deactivatePreviousVoisoKey: z.boolean().default(false),
  voisoSourceIpRanges: z
    .array(z.string().refine(isCidr, { message: 'must be a CIDR range such as 203.0.113.0/24' }))
    .default([]),
  /** Denies sqs:SendMessage on the events queue to everyone but Voiso's users and `administrators`. */
  restrictSendersToVoiso: z.boolean().default(false),
  /** The account's administrators of this deployment: may read Voiso's secret, and send/redrive. */
  administrators: principalArns,
  /** Other principals that may read Voiso's secret (e.g. an automation that hands it to Voiso). */
  secretReaders: principalArns,
  silenceHours: int(1, 24).default(6),
  maxMessageAgeMinutes: int(1, 1440).default(15),
  /** Alarm when the oldest dead-lettered message is this old, well before it expires. */
  deadLetterAlarmAgeDays: int(1, DEAD_LETTER_RETENTION_DAYS - 1).default(3),
  /**
   * Events of the high-volume pairs (a successful login) are in the pair-and-severity index only
   * from this severity up; below it a query for them reads the call centers' partitions.
   */
  severityIndexFrom: severity.default(DEFAULT_SEVERITY_INDEX_FROM),
  /**
   * A table deployed before the pair-and-severity index moves to it one index per deployment:
   * the step its indexes are at (contract/table.ts INDEX_UPGRADE_STEPS). Absent: a table created
   * with this layout.
   */
  indexUpgradeStep: int(0, INDEX_UPGRADE_STEPS.length).optional(),
  /**
   * The CloudWatch dashboard ($3 a month beyond an account's first three), and with it the
   * custom metrics only it reads. Off by default: the alarms watch the pipeline without it.
   */
  dashboard: z.boolean().default(false),
  /**
   * X-Ray active tracing of the functions ($5 per million traces beyond 100,000 a month; at a
   * trickle nearly every invocation is one). Off by default: logs and metrics still record every
   * invocation.
   */
  tracing: z.boolean().default(false),
  /** A daily AWS Backup of the events table into a locked vault. @default - no backup plan */
  backup: z
    .strictObject({
      /** Days each daily recovery point is kept; the vault lock's minimum retention too. */
      retentionDays: int(1, 36_500).default(365),
      /**
       * `governance`: the lock can be removed by principals allowed to. `compliance`: after a
       * 3-day grace period nobody, not even the account root, can shorten or delete it.
       */
      vaultLock: z.enum(['governance', 'compliance']).default('governance'),
    })
    .optional(),
});

export type VoisoSecConfig = z.output<typeof configSchema>;
export type EmailSubscription = VoisoSecConfig['email']['alerts'][number];
export type Suppression = VoisoSecConfig['suppressions'][number];
/** The detection part of the configuration, as DETECTION_CONFIG carries it. */
export type DetectionSettings = z.output<typeof detectionSettingsSchema>;

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = detectionSettingsSchema.parse({});

export const detectionSettings = (config: VoisoSecConfig): DetectionSettings => ({
  detections: config.detections,
  foldingWindowMinutes: config.foldingWindowMinutes,
  alertThreshold: config.alertThreshold,
  severityOverrides: config.severityOverrides,
  suppressions: config.suppressions,
});

/**
 * Where in the configuration a problem is, the one notation every message uses (synth, the
 * CLI, the function's cold start): `suppressions.0.pair`, or `(top level)` for the whole value.
 */
export const configPath = (path: readonly PropertyKey[]): string =>
  path.length > 0 ? path.map(String).join('.') : '(top level)';

const problemsOf = (error: z.ZodError): string[] =>
  error.issues.map((issue) => `${configPath(issue.path)}: ${issue.message}`);

/** A context value may be an object, or a JSON string when passed with `-c`. */
function fromJsonText(what: string, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw ?? {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new ConfigurationError(what, [
      `${configPath([])}: the value is a string but not valid JSON`,
    ]);
  }
}

const CONTEXT = `"${CONFIG_CONTEXT_KEY}" configuration`;

/** Validates the raw context value and fills in defaults; every problem is named at once. */
export function parseConfig(raw: unknown): VoisoSecConfig {
  const result = configSchema.safeParse(fromJsonText(CONTEXT, raw));
  if (!result.success) throw new ConfigurationError(CONTEXT, problemsOf(result.error));
  const config = result.data;
  const problems: string[] = [];
  if (config.batchSize > 10 && config.maxBatchingWindowSeconds < 1) {
    problems.push('maxBatchingWindowSeconds: must be at least 1 when batchSize is above 10');
  }
  if (
    visibilityTimeoutFor(config.functionTimeoutSeconds, config.maxBatchingWindowSeconds) > 43_200
  ) {
    problems.push('functionTimeoutSeconds: 6x the timeout must fit the 12-hour visibility timeout');
  }
  const detectionBytes = Buffer.byteLength(JSON.stringify(detectionSettings(config)));
  if (detectionBytes > MAX_DETECTION_CONFIG_BYTES) {
    problems.push(
      `suppressions: the detection settings take ${detectionBytes} bytes as DETECTION_CONFIG; Lambda's 4 KB environment leaves room for ${MAX_DETECTION_CONFIG_BYTES}: shorten reasons or merge suppressions`,
    );
  }
  if (problems.length > 0) throw new ConfigurationError(CONTEXT, problems);
  return config;
}

/** Validates detection settings (DETECTION_CONFIG, or a --detection-config file). */
export function parseDetectionSettings(raw: unknown): DetectionSettings {
  const what = 'detection configuration';
  const result = detectionSettingsSchema.safeParse(fromJsonText(what, raw));
  if (!result.success) throw new ConfigurationError(what, problemsOf(result.error));
  return result.data;
}

/**
 * Settings that are valid but probably not what was meant: a pair that is not one of the 12
 * documented ones (`app_login/successfull_login`) silently matches nothing. Not an error, since
 * a pair Voiso adds tomorrow may be configured ahead of time; synth and the CLI print these.
 */
export function configurationWarnings(
  config: Pick<DetectionSettings, 'severityOverrides' | 'suppressions'>,
): string[] {
  const unknown = (path: readonly PropertyKey[], pair: string) => {
    const suggestion = closestKnownPair(pair);
    return (
      `${configPath(path)}: "${pair}" is not one of the documented Voiso events, so it applies ` +
      `only if Voiso starts sending it${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}`
    );
  };
  const warnings: string[] = [];
  for (const pair of Object.keys(config.severityOverrides)) {
    if (!isKnownPair(pair)) warnings.push(unknown(['severityOverrides', pair], pair));
  }
  config.suppressions.forEach((suppression, index) => {
    if (suppression.pair !== undefined && !isKnownPair(suppression.pair)) {
      warnings.push(unknown(['suppressions', index, 'pair'], suppression.pair));
    }
  });
  return warnings;
}
