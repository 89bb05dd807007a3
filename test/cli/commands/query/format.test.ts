// What `query` prints when --output is not given.
import { parseOutput } from '../../../../cli/commands/query/format';

describe('output', () => {
  it('defaults to a table on a terminal and JSON in a pipe', () => {
    expect(parseOutput(undefined, true)).toBe('table');
    expect(parseOutput(undefined, false)).toBe('json');
  });
});
