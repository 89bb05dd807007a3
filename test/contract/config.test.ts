// The detection settings cross from synth (cdk.json, checked by parseConfig) to the ingest
// function (DETECTION_CONFIG, checked at cold start by the same schema). What synth accepts must
// reach the function as the same settings: the stack serialises them into the environment and
// the function reads them back. This property holds the round trip over near-valid input.
import fc from 'fast-check';
import { ConfigurationError, detectionSettings, parseConfig } from '../../contract/config';
import { INGEST_ENV } from '../../contract/environment';
import { loadIngestConfig } from '../../lambda/ingest/config';

const RESOURCES = {
  [INGEST_ENV.eventsTableName]: 'events',
  [INGEST_ENV.alertsTopicArn]: 'arn:aws:sns:eu-west-1:123456789012:alerts',
  [INGEST_ENV.criticalTopicArn]: 'arn:aws:sns:eu-west-1:123456789012:critical',
};

/** What the stack puts into DETECTION_CONFIG, read back the way the function reads it. */
const asDeployed = (raw: unknown) =>
  loadIngestConfig({
    ...RESOURCES,
    [INGEST_ENV.detectionConfig]: JSON.stringify(detectionSettings(parseConfig(raw))),
  }).detection;

const acceptedBySynth = (raw: unknown): boolean => {
  try {
    parseConfig(raw);
    return true;
  } catch (error) {
    if (error instanceof ConfigurationError) return false;
    throw error;
  }
};

// Lengths around the Lambda's limits (256 for names, 1024 for reasons) and far beyond them.
const text = (limit: number) =>
  fc.oneof(
    fc.string({ minLength: 0, maxLength: 12 }),
    fc.constantFrom(limit - 1, limit, limit + 1, limit * 2).map((n) => 'x'.repeat(n)),
    fc.integer({ min: 0, max: limit + 50 }).map((n) => 'é'.repeat(n)),
  );

const severity = fc.oneof(
  fc.constantFrom('info', 'low', 'medium', 'high', 'critical'),
  fc.constantFrom('severe', 'HIGH', ''),
);

const pair = fc.oneof(
  fc
    .tuple(fc.stringMatching(/^[a-z_]{1,12}$/), fc.stringMatching(/^[a-z_]{1,12}$/))
    .map(([type, event]) => `${type}/${event}`),
  fc.constantFrom('app_login', 'a/b/c', 'a b/c', '/x', 'x/', 'app_login/ ip_changed'),
);

const prefix = fc.oneof(
  fc.integer({ min: 0, max: 140 }).map(String),
  fc.constantFrom('', '024', '-1', '+8', '1e1', ' 24', '64 ', '1.5'),
);

const address = fc.oneof(
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.ipV6(),
  fc.constantFrom(
    ':::::',
    '1:2:3:4:5:6:7:8:9',
    '::ffff:1.2.3.4',
    'fe80::1%eth0',
    '01.2.3.4',
    '1.2.3',
    '256.1.1.1',
    'abcd',
    ':',
    '',
  ),
);

const ipRange = fc.oneof(
  fc.tuple(address, prefix).map(([a, p]) => `${a}/${p}`),
  address,
  fc.constantFrom('10.0.0.0/8/8', '10.0.0.0//8', '/24'),
);

const suppression = fc.record(
  {
    id: text(256),
    reason: text(1024),
    callcenter: text(256),
    user: text(256),
    actor: text(256),
    ipRange,
    pair,
  },
  { requiredKeys: [] },
);

const detectionContext = fc.record(
  {
    alertThreshold: severity,
    severityOverrides: fc.dictionary(pair, severity, { maxKeys: 3 }),
    suppressions: fc.array(suppression, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

describe('detection settings: synth and cold start agree', () => {
  it('reads back at cold start exactly the settings synth accepted', () => {
    // prepare
    let accepted = 0;

    // act
    fc.assert(
      fc.property(detectionContext, (context) => {
        if (!acceptedBySynth(context)) return;
        accepted += 1;
        // assert
        expect(asDeployed(context)).toEqual(detectionSettings(parseConfig(context)));
      }),
      { numRuns: 2_000 },
    );

    // assert: the property saw enough accepted configurations to mean something
    expect(accepted).toBeGreaterThan(100);
  });

  it.each([
    ['a 300-character suppression id', { id: 'x'.repeat(300), actor: 'bot@acme.com' }],
    ['a 2,000-character reason', { id: 'bot', reason: 'r'.repeat(2_000), actor: 'bot@acme.com' }],
    ['ipRange ":::::/64"', { id: 'office', ipRange: ':::::/64' }],
    ['ipRange "1:2:3:4:5:6:7:8:9/64"', { id: 'office', ipRange: '1:2:3:4:5:6:7:8:9/64' }],
  ])('rejects at synth what could not work at cold start: %s', (_name, rule) => {
    // prepare
    const context = { suppressions: [rule] };

    // act
    const synthAccepts = acceptedBySynth(context);

    // assert
    expect(synthAccepts).toBe(false);
  });

  it('still accepts the suppressions the README shows', () => {
    // prepare
    const context = {
      suppressions: [
        { id: 'automation-bot', reason: 'nightly provisioning job', actor: 'bot@acme.com' },
        { id: 'office', ipRange: '203.0.113.0/24', pair: 'app_login/ip_changed' },
        { id: 'v6-office', ipRange: '2001:db8::/32' },
      ],
    };

    // act
    const deployed = asDeployed(context);

    // assert
    expect(deployed.suppressions).toHaveLength(3);
  });
});
