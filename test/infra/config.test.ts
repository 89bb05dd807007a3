// The context configuration: defaults filled in, every mistake reported with its key.

import { ConfigurationError, parseConfig } from '../../contract/config';
import { PIPELINE_DEFAULTS } from '../../contract/pipeline-defaults';
import { fullContext } from './support';

const problemsOf = (raw: unknown): readonly string[] => {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected ConfigurationError');
};

describe('parseConfig', () => {
  it('fills every default when the context key is absent', () => {
    const config = parseConfig(undefined);

    expect(config).toMatchObject({
      alertThreshold: PIPELINE_DEFAULTS.alertThreshold,
      severityOverrides: {},
      suppressions: [],
      retentionDays: PIPELINE_DEFAULTS.retentionDays,
      batchSize: PIPELINE_DEFAULTS.batchSize,
      maxBatchingWindowSeconds: PIPELINE_DEFAULTS.maxBatchingWindowSeconds,
      maxConcurrency: PIPELINE_DEFAULTS.maxConcurrency,
      maxReceiveCount: PIPELINE_DEFAULTS.maxReceiveCount,
      functionTimeoutSeconds: PIPELINE_DEFAULTS.functionTimeoutSeconds,
      customerManagedKey: false,
      email: { alerts: [], critical: [], ops: [] },
      voisoKeySerial: 1,
      voisoSourceIpRanges: [],
      silenceHours: 6,
    });
    expect(config.slack).toBeUndefined();
  });

  it('accepts the full example and a JSON string from `cdk -c`', () => {
    const fromObject = parseConfig(fullContext());

    const fromString = parseConfig(JSON.stringify(fullContext()));

    expect(fromString).toEqual(fromObject);
    expect(fromObject.slack?.topics).toEqual(['alerts', 'critical']);
  });

  it('names each wrong key in one error', () => {
    const problems = problemsOf({
      alertThreshold: 'severe',
      severityOverrides: { successful_login: 'low' },
      email: { alerts: ['not-an-address'] },
      voisoSourceIpRanges: ['10.0.0.0/33'],
      batchSize: 0,
      typo: true,
    });

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^alertThreshold: /),
        expect.stringMatching(/^severityOverrides\.successful_login: keys must be "type\/event"/),
        expect.stringMatching(/^email\.alerts\.0: /),
        expect.stringMatching(/^voisoSourceIpRanges\.0: must be a CIDR/),
        expect.stringMatching(/^batchSize: /),
        expect.stringMatching(/typo/),
      ]),
    );
  });

  it('rejects a suppression that would match every event, and duplicate ids', () => {
    expect(problemsOf({ suppressions: [{ id: 'all', reason: 'oops' }] })).toEqual([
      expect.stringMatching(/^suppressions\.0: needs at least one of/),
    ]);
    expect(
      problemsOf({
        suppressions: [
          { id: 'a', actor: 'x' },
          { id: 'a', user: 'y' },
        ],
      }),
    ).toEqual(['suppressions.1.id: duplicate suppression id "a"']);
  });

  it('rejects a batch above 10 without a batching window, as Lambda does', () => {
    expect(problemsOf({ batchSize: 50, maxBatchingWindowSeconds: 0 })).toEqual([
      expect.stringMatching(/^maxBatchingWindowSeconds: /),
    ]);
  });

  it('rejects detection settings too large for the Lambda environment', () => {
    const suppressions = Array.from({ length: 8 }, (_, i) => ({
      id: `rule-${i}`,
      reason: 'r'.repeat(500),
      actor: `bot-${i}@acme.com`,
    }));

    expect(problemsOf({ suppressions })).toEqual([
      expect.stringMatching(/^suppressions: .* bytes as DETECTION_CONFIG/),
    ]);
  });

  it('accepts one address as a suppression range but not as a Voiso source range', () => {
    const config = parseConfig({ suppressions: [{ id: 'host', ipRange: '203.0.113.7' }] });

    expect(config.suppressions[0]?.ipRange).toBe('203.0.113.7');
    expect(problemsOf({ voisoSourceIpRanges: ['203.0.113.7'] })).toEqual([
      expect.stringMatching(/^voisoSourceIpRanges\.0: must be a CIDR/),
    ]);
  });

  it('keeps Chatbot to the ops topic and points alerts to the Slack notifier', () => {
    const chatbot = { slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCD' };

    expect(problemsOf({ chatbot: { ...chatbot, topics: ['ops', 'alerts'] } })).toEqual([
      expect.stringMatching(/^chatbot\.topics\.1: .*ops topic.*Slack notifier/),
    ]);
    expect(parseConfig({ chatbot }).chatbot?.topics).toEqual(['ops']);
  });

  it('fills the hardening defaults of issue 10: everything off, nothing locked out', () => {
    const config = parseConfig({ slack: { webhookSecret: 'voiso-sec/slack' } });

    expect(config).toMatchObject({
      externalSubscribers: [],
      deactivatePreviousVoisoKey: false,
      restrictSendersToVoiso: false,
      administrators: [],
      secretReaders: [],
      deadLetterAlarmAgeDays: 3,
    });
    expect(config.slack?.reservedConcurrency).toBe(2);
    expect(config.backup).toBeUndefined();
    expect(parseConfig({ backup: {} }).backup).toEqual({
      retentionDays: 365,
      vaultLock: 'governance',
    });
  });

  it('accepts principal ARNs with paths and wildcards, and names anything else', () => {
    const arns = [
      'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_*',
      'arn:aws-us-gov:iam::123456789012:user/ops/alice',
      'arn:aws:iam::123456789012:root',
    ];

    expect(parseConfig({ administrators: arns }).administrators).toEqual(arns);
    expect(
      problemsOf({
        administrators: ['Admin'],
        secretReaders: ['arn:aws:iam::123456789012:group/admins', 'arn:aws:iam::*:role/x'],
      }),
    ).toEqual([
      expect.stringMatching(/^administrators\.0: must be an IAM role or user ARN/),
      expect.stringMatching(/^secretReaders\.0: must be an IAM role or user ARN/),
      expect.stringMatching(/^secretReaders\.1: must be an IAM role or user ARN/),
    ]);
  });

  it('keeps the dead-letter age alarm before the 14-day expiry and the notifier reserved >= 1', () => {
    expect(problemsOf({ deadLetterAlarmAgeDays: 14 })).toEqual([
      expect.stringMatching(/^deadLetterAlarmAgeDays: /),
    ]);
    expect(
      problemsOf({ slack: { webhookSecret: 'voiso-sec/slack', reservedConcurrency: 0 } }),
    ).toEqual([expect.stringMatching(/^slack\.reservedConcurrency/)]);
    expect(problemsOf({ backup: { vaultLock: 'strict' } })).toEqual([
      expect.stringMatching(/^backup\.vaultLock: /),
    ]);
    expect(problemsOf({ externalSubscribers: ['pager'] })).toEqual([
      expect.stringMatching(/^externalSubscribers\.0: /),
    ]);
  });

  it('rejects a string that is not JSON', () => {
    expect(problemsOf('{alertThreshold: high')).toEqual([expect.stringMatching(/not valid JSON/)]);
  });
});
