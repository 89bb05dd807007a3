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

/** Plain text table with left-aligned columns; cells are single-line and bounded. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]) {
  const clean = (cell: string) => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we strip
    const flat = cell.replace(/[\u0000-\u001f\u007f]+/g, ' ');
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
