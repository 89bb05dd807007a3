// The Slack formatter: readable Block Kit, and no way for event data to mention, link or format.
import fc from 'fast-check';
import { formatSlackMessage, literal } from '../../lambda/slack/format';
import { alertDocument } from '../../lambda/testing/factories';

/** Every piece of text Slack will parse as mrkdwn (top-level text, sections, fields, context). */
function mrkdwnTexts(message: ReturnType<typeof formatSlackMessage>): string[] {
  const texts = [message.text];
  for (const block of message.blocks) {
    if (block.type === 'section') {
      if (block.text) texts.push(block.text.text);
      for (const field of block.fields ?? []) texts.push(field.text);
    }
    if (block.type === 'context') texts.push(...block.elements.map((e) => e.text));
  }
  return texts;
}

const HOSTILE = [
  '<!channel>',
  '<!here|here>',
  '<@U123ABC>',
  '<#C123|general>',
  '<http://evil.example|click me>',
  '*bold* _italic_ ~strike~ `code` ```block```',
  '> quoted\n• bullet',
  '&lt;!channel&gt;',
];

describe('formatSlackMessage', () => {
  it("keeps the header, emoji included, within Slack's 150 characters", () => {
    // Prepare: an unrecognised event with the longest type and event names the core accepts.
    const doc = { ...alertDocument(), type: 't'.repeat(256), event: 'e'.repeat(256) };
    // Act
    const [header] = formatSlackMessage(doc).blocks;
    // Assert
    expect(header).toMatchObject({ type: 'header' });
    const text = (header as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThanOrEqual(150);
    expect(text.startsWith(':red_circle: CRITICAL ttt')).toBe(true);
  });

  it('shows severity, pair, call center, time, rules and params', () => {
    const message = formatSlackMessage(alertDocument());

    const [header, summary, fields] = message.blocks;
    expect(header).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: ':red_circle: CRITICAL app_login/incorrect_password',
        emoji: true,
      },
    });
    expect(summary).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '`12 failed logins for j***@acme.com (admin)`' },
    });
    expect(fields).toMatchObject({
      fields: [
        { text: '*Call center*\n`acme-main`' },
        { text: '*Time*\n`2024-05-01T10:00:00.123Z`' },
        { text: '*Severity*\n`critical`' },
        { text: '*Rules*\n`incorrect_password.admin`' },
        { text: '`user`\n`john@acme.com`' },
        { text: '`access_group`\n`admin`' },
        { text: '`count`\n`12`' },
      ],
    });
    expect(message.text).toBe(
      'CRITICAL: `12 failed logins for j***@acme.com (admin)` (`acme-main`)',
    );
  });

  it.each(HOSTILE)('keeps %j literal wherever event data appears', (hostile) => {
    const doc = alertDocument({
      callcenter: hostile,
      summary: hostile,
      type: hostile,
      event: hostile,
      rules: [hostile],
      params: { [hostile]: hostile },
    });

    const texts = mrkdwnTexts(formatSlackMessage(doc));

    for (const text of texts) {
      expect(text).not.toMatch(/<[!@#]|<https?:/);
      expect(text).not.toContain('<');
      expect(text).not.toContain('>');
    }
    expect(texts).toContain(literal(hostile, 1000));
  });

  it('never lets any event text open a tag or leave its code span', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.dictionary(fc.string(), fc.string()),
        (a, b, params) => {
          const texts = mrkdwnTexts(
            formatSlackMessage(alertDocument({ callcenter: a, summary: b, params })),
          );
          for (const text of texts) {
            expect(text).not.toMatch(/[<>]/);
            expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
          }
        },
      ),
    );
  });

  it('shows at most six params and says how many more there are', () => {
    const params = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`p${i}`, i]));

    const message = formatSlackMessage(alertDocument({ params }));

    const section = message.blocks[2];
    expect(section?.type === 'section' && section.fields?.length).toBe(10);
    expect(JSON.stringify(message.blocks[3])).toContain('3 more param(s)');
  });
});

describe('literal', () => {
  it('escapes &, < and > once, in that order', () => {
    expect(literal('a & <b>')).toBe('`a &amp; &lt;b&gt;`');
  });

  it('replaces backticks and control characters so the code span cannot be closed', () => {
    expect(literal('x` *y*\n<!here>')).toBe('`x\u02cb *y* &lt;!here&gt;`');
  });

  it('shortens long values and marks empty ones', () => {
    expect(literal('z'.repeat(400))).toHaveLength(302);
    expect(literal('')).toBe('(empty)');
  });
});
