// A file of messages as `simulate` and `send` read it: JSON Lines, one SQS message body per
// non-empty line, with the two checks for input that is almost certainly a mistake (a
// pretty-printed JSON document, a byte order mark). A single malformed line is not a mistake
// of this kind: it is a message like any other, and the pipeline quarantines it.
import { readFileSync } from 'node:fs';
import { UsageError } from './errors';
import { type NumberedBody, numberedBodies } from './send-messages';
import { plural } from './terminal';

export interface MessageInput {
  readonly bodies: NumberedBody[];
  /** Things a person should know about the input that do not stop the command. */
  readonly warnings: string[];
}

export interface MessageInputOptions {
  /** The option that named the file, for messages: `--input`, `--file`. */
  readonly option: string;
  /** Send the lines exactly as they are: no JSON Lines check, the BOM kept. */
  readonly raw?: boolean;
}

/** Reads FILE (or standard input for `-`) as UTF-8 text; a missing file is a usage error. */
export function readInputText(option: string, file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${option}: file not found: ${file}`);
    if (code === 'EISDIR') throw new UsageError(`${option}: ${file} is a directory`);
    throw new UsageError(`${option}: cannot read ${file} (${code ?? String(error)})`);
  }
}

const BOM = '\uFEFF';

/**
 * The whole text is one JSON document spread over several non-blank lines (a pretty-printed
 * object or array): sent line by line, every line would be quarantined as "not valid JSON".
 */
function spreadDocument(text: string, bodies: readonly NumberedBody[]): unknown {
  if (bodies.filter((entry) => entry.body.trim() !== '').length < 2) return undefined;
  try {
    return JSON.parse(text) ?? undefined;
  } catch {
    return undefined;
  }
}

export function messageInput(
  text: string,
  file: string,
  options: MessageInputOptions,
): MessageInput {
  const name = file === '-' ? 'standard input' : file;
  if (options.raw) return { bodies: numberedBodies(text), warnings: [] };
  const warnings: string[] = [];
  let content = text;
  if (content.startsWith(BOM)) {
    content = content.slice(BOM.length);
    warnings.push(`${options.option}: ${name} starts with a UTF-8 byte order mark; dropped it`);
  }
  const bodies = numberedBodies(content);
  const document = spreadDocument(content, bodies);
  if (document !== undefined) {
    const kind = Array.isArray(document)
      ? 'array'
      : typeof document === 'object'
        ? 'object'
        : 'value';
    const jq = [Array.isArray(document) ? `jq -c '.[]'` : 'jq -c .', file === '-' ? '' : name];
    throw new UsageError(
      `${options.option}: expected JSON Lines: one message per line, but ${name} is one JSON ` +
        `${kind} over ${plural(bodies.length, 'line')} (\`${jq.join(' ').trim()}\` writes one line per ` +
        'message; --raw sends the lines as they are)',
    );
  }
  return { bodies, warnings };
}

/** readInputText and messageInput in one call. */
export function readMessageInput(file: string, options: MessageInputOptions): MessageInput {
  return messageInput(readInputText(options.option, file), file, options);
}
