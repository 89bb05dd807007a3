// How a file of messages becomes message bodies: one per non-empty line, each sent verbatim.
import { numberedBodies } from '../../cli/send-messages';
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
