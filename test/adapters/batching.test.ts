import { packBatches } from '../../lambda/adapters/batching';

const limits = { maxEntries: 3, maxBytes: 10, sizeOf: (item: string) => item.length };

describe('packBatches', () => {
  it('caps each batch by entry count, in order', () => {
    expect(packBatches(['a', 'b', 'c', 'd'], limits)).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('caps each batch by bytes, and lets an oversized item stand alone', () => {
    expect(packBatches(['aaaa', 'bbbb', 'cccc', 'x'.repeat(12), 'd'], limits)).toEqual([
      ['aaaa', 'bbbb'],
      ['cccc'],
      ['x'.repeat(12)],
      ['d'],
    ]);
  });

  it('returns no batch for no items', () => {
    expect(packBatches([], limits)).toEqual([]);
  });
});
