// The text people read, whole: the subject, e-mail body and JSON document of an event alert for
// every documented pair (and an unrecognised one), of an incident alert for every detection, and
// of a folded summary, with the Slack message each becomes. Reviewed once and pinned: a change
// to any word of an alert shows here as a snapshot diff to review, not as a silent edit.

import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import { DETECTION_IDS, DETECTIONS } from '../../contract/detections';
import { KNOWN_PAIRS } from '../../contract/pairs';
import { type Alert, buildAlerts } from '../../lambda/core/alert-format';
import { DETECTION_CATALOGUE } from '../../lambda/core/detections/catalogue';
import type { Incident } from '../../lambda/core/detections/engine';
import { buildIncidentAlerts, buildSummaryAlerts } from '../../lambda/core/incident-alerts';
import { buildEventItem } from '../../lambda/core/items';
import { classifyMessage } from '../../lambda/core/message';
import { formatSlackMessage } from '../../lambda/slack/format';
import { voisoEvent } from '../../lambda/testing/factories';

/** An event alert's item, classified as ingest classifies it; every alert this builds is due. */
function itemOf(event: ReturnType<typeof voisoEvent>) {
  const verdict = classifyMessage(JSON.stringify(event), DEFAULT_DETECTION_SETTINGS);
  if (verdict.kind !== 'event') throw new Error(verdict.reason);
  return buildEventItem(verdict.normalised, verdict.classification, {
    messageId: 'm-1',
    receivedAt: new Date(Date.UTC(2025, 5, 2, 8, 0, 1)),
    retentionDays: 30,
  });
}

/** What one alert says on every channel: the first topic's alert, and which topics it goes to. */
const said = (alerts: readonly Alert[]) => {
  const [first] = alerts;
  if (first === undefined) return { topics: [] };
  return {
    topics: alerts.map((a) => a.topic),
    subject: first.subject,
    attributes: first.attributes,
    text: first.text,
    document: first.document,
    slack: formatSlackMessage(first.document),
  };
};

const EVERY_PARAM = {
  user: 'dana@acme.com',
  who: 'admin@acme.com',
  access_group: 'supervisor',
  ip: '203.0.113.9',
  from: '198.51.100.7',
  to: '203.0.113.0/24',
  count: 3,
};

describe('the text of event alerts', () => {
  it.each([...KNOWN_PAIRS, 'billing/invoice_paid'])('%s', (pair) => {
    // Prepare: every param a pair may name, so each sentence shows all its parts.
    const to = pair.startsWith('allowed_ip/') ? EVERY_PARAM.to : '203.0.113.10';
    const event = voisoEvent(pair, {
      timestamp: '2025-06-02T08:00:00Z',
      params: { ...EVERY_PARAM, to },
    });
    // Act
    const alerts = buildAlerts({ ...itemOf(event), severity: 'critical', alertDue: true });
    // Assert
    expect(said(alerts)).toMatchSnapshot();
  });

  it('params that are long, carry control characters, runs of spaces and a link', () => {
    // Prepare
    const event = voisoEvent('app_login/deleted_user', {
      timestamp: '2025-06-02T08:00:00Z',
      params: {
        user: `https://evil.example/${'a'.repeat(150)}\r\n\t\u2028x`,
        access_group: 'super\u0007visor   team',
      },
    });
    // Act
    const alerts = buildAlerts(itemOf(event));
    // Assert
    expect(said(alerts)).toMatchSnapshot();
  });
});

const START = Date.parse('2025-06-02T08:00:00Z');

/** An incident of `detection` as the engine reports one, the group fitting the detection. */
function incidentOf(detection: (typeof DETECTION_IDS)[number], values: string[]): Incident {
  const { groupedBy } = DETECTION_CATALOGUE[detection];
  return {
    id: `inc-${detection}`,
    detection,
    callcenter: 'acme',
    group: `${groupedBy}:dana@acme.com`,
    groupedBy,
    start: START,
    end: START + 9 * 60_000,
    severity: DETECTIONS[detection].severity,
    measure: 24,
    ...(detection === 'brute-force' || detection === 'password-spray' ? { threshold: 20 } : {}),
    windowMinutes: DETECTIONS[detection].windowMinutes,
    values,
    key: '203.0.113.9',
    eventIds: ['e1', 'e2', 'e3'],
    eventCount: 5,
    suppressed: false,
  } as Incident;
}

describe('the text of incident and summary alerts', () => {
  it.each(DETECTION_IDS)('%s', (detection) => {
    // Act
    const alerts = buildIncidentAlerts(incidentOf(detection, ['b@acme.com', 'c@acme.com']));
    // Assert
    expect(said(alerts)).toMatchSnapshot();
  });

  it('an incident with no values and every event listed', () => {
    // Act
    const alerts = buildIncidentAlerts({
      ...incidentOf('repeated-deleted-user', []),
      eventCount: 3,
    });
    // Assert
    expect(said(alerts)).toMatchSnapshot();
  });

  it('a summary of folded alerts', () => {
    // Act
    const alerts = buildSummaryAlerts({
      summaryId: 'sum-abc',
      windowId: 'win-abc',
      callcenter: 'acme',
      type: 'app_login',
      event: 'unauthorized_ip',
      rule: 'unauthorized-ip',
      severity: 'critical',
      opensAt: START,
      closesAt: START + 10 * 60_000,
      members: [
        { eventId: 'e1', who: 'b@acme.com', value: '198.51.100.7' },
        { eventId: 'e2', who: 'a@acme.com' },
        { eventId: 'e3', who: 'b@acme.com', value: '198.51.100.8' },
      ],
    });
    // Assert
    expect(said(alerts)).toMatchSnapshot();
  });
});
