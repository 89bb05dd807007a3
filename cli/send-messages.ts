// Sends message bodies to a queue with SendMessageBatch (10 per call, under SQS's 256 KiB
// request limit) and reports each body that SQS did not accept, with SQS's reason.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { packBatches } from '../lambda/adapters/batching';

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 262_144;
/** SQS's limit for one message body (256 KiB). */
export const MAX_MESSAGE_BYTES = 262_144;

/** A character SQS does not accept in a message body (its allowed set is the complement). */
const NOT_SQS_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * Why SQS would refuse this body, or undefined when it would accept it. `simulate` and `send`
 * both check every line with it before sending: the emulator does not enforce SQS's character
 * set, and a refused line then reads the same whichever command met it.
 */
export function sqsRefusal(body: string): string | undefined {
  const bad = NOT_SQS_CHARACTER.exec(body);
  if (bad) {
    const code = bad[0].codePointAt(0) ?? 0;
    const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return `contains a character SQS does not accept in a message body (${name} at character ${bad.index + 1})`;
  }
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short bodies need no byte count.
  if (body.length * 3 <= MAX_MESSAGE_BYTES) return undefined;
  const bytes = Buffer.byteLength(body, 'utf8');
  return bytes > MAX_MESSAGE_BYTES
    ? `is ${bytes} bytes; SQS accepts at most ${MAX_MESSAGE_BYTES} (256 KiB)`
    : undefined;
}

export interface RefusedLine {
  /** 1-based line number in the input. */
  readonly line: number;
  readonly reason: string;
}

/** One line for a body that was not sent, the same for `simulate` and `send`. */
export const refusedLineText = (refused: RefusedLine): string =>
  `line ${refused.line} refused: ${refused.reason}`;
const SEND_CONCURRENCY = 4;

export interface SendReport {
  /** Index in the input and SQS's message id, for every accepted body. */
  readonly accepted: { readonly index: number; readonly messageId: string }[];
  readonly rejected: { readonly index: number; readonly reason: string }[];
}

/** Indexes of `bodies` grouped for SendMessageBatch (10 entries, 256 KiB per request). */
const batches = (bodies: readonly string[]): number[][] =>
  packBatches(
    bodies.map((_, index) => index),
    {
      maxEntries: MAX_ENTRIES,
      maxBytes: MAX_REQUEST_BYTES,
      sizeOf: (index) => Buffer.byteLength(bodies[index] ?? '', 'utf8'),
    },
  );

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function sendBodies(
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<SendReport> {
  const report: SendReport = { accepted: [], rejected: [] };
  let done = 0;
  const sendBatch = async (indexes: readonly number[]): Promise<void> => {
    try {
      const result = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: indexes.map((index) => ({
            Id: String(index),
            MessageBody: bodies[index] ?? '',
          })),
        }),
      );
      for (const entry of result.Successful ?? []) {
        report.accepted.push({ index: Number(entry.Id), messageId: entry.MessageId ?? '' });
      }
      for (const entry of result.Failed ?? []) {
        report.rejected.push({
          index: Number(entry.Id),
          reason: entry.Message ?? entry.Code ?? 'rejected',
        });
      }
    } catch (error) {
      // One bad body (too large, forbidden characters) fails the whole call: retry one by one
      // so only that body is reported.
      if (indexes.length > 1) {
        for (const index of indexes) await sendBatch([index]);
        return;
      }
      const name = error instanceof Error ? error.name : '';
      if (
        /Credentials|ECONNREFUSED|NonExistentQueue|QueueDoesNotExist|AccessDenied/.test(
          `${name} ${reasonOf(error)}`,
        )
      ) {
        throw error;
      }
      report.rejected.push({ index: indexes[0] ?? -1, reason: reasonOf(error) });
    }
  };
  // A few calls in flight at once: one at a time leaves SQS (and the emulator) mostly idle.
  const queue = batches(bodies);
  const worker = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      await sendBatch(batch);
      done += batch.length;
      onProgress?.(done, bodies.length);
    }
  };
  await Promise.all(Array.from({ length: SEND_CONCURRENCY }, worker));
  report.accepted.sort((a, b) => a.index - b.index);
  report.rejected.sort((a, b) => a.index - b.index);
  return report;
}

export interface NumberedBody {
  /** 1-based line number in the input. */
  readonly line: number;
  readonly body: string;
}

/**
 * Splits text into message bodies: one per non-empty line, sent verbatim. Only the line
 * terminator (`\n` or `\r\n`) is removed; a line of spaces is a body like any other, because
 * the SPEC sends every non-empty line and a malformed body is worth seeing quarantined.
 */
export function numberedBodies(text: string): NumberedBody[] {
  return text
    .split('\n')
    .map((line, index) => ({
      line: index + 1,
      body: line.endsWith('\r') ? line.slice(0, -1) : line,
    }))
    .filter((entry) => entry.body !== '');
}

export const bodiesFromLines = (text: string): string[] =>
  numberedBodies(text).map((entry) => entry.body);
