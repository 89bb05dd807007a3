// The edges of alert text that the golden snapshots do not reach: each cleaning step of a
// subject on its own, values that are missing or not strings, subjects at and over their
// length, groups without a separator, and summaries of one alert, of alerts naming nobody, of
// ties and of more events than a document lists.
import {
  alertSubject,
  buildAlerts,
  defang,
  MAX_SUBJECT_LENGTH,
  quote,
  summarise,
  toAttributeValue,
  toSubjectText,
} from '../../lambda/core/alert-format';
import {
  buildIncidentAlerts,
  buildSummaryAlerts,
  type FoldSummary,
  groupValue,
  summaryDocument,
} from '../../lambda/core/incident-alerts';
import { eventItemOf, foldSummary, incidentOf, voisoEvent } from '../../lambda/testing/factories';

describe('defang', () => {
  it.each([
    ['https://x.example/a', 'https[:]//x.example/a'],
    ['x://y', 'x[:]//y'],
    ['s3://bucket/key', 's3[:]//bucket/key'],
    ['see HTTP://a and ftp://b', 'see HTTP[:]//a and ftp[:]//b'],
    ['www.example.com', 'www[.]example.com'],
    ['://no scheme', '://no scheme'],
  ])('%j -> %j', (input, expected) => {
    expect(defang(input)).toBe(expected);
  });
});

describe('subject text, one cleaning step at a time', () => {
  it.each([
    ['  padded  ', 'padded'],
    ['a\vb', 'a b'],
    ['a\r\n\t\fb', 'a b'],
    ['a\u00e9b', 'a?b'],
    ['a    b', 'a b'],
    ['a b', 'a b'],
  ])('%j -> %j', (input, expected) => {
    expect(toSubjectText(input)).toBe(expected);
  });
});

describe('values in alert text', () => {
  it('quotes values that are not strings, and undefined as null', () => {
    expect([quote(undefined), quote(3), quote({ a: 'b' }), quote('x')]).toEqual([
      'null',
      '3',
      '{"a":"b"}',
      '"x"',
    ]);
  });

  it('never leaves an attribute value empty', () => {
    expect([toAttributeValue(''), toAttributeValue('a')]).toEqual(['-', 'a']);
  });

  it('summarises a pair whose params are missing with empty places, not "undefined"', () => {
    expect(summarise({ type: 'app_login', event: 'successful_login', params: {} })).toBe(
      ' () logged in',
    );
  });

  it('summarises values with control characters trimmed and collapsed, and long ones cut', () => {
    const long = 'u'.repeat(120);
    const longer = 'v'.repeat(121);
    const summary = (user: unknown) =>
      summarise({ type: 'app_login', event: 'successful_login', params: { user } });
    expect(summary(' dana\r\n\u2028x ')).toBe('dana x () logged in');
    expect(summary(long)).toBe(`${long} () logged in`);
    expect(summary(longer)).toBe(`${'v'.repeat(117)}... () logged in`);
    expect(summary(7)).toBe('7 () logged in');
  });

  it('names who acted in the subject when the event names no user', () => {
    const item = eventItemOf(
      voisoEvent('allowed_ip/ip_removed', {
        params: { who: 'admin@acme.com', ip: '203.0.113.9', access_group: 'agent' },
      }),
    );
    expect(alertSubject(item)).toBe(
      `[${item.severity.toUpperCase()}] ${item.callcenter}: ip_removed admin@acme.com 203.0.113.9`,
    );
  });

  it('leaves out of the subject the parts an event does not have', () => {
    const item = eventItemOf(voisoEvent('app_login/deleted_user', { params: { user: 'dana' } }));
    expect(alertSubject(item)).toBe(
      `[${item.severity.toUpperCase()}] ${item.callcenter}: deleted_user dana`,
    );
  });

  it('gives an event of no rule the rule attribute "none"', () => {
    const item = eventItemOf(voisoEvent('app_login/deleted_user'));
    const [alert] = buildAlerts({ ...item, rules: [] });
    expect(alert?.attributes.rule).toBe('none');
  });
});

const incident = incidentOf;

describe('incident alerts at their edges', () => {
  it('reads the group value after its kind and before any "|" qualifier', () => {
    expect(groupValue({ group: 'callcenter', callcenter: 'acme' })).toBe('acme');
    expect(groupValue({ group: 'user:dana', callcenter: 'acme' })).toBe('dana');
    expect(groupValue({ group: 'actor:bob|user/user_deleted', callcenter: 'acme' })).toBe('bob');
    expect(groupValue({ group: 'actor:a|b|c', callcenter: 'acme' })).toBe('a|b');
  });

  it('replaces angle brackets in subject values', () => {
    const [alert] = buildIncidentAlerts(incident({ callcenter: 'a<b>c', group: 'user:<x>' }));
    expect(alert?.subject).toBe('[HIGH] a?b?c: incident brute-force ?x? x24');
  });

  it('keeps a subject of the longest length whole and cuts a longer one to it', () => {
    // Prepare: a user that fills the subject exactly to the limit, and one a character longer.
    const fixed = '[HIGH] acme: incident brute-force  x24'.length;
    const exact = 'u'.repeat(MAX_SUBJECT_LENGTH - fixed);
    // Act
    const [whole] = buildIncidentAlerts(incident({ group: `user:${exact}` }));
    const [cut] = buildIncidentAlerts(incident({ group: `user:${exact}u` }));
    // Assert
    expect(whole?.subject).toBe(`[HIGH] acme: incident brute-force ${exact} x24`);
    expect(cut?.subject).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(cut?.subject).toBe(
      `${`[HIGH] acme: incident brute-force ${exact}u x24`.slice(0, MAX_SUBJECT_LENGTH - 3)}...`,
    );
  });

  it('names an unknown new address "?" in a new-source incident', () => {
    const [alert] = buildIncidentAlerts(
      incident({ detection: 'new-source', threshold: undefined, key: undefined }),
    );
    expect(alert?.subject).toBe('[HIGH] acme: incident new-source dana');
    expect(alert?.document).toMatchObject({
      summary: expect.stringMatching(/^dana changed source IP to \?, not seen in /),
    });
  });
});

const summary = (members: FoldSummary['members']): FoldSummary => foldSummary({ members });

describe('summaries at their edges', () => {
  it('says "alert" and "user" for one of each', () => {
    expect(summaryDocument(summary([{ eventId: 'e1', who: 'dana' }])).summary).toBe(
      '1 more incorrect_password alert (incorrect-password) for acme since 09:00 UTC: 1 user, top: dana (1)',
    );
  });

  it('names no users when no folded alert named anyone', () => {
    const document = summaryDocument(summary([{ eventId: 'e1' }, { eventId: 'e2' }]));
    expect(document.summary).toBe(
      '2 more incorrect_password alerts (incorrect-password) for acme since 09:00 UTC',
    );
    expect([document.distinctValues, document.top]).toEqual([0, []]);
  });

  it('lists the most frequent first, ties in alphabetical order, at most five', () => {
    // Prepare: counts 1, 3, 2, 2, 1, 1, 1 in an order that is neither of the answers.
    const who = ['g', 'c', 'c', 'c', 'b', 'b', 'a', 'a', 'f', 'e', 'd'];
    // Act
    const document = summaryDocument(summary(who.map((w, i) => ({ eventId: `e${i}`, who: w }))));
    // Assert
    expect(document.top).toEqual([
      { value: 'c', count: 3 },
      { value: 'a', count: 2 },
      { value: 'b', count: 2 },
      { value: 'd', count: 1 },
      { value: 'e', count: 1 },
    ]);
    expect(document.distinctValues).toBe(7);
  });

  it('lists the first 50 event ids of a larger window and counts them all', () => {
    // Act
    const [alert] = buildSummaryAlerts(
      summary(Array.from({ length: 60 }, (_, i) => ({ eventId: `e${i}` }))),
    );
    // Assert
    expect(alert?.document).toMatchObject({
      count: 60,
      eventIds: Array.from({ length: 50 }, (_, i) => `e${i}`),
    });
    expect(alert?.text).toContain('Events (50 of 60):');
  });
});
