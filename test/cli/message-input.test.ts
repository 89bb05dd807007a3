// A file of messages is JSON Lines. A pretty-printed JSON file or a byte order mark is almost
// certainly a mistake and is caught before anything is sent; a malformed line is not: it is a
// message, and the pipeline quarantines it.
import { UsageError } from '../../cli/errors';
import { messageInput } from '../../cli/message-input';
import { voisoEventBody } from '../../lambda/testing/factories';
import { lines } from './run-cli';

const read = (text: string, raw = false) =>
  messageInput(text, 'events.json', { option: '--input', raw });

describe('messageInput', () => {
  it('takes one message per line', () => {
    const input = read(lines(voisoEventBody(), voisoEventBody('user/user_added')));

    expect(input.bodies.map((entry) => entry.line)).toEqual([1, 2]);
    expect(input.warnings).toEqual([]);
  });

  it.each([
    ['a pretty-printed object', JSON.stringify(JSON.parse(voisoEventBody()), null, 2), 'object'],
    ['a JSON array', JSON.stringify([JSON.parse(voisoEventBody())], null, 2), 'array'],
  ])('refuses %s spread over several lines', (_, text, kind) => {
    expect(() => read(text)).toThrow(UsageError);
    expect(() => read(text)).toThrow(
      `--input: expected JSON Lines: one message per line, but events.json is one JSON ${kind}`,
    );
  });

  it('says how to turn an array into lines', () => {
    expect(() => read('[\n{"a":1},\n{"a":2}\n]\n')).toThrow("`jq -c '.[]' events.json`");
  });

  it('keeps a single malformed line a message like any other', () => {
    expect(read('{"timestamp": \n').bodies).toEqual([{ line: 1, body: '{"timestamp": ' }]);
    expect(read(lines('not json', voisoEventBody())).bodies).toHaveLength(2);
    // One document on one line is one message, even an array.
    expect(read('[1, 2, 3]\n').bodies).toEqual([{ line: 1, body: '[1, 2, 3]' }]);
  });

  it('sends the lines as they are with --raw', () => {
    const text = JSON.stringify({ a: 1 }, null, 2);

    expect(read(text, true).bodies.map((entry) => entry.body)).toEqual(['{', '  "a": 1', '}']);
  });

  it('drops a leading UTF-8 byte order mark with a warning', () => {
    const input = read(`\uFEFF${lines(voisoEventBody())}`);

    expect(input.bodies).toEqual([{ line: 1, body: voisoEventBody() }]);
    expect(input.warnings).toEqual([
      '--input: events.json starts with a UTF-8 byte order mark; dropped it',
    ]);
  });

  it('keeps the byte order mark with --raw', () => {
    expect(read(`\uFEFF{}\n`, true).bodies[0]?.body).toBe('\uFEFF{}');
  });

  it('names standard input as such', () => {
    expect(() => messageInput('{\n"a": 1\n}\n', '-', { option: '--file' })).toThrow(
      'one JSON object over 3 lines (`jq -c .` writes one line per message',
    );
  });
});
