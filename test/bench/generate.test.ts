// The benchmark's input must be what it claims: seeded, covering all 12 documented pairs, about
// 10% alert-worthy, with some duplicates and malformed bodies.
import { DOCUMENTED_PAIRS, describeMix, generateMix } from '../../bench/generate';

describe('generateMix', () => {
  it('is reproducible from its seed and differs between seeds', () => {
    const a = generateMix({ count: 300, seed: 5 });
    const b = generateMix({ count: 300, seed: 5 });
    const c = generateMix({ count: 300, seed: 6 });
    expect(b.map((m) => m.body)).toEqual(a.map((m) => m.body));
    expect(c.map((m) => m.body)).not.toEqual(a.map((m) => m.body));
  });

  it('covers the 12 documented pairs with a realistic share of alert-worthy events', () => {
    const messages = generateMix({ count: 10_000, seed: 1 });
    const mix = describeMix(messages);
    const pairs = new Set(messages.filter((m) => m.kind === 'event').map((m) => m.pair));
    expect(DOCUMENTED_PAIRS).toHaveLength(12);
    expect([...pairs].sort()).toEqual([...DOCUMENTED_PAIRS].sort());
    expect(mix.alertWorthy / mix.messages).toBeGreaterThan(0.07);
    expect(mix.alertWorthy / mix.messages).toBeLessThan(0.14);
    expect(mix.duplicates).toBeGreaterThan(100);
    expect(mix.malformed).toBeGreaterThan(50);
    expect(mix.unrecognised).toBeGreaterThan(20);
  });

  it('gives distinct events distinct content keys and duplicates their original key', () => {
    const messages = generateMix({ count: 5_000, seed: 2 });
    const originals = messages.filter((m) => m.kind === 'event' || m.kind === 'unrecognised');
    expect(new Set(originals.map((m) => m.contentKey)).size).toBe(originals.length);
    for (const duplicate of messages.filter((m) => m.kind === 'duplicate')) {
      expect(duplicate.contentKey).toBe(messages[duplicate.duplicateOf ?? -1]?.contentKey);
      expect(JSON.parse(duplicate.body)).toEqual(
        JSON.parse(messages[duplicate.duplicateOf ?? -1]?.body ?? ''),
      );
    }
  });

  it('makes malformed bodies that are not valid events', () => {
    const malformed = generateMix({ count: 5_000, seed: 3 }).filter((m) => m.kind === 'malformed');
    expect(malformed.length).toBeGreaterThan(20);
    for (const m of malformed) expect(m.defect).toEqual(expect.any(String));
  });
});
