// The deployment's detection settings: alert threshold, per-pair severity overrides and
// suppressions of known-benign sources. Parsed once at cold start; any mistake names its key.
import { z } from 'zod';
import { parseCidr } from './ip';
import { type EventPair, SEVERITIES, type Severity } from './model';

/** A known-benign source. Every field given must match for the suppression to apply. */
export interface Suppression {
  readonly id: string;
  readonly reason?: string;
  readonly callcenter?: string;
  /** Matches `params.user`, the user an event is about. */
  readonly user?: string;
  /** Matches `params.who`, the user who acted. */
  readonly actor?: string;
  /** CIDR; matches when any of `params.ip`, `params.from`, `params.to` lies inside it. */
  readonly ipRange?: string;
  readonly pair?: EventPair;
}

export interface DetectionConfig {
  readonly alertThreshold: Severity;
  readonly severityOverrides: Readonly<Record<EventPair, Severity>>;
  readonly suppressions: readonly Suppression[];
}

export const DEFAULT_DETECTION_CONFIG: DetectionConfig = {
  alertThreshold: 'high',
  severityOverrides: {},
  suppressions: [],
};

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

const PAIR = /^[^/\s]+\/[^/\s]+$/;
const pairSchema = z
  .string()
  .regex(PAIR, 'expected "type/event"')
  .transform((value) => value as EventPair);
const nonEmpty = z.string().min(1).max(256);

const suppressionSchema = z
  .object({
    id: nonEmpty,
    reason: z.string().max(1024).optional(),
    callcenter: nonEmpty.optional(),
    user: nonEmpty.optional(),
    actor: nonEmpty.optional(),
    ipRange: z
      .string()
      .refine((value) => parseCidr(value) !== undefined, 'expected an IP address or CIDR range')
      .optional(),
    pair: pairSchema.optional(),
  })
  .strict()
  .refine(
    (s) => [s.callcenter, s.user, s.actor, s.ipRange, s.pair].some((v) => v !== undefined),
    // A suppression with no matcher would silence every alert: surely a mistake.
    'a suppression needs at least one of callcenter, user, actor, ipRange, pair',
  );

const detectionSchema = z
  .object({
    alertThreshold: z.enum(SEVERITIES).default(DEFAULT_DETECTION_CONFIG.alertThreshold),
    severityOverrides: z.record(pairSchema, z.enum(SEVERITIES)).default({}),
    suppressions: z.array(suppressionSchema).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.suppressions.forEach((s, index) => {
      if (seen.has(s.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['suppressions', index, 'id'],
          message: `duplicate suppression id "${s.id}"`,
        });
      }
      seen.add(s.id);
    });
  });

/** Validates a detection configuration; throws ConfigurationError naming the bad key. */
export function parseDetectionConfig(json: unknown): DetectionConfig {
  const result = detectionSchema.safeParse(json ?? {});
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ConfigurationError(`Invalid detection configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
