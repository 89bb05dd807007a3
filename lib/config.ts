// The deployment's one typed configuration: read from the CDK context key `voiso-sec` in bin/,
// validated here with messages that name the offending key, then passed down as props.
// lib/ never imports lambda/, so the detection settings are checked here at least as strictly as
// the ingest function checks them at cold start (test/contract.test.ts keeps the two in step):
// a setting only the function rejects would deploy and then fail every invocation.
import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { PIPELINE_DEFAULTS, visibilityTimeoutFor } from './pipeline-defaults';

/** The CDK context key that holds the configuration object. */
export const CONFIG_CONTEXT_KEY = 'voiso-sec';

export const SEVERITY_NAMES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

/** SNS message attributes every alert carries; the only keys a filter policy may use. */
export const ALERT_ATTRIBUTE_NAMES = ['severity', 'type', 'event', 'callcenter', 'rule'] as const;

/** Log retention values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

export class InvalidConfigurationError extends Error {
  override name = 'InvalidConfigurationError';
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid "${CONFIG_CONTEXT_KEY}" configuration in CDK context:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

const PAIR = /^[^/\s]+\/[^/\s]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** A prefix length written plainly: no sign, no leading zero, no spaces. */
const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

/**
 * The grammar the ingest function's parseCidr accepts (lambda/core/ip.ts), rewritten here because
 * lib/ never imports lambda/; test/contract.test.ts holds the two to the same answers. node:net
 * does the address grammar, so `:::::` or nine IPv6 groups fail as they do at cold start.
 */
const addressVersion = (value: string): 4 | 6 | undefined => {
  // Zone ids (`fe80::1%eth0`) mean nothing in a rule or an IAM condition.
  if (value.includes('%')) return undefined;
  if (isIPv4(value)) return 4;
  if (isIPv6(value)) return 6;
  return undefined;
};

const isCidr = (value: string): boolean => {
  const slash = value.indexOf('/');
  if (slash === -1) return false;
  const version = addressVersion(value.slice(0, slash));
  const prefix = value.slice(slash + 1);
  if (version === undefined || !PREFIX.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
};

/** A suppression's range may also be one address, which the function reads as a /32 or /128. */
const isAddressOrCidr = (value: string): boolean =>
  value.includes('/') ? isCidr(value) : addressVersion(value) !== undefined;

/** The ingest function's limits for names and reasons (lambda/core/detection-config.ts). */
const MAX_NAME_LENGTH = 256;
const MAX_REASON_LENGTH = 1024;

/**
 * Lambda allows 4 KB for all environment variables together; the ARNs, table name and the other
 * settings take well under 1 KB, so DETECTION_CONFIG gets the rest. Beyond it the deploy fails.
 */
export const MAX_DETECTION_CONFIG_BYTES = 3_000;

const severity = z.enum(SEVERITY_NAMES);
const cidr = z.string().refine(isCidr, { message: 'must be a CIDR range such as 203.0.113.0/24' });
const name = z.string().min(1).max(MAX_NAME_LENGTH);
const attributeFilter = z.partialRecord(
  z.enum(ALERT_ATTRIBUTE_NAMES),
  z.array(z.string().min(1)).min(1),
);

const suppression = z
  .strictObject({
    id: name,
    reason: z.string().max(MAX_REASON_LENGTH).optional(),
    callcenter: name.optional(),
    user: name.optional(),
    actor: name.optional(),
    ipRange: z
      .string()
      .refine(isAddressOrCidr, {
        message: 'must be an IP address or a CIDR range such as 203.0.113.0/24',
      })
      .optional(),
    pair: z.string().regex(PAIR, 'must be "type/event"').optional(),
  })
  .refine(
    (s) => [s.callcenter, s.user, s.actor, s.ipRange, s.pair].some((field) => field !== undefined),
    {
      message:
        'needs at least one of callcenter, user, actor, ipRange, pair (else it silences everything)',
    },
  );

const emailSubscription = z.union([
  z.string().regex(EMAIL, 'must be an e-mail address'),
  z.strictObject({
    address: z.string().regex(EMAIL, 'must be an e-mail address'),
    /** SNS filter policy over the alert attributes, e.g. `{ "callcenter": ["acme"] }`. */
    filter: attributeFilter.optional(),
  }),
]);

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const schema = z.strictObject({
  alertThreshold: severity.default(PIPELINE_DEFAULTS.alertThreshold),
  severityOverrides: z
    .record(z.string(), severity)
    .default({})
    .refine((overrides) => Object.keys(overrides).every((key) => PAIR.test(key)), {
      message: 'keys must be "type/event" pairs, e.g. "app_login/successful_login"',
    }),
  suppressions: z
    .array(suppression)
    .default([])
    .refine((list) => new Set(list.map((s) => s.id)).size === list.length, {
      message: 'suppression ids must be unique',
    }),
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
      topics: z
        .array(z.enum(['alerts', 'critical']))
        .min(1)
        .default(['alerts']),
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
  voisoKeySerial: int(1, 1_000_000).default(1),
  voisoSourceIpRanges: z.array(cidr).default([]),
  silenceHours: int(1, 24).default(6),
  maxMessageAgeMinutes: int(1, 1440).default(15),
});

export type VoisoSecConfig = z.output<typeof schema>;
export type EmailSubscription = VoisoSecConfig['email']['alerts'][number];
export type Suppression = VoisoSecConfig['suppressions'][number];

/** The part of the configuration the ingest function receives as DETECTION_CONFIG. */
export interface DetectionSettings {
  readonly alertThreshold: SeverityName;
  readonly severityOverrides: Readonly<Record<string, SeverityName>>;
  readonly suppressions: readonly Suppression[];
}

export const detectionSettings = (config: VoisoSecConfig): DetectionSettings => ({
  alertThreshold: config.alertThreshold,
  severityOverrides: config.severityOverrides,
  suppressions: config.suppressions,
});

/**
 * Validates the raw context value (an object, or a JSON string when passed with `-c`) and fills
 * in defaults. Throws InvalidConfigurationError listing every problem at once.
 */
export function parseConfig(raw: unknown): VoisoSecConfig {
  let value = raw ?? {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new InvalidConfigurationError(['the value is a string but not valid JSON']);
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidConfigurationError(
      result.error.issues.map((issue) => {
        const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
        return `${where}: ${issue.message}`;
      }),
    );
  }
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
  if (problems.length > 0) throw new InvalidConfigurationError(problems);
  return config;
}
