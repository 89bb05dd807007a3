// Why an event was judged as it was, computed by the core's own rules and suppressions (never a
// copy of them): each rule of its pair, fired or not, with the params its condition reads; the
// override that replaced them, if any; the threshold; and every suppression, field by field.
import type { DetectionSettings, Suppression } from '../../contract/config';
import type { EventPair } from '../../contract/pairs';
import { type Severity, severityRank } from '../../contract/severity';
import type { SecurityEvent } from '../../lambda/core/model';
import { classify, DEFAULT_RULES, suppressionMatches } from '../../lambda/core/severity';

export interface RuleVerdict {
  readonly id: string;
  readonly severity: Severity;
  readonly condition: string;
  readonly fired: boolean;
  /** The params the condition reads, with the event's values (a base rule reads none). */
  readonly evidence: Readonly<Record<string, unknown>>;
}

export interface FieldVerdict {
  readonly field: string;
  /** What the suppression asks for. */
  readonly wanted: string;
  /** What the event has there (`ip`/`to` for ipRange; absent when it has nothing). */
  readonly actual?: string;
  readonly matches: boolean;
}

export interface SuppressionVerdict {
  readonly id: string;
  readonly reason?: string;
  readonly matched: boolean;
  readonly fields: readonly FieldVerdict[];
}

export interface EventJudgement {
  readonly severity: Severity;
  /** Fired rules, most severe first (the item's `rules`). */
  readonly rules: readonly string[];
  readonly threshold: Severity;
  readonly atOrAboveThreshold: boolean;
  /** An override that replaced the pair's rules. */
  readonly override?: { readonly pair: string; readonly severity: Severity };
  /** Every rule of the pair, in table order (none for an unrecognised pair). */
  readonly verdicts: readonly RuleVerdict[];
  /** Every configured suppression, with the one that matched first marked. */
  readonly suppressions: readonly SuppressionVerdict[];
  readonly suppressedBy?: string;
  /** An alert is due: at or above the threshold, and no suppression matched. */
  readonly alert: boolean;
}

const SUPPRESSION_FIELDS = ['callcenter', 'user', 'actor', 'ipRange', 'pair'] as const;

const text = (value: unknown): string | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

/** What the event has where a suppression field looks. */
function actualValue(
  field: (typeof SUPPRESSION_FIELDS)[number],
  event: SecurityEvent,
  pair: EventPair,
): string | undefined {
  switch (field) {
    case 'callcenter':
      return event.callcenter;
    case 'user':
      return text(event.params.user);
    case 'actor':
      return text(event.params.who);
    case 'pair':
      return pair;
    case 'ipRange': {
      const introduced = ['ip', 'to'].flatMap((name) =>
        Object.hasOwn(event.params, name) ? [`${name}=${text(event.params[name])}`] : [],
      );
      return introduced.length === 0 ? undefined : introduced.join(' ');
    }
  }
}

/** Each field of a suppression judged alone, by the core's matcher given only that field. */
export function suppressionVerdict(
  suppression: Suppression,
  event: SecurityEvent,
  pair: EventPair,
): SuppressionVerdict {
  const fields = SUPPRESSION_FIELDS.flatMap((field): FieldVerdict[] => {
    const wanted = suppression[field];
    if (wanted === undefined) return [];
    const actual = actualValue(field, event, pair);
    const alone = { id: suppression.id, [field]: wanted } as Suppression;
    return [
      {
        field,
        wanted: String(wanted),
        ...(actual !== undefined && { actual }),
        matches: suppressionMatches(alone, event, pair),
      },
    ];
  });
  return {
    id: suppression.id,
    ...(suppression.reason !== undefined && { reason: suppression.reason }),
    matched: suppressionMatches(suppression, event, pair),
    fields,
  };
}

export function judgeEvent(
  event: SecurityEvent,
  pair: EventPair,
  recognised: boolean,
  settings: DetectionSettings,
): EventJudgement {
  const classification = classify(event, pair, recognised, settings);
  const overridden = Object.hasOwn(settings.severityOverrides, pair)
    ? settings.severityOverrides[pair]
    : undefined;
  const verdicts = DEFAULT_RULES.filter((rule) => rule.pair === pair).map((rule) => ({
    id: rule.id,
    severity: rule.severity,
    condition: rule.description,
    fired: rule.when === undefined || rule.when(event, {}),
    evidence: Object.fromEntries((rule.evidence ?? []).map((name) => [name, event.params[name]])),
  }));
  return {
    severity: classification.severity,
    rules: classification.rules,
    threshold: settings.alertThreshold,
    atOrAboveThreshold:
      severityRank(classification.severity) >= severityRank(settings.alertThreshold),
    ...(overridden !== undefined && { override: { pair, severity: overridden } }),
    verdicts,
    suppressions: settings.suppressions.map((s) => suppressionVerdict(s, event, pair)),
    ...(classification.suppressedBy !== undefined && {
      suppressedBy: classification.suppressedBy,
    }),
    alert: classification.alert,
  };
}
