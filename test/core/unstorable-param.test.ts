// unstorableParam at its edges: depth counted through arrays as through objects, documented
// names kept in the log-safe path, and the lone-surrogate check on unless turned off.
import { MAX_PARAMS_DEPTH, unstorableParam } from '../../lambda/core/event-schema';

const inArrays = (levels: number): unknown => (levels === 0 ? 1 : [inArrays(levels - 1)]);
const inObjects = (levels: number): unknown => (levels === 0 ? 1 : { k: inObjects(levels - 1) });

describe('unstorableParam', () => {
  it.each([
    ['arrays', inArrays],
    ['objects', inObjects],
  ])('refuses %s nested one level deeper than the limit, not at it', (_, nest) => {
    expect(unstorableParam({ secret: nest(MAX_PARAMS_DEPTH - 1) }, 'params')).toBeUndefined();
    expect(unstorableParam({ secret: nest(MAX_PARAMS_DEPTH) }, 'params')?.reason).toMatch(
      new RegExp(`: nested deeper than ${MAX_PARAMS_DEPTH} levels$`),
    );
  });

  it('names a documented param in the log-safe path, and only positions below it', () => {
    expect(unstorableParam({ user: ['ok', '\ud800'] }, 'params')).toEqual({
      reason:
        'params.user[1]: contains a lone UTF-16 surrogate, which DynamoDB cannot store as UTF-8',
      problem:
        'params.user[1]: contains a lone UTF-16 surrogate, which DynamoDB cannot store as UTF-8',
    });
  });

  it('checks for lone surrogates unless told the body cannot hold any', () => {
    expect(unstorableParam({ a: '\ud800' }, 'params')?.problem).toBe(
      'params[0]: contains a lone UTF-16 surrogate, which DynamoDB cannot store as UTF-8',
    );
    expect(unstorableParam({ a: '\ud800' }, 'params', false)).toBeUndefined();
  });
});
