import fc from 'fast-check';
import { envelopeFastPath, envelopeSchema, MAX_FIELD_LENGTH } from '../../lambda/core/event-schema';

/** Strings around every length limit of the envelope (0, 1, 64, 65, 256, 257 characters). */
const boundaryString = fc
  .constantFrom(0, 1, 2, 63, 64, 65, MAX_FIELD_LENGTH - 1, MAX_FIELD_LENGTH, MAX_FIELD_LENGTH + 1)
  .map((length) => 'x'.repeat(length));

/** Anything a JSON body (or a careless caller) could put in an envelope field. */
const fieldValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  boundaryString,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 3 }),
  fc.constant(new Date(0)),
);

/** Mostly the right shape (so acceptance is exercised as much as rejection), sometimes anything. */
const nearlyValid = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: fieldValue });

/** Envelopes where each field may be missing or of any shape, plus stray extra fields. */
const envelopeLike = fc.record(
  {
    timestamp: nearlyValid(fc.string({ maxLength: 70 })),
    type: nearlyValid(fc.string({ minLength: 1, maxLength: 20 })),
    event: nearlyValid(fc.string({ minLength: 1, maxLength: 20 })),
    callcenter: nearlyValid(fc.string({ minLength: 1, maxLength: 20 })),
    params: nearlyValid(fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 3 })),
    extra: fieldValue,
  },
  { requiredKeys: ['timestamp', 'type', 'event', 'callcenter'] },
);

describe('envelopeFastPath', () => {
  it('accepts exactly what envelopeSchema accepts, with the same result', () => {
    // Prepare
    const seen = { accepted: 0, rejected: 0 };
    // Act + Assert
    fc.assert(
      fc.property(envelopeLike, (input) => {
        const fast = envelopeFastPath(input);
        const schema = envelopeSchema.safeParse(input);
        expect(fast !== undefined).toBe(schema.success);
        if (fast && schema.success) expect(fast).toStrictEqual(schema.data);
        seen[schema.success ? 'accepted' : 'rejected']++;
      }),
      { numRuns: 20_000 },
    );
    // Both outcomes were exercised, not just one.
    expect(seen.accepted).toBeGreaterThan(1_000);
    expect(seen.rejected).toBeGreaterThan(1_000);
  });

  it('accepts a valid envelope, so the fast path is actually taken', () => {
    // Prepare
    const input = {
      timestamp: '2020-10-10T10:11:12.12Z',
      type: 'app_login',
      event: 'successful_login',
      callcenter: 'acme',
      params: { user: 'john@acme.com' },
    };
    // Act
    const fast = envelopeFastPath(input);
    // Assert
    expect(fast).toStrictEqual(input);
  });
});
