// Output helpers: tables and CSV for people and spreadsheets, and a progress line on stderr that
// only appears when a person is watching (stderr is a terminal).

export interface Progress {
  update(text: string): void;
  done(text?: string): void;
}

export function progress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  return {
    update(text) {
      // Redrawing more than ~10 times a second only costs time.
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      stream.write(`\r\x1b[2K${text}`);
    },
    done(text) {
      stream.write(`\r\x1b[2K${text ? `${text}\n` : ''}`);
    },
  };
}

/**
 * What a terminal acts on rather than prints: every control character (C0, DEL, and C1, where
 * U+009B alone starts an escape sequence on many terminals), the line and paragraph separators,
 * and the bidi controls that reorder text (a user name could otherwise display reversed or hide
 * the columns after it). Event data is written by whoever can reach Voiso, so cells lose them all.
 */
const TERMINAL_CONTROLS = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/gu;

/** Text from events, safe to print on one terminal line: every terminal control becomes a space. */
export const printable = (text: string) => text.replace(TERMINAL_CONTROLS, ' ');

export interface TableOptions {
  /** The widest each column's cells may be. @default 60 for each */
  readonly maxWidths?: readonly number[];
  /** Per column: a longer cell wraps onto more lines instead of ending in `…`. @default false */
  readonly wrap?: readonly boolean[];
}

/** Where a line may break: a space, but not the one before an arrow (`from -> to`). */
const BREAK = / (?!->)/g;

/** The longest piece `wrapText` cannot break. */
export const longestUnbreakable = (text: string): number =>
  Math.max(0, ...text.split(BREAK).map((piece) => piece.length));

/** Lines of at most `width` characters, broken at a space where there is one. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    let cut = 0;
    for (const match of rest.slice(0, width + 1).matchAll(BREAK)) cut = match.index;
    if (cut === 0) cut = width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  return [...lines, rest];
}

/** Plain text table with left-aligned columns; cells are bounded, cut or wrapped. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
) {
  const fitCell = (cell: string, column: number): string[] => {
    const flat = printable(cell);
    const max = Math.max(1, options.maxWidths?.[column] ?? 60);
    if (flat.length <= max) return [flat];
    return options.wrap?.[column] ? wrapText(flat, max) : [`${flat.slice(0, max - 1)}…`];
  };
  const cells = rows.map((row) => row.map(fitCell));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.flatMap((row) => (row[i] ?? []).map((part) => part.length))),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  // A row whose cells wrapped takes as many lines as its tallest cell.
  const rowLines = (row: readonly string[][]) =>
    Array.from({ length: Math.max(1, ...row.map((parts) => parts.length)) }, (_, n) =>
      line(row.map((parts) => parts[n] ?? '')),
    );
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.flatMap(rowLines)].join(
    '\n',
  );
}

/**
 * What a spreadsheet may run as a formula when it starts a cell: `=`, `+`, `-`, `@` (and their
 * full-width forms, which some spreadsheets fold to ASCII), also after leading spaces, and a
 * cell that started with a tab or carriage return (OWASP's CSV injection list).
 */
const FORMULA_START = /^\s*[=+\-@\uff1d\uff0b\uff0d\uff20]/;

/**
 * RFC 4180 CSV that is safe twice over: every terminal control (the same set as tables: C0
 * including CR and LF, DEL, C1, bidi, U+2028/2029) becomes a space, so printing the file cannot
 * act on the terminal (an OSC 52 clipboard write, a screen clear); and formula-looking cells are
 * prefixed with `'` so spreadsheets show them as text.
 */
export function renderCsv(headers: readonly string[], rows: readonly (readonly string[])[]) {
  const cell = (value: string) => {
    const text = printable(value);
    const safe = /^[\t\r]/.test(value) || FORMULA_START.test(text) ? `'${text}` : text;
    return /[",]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return [headers, ...rows].map((row) => row.map(cell).join(',')).join('\r\n');
}

/**
 * Characters JSON.stringify leaves raw that a terminal acts on or reorders: DEL, C1 (U+009B alone
 * starts an escape sequence on many terminals), the bidi controls, U+2028/2029. C0 controls and
 * lone surrogates JSON.stringify already escapes.
 */
const JSON_RAW_CONTROLS =
  /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON that is safe to print on a terminal and means the same to a parser: every control
 * character is written as a \uXXXX escape. (These characters can only occur inside strings, so
 * escaping them never changes the document.)
 */
export const terminalSafeJson = (value: unknown): string =>
  JSON.stringify(value, null, 2).replace(
    JSON_RAW_CONTROLS,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * `0 messages`, `1 message`, `2 messages`: every count a person reads goes through here, so no
 * message says "1 lines". Irregular nouns pass their plural.
 */
export const plural = (count: number, noun: string, nouns = `${noun}s`): string =>
  `${count} ${count === 1 ? noun : nouns}`;

/**
 * Columns a table may use: the terminal's width when standard output is one, `COLUMNS` when
 * set (so a pager or a test can ask for a width), else undefined (no limit: a file keeps it all).
 */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number | undefined {
  const fromEnv = Number(process.env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stream.isTTY ? stream.columns : undefined;
}

/** `40 s`, `12 min`, `3 h`, `5 d`: how long ago or how old, roughly. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
