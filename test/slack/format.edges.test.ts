// Slack messages at their edges: values trimmed and cut at their limit, header words reduced to
// a plain alphabet, an event of no rule, and incidents and summaries with more ids, values and
// top entries than a message shows.
import type { Incident } from '../../lambda/core/detections/engine';
import { buildIncidentAlerts, buildSummaryAlerts } from '../../lambda/core/incident-alerts';
import type { IncidentAlertDocument, SummaryAlertDocument } from '../../lambda/core/model';
import { formatSlackMessage, literal } from '../../lambda/slack/format';
import { alertDocument, foldSummary, incidentOf } from '../../lambda/testing/factories';

const texts = (message: ReturnType<typeof formatSlackMessage>): string =>
  JSON.stringify(message.blocks);

describe('literal', () => {
  it.each<[unknown, number, string]>([
    ['  padded  ', 20, '`padded`'],
    ['x'.repeat(10), 10, `\`${'x'.repeat(10)}\``],
    ['x'.repeat(11), 10, `\`${'x'.repeat(7)}...\``],
    [5, 20, '`5`'],
    [{ a: 1 }, 20, '`{"a":1}`'],
  ])('%j (limit %d) -> %s', (value, limit, expected) => {
    expect(literal(value, limit)).toBe(expected);
  });
});

describe('event messages at their edges', () => {
  it('reduces the header words to a plain alphabet', () => {
    const message = formatSlackMessage(
      alertDocument({ type: 'a<b>', event: 'c*d', severity: 'high' }),
    );
    expect(message.blocks[0]).toMatchObject({
      text: { text: ':large_orange_circle: HIGH a?b?/c?d' },
    });
  });

  it.each([
    ['info', ':information_source:'],
    ['medium', ':large_yellow_circle:'],
    ['high', ':large_orange_circle:'],
  ] as const)('heads a %s alert with %s', (severity, emoji) => {
    const message = formatSlackMessage(alertDocument({ severity }));
    expect(message.blocks[0]).toMatchObject({
      text: { text: `${emoji} ${severity.toUpperCase()} app_login/incorrect_password` },
    });
  });

  it('shows "-" for an event of no rule', () => {
    expect(texts(formatSlackMessage(alertDocument({ rules: [] })))).toContain('*Rules*\\n-');
  });
});

const incident = (overrides: Partial<Incident>): IncidentAlertDocument => {
  const [alert] = buildIncidentAlerts(
    incidentOf({
      detection: 'password-spray',
      group: 'ip:203.0.113.9',
      groupedBy: 'ip',
      measure: 12,
      threshold: 10,
      eventIds: [],
      eventCount: 0,
      ...overrides,
    }),
  );
  return alert?.document as IncidentAlertDocument;
};

describe('incident messages at their edges', () => {
  it('shows the first 10 event ids and counts the rest', () => {
    // Act
    const text = texts(
      formatSlackMessage(
        incident({ eventIds: Array.from({ length: 15 }, (_, i) => `e${i}`), eventCount: 20 }),
      ),
    );
    // Assert
    expect(text).toContain('`e9` and 10 more');
    expect(text).not.toContain('`e10`');
  });

  it('shows the first 10 values', () => {
    const values = Array.from({ length: 12 }, (_, i) => `u${i}@acme.com`);
    const text = texts(formatSlackMessage(incident({ values })));
    expect(text).toContain('`u9@acme.com`');
    expect(text).not.toContain('`u10@acme.com`');
  });
});

describe('summary messages at their edges', () => {
  it('shows at most 10 fields however many values are on top', () => {
    // Prepare: eight different people, so a top of five, plus four fixed fields.
    const [alert] = buildSummaryAlerts(
      foldSummary({
        event: 'unauthorized_ip',
        rule: 'unauthorized-ip',
        members: Array.from({ length: 8 }, (_, i) => ({ eventId: `e${i}`, who: `u${i}` })),
      }),
    );
    const document = { ...(alert?.document as SummaryAlertDocument) };
    const wide = {
      ...document,
      top: Array.from({ length: 8 }, (_, i) => ({ value: `v${i}`, count: 1 })),
    };
    // Act
    const [, , fields] = formatSlackMessage(wide).blocks;
    // Assert
    expect(fields).toMatchObject({ fields: expect.any(Array) });
    expect((fields as unknown as { fields: unknown[] }).fields).toHaveLength(10);
  });

  it('lists the addresses in a section of their own, after the people', () => {
    // Prepare
    const [alert] = buildSummaryAlerts(
      foldSummary({
        event: 'unauthorized_ip',
        rule: 'unauthorized-ip',
        members: [
          { eventId: 'e1', who: 'a', value: '203.0.113.9' },
          { eventId: 'e2', who: 'a', value: '203.0.113.9' },
        ],
      }),
    );
    // Act
    const blocks = formatSlackMessage(alert?.document as SummaryAlertDocument).blocks;
    // Assert
    expect(blocks).toHaveLength(4);
    expect(blocks[3]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Addresses*\n`1`' },
        { type: 'mrkdwn', text: '`203.0.113.9`\n`2`' },
      ],
    });
  });

  it('says how many addresses in all, and adds no section when there are none', () => {
    // Prepare
    const members = Array.from({ length: 7 }, (_, i) => ({
      eventId: `e${i}`,
      value: `203.0.113.${i}`,
    }));
    const [many] = buildSummaryAlerts(foldSummary({ members }));
    const [none] = buildSummaryAlerts(foldSummary());
    // Act
    const withAddresses = formatSlackMessage(many?.document as SummaryAlertDocument).blocks;
    const without = formatSlackMessage(none?.document as SummaryAlertDocument).blocks;
    // Assert
    expect(withAddresses[3]).toMatchObject({
      fields: [{ text: '*Addresses*\n`7`' }, {}, {}, {}, {}, {}],
    });
    expect(without).toHaveLength(3);
  });

  it('formats a summary sent before summaries named addresses', () => {
    // Prepare: a document as an earlier version published it, without the two fields.
    const [alert] = buildSummaryAlerts(foldSummary());
    if (alert === undefined) throw new Error('no alert');
    const {
      addresses: _a,
      distinctAddresses: _d,
      ...earlier
    } = alert.document as SummaryAlertDocument;
    // Act
    const message = formatSlackMessage(earlier);
    // Assert
    expect(message.blocks).toHaveLength(3);
    expect(message.text).toContain('3 more incorrect_password alerts');
  });
});
