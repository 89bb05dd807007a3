// What a deployment pays for whether or not events arrive, counted from the template the stack
// synthesizes (bundling skipped: only the resources matter): keys, alarms and the metrics they
// read, dashboards, secrets, schedules and functions.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { CONFIG_CONTEXT_KEY, parseConfig } from '../../contract/config';
import { VoisoSecStack } from '../../lib/voiso-sec-stack';

export interface StackResources {
  readonly kmsKeys: number;
  /** Alarm metrics as CloudWatch bills them: one per metric an alarm (or its math) reads. */
  readonly alarmMetrics: number;
  readonly alarms: number;
  readonly dashboards: number;
  readonly secrets: number;
  /** Scheduled invocations a month (EventBridge Scheduler, rate expressions). */
  readonly scheduledRunsPerMonth: number;
  readonly functions: number;
  readonly tracedFunctions: number;
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

const MINUTES_PER_MONTH = (365.25 / 12) * 24 * 60;

/** Runs a month of a rate expression: `rate(4 minutes)` is 10,958. */
function runsPerMonth(expression: unknown): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(String(expression));
  if (!match) return 0;
  const unit = match[2]?.startsWith('minute') ? 1 : match[2]?.startsWith('hour') ? 60 : 1440;
  return MINUTES_PER_MONTH / (Number(match[1]) * unit);
}

/** Synthesizes the stack for a `voiso-sec` context value and counts what costs by the month. */
export function stackResources(context: Record<string, unknown>): StackResources {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));
  const { [CONFIG_CONTEXT_KEY]: _config, ...flags } = cdkJson.context as Record<string, unknown>;
  const app = new App({ context: { ...flags, 'aws:cdk:bundling-stacks': [] } });
  const stack: Stack = new VoisoSecStack(app, 'VoisoSecBench', {
    env: { account: '123456789012', region: 'us-east-1' },
    config: parseConfig(context),
  });
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, Resource>;
  };
  const resources = Object.values(template.Resources);
  const of = (type: string) => resources.filter((r) => r.Type === type);
  const alarms = of('AWS::CloudWatch::Alarm');
  const alarmMetrics = alarms.reduce((sum, alarm) => {
    const metrics = alarm.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
    return sum + (metrics ? metrics.filter((m) => m.MetricStat !== undefined).length : 1);
  }, 0);
  const functions = of('AWS::Lambda::Function');
  return {
    kmsKeys: of('AWS::KMS::Key').length,
    alarmMetrics,
    alarms: alarms.length,
    dashboards: of('AWS::CloudWatch::Dashboard').length,
    secrets: of('AWS::SecretsManager::Secret').length,
    scheduledRunsPerMonth: of('AWS::Scheduler::Schedule').reduce(
      (sum, schedule) => sum + runsPerMonth(schedule.Properties?.ScheduleExpression),
      0,
    ),
    functions: functions.length,
    tracedFunctions: functions.filter(
      (fn) => (fn.Properties?.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active',
    ).length,
  };
}
