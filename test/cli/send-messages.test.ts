// How a file of messages becomes message bodies: one per non-empty line, each sent verbatim.
import {
  MAX_MESSAGE_BYTES,
  numberedBodies,
  refusedLineText,
  sqsRefusal,
} from '../../cli/send-messages';
import { voisoEventBody } from '../../lambda/testing/factories';
import { lines } from './run-cli';

describe('numberedBodies', () => {
  it('keeps a whitespace-only line as a body of its own', () => {
    const text = lines(voisoEventBody(), ' ', '\t', voisoEventBody());

    const bodies = numberedBodies(text);

    expect(bodies.map((entry) => entry.body)).toEqual([
      voisoEventBody(),
      ' ',
      '\t',
      voisoEventBody(),
    ]);
  });

  it('skips only truly empty lines and numbers the rest by their line in the input', () => {
    const text = lines('first', '', 'third');

    const bodies = numberedBodies(text);

    expect(bodies).toEqual([
      { line: 1, body: 'first' },
      { line: 3, body: 'third' },
    ]);
  });

  it('keeps surrounding whitespace of a body as it was', () => {
    const text = lines(`  ${voisoEventBody()}\t`);

    const bodies = numberedBodies(text);

    expect(bodies.map((entry) => entry.body)).toEqual([`  ${voisoEventBody()}\t`]);
  });

  it('removes the line terminator of a CRLF file but not the content', () => {
    const text = 'a\r\n \r\n\r\nb\r\n';

    const bodies = numberedBodies(text);

    expect(bodies.map((entry) => entry.body)).toEqual(['a', ' ', 'b']);
  });
});

describe('sqsRefusal', () => {
  it('accepts what SQS accepts', () => {
    expect(sqsRefusal(voisoEventBody())).toBeUndefined();
    expect(sqsRefusal('tab\tnewline\ncr\r José 山田 😀')).toBeUndefined();
    expect(sqsRefusal('x'.repeat(MAX_MESSAGE_BYTES))).toBeUndefined();
  });

  it.each([
    ['a C0 control', 'ab\u0007c', 'U+0007 at character 3'],
    ['a NUL', '\u0000', 'U+0000 at character 1'],
    ['a lone surrogate', 'a\uD800', 'U+D800 at character 2'],
    ['U+FFFE', '\uFFFE', 'U+FFFE at character 1'],
  ])('refuses %s, naming it and where it is', (_, body, where) => {
    expect(sqsRefusal(body)).toBe(
      `contains a character SQS does not accept in a message body (${where})`,
    );
  });

  it('refuses a body over 256 KiB, counting UTF-8 bytes', () => {
    expect(sqsRefusal('é'.repeat(MAX_MESSAGE_BYTES / 2 + 1))).toBe(
      `is ${MAX_MESSAGE_BYTES + 2} bytes; SQS accepts at most ${MAX_MESSAGE_BYTES} (256 KiB)`,
    );
  });

  it('words a refused line the same for every command', () => {
    expect(refusedLineText({ line: 3, reason: 'is too big' })).toBe('line 3 refused: is too big');
  });
});
