// Table cells come from event data anyone with Voiso access can shape: they must not be able to
// move the cursor, recolour, clear or reorder what the terminal shows, nor run as spreadsheet
// formulas from a CSV export.
import fc from 'fast-check';
import { formatSimulation, type SimulationResult } from '../../cli/commands/simulate';
import { renderCsv, renderTable } from '../../cli/terminal';

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
      { numRuns: 500, seed: 7 },
    );
  });
});

describe('renderCsv', () => {
  it('writes CSV that spreadsheets will not run as formulas', () => {
    expect(renderCsv(['a', 'b'], [['=HYPERLINK("x")', 'plain, comma']])).toBe(
      'a,b\r\n"\'=HYPERLINK(""x"")","plain, comma"',
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
