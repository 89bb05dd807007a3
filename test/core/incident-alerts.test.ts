// Incident and summary alerts: what they say, where they go, and that hostile event data cannot
// mention, link or format in any of them.
import type { Incident } from '../../lambda/core/detections/engine';
import { buildIncidentAlerts, buildSummaryAlerts } from '../../lambda/core/incident-alerts';
import { formatSlackMessage } from '../../lambda/slack/format';
import { readAlertDocument } from '../../lambda/slack/notifier';
import { foldSummary, incidentOf } from '../../lambda/testing/factories';

const incident = (overrides: Partial<Incident> = {}): Incident =>
  incidentOf({
    group: 'user:dana@acme.com',
    severity: 'critical',
    eventIds: Array.from({ length: 50 }, (_, i) => `e${i}`),
    eventCount: 60,
    ...overrides,
  });

const summary = foldSummary;

describe('incident alerts', () => {
  it('name the detection, the group, the window, what crossed and the events, on both topics when critical', () => {
    // Act
    const alerts = buildIncidentAlerts(incident());
    // Assert
    expect(alerts.map((a) => [a.id, a.topic])).toEqual([
      ['inc-abc-alerts', 'alerts'],
      ['inc-abc-critical', 'critical'],
    ]);
    const [alert] = alerts;
    expect(alert?.subject).toBe('[CRITICAL] acme: incident brute-force dana@acme.com x24');
    expect(alert?.attributes).toEqual({
      severity: 'critical',
      type: 'detection',
      event: 'brute-force',
      callcenter: 'acme',
      rule: 'brute-force',
      kind: 'incident',
    });
    expect(alert?.text).toContain('Reached:     24 (threshold 20)');
    expect(alert?.text).toContain('Events (50 of 60):');
    expect(alert?.text).toContain(
      'events from 2025-06-02T08:00:00.000000000Z to 2025-06-02T08:09:00.000000000Z',
    );
    expect(alert?.document).toMatchObject({
      kind: 'incident',
      incidentId: 'inc-abc',
      group: 'dana@acme.com',
      window: { minutes: 15 },
      measure: 24,
      threshold: 20,
      eventCount: 60,
    });
    expect(alert?.document.kind === 'incident' && alert.document.eventIds).toHaveLength(50);
  });

  it('go to the alerts topic only when not critical, and show a new address for new-source', () => {
    // Act
    const [alert, ...rest] = buildIncidentAlerts(
      incident({
        detection: 'new-source',
        severity: 'high',
        key: '198.18.0.66',
        measure: 1,
        threshold: 7,
      }),
    );
    // Assert
    expect(rest).toEqual([]);
    expect(alert?.subject).toBe('[HIGH] acme: incident new-source dana@acme.com 198.18.0.66');
  });

  it('keep hostile names from linking or formatting in the subject, the text and Slack', () => {
    // Prepare
    const hostile = incident({
      callcenter: '<https://evil.example|acme>',
      group: 'user:<!channel> www.evil.example',
      values: ['*bold* `x`'],
    });
    // Act
    const [alert] = buildIncidentAlerts(hostile);
    const slack = formatSlackMessage(readAlertDocument(JSON.stringify(alert?.document)));
    // Assert
    expect(alert?.subject).not.toMatch(/[<>]|https?:\/\/|www\./);
    expect(alert?.text).not.toMatch(/https?:\/\/|www\./);
    expect(JSON.stringify(slack)).not.toMatch(/<!channel>|<https?:/);
  });
});

describe('summary alerts', () => {
  it('count the folded alerts and name the most frequent people', () => {
    // Act
    const [alert, ...rest] = buildSummaryAlerts(summary());
    // Assert
    expect(rest).toEqual([]);
    expect(alert?.id).toBe('sum-abc-alerts');
    expect(alert?.subject).toBe('[HIGH] acme: 3 more incorrect_password alerts since 09:00 UTC');
    expect(alert?.attributes.kind).toBe('summary');
    expect(alert?.document).toMatchObject({
      kind: 'summary',
      count: 3,
      distinctValues: 2,
      top: [
        { value: 'b@acme.com', count: 2 },
        { value: 'a@acme.com', count: 1 },
      ],
      summary:
        '3 more incorrect_password alerts (incorrect-password) for acme since 09:00 UTC: 2 users, top: b@acme.com (2), a@acme.com (1)',
    });
  });

  it('name the addresses and ranges the folded alerts are about, most frequent first', () => {
    // Prepare: refused logins from two addresses and an allow-list range; one names an access
    // group (a privilege change's `to`), one nothing.
    const members = [
      { eventId: 'e1', who: 'a@acme.com', value: '203.0.113.9' },
      { eventId: 'e2', who: 'a@acme.com', value: '2001:db8::1' },
      { eventId: 'e3', who: 'b@acme.com', value: '2001:db8::1' },
      { eventId: 'e4', who: 'b@acme.com', value: '198.51.100.0/24' },
      { eventId: 'e5', who: 'b@acme.com', value: 'admin' },
      { eventId: 'e6', who: 'c@acme.com' },
    ];
    // Act
    const [alert] = buildSummaryAlerts(summary({ members }));
    // Assert
    expect(alert?.document).toMatchObject({
      count: 6,
      addresses: [
        { value: '2001:db8::1', count: 2 },
        { value: '198.51.100.0/24', count: 1 },
        { value: '203.0.113.9', count: 1 },
      ],
      distinctAddresses: 3,
      summary:
        '6 more incorrect_password alerts (incorrect-password) for acme since 09:00 UTC: 3 users, top: b@acme.com (3), a@acme.com (2), c@acme.com (1); 3 addresses, top: 2001:db8::1 (2), 198.51.100.0/24 (1), 203.0.113.9 (1)',
    });
    expect(alert?.text).toContain(
      'Addresses:   3\n  "2001:db8::1": 2\n  "198.51.100.0/24": 1\n  "203.0.113.9": 1\n',
    );
  });

  it('name five addresses at most, one in the singular, and none when there are none', () => {
    // Prepare
    const many = Array.from({ length: 7 }, (_, i) => ({
      eventId: `e${i}`,
      value: `203.0.113.${i}`,
    }));
    // Act
    const [seven] = buildSummaryAlerts(summary({ members: many }));
    const [one] = buildSummaryAlerts(summary({ members: [{ eventId: 'e1', value: '::1' }] }));
    const [none] = buildSummaryAlerts(summary());
    // Assert
    expect(seven?.document).toMatchObject({ distinctAddresses: 7 });
    expect(seven?.document.kind === 'summary' && seven.document.addresses).toHaveLength(5);
    expect(one?.document.kind === 'summary' && one.document.summary).toBe(
      '1 more incorrect_password alert (incorrect-password) for acme since 09:00 UTC: 1 address, top: ::1 (1)',
    );
    expect(none?.document).toMatchObject({ addresses: [], distinctAddresses: 0 });
    expect(none?.text.split('\n').slice(7, 11)).toEqual([
      '  "b@acme.com": 2',
      '  "a@acme.com": 1',
      '',
      'Events (3 of 3):',
    ]);
  });

  it('read back as an alert document the Slack notifier can format', () => {
    // Prepare
    const [alert] = buildSummaryAlerts(summary({ severity: 'critical' }));
    // Act
    const slack = formatSlackMessage(readAlertDocument(JSON.stringify(alert?.document)));
    // Assert
    expect(slack.text).toContain('3 more incorrect_password alerts');
    expect(slack.blocks[0]).toMatchObject({ type: 'header' });
  });
});

describe('readAlertDocument', () => {
  it('refuses an alert of an unknown kind and an incident without its window', () => {
    // Prepare
    const [alert] = buildIncidentAlerts(incident());
    if (alert === undefined) throw new Error('no incident alert');
    const { window: _window, ...windowless } = alert.document as unknown as Record<string, unknown>;
    // Act + Assert
    expect(() => readAlertDocument(JSON.stringify({ ...alert.document, kind: 'poem' }))).toThrow(
      /unknown kind/,
    );
    expect(() => readAlertDocument(JSON.stringify(windowless))).toThrow(/not an AlertDocument/);
  });
});
