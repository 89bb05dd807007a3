// Builds the stack the way bin/app.ts does, from a raw context value, for Template assertions.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CONFIG_CONTEXT_KEY, parseConfig } from '../../contract/config';
import { VoisoSecStack } from '../../lib/voiso-sec-stack';

/**
 * The feature flags `cdk synth` applies from cdk.json (every context key but ours), so the
 * templates the tests assert on are the templates `cdk deploy` creates.
 */
export const FEATURE_FLAGS: Record<string, unknown> = (() => {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));
  const { [CONFIG_CONTEXT_KEY]: _config, ...flags } = cdkJson.context as Record<string, unknown>;
  return flags;
})();

/** An app with cdk.json's feature flags, as the CDK CLI builds it. */
export const newApp = (): App => new App({ context: FEATURE_FLAGS });

/** An administrator role as IAM Identity Center names it: with its path, and a wildcard. */
export const ADMIN_ROLE_ARN =
  'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_*';
export const SECRET_READER_ARN = 'arn:aws:iam::123456789012:role/voiso-key-handover';

/** A configuration that turns every option on, so every resource exists to be asserted. */
export function fullContext(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alertThreshold: 'medium',
    severityOverrides: { 'app_login/successful_login': 'low' },
    suppressions: [
      { id: 'automation-bot', reason: 'nightly provisioning job', actor: 'bot@acme.com' },
      { id: 'office', ipRange: '203.0.113.0/24', pair: 'app_login/ip_changed' },
    ],
    retentionDays: 400,
    email: {
      alerts: ['secops@acme.com'],
      critical: [{ address: 'oncall@acme.com', filter: { callcenter: ['acme-main'] } }],
      ops: ['platform@acme.com'],
    },
    slack: { webhookSecret: 'voiso-sec/slack-webhook', topics: ['alerts', 'critical'] },
    chatbot: { slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCD', topics: ['ops'] },
    voisoKeySerial: 2,
    deactivatePreviousVoisoKey: true,
    voisoSourceIpRanges: ['198.51.100.0/24'],
    restrictSendersToVoiso: true,
    administrators: [ADMIN_ROLE_ARN],
    secretReaders: [SECRET_READER_ARN],
    silenceHours: 4,
    deadLetterAlarmAgeDays: 2,
    backup: { retentionDays: 400, vaultLock: 'compliance' },
    dashboard: true,
    tracing: true,
    ...overrides,
  };
}

/**
 * The configuration shapes every whole-stack check runs on: cdk-nag in jest (nag.test.ts) and
 * cfn-lint on the templates `cdk synth` writes (scripts/lint-templates.ts).
 */
export const CONFIGURATION_SHAPES: readonly (readonly [string, Record<string, unknown>])[] = [
  ['defaults', {}],
  ['every option', fullContext()],
  ['customer-managed key', fullContext({ customerManagedKey: true })],
  ['customer-managed key alone', { customerManagedKey: true }],
  // A deployed table halfway through its index upgrade, with the dashboard and tracing alone.
  ['dashboard, tracing and upgrading', { dashboard: true, tracing: true, indexUpgradeStep: 3 }],
];

export const TEST_ENV = { account: '123456789012', region: 'eu-west-1' };

export function createStack(app: App, context: unknown, stackName = 'VoisoSecTest') {
  return new VoisoSecStack(app, stackName, {
    stackName,
    env: TEST_ENV,
    config: parseConfig(context),
  });
}

/** A new app with one stack, synthesized. */
export function buildStack(context: unknown, stackName = 'VoisoSecTest') {
  const app = newApp();
  const stack = createStack(app, context, stackName);
  return { app, stack, template: Template.fromStack(stack) };
}

/** The one resource of a type whose logical id starts with a construct path prefix. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting ${prefix}, got ${ids}`);
  return ids[0] as string;
}

/**
 * Properties that name an account-wide resource (unlike DisplayName, MetricName, PolicyName):
 * a literal value in one of them would clash between two stacks in one account and region.
 */
export const PHYSICAL_NAME_PROPERTIES = [
  'QueueName',
  'TableName',
  'TopicName',
  'FunctionName',
  'UserName',
  'RoleName',
  'LogGroupName',
  'AlarmName',
  'DashboardName',
  'ConfigurationName',
  'BackupVaultName',
  'Name',
];
