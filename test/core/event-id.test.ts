import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, eventId } from '../../lambda/core/keys';

/** The event id as its documentation defines it, computed the plain way. */
const referenceId = (
  time: string,
  type: string,
  event: string,
  callcenter: string,
  params: Record<string, unknown>,
): string =>
  createHash('sha256')
    .update(canonicalJson([time, type, event, callcenter, params]))
    .digest()
    .subarray(0, 16)
    .toString('base64url');

describe('eventId', () => {
  it('is the first 16 bytes of sha256 over the canonical JSON, base64url, for any content', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ unit: 'grapheme' }),
        fc.string(),
        fc.string(),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (time, type, event, callcenter, params) => {
          // Act
          const id = eventId(time, type, event, callcenter, params);
          // Assert
          expect(id).toBe(referenceId(time, type, event, callcenter, params));
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
