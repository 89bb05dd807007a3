// `voiso-sec rules`: the effective rule set for a configuration, as the deployed function would
// apply it: every single-event rule of lambda/core/severity.ts, the overrides that replace a
// pair's rules, every detection with its tuning (resolveTunings, the engine's own), the alert
// threshold, folding and suppressions, and the settings that are probably typos.
import type { DetectionSettings, Suppression } from '../../contract/config';
import { DETECTION_IDS, DETECTIONS, type DetectionDefaults } from '../../contract/detections';
import { isKnownPair } from '../../contract/pairs';
import { type Severity, severityRank } from '../../contract/severity';
import { resolveTunings } from '../../lambda/core/detections/engine';
import { escalate } from '../../lambda/core/detections/shapes';
import {
  DEFAULT_RULES,
  UNRECOGNISED_RULE,
  UNRECOGNISED_SEVERITY,
} from '../../lambda/core/severity';
import { loadDetectionConfiguration } from '../local/ingest-config';
import { plural, printable, renderTable } from '../terminal';

export interface RulesOptions {
  readonly config?: string;
}

export interface RuleView {
  readonly id: string;
  readonly pair: string;
  readonly severity: Severity;
  /** The rule's condition in words (its description). */
  readonly condition: string;
  /** The pair's base rule: fires for every event of the pair. */
  readonly base: boolean;
  /** The params the condition reads. */
  readonly evidence: readonly string[];
  /** `yes` when its severity is at or above the alert threshold; `overridden` when an override replaces the pair's rules (it never fires). */
  readonly alerts: 'yes' | 'no' | 'overridden';
}

export interface DetectionView {
  readonly id: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly windowMinutes: number;
  /** Absent for detections that fire on a sequence. */
  readonly threshold?: number;
  readonly thresholdMeans?: string;
  readonly severity: Severity;
  /** Its incidents are at or above the alert threshold; `admins` when only an admin's are. */
  readonly alerts: 'yes' | 'no' | 'admins';
  /** What differs from the default. */
  readonly tuned: readonly string[];
}

export interface RuleSet {
  readonly configuration: string;
  readonly alertThreshold: Severity;
  readonly foldingWindowMinutes: number;
  readonly rules: readonly RuleView[];
  readonly unrecognised: { readonly rule: string; readonly severity: Severity };
  readonly overrides: readonly {
    readonly pair: string;
    readonly severity: Severity;
    readonly documented: boolean;
  }[];
  readonly detections: readonly DetectionView[];
  readonly suppressions: readonly Suppression[];
  readonly warnings: readonly string[];
}

const atOrAbove = (severity: Severity, threshold: Severity) =>
  severityRank(severity) >= severityRank(threshold);

/** Detections whose incidents are one level more severe when an admin is involved. */
const ESCALATES_FOR_ADMINS: ReadonlySet<string> = new Set(['new-source']);

/** The rule set a configuration gives (pure). */
export function effectiveRules(
  detection: DetectionSettings,
  configuration: string,
  warnings: readonly string[],
): RuleSet {
  const threshold = detection.alertThreshold;
  const tunings = resolveTunings(detection);
  const overridden = (pair: string) => Object.hasOwn(detection.severityOverrides, pair);
  return {
    configuration,
    alertThreshold: threshold,
    foldingWindowMinutes: detection.foldingWindowMinutes,
    rules: DEFAULT_RULES.map((rule) => ({
      id: rule.id,
      pair: rule.pair,
      severity: rule.severity,
      condition: rule.description,
      base: rule.when === undefined,
      evidence: rule.evidence ?? [],
      alerts: overridden(rule.pair)
        ? 'overridden'
        : atOrAbove(rule.severity, threshold)
          ? 'yes'
          : 'no',
    })),
    unrecognised: { rule: UNRECOGNISED_RULE, severity: UNRECOGNISED_SEVERITY },
    overrides: Object.entries(detection.severityOverrides).map(([pair, severity]) => ({
      pair,
      severity,
      documented: isKnownPair(pair),
    })),
    detections: DETECTION_IDS.map((id) => {
      const defaults: DetectionDefaults = DETECTIONS[id];
      const tuning = tunings[id];
      const windowMinutes = tuning.windowMs / 60_000;
      const tuned = [
        !tuning.enabled && 'off',
        windowMinutes !== defaults.windowMinutes &&
          `window (default ${minutesText(defaults.windowMinutes)})`,
        defaults.threshold !== undefined &&
          tuning.threshold !== defaults.threshold &&
          `threshold (default ${defaults.threshold})`,
        tuning.severity !== defaults.severity && `severity (default ${defaults.severity})`,
      ].filter((text): text is string => typeof text === 'string');
      return {
        id,
        description: defaults.description,
        enabled: tuning.enabled,
        windowMinutes,
        ...(defaults.threshold !== undefined && {
          threshold: tuning.threshold,
          thresholdMeans: defaults.thresholdMeans,
        }),
        severity: tuning.severity,
        alerts: !tuning.enabled
          ? 'no'
          : atOrAbove(tuning.severity, threshold)
            ? 'yes'
            : ESCALATES_FOR_ADMINS.has(id) && atOrAbove(escalate(tuning.severity), threshold)
              ? 'admins'
              : 'no',
        tuned,
      };
    }),
    suppressions: detection.suppressions,
    warnings,
  };
}

export function runRules(options: RulesOptions): RuleSet {
  const loaded = loadDetectionConfiguration('--config', options.config);
  return effectiveRules(loaded.detection, loaded.source, loaded.warnings);
}

/** `15 min`, `24 h`, `30 d`. */
export const minutesText = (minutes: number): string =>
  minutes >= 1440 && minutes % 1440 === 0
    ? `${minutes / 1440} d`
    : minutes >= 60 && minutes % 60 === 0
      ? `${minutes / 60} h`
      : `${minutes} min`;

const SUPPRESSION_FIELDS = ['callcenter', 'user', 'actor', 'ipRange', 'pair'] as const;

/** `user=robot@acme.com pair=user/user_deleted`: what a suppression matches. */
export const suppressionFields = (s: Suppression): string =>
  SUPPRESSION_FIELDS.flatMap((field) =>
    s[field] === undefined ? [] : [`${field}=${String(s[field])}`],
  ).join(' ');

export function formatRules(set: RuleSet, width = 120): string {
  const byPair = new Map<string, RuleView[]>();
  for (const rule of set.rules) byPair.set(rule.pair, [...(byPair.get(rule.pair) ?? []), rule]);
  // The condition takes what the other columns leave of the width, wrapping between words.
  const condition = Math.max(30, width - 57);
  const lines = [
    `Configuration: ${printable(set.configuration)}`,
    `Alert threshold: ${set.alertThreshold} (events and incidents at or above it are alerted; critical ones also go to the critical topic)`,
    set.foldingWindowMinutes === 0
      ? 'Folding: off (every alert goes out on its own)'
      : `Folding window: ${minutesText(set.foldingWindowMinutes)} (repeats of one rule in one call center at one severity fold into one summary)`,
    '',
    `Single-event rules (${set.rules.length}, by pair; an event's severity is the highest that fires):`,
    renderTable(
      ['pair / rule', 'severity', 'alerts', 'condition [params it reads]'],
      [...byPair].flatMap(([pair, rules]) => [
        [pair, '', '', ''],
        ...rules.map((r) => [
          `  ${r.id}`,
          r.severity,
          r.alerts,
          r.base ? `${r.condition} (every event)` : `${r.condition} [${r.evidence.join(', ')}]`,
        ]),
      ]),
      { maxWidths: [33, 8, 10, condition], wrap: [false, false, false, true] },
    ),
    `  any other pair: ${set.unrecognised.rule}, ${set.unrecognised.severity} (stored, flagged unrecognised)`,
  ];
  lines.push('', `Overrides (${set.overrides.length}):`);
  if (set.overrides.length === 0) lines.push('  none');
  for (const o of set.overrides) {
    lines.push(
      `  ${printable(o.pair)} -> ${o.severity}: replaces the pair's rules (rule override:${printable(o.pair)})` +
        (o.documented ? '' : ' (not a documented Voiso event)'),
    );
  }
  const tuned = Math.min(
    30,
    Math.max('tuned'.length, ...set.detections.map((d) => d.tuned.join(', ').length)),
  );
  const threshold = Math.max(24, width - 67 - tuned);
  lines.push(
    '',
    `Detections (${set.detections.length}, ${set.detections.filter((d) => d.enabled).length} on):`,
    renderTable(
      ['detection', 'state', 'window', 'severity', 'alerts', 'threshold', 'tuned'],
      set.detections.map((d) => [
        d.id,
        d.enabled ? 'on' : 'off',
        minutesText(d.windowMinutes),
        d.severity,
        d.alerts === 'admins' ? 'admins only' : d.alerts,
        d.threshold === undefined
          ? 'a sequence'
          : `${d.threshold} ${d.thresholdMeans ?? ''}`.trim(),
        d.tuned.join(', '),
      ]),
      {
        maxWidths: [26, 5, 6, 8, 11, threshold, tuned],
        wrap: [false, false, false, false, false, true, true],
      },
    ),
  );
  lines.push('', `Suppressions (${set.suppressions.length}):`);
  if (set.suppressions.length === 0) lines.push('  none');
  for (const s of set.suppressions) {
    lines.push(
      `  ${printable(s.id)}: ${printable(suppressionFields(s))}${s.reason ? ` (${printable(s.reason)})` : ''}`,
    );
  }
  if (set.warnings.length > 0) {
    lines.push('', `Warnings (${plural(set.warnings.length, 'setting')} probably not meant):`);
    for (const warning of set.warnings) lines.push(`  ${printable(warning)}`);
  }
  return lines.join('\n');
}
