// Reasons and log paths at their edges: a long offending value cut before a character pair, a
// body of exactly the size limit, and log paths through positions, names no code wrote, and
// values that are not containers.
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import { MAX_BODY_BYTES } from '../../lambda/core/event-schema';
import { classifyMessage, logPath } from '../../lambda/core/message';

const classify = (value: unknown) =>
  classifyMessage(
    typeof value === 'string' ? value : JSON.stringify(value),
    DEFAULT_DETECTION_SETTINGS,
  );

const ENVELOPE = {
  timestamp: '2025-06-02T08:00:00Z',
  type: 'app_login',
  event: 'deleted_user',
  callcenter: 'acme',
};

describe('the reason names a long offending value shortened', () => {
  it('cuts after 37 characters when no pair of UTF-16 halves is at the cut', () => {
    // Prepare: an emoji (two UTF-16 halves) early in the value, far from the cut.
    const timestamp = `\u{1F600}${'x'.repeat(45)}`;
    // Act
    const verdict = classify({ ...ENVELOPE, timestamp, params: { user: 'dana' } });
    // Assert
    expect(verdict).toMatchObject({
      kind: 'malformed',
      reason: `timestamp: expected ISO-8601 like 2020-10-10T10:11:12.12Z, got ${JSON.stringify(timestamp).slice(0, 37)}...`,
    });
  });

  it('cuts after 36 characters when the 37th would split a pair', () => {
    // Prepare: '"' + 35 characters puts the emoji's first half at index 36 of the JSON text.
    const timestamp = `${'x'.repeat(35)}\u{1F600}${'y'.repeat(10)}`;
    // Act
    const verdict = classify({ ...ENVELOPE, timestamp, params: { user: 'dana' } });
    // Assert
    expect(verdict).toMatchObject({
      reason: `timestamp: expected ISO-8601 like 2020-10-10T10:11:12.12Z, got "${'x'.repeat(35)}...`,
    });
  });
});

describe('the body size limit', () => {
  /** A valid event whose JSON body is exactly `size` bytes long. */
  const bodyOf = (size: number): string => {
    const params: Record<string, string> = { user: 'dana', access_group: 'agent' };
    const head = JSON.stringify({ ...ENVELOPE, params }).length;
    // Each further param adds `,"pNN":"…"`; fill with 4,000-character values, then the rest.
    let left = size - head;
    for (let i = 10; left > 0; i++) {
      const overhead = `,"p${i}":""`.length;
      const length = Math.min(4_000, left - overhead);
      params[`p${i}`] = 'v'.repeat(Math.max(0, length));
      left = size - JSON.stringify({ ...ENVELOPE, params }).length;
    }
    const body = JSON.stringify({ ...ENVELOPE, params });
    if (Buffer.byteLength(body) !== size) throw new Error(`fixture is ${body.length} bytes`);
    return body;
  };

  it('accepts a body of exactly the limit and refuses one byte more', () => {
    expect(classify(bodyOf(MAX_BODY_BYTES)).kind).toBe('event');
    expect(classify(bodyOf(MAX_BODY_BYTES + 1))).toEqual({
      kind: 'malformed',
      reason: `message: ${MAX_BODY_BYTES + 1} bytes, larger than the ${MAX_BODY_BYTES}-byte limit`,
      problem: `message: ${MAX_BODY_BYTES + 1} bytes, larger than the ${MAX_BODY_BYTES}-byte limit`,
    });
  });
});

describe('logPath', () => {
  const root = { params: { secret: [{ a: 1, 'b@x': { c: null } }], user: 'dana' } };

  it.each<[readonly PropertyKey[], string]>([
    [['params', 'user'], 'params.user'],
    [['params', 'secret', 0, 'b@x'], 'params[0][0][1]'],
    [[0, 'timestamp'], '[0].timestamp'],
    // A name its parent does not hold, and a parent that is not an object, have no position.
    [['params', 'nowhere'], 'params[-1]'],
    [['params', 'secret', 0, 'b@x', 'c', 'd'], 'params[0][0][1][0][-1]'],
  ])('%j -> %s', (path, expected) => {
    expect(logPath(root, path)).toBe(expected);
  });
});
