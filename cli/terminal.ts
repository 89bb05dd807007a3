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

/** Plain text table with left-aligned columns; cells are single-line and bounded. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]) {
  const clean = (cell: string) => {
    const flat = printable(cell);
    return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
  };
  const cells = rows.map((row) => row.map(clean));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** RFC 4180 CSV; formula-looking cells are prefixed so spreadsheets do not execute them. */
export function renderCsv(headers: readonly string[], rows: readonly (readonly string[])[]) {
  const cell = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return [headers, ...rows].map((row) => row.map(cell).join(',')).join('\r\n');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
